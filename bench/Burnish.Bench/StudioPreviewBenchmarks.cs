using BenchmarkDotNet.Attributes;
using Burnish.Imaging;
using Burnish.Recipes;
using Burnish.Stages.Grade;
using NetVips;

namespace Burnish.Bench;

/// <summary>
/// Where the studio's look preview spends its time (GET /v1/previews/{id}?look=NAME): the 1024² working copy in
/// linear BT.2020 is graded, converted to sRGB, quantised and JPEG-encoded, all in one libvips evaluation at the
/// encode. Each part is timed alone here (materialised in memory) and the whole as the server runs it, on the
/// fixture the bench script uses (a 1024² Flux generation from the team's testdata, or a test fixture).
/// </summary>
[MemoryDiagnoser]
public class StudioPreviewBenchmarks
{
    private WorkImage working = null!;
    private WorkImage graded = null!;
    private Image srgb = null!;
    private Image eight = null!;
    private GradeParams look = null!;

    [Params("warm-golden", "neutral")]
    public string Look { get; set; } = "warm-golden";

    [GlobalSetup]
    public void Setup()
    {
        var shared = "/work/shared/testdata/ai-generations/comfyui/flux__flux_schnell_example.png";
        var input = System.IO.File.Exists(shared) ? shared : Repository.File("tests/Burnish.Server.Tests/fixtures/comfyui-sdxl-turbo.png");
        working = LookPreview.Working(ImageLoader.Load(input, LoadLimits.Default).Image, 1024);
        look = SectionPresets.Load<GradeParams>(Look);
        graded = working.WithPixels(Grade.Apply(working, look).Image.Pixels.CopyMemory());
        srgb = LookPreview.ToSrgb(graded).CopyMemory();
        eight = ColourSpaces.Quantise8(srgb).CopyMemory();
    }

    [Benchmark(Baseline = true, Description = "whole preview: grade, sRGB, quantise, JPEG q85")]
    public int Whole() => ColourSpaces.Quantise8(LookPreview.Render(working, look)).JpegsaveBuffer(q: 85, keep: Enums.ForeignKeep.None).Length;

    [Benchmark(Description = "grade alone (to memory)")]
    public double GradeAlone() => Grade.Apply(working, look).Image.Pixels.CopyMemory().Width;

    [Benchmark(Description = "sRGB conversion alone (LittleCMS, to memory)")]
    public double SrgbAlone() => LookPreview.ToSrgb(graded).CopyMemory().Width;

    [Benchmark(Description = "quantise to 8 bits alone (to memory)")]
    public double QuantiseAlone() => ColourSpaces.Quantise8(srgb).CopyMemory().Width;

    [Benchmark(Description = "JPEG q85 encode alone")]
    public int JpegAlone() => eight.JpegsaveBuffer(q: 85, keep: Enums.ForeignKeep.None).Length;
}
