using BenchmarkDotNet.Attributes;
using Burnish.Imaging;
using Burnish.Metrics;
using Burnish.Stages.Cleanup;
using NetVips;

namespace Burnish.Bench;

/// <summary>
/// A 4096² stand-in for what the cleanup stage meets after an upscale: a 2048² test card (gradients, hard-edged
/// blocks, grain), enlarged ×2 with Lanczos, then given an unsharp mask on L* (halos) and a colour cast.
/// </summary>
internal sealed class CleanupCase
{
    public const int Size = 4096;

    public CleanupCase()
    {
        Cache.Max = 0;
        var xy = Image.Xyz(Size / 2, Size / 2);
        var blocks = ((xy[0] / 128).Cast(Enums.BandFormat.Int) + (xy[1] / 128).Cast(Enums.BandFormat.Int)) % 2 * 0.3;
        var grain = Image.Gaussnoise(Size / 2, Size / 2, mean: 0, sigma: 0.01, seed: 7);
        var card = (xy[0] / (double)Size + blocks + grain).Bandjoin(xy[1] / (double)Size + blocks, (xy[0] + xy[1]) / (2.0 * Size) * 0.5 + grain + 0.2)
            .Cast(Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Rgb).CopyMemory();
        Source = new WorkImage(card, ShippedProfiles.Srgb);
        var lab = ColourSpaces.ToLab(ImageMetrics.ClassicalResize(Source, Size, Size));
        var l = lab[0];
        var sharpened = (l + (l - l.Gaussblur(1.5, minAmpl: 0.01, precision: Enums.Precision.Float)) * 1.5).Cast(Enums.BandFormat.Float);
        var shifted = sharpened.Bandjoin(lab[1] + 4.0, lab[2] - 3.0).Cast(Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Lab);
        StandIn = new WorkImage(ColourSpaces.FromLab(shifted, ShippedProfiles.Srgb).CopyMemory(), ShippedProfiles.Srgb);
        Reference = l.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
        Lightness = sharpened.WriteToMemory<float>();
        A = lab[1].WriteToMemory<float>();
        B = lab[2].WriteToMemory<float>();
    }

    public WorkImage Source { get; }
    public WorkImage StandIn { get; }
    /// <summary>L* of the classical upscale.</summary>
    public float[] Reference { get; }
    /// <summary>L*, a*, b* of the stand-in (a* and b* before the cast).</summary>
    public float[] Lightness { get; }
    public float[] A { get; }
    public float[] B { get; }
}

/// <summary>
/// The guided filter of the soften control on three 4096² planes under the L* guide (a soften region covering the
/// whole image), and its box mean alone against a libvips separable box convolution of the same plane, at two radii.
/// libvips has no guided filter; OpenCV's ximgproc one is not a dependency.
/// </summary>
[MemoryDiagnoser]
public class GuidedFilterBenchmarks
{
    private const int Size = CleanupCase.Size;
    private CleanupCase input = null!;
    private float[][] outputs = null!;
    private Image plane = null!, boxMask = null!;

    [Params(4, 16)]
    public int Radius { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        input = new CleanupCase();
        outputs = [new float[input.Lightness.Length], new float[input.Lightness.Length], new float[input.Lightness.Length]];
        plane = Image.NewFromMemoryCopy<float>(input.Lightness, Size, Size, 1, Enums.BandFormat.Float);
        boxMask = Image.NewFromArray(Enumerable.Repeat(1.0 / (2 * Radius + 1), 2 * Radius + 1).ToArray());
    }

    [Benchmark(Baseline = true, Description = "libvips box mean (convsep, float), one plane")]
    public double VipsBox() => plane.Convsep(boxMask, precision: Enums.Precision.Float).Avg();

    [Benchmark(Description = "Burnish box mean (running sums in double), one plane")]
    public float Box() => new GuidedFilter.BoxMean(Size, Size, Radius).Of(input.Lightness)[Size * Size / 2];

    [Benchmark(Description = "guided filter, L* a* b* under L*")]
    public float Guided()
    {
        GuidedFilter.Apply(input.Lightness, [input.Lightness, input.A, input.B], outputs, Size, Size, Radius, 25);
        return outputs[0][Size * Size / 2];
    }
}

/// <summary>
/// The halo clamp on a 4096² L* plane at the ×2 window (3), Vector256 against its scalar reference, and the whole
/// cleanup stage at its defaults on the 2048² → 4096² stand-in (LittleCMS Lab both ways, centred Lanczos baseline,
/// detail pyramid, colour match, clamp, and the before/after measurements of its report).
/// </summary>
[MemoryDiagnoser]
public class CleanupBenchmarks
{
    private const int Size = CleanupCase.Size;
    private CleanupCase input = null!;
    private float[] result = null!;

    [GlobalSetup]
    public void Setup()
    {
        input = new CleanupCase();
        result = new float[input.Lightness.Length];
    }

    [Benchmark(Baseline = true, Description = "halo clamp, scalar reference, window 3")]
    public float ClampScalar()
    {
        HaloClamp.ApplyScalar(input.Lightness, input.Reference, result, Size, Size, 3, 0.5);
        return result[Size * Size / 2];
    }

    [Benchmark(Description = "halo clamp, Vector256, window 3")]
    public float Clamp()
    {
        HaloClamp.Apply(input.Lightness, input.Reference, result, Size, Size, 3, 0.5);
        return result[Size * Size / 2];
    }

    [Benchmark(Description = "cleanup stage at defaults, 2048² → 4096²")]
    public double Stage() => Cleanup.Apply(input.StandIn, input.Source, CleanupParams.Default).Report.Measurements["halo_after"];
}
