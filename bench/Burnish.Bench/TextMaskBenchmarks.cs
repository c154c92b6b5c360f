using BenchmarkDotNet.Attributes;
using Burnish.Imaging;
using Burnish.Models;
using Burnish.Stages.Repair.TextMask;
using NetVips;

namespace Burnish.Bench;

/// <summary>
/// The automatic text mask on a 1024² generation with three captions (the test fixture flux-girl-512.jpg doubled):
/// PP-OCRv4 detection at the default max_side 960 (a 960² map), and the whole mask with the watermark matcher,
/// rasterising and dilation. The model comes from the model cache ($BURNISH_MODELS or the default), fetched if needed.
/// </summary>
[MemoryDiagnoser]
public class TextMaskBenchmarks
{
    private TextDetector detector = null!;
    private WorkImage image = null!;

    [GlobalSetup]
    public void Setup()
    {
        detector = TextDetector.FromCache(new ModelCache(ModelCache.DefaultRoot()));
        var source = Image.NewFromFile(Repository.File("tests/Burnish.Core.Tests/fixtures/textmask/flux-girl-512.jpg"));
        var pixels = (source.Resize(2, kernel: Enums.Kernel.Lanczos3).Cast(Enums.BandFormat.Float) / 255.0).Copy(interpretation: Enums.Interpretation.Rgb);
        foreach (var (text, size, x, y) in new[] { ("Summer in the Fields", 60, 220, 48), ("@studio.harvest", 40, 640, 940), ("FREE", 88, 40, 660) })
        {
            var alpha = (Image.Text(text, font: $"DejaVu Sans Bold {size}", dpi: 72).Cast(Enums.BandFormat.Float) / 255.0).Embed(x, y, 1024, 1024);
            pixels = pixels * (1.0 - alpha) + alpha;
        }
        image = new WorkImage(pixels.Copy(interpretation: Enums.Interpretation.Rgb).CopyMemory(), ShippedProfiles.Srgb);
    }

    [GlobalCleanup]
    public void Cleanup() => detector.Dispose();

    [Benchmark(Description = "PP-OCRv4 text regions, 1024² (960² map)")]
    public int Detect() => detector.Detect(image, TextMaskParams.Default with { Watermarks = false }).Count;

    [Benchmark(Description = "text + watermark mask, 1024², dilate 3")]
    public double Mask() => detector.Mask(image, TextMaskParams.Default).Avg();
}
