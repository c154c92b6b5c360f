using Burnish.Metrics;

namespace Burnish.Core.Tests.Metrics;

public class SharpnessAndNoiseTests
{
    [Fact]
    public void A_one_pixel_checkerboard_has_the_laplacian_variance_of_its_contrast()
    {
        // L* 40 and 60 alternating: every interior Laplacian is ±4·20 = ±80, mean 0, so the variance is 6400.
        const int W = 40, H = 30;
        var l = new float[W * H];
        for (var i = 0; i < l.Length; i++) l[i] = (i % W + i / W) % 2 == 0 ? 40 : 60;
        var variance = ImageMetrics.LaplacianVariance(MetricTargets.FromLightness(l, W, H));
        // L* comes back from sRGB within ~1e-4 L*; libvips' deviate divides by n − 1 (+0.1 %).
        Assert.InRange(variance, 6400 * 0.998, 6400 * 1.003);
    }

    [Fact]
    public void Stronger_gaussian_blur_lowers_sharpness_and_acutance_step_by_step()
    {
        var face = MetricTargets.Face();
        var sigmas = new[] { 0.0, 0.5, 1.0, 2.0, 4.0 };
        var sharpness = sigmas.Select(s => ImageMetrics.LaplacianVariance(s == 0 ? face : MetricTargets.Blurred(face, s))).ToArray();
        var acutance = sigmas.Select(s => ImageMetrics.Acutance(s == 0 ? face : MetricTargets.Blurred(face, s))).ToArray();
        for (var i = 1; i < sigmas.Length; i++)
        {
            Assert.True(sharpness[i] < 0.8 * sharpness[i - 1], $"σ {sigmas[i]}: {sharpness[i]} vs {sharpness[i - 1]}");
            Assert.True(acutance[i] < acutance[i - 1], $"σ {sigmas[i]}: {acutance[i]} vs {acutance[i - 1]}");
        }
    }

    [Fact]
    public void A_hard_step_has_the_acutance_of_its_central_difference()
    {
        // 30 → 70 in one pixel: the two pixels beside the step are the edge pixels (3×3 range 40 ≥ 10) and both
        // have a central difference of 40/2 = 20 L* per pixel, the rest of the image is flat.
        const int W = 32, H = 16;
        var acutance = ImageMetrics.Acutance(MetricTargets.FromLightness(MetricTargets.Step(W, H, 30, 70, 0), W, H));
        Assert.InRange(acutance, 20 - 0.01, 20 + 0.01); // sRGB round trip of L*, ~1e-4
        var soft = ImageMetrics.Acutance(MetricTargets.FromLightness(MetricTargets.Step(W, H, 30, 70, 1.5), W, H));
        Assert.InRange(soft, 5, 15);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(5.0)]
    public void Added_noise_on_a_smooth_ramp_is_estimated_within_5_percent(double sigma)
    {
        // A gentle ramp has no second derivative, so Immerkær's operator sees only the noise; Sobel is uncorrelated
        // with it (odd against even taps), so leaving out the 10 % strongest gradients does not bias it. What is
        // left is sampling error: on 256² pixels the estimate's own spread is about 0.5 %; 5 % leaves room for it.
        const int W = 256, H = 256;
        var l = new float[W * H];
        for (var i = 0; i < l.Length; i++) l[i] = 30 + 40f * (i % W) / W;
        var noisy = MetricTargets.WithLightnessNoise(MetricTargets.FromLightness(l, W, H, 10, -5), sigma, seed: 3);
        Assert.InRange(ImageMetrics.NoiseSigma(noisy), 0.95 * sigma, 1.05 * sigma);
    }

    [Fact]
    public void Added_noise_on_a_real_generation_is_estimated_within_15_percent()
    {
        // A real picture has fine texture and edges below the 10 % cut that the operator also sees, so the estimate
        // is the noise plus what the picture itself contributes (measured on the clean crop, added in quadrature as an
        // independent source would be). 15 %: the texture is not independent of the edges, and the edge cut, chosen
        // on the noisy image, takes a different 10 % than on the clean one.
        var face = MetricTargets.Face();
        var own = ImageMetrics.NoiseSigma(face);
        Assert.InRange(own, 0.05, 2.0);
        foreach (var sigma in new[] { 3.0, 6.0 })
        {
            var expected = Math.Sqrt(sigma * sigma + own * own);
            Assert.InRange(ImageMetrics.NoiseSigma(MetricTargets.WithLightnessNoise(face, sigma, seed: 4)), 0.85 * expected, 1.15 * expected);
        }
    }

    [Fact]
    public void A_flat_image_has_no_noise_sharpness_or_edges()
    {
        var flat = MetricTargets.Flat(64, 64, 55, 5, 5);
        Assert.InRange(ImageMetrics.NoiseSigma(flat), 0, 1e-3);
        Assert.InRange(ImageMetrics.LaplacianVariance(flat), 0, 1e-6);
        Assert.Equal(0, ImageMetrics.Acutance(flat));
    }
}
