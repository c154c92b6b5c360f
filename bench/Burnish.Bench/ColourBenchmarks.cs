using BenchmarkDotNet.Attributes;
using Burnish.Imaging;
using Burnish.Stages.Export;
using NetVips;

namespace Burnish.Bench;

/// <summary>
/// Export kernels on a 2048² 16-bit-precision image: our LittleCMS float conversion against libvips' own
/// icc_transform (the faster, less accurate path we chose not to use), and the linear-light resize.
/// </summary>
[MemoryDiagnoser]
public class ColourBenchmarks
{
    private WorkImage image = null!;
    private Image ushortImage = null!;

    [GlobalSetup]
    public void Setup()
    {
        Cache.Max = 0;
        // A smooth, saturated test card: every conversion does real work on every pixel.
        var x = Image.Xyz(2048, 2048);
        var card = (x[0] / 2048.0).Bandjoin(x[1] / 2048.0, (x[0] + x[1]) / 4096.0).Cast(Enums.BandFormat.Float).CopyMemory();
        image = new WorkImage(card, ShippedProfiles.Srgb);
        ushortImage = ColourSpaces.Quantise16(card).Copy(interpretation: Enums.Interpretation.Rgb16).CopyMemory();
    }

    [Benchmark(Baseline = true, Description = "libvips icc_transform sRGB→P3, 16-bit")]
    public double VipsIccTransform() => ushortImage.IccTransform("p3", inputProfile: "srgb", depth: 16).Avg();

    [Benchmark(Description = "Burnish LittleCMS float sRGB→P3")]
    public double LittleCmsConvert() => ColourSpaces.Convert(image, ShippedProfiles.DisplayP3).Pixels.Avg();

    [Benchmark(Description = "Burnish linear-light Lanczos3 2048²→1080²")]
    public double LinearResize() => LinearImage.Of(image).Resize(1080, 1080).Pixels.Avg();
}

/// <summary>
/// Making a float transform between two matrix/TRC profiles: with the profiles read afresh (the tone curves sampled
/// into 16 385-entry tables, as every transform did before the profiles kept them) and with the curves shared.
/// </summary>
[MemoryDiagnoser]
public class TransformSetupBenchmarks
{
    [Benchmark(Baseline = true, Description = "sRGB→linear Rec.2020, profiles read afresh")]
    public void ReadAfresh()
    {
        // Copies of the bytes are new profiles to the memo, as an image's own embedded profile is.
        using var transform = LittleCms.Create(ShippedProfiles.Srgb with { Icc = (byte[])ShippedProfiles.Srgb.Icc.Clone() }, LittleCms.PixelFormat.RgbFloat,
            ShippedProfiles.LinearRec2020 with { Icc = (byte[])ShippedProfiles.LinearRec2020.Icc.Clone() }, LittleCms.PixelFormat.RgbFloat);
    }

    [Benchmark(Description = "sRGB→linear Rec.2020, curves shared")]
    public void Shared()
    {
        using var transform = LittleCms.Create(ShippedProfiles.Srgb, LittleCms.PixelFormat.RgbFloat, ShippedProfiles.LinearRec2020, LittleCms.PixelFormat.RgbFloat);
    }
}
