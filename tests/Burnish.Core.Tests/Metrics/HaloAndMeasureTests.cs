using Burnish.Imaging;
using Burnish.Metrics;

namespace Burnish.Core.Tests.Metrics;

public class HaloAndMeasureTests
{
    private const int W = 64, H = 24;

    [Fact]
    public void An_over_sharpened_edge_scores_a_halo_and_a_clean_one_does_not()
    {
        var clean = MetricTargets.Step(W, H, 30, 70, 1.0);
        var sharpened = MetricTargets.OverSharpened(clean, W, H, sigma: 1.5, amount: 1.5);
        var cleanImage = MetricTargets.FromLightness(clean, W, H);
        var sharpImage = MetricTargets.FromLightness(sharpened, W, H);

        // Without a reference: a monotone edge passes the open-close unchanged (score 0 but for the sRGB round trip),
        // while the unsharp mask's bright and dark bands, ~3 px wide, are flattened and so measured.
        Assert.InRange(ImageMetrics.HaloScore(cleanImage), 0, 0.01);
        var selfScore = ImageMetrics.HaloScore(sharpImage);
        Assert.InRange(selfScore, 5, 100);

        // Against the clean edge as reference: the same picture, measured directly.
        Assert.InRange(ImageMetrics.HaloScore(cleanImage, cleanImage), 0, 0.01);
        Assert.InRange(ImageMetrics.HaloScore(sharpImage, cleanImage), 5, 100);

        // A milder mask scores lower than a stronger one.
        var mild = MetricTargets.FromLightness(MetricTargets.OverSharpened(clean, W, H, 1.5, 0.5), W, H);
        Assert.InRange(ImageMetrics.HaloScore(mild), 0.1, selfScore * 0.6);
    }

    [Fact]
    public void Against_a_smaller_reference_the_halo_is_what_the_upscale_added_beyond_Lanczos()
    {
        var source = MetricTargets.FromLightness(MetricTargets.Step(W, H, 25, 75, 0.8), W, H);
        var lanczos = ImageMetrics.ClassicalResize(source, 2 * W, 2 * H);
        var l = ColourSpaces.ToLab(lanczos)[0].WriteToMemory<float>();
        var haloed = MetricTargets.FromLightness(MetricTargets.OverSharpened(l, 2 * W, 2 * H, 2.0, 1.5), 2 * W, 2 * H);
        Assert.InRange(ImageMetrics.HaloScore(lanczos, source), 0, 0.01); // the reference, upscaled the same way, is itself
        Assert.InRange(ImageMetrics.HaloScore(haloed, source), 5, 100);
        // 1.5 source pixels either side, in output pixels, at least 2.
        Assert.Equal([2, 3, 6], new[] { 1.0, 2.0, 4.0 }.Select(ImageMetrics.HaloWindow));
    }

    [Fact]
    public void Measure_agrees_with_the_single_functions_and_fills_reference_figures_only_with_a_reference()
    {
        var face = MetricTargets.Face();
        var degraded = MetricTargets.FaceDegraded();

        var alone = ImageMetrics.Measure(degraded);
        Assert.Equal(ImageMetrics.LaplacianVariance(degraded), alone.Sharpness, 9);
        Assert.Equal(ImageMetrics.Acutance(degraded), alone.Acutance, 9);
        Assert.Equal(ImageMetrics.NoiseSigma(degraded), alone.Noise, 9);
        Assert.Equal(ImageMetrics.Clipping(degraded).ShadowPercent, alone.ShadowClip, 9);
        Assert.Equal(ImageMetrics.HaloScore(degraded), alone.Halo, 9);
        Assert.Null(alone.DeltaE00);
        Assert.Null(alone.Psnr);
        Assert.Null(alone.Ssim);

        var against = ImageMetrics.Measure(degraded, face);
        Assert.Equal(ImageMetrics.HaloScore(degraded, face), against.Halo, 9);
        Assert.Equal(ImageMetrics.DeltaE2000Mean(degraded, face), against.DeltaE00!.Value, 9);
        Assert.Equal(ImageMetrics.Psnr(degraded, face), against.Psnr!.Value, 9);
        Assert.Equal(ImageMetrics.Ssim(degraded, face), against.Ssim!.Value, 9);

        // A reference of another size (the source of an upscale): drift and halo yes, PSNR/SSIM no.
        var upscaled = ImageMetrics.ClassicalResize(face, 384, 384);
        var bySource = ImageMetrics.Measure(upscaled, face);
        Assert.NotNull(bySource.DeltaE00);
        // The same picture, Lanczos up ×2 then down ×3 against down ×1.5: resampling differences at the hard edges
        // only, well under one just-noticeable difference (ΔE00 ≈ 1).
        Assert.InRange(bySource.DeltaE00!.Value, 0, 1.0);
        Assert.Null(bySource.Psnr);
        Assert.Null(bySource.Ssim);
        Assert.Equal(alone.Sharpness, alone["sharpness"]);
        Assert.Equal(against.Ssim, against[nameof(MetricSet.Ssim)]);
    }

    [Fact]
    public void Each_metric_says_which_way_is_better()
    {
        Assert.True(ImageMetrics.HigherIsBetter("Sharpness"));
        Assert.True(ImageMetrics.HigherIsBetter("acutance"));
        Assert.True(ImageMetrics.HigherIsBetter("Psnr"));
        Assert.True(ImageMetrics.HigherIsBetter("SSIM"));
        foreach (var worse in new[] { "Noise", "ShadowClip", "HighlightClip", "Halo", "DeltaE00" })
            Assert.False(ImageMetrics.HigherIsBetter(worse));
        Assert.Equal(9, MetricSet.Names.Count);
        Assert.Contains("unknown metric 'blur'", Assert.Throws<ArgumentException>(() => ImageMetrics.HigherIsBetter("blur")).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_vector_min_max_filter_matches_a_plain_one(int radius)
    {
        const int w = 37, h = 13;
        var random = new Random(5);
        var plane = Enumerable.Range(0, w * h).Select(_ => (float)random.NextDouble() * 100).ToArray();
        foreach (var max in new[] { false, true })
        {
            var fast = MinMaxFilter.Apply(plane, w, h, radius, max);
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    var expected = max ? float.MinValue : float.MaxValue;
                    for (var dy = -radius; dy <= radius; dy++)
                        for (var dx = -radius; dx <= radius; dx++)
                        {
                            var v = plane[Math.Clamp(y + dy, 0, h - 1) * w + Math.Clamp(x + dx, 0, w - 1)];
                            expected = max ? Math.Max(expected, v) : Math.Min(expected, v);
                        }
                    Assert.Equal(expected, fast[y * w + x]);
                }
        }
    }
}
