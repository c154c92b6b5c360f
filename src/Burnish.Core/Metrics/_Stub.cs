// ============================================================================================================
// THROWAWAY STUB: NOT THE METRICS MODULE. The lead deletes this file at merge and uses the real
// src/Burnish.Core/Metrics (issue 6, first half), which has the same public API. The numbers below are crude
// stand-ins so that `burnish compare` can be built and tested before the real module lands; do not build on them.
// ============================================================================================================
using Burnish.Imaging;
using NetVips;

namespace Burnish.Metrics;

public sealed record MetricSet(double Sharpness, double Acutance, double Noise, double ShadowClip, double HighlightClip, double Halo,
    double? DeltaE00, double? Psnr, double? Ssim);

public static class ImageMetrics
{
    public static MetricSet Measure(WorkImage image, WorkImage? reference = null, CancellationToken cancel = default)
    {
        cancel.ThrowIfCancellationRequested();
        var srgb = ColourSpaces.Convert(image, ShippedProfiles.Srgb).Colour;
        var y = Luma(srgb);
        var laplacian = y.Conv(Image.NewFromArray(new double[,] { { 0, 1, 0 }, { 1, -4, 1 }, { 0, 1, 0 } }));
        var sharpness = Math.Pow(laplacian.Deviate() * 255, 2);
        var acutance = y.Sobel().Avg() * 255;
        var noise = (y - y.Gaussblur(1.0)).Abs().Avg() * 255;
        var shadow = (y <= 0.5 / 255).Avg() / 255 * 100;
        var highlight = (y >= 254.5 / 255).Avg() / 255 * 100;
        double? deltaE = null, psnr = null, ssim = null;
        if (reference is not null && reference.Width == image.Width && reference.Height == image.Height)
        {
            var a = ColourSpaces.ToLab(image with { Pixels = image.Colour });
            var b = ColourSpaces.ToLab(reference with { Pixels = reference.Colour });
            deltaE = a.DE00(b).Avg();
            var r = ColourSpaces.Convert(reference, ShippedProfiles.Srgb).Colour;
            var mse = Math.Max(1e-12, ((srgb - r) * (srgb - r)).Avg());
            psnr = 10 * Math.Log10(1 / mse);
            ssim = Math.Clamp(1 - mse * 10, 0, 1);
        }
        return new MetricSet(sharpness, acutance, noise, shadow, highlight, 0, deltaE, psnr, ssim);
    }

    public static bool HigherIsBetter(string metricName) => metricName is nameof(MetricSet.Sharpness) or nameof(MetricSet.Acutance)
        or nameof(MetricSet.Psnr) or nameof(MetricSet.Ssim);

    private static Image Luma(Image rgb) => rgb.Bands >= 3 ? rgb[0] * 0.2126 + rgb[1] * 0.7152 + rgb[2] * 0.0722 : rgb[0];
}
