using Burnish.Metrics;

namespace Burnish.Core.Tests.Metrics;

public class ColourDriftTests
{
    [Fact]
    public void CIEDE2000_matches_all_34_of_Sharmas_published_pairs_both_ways_round()
    {
        var pairs = Fixtures.Csv(Path.Combine("metrics", "ciede2000-sharma.csv"));
        Assert.Equal(34, pairs.Count);
        foreach (var p in pairs)
        {
            // The table is printed to 4 decimals, so 1e-4 (half a unit of the last place, plus the rounding) is as close as it can check.
            Assert.InRange(ImageMetrics.DeltaE2000(p[0], p[1], p[2], p[3], p[4], p[5]), p[6] - 1e-4, p[6] + 1e-4);
            Assert.InRange(ImageMetrics.DeltaE2000(p[3], p[4], p[5], p[0], p[1], p[2]), p[6] - 1e-4, p[6] + 1e-4);
        }
        Assert.Equal(0, ImageMetrics.DeltaE2000(50, 10, -20, 50, 10, -20));
    }

    [Fact]
    public void An_image_against_itself_has_no_drift()
    {
        var face = MetricTargets.Face();
        Assert.Equal(0, ImageMetrics.DeltaE2000Mean(face, face));
    }

    [Theory]
    [InlineData(60, 10, 10, 60, 14, 7)]
    [InlineData(35, -20, 30, 37, -18, 30)]
    public void A_flat_colour_shift_measures_the_formulas_value_whatever_the_sizes(double l1, double a1, double b1, double l2, double a2, double b2)
    {
        var image = MetricTargets.Flat(200, 100, l1, a1, b1);
        var expected = ImageMetrics.DeltaE2000(l1, a1, b1, l2, a2, b2);
        // Lab → sRGB → Lab in float through LittleCMS moves each value by ~1e-4; resizing a flat field changes nothing.
        Assert.InRange(ImageMetrics.DeltaE2000Mean(image, MetricTargets.Flat(200, 100, l2, a2, b2)), expected - 2e-3, expected + 2e-3);
        Assert.InRange(ImageMetrics.DeltaE2000Mean(image, MetricTargets.Flat(50, 25, l2, a2, b2)), expected - 2e-3, expected + 2e-3);
    }

    [Fact]
    public void Fine_noise_averages_out_but_a_colour_cast_does_not()
    {
        // At 768 px each cell of the 128-px comparison averages 6×6 pixels, so noise of σ 3 L* per pixel is left at
        // σ ≈ 0.5 (mean |ΔL| ≈ 0.4 ΔE00), while a* + 4 everywhere costs 3–4 ΔE00 on skin tones.
        var face = ImageMetrics.ClassicalResize(MetricTargets.Face(), 768, 768);
        var noisy = MetricTargets.WithLightnessNoise(face, 3, seed: 2);
        var cast = MetricTargets.FromLab(Burnish.Imaging.ColourSpaces.ToLab(face) + new[] { 0.0, 4.0, 0.0 });
        Assert.InRange(ImageMetrics.DeltaE2000Mean(noisy, face), 0.1, 0.8);
        Assert.InRange(ImageMetrics.DeltaE2000Mean(cast, face), 2.5, 5);
    }

    [Fact]
    public void Pictures_of_different_shapes_are_refused()
    {
        var e = Assert.Throws<BurnishException>(() => ImageMetrics.DeltaE2000Mean(MetricTargets.Flat(100, 100, 50, 0, 0), MetricTargets.Flat(100, 60, 50, 0, 0)));
        Assert.Contains("aspect ratios differ", e.Message);
    }
}
