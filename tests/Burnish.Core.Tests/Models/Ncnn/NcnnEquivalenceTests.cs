using Burnish.Models.Ncnn;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Models.Ncnn;

/// <summary>
/// Every ncnn family, imported to ONNX and run by ONNX Runtime, reproduces ncnn's own run of the same weights on real
/// 128 px generation crops (fixtures/ncnn, cut from ComfyUI examples; see fixtures/ncnn/SOURCES.md). Goldens, made by
/// tools/ncnn-reference/regenerate.sh: the Real-ESRGAN graphs through ncnn built from source for the CPU with fp16 and
/// bf16 off (ncnn_run, fp32); Real-CUGAN through realcugan-ncnn-vulkan -g -1 (ncnn's x86 path, fp32), whose 400 px
/// tile holds the whole crop. Each golden is the 64×64 window at the centre of the output, 16-bit: at least 48 input
/// pixels from every border, more than Real-CUGAN's framing pad (≤ 19 px). Both engines run the whole crop with the
/// same zero padding inside the graph, so borders would agree too; the window only keeps the fixtures small.
/// </summary>
public class NcnnEquivalenceTests(ITestOutputHelper output)
{
    /// <summary>
    /// The bar, on a 0–255 scale: mean |ORT − ncnn| ≤ 0.5 and 99.9th percentile ≤ 3. The two engines sum the
    /// same float32 products in different orders (ORT's MLAS against ncnn's packed x86 kernels), which moves the raw
    /// output by ~1e-3 levels per layer and grows along RRDBNet's 351 convolutions; Real-CUGAN's golden is 8-bit, which
    /// adds up to 0.5 level of its own rounding.
    /// </summary>
    private const double MeanBar = 0.5;

    private const double P999Bar = 3.0;

    public static TheoryData<string, int, string, string> Cases() => new()
    {
        { "realesrgan-x4plus", 4, "girl_face_128", "realesrgan-x4plus" },
        { "realesr-general-x4v3", 4, "girl_face_128", "realesr-general-x4v3" },
        { "realesrgan-x4plus-anime", 4, "anime_face_128", "realesrgan-x4plus-anime" },
        { "realesr-animevideov3", 2, "anime_face_128", "realesr-animevideov3-x2" },
        { "realesr-animevideov3", 3, "anime_face_128", "realesr-animevideov3-x3" },
        { "realesr-animevideov3", 4, "anime_face_128", "realesr-animevideov3-x4" },
        { "realcugan", 2, "anime_face_128", "realcugan-x2-conservative" },
        { "realcugan-none", 3, "anime_face_128", "realcugan-x3-none" },
        { "realcugan-denoise3", 4, "anime_face_128", "realcugan-x4-denoise3" },
        { "realcugan-denoise1", 2, "girl_face_128", "realcugan-x2-denoise1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImportedModelMatchesNcnn(string name, int scale, string crop, string golden)
    {
        var model = new NcnnModelCache(TestModels.Root).Get(name, scale);
        var input = ModelRunner.Load8(Fixtures.PathOf("ncnn", $"{crop}.png"));
        var result = ModelRunner.Upscale(model.OnnxPath, input, model.InputRange);
        Assert.Equal((input.Width * scale, input.Height * scale), (result.Width, result.Height));

        var expected = ModelRunner.Load255(Fixtures.PathOf("ncnn", $"{golden}_{crop}.png"));
        var at = (result.Width - expected.Width) / 2;
        var diffs = new double[expected.Samples.Length];
        for (var y = 0; y < expected.Height; y++)
            for (var x = 0; x < expected.Width; x++)
                for (var c = 0; c < 3; c++)
                    diffs[(y * expected.Width + x) * 3 + c] = Math.Abs(result.At(at + x, at + y, c) - expected.At(x, y, c));
        Array.Sort(diffs);
        var mean = diffs.Average();
        var p999 = diffs[(int)Math.Ceiling(0.999 * diffs.Length) - 1];
        var max = diffs[^1];
        output.WriteLine($"{name} ×{scale} on {crop}: |ORT − ncnn| mean {mean:0.0000}, p99.9 {p999:0.0000}, max {max:0.0000} levels of 255");
        Assert.InRange(mean, 0, MeanBar);
        Assert.InRange(p999, 0, P999Bar);
    }
}
