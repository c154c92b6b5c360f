using Burnish.Imaging;
using Burnish.Metrics;
using NetVips;

namespace Burnish.Core.Tests.Metrics;

public class ClippingAndFidelityTests
{
    private static WorkImage Rgb(float[] samples, int width, int height, int bands = 3) =>
        new(Image.NewFromMemoryCopy<float>(samples, width, height, bands, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Rgb), ShippedProfiles.Srgb);

    [Fact]
    public void Clipping_counts_pixels_with_any_channel_at_the_8_bit_ends()
    {
        // 10×10 mid grey, then: 7 pixels with one channel at 0, 2 at exactly 0.5/255 (counted), 1 at 0.6/255 (not),
        // 3 with one channel at 1, 1 at exactly 254.5/255 (counted), 1 at 254.4/255 (not), and 1 pixel with both.
        var s = Enumerable.Repeat(0.5f, 300).ToArray();
        for (var p = 0; p < 7; p++) s[p * 3 + p % 3] = 0;
        s[7 * 3] = 0.5f / 255;
        s[8 * 3 + 1] = 0.5f / 255;
        s[9 * 3 + 2] = 0.6f / 255;
        for (var p = 10; p < 13; p++) s[p * 3 + p % 3] = 1;
        s[13 * 3] = 254.5f / 255;
        s[14 * 3 + 2] = 254.4f / 255;
        s[15 * 3] = 0;
        s[15 * 3 + 1] = 1;
        var (shadow, highlight) = ImageMetrics.Clipping(Rgb(s, 10, 10));
        Assert.Equal(10, shadow, 6); // (7 + 2 + 1) of 100
        Assert.Equal(5, highlight, 6); // (3 + 1 + 1) of 100
    }

    [Fact]
    public void Clipping_counts_only_opaque_pixels()
    {
        // 4 pixels RGBA: black opaque, black transparent, white half-transparent, grey opaque.
        float[] s = [0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0.5f, 0.5f, 0.5f, 0.5f, 1];
        var (shadow, highlight) = ImageMetrics.Clipping(Rgb(s, 4, 1, 4));
        Assert.Equal(100.0 / 3, shadow, 6);
        Assert.Equal(100.0 / 3, highlight, 6);
    }

    [Fact]
    public void PSNR_of_a_known_error_is_its_formula()
    {
        // Every sample off by ±0.05 (alternating): MSE 0.0025, PSNR = 10·log10(1/0.0025) = 26.0206 dB.
        var truth = Enumerable.Range(0, 48 * 3).Select(i => 0.2f + 0.5f * (i % 7) / 7).ToArray();
        var test = truth.Select((v, i) => v + (i % 2 == 0 ? 0.05f : -0.05f)).ToArray();
        Assert.Equal(10 * Math.Log10(1 / 0.0025), ImageMetrics.Psnr(Rgb(test, 8, 6), Rgb(truth, 8, 6)), 4); // float samples: ±1e-8 on 0.05
        Assert.Equal(double.PositiveInfinity, ImageMetrics.Psnr(Rgb(truth, 8, 6), Rgb(truth, 8, 6)));

        // Grey R = G = B moved by δ moves Y by 219·δ: PSNR-Y = 20·log10(255 / (219·δ)).
        const float Delta = 0.02f;
        var grey = Enumerable.Repeat(0.4f, 16 * 16 * 3).ToArray();
        var lifted = grey.Select(v => v + Delta).ToArray();
        Assert.Equal(20 * Math.Log10(255 / (219 * (double)Delta)), ImageMetrics.PsnrY(Rgb(lifted, 16, 16), Rgb(grey, 16, 16), border: 2), 3);
    }

    [Fact]
    public void PSNR_and_SSIM_on_Y_match_scikit_image_with_and_without_a_border_crop()
    {
        var truth = MetricTargets.Face();
        var degraded = MetricTargets.FaceDegraded();
        foreach (var row in Fixtures.Csv(Path.Combine("metrics", "fidelity-skimage.csv")))
        {
            var border = (int)row[0];
            // Both sides compute on the same 8-bit values; ours in libvips double from float samples, skimage in float64:
            // agreement to 1e-4 dB and 1e-5 of SSIM (the goldens are printed to 1e-6 and 1e-8).
            Assert.Equal(row[1], ImageMetrics.PsnrY(degraded, truth, border), 1e-4);
            Assert.Equal(row[2], ImageMetrics.SsimY(degraded, truth, border), 1e-5);
            Assert.Equal(row[3], ImageMetrics.Psnr(degraded, truth), 1e-4);
        }
        Assert.Equal(ImageMetrics.SsimY(degraded, truth), ImageMetrics.Ssim(degraded, truth), 1e-12); // libvips sums in threads: the last bits vary
    }

    [Fact]
    public void SSIM_of_an_image_with_itself_is_one_and_falls_with_degradation()
    {
        var face = MetricTargets.Face();
        Assert.Equal(1.0, ImageMetrics.Ssim(face, face), 12);
        var slightly = ImageMetrics.Ssim(MetricTargets.Blurred(face, 0.7), face);
        var strongly = ImageMetrics.Ssim(MetricTargets.Blurred(face, 2.0), face);
        Assert.True(slightly < 1 && strongly < slightly, $"{slightly} {strongly}");
    }

    [Fact]
    public void Fidelity_needs_the_same_size_and_a_border_that_leaves_something()
    {
        var face = MetricTargets.Face();
        var half = MetricTargets.Flat(96, 96, 50, 0, 0);
        Assert.Contains("need the same size", Assert.Throws<BurnishException>(() => ImageMetrics.Psnr(half, face)).Message);
        Assert.Contains("need the same size", Assert.Throws<BurnishException>(() => ImageMetrics.SsimY(half, face)).Message);
        Assert.Contains("leaves nothing", Assert.Throws<BurnishException>(() => ImageMetrics.PsnrY(face, face, border: 96)).Message);
    }
}
