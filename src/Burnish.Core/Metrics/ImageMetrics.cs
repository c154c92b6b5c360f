using Burnish.Imaging;
using NetVips;

namespace Burnish.Metrics;

/// <summary>
/// Quality metrics for the stages, the sidecar and <c>burnish compare</c>: sharpness, acutance, noise, clipping,
/// halo, colour drift, PSNR and SSIM. Lightness-based figures use CIE L* (LittleCMS float Lab, D50, 0–100);
/// PSNR/SSIM use the encoded values, clamped to 0–1 as a file would hold them. Each function is public on its own;
/// <see cref="Measure"/> computes them all, sharing the L* plane.
/// </summary>
public static partial class ImageMetrics
{
    /// <summary>
    /// Every metric of <paramref name="image"/>. With a <paramref name="reference"/> of another size (the source of
    /// an upscale), the halo is measured against the reference upscaled with Lanczos in linear light, colour drift
    /// on both downsampled to one small size, and PSNR/SSIM are null. A reference whose aspect ratio differs by more
    /// than 2 % is not the same picture: <see cref="BurnishException"/>.
    /// </summary>
    public static MetricSet Measure(WorkImage image, WorkImage? reference = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var own = Lightness.Of(image);
        cancel.ThrowIfCancellationRequested();
        var sharpness = LaplacianVariance(own);
        var acutance = Acutance(own, cancel);
        var noise = NoiseSigma(own);
        var (shadow, highlight) = Clipping(image);
        cancel.ThrowIfCancellationRequested();
        if (reference is null)
            return new MetricSet(sharpness, acutance, noise, shadow, highlight, Halo(own, null, 1, cancel).Score, null, null, null);

        CheckAspect(image, reference);
        var sameSize = image.Width == reference.Width && image.Height == reference.Height;
        var halo = Halo(own, Lightness.Of(AtSizeOf(reference, image)), Scale(image, reference), cancel).Score;
        cancel.ThrowIfCancellationRequested();
        var drift = DeltaE2000Mean(image, reference);
        double? psnr = null, ssim = null;
        if (sameSize)
        {
            psnr = Psnr(image, reference);
            ssim = Ssim(image, reference);
        }
        return new MetricSet(sharpness, acutance, noise, shadow, highlight, halo, drift, psnr, ssim);
    }

    /// <summary>
    /// Whether a larger value of the metric is better, for "better" marks in reports: sharpness, acutance, PSNR and
    /// SSIM are; noise, clipping, halo and colour drift are not. Names as in <see cref="MetricSet.Names"/>, any case.
    /// </summary>
    public static bool HigherIsBetter(string metricName) => Canonical(metricName) switch
    {
        nameof(MetricSet.Sharpness) or nameof(MetricSet.Acutance) or nameof(MetricSet.Psnr) or nameof(MetricSet.Ssim) => true,
        _ => false,
    };

    internal static string Canonical(string metricName) =>
        MetricSet.Names.FirstOrDefault(n => string.Equals(n, metricName, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown metric '{metricName}'; known: {string.Join(", ", MetricSet.Names)}", nameof(metricName));

    /// <summary>
    /// <paramref name="image"/> resized to exactly <paramref name="width"/>×<paramref name="height"/> with Lanczos3 in
    /// linear light, alpha premultiplied, pixel centres aligned (<see cref="Resampling"/>): the classical upscale the
    /// cleanup stage and the halo score compare against. The image itself when it already has that size.
    /// </summary>
    public static WorkImage ClassicalResize(WorkImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width == width && image.Height == height) return image;
        var (xyz, alpha) = LinearImage.Of(image).ResizeLight(width, height);
        Image colour;
        if (image.IsGrey && image.Profile.IsGrey)
        {
            using var transform = LittleCms.Create(null, LittleCms.PixelFormat.XyzFloat, image.Profile, LittleCms.PixelFormat.GreyFloat);
            colour = transform.Apply(xyz).Copy(interpretation: Enums.Interpretation.Bw);
        }
        else
        {
            colour = ColourSpaces.FromLinear(xyz, image.Profile);
            if (image.IsGrey) colour = colour[1].Copy(interpretation: Enums.Interpretation.Bw); // untagged grey is sRGB grey: R = G = B
        }
        return new WorkImage(ColourSpaces.WithAlpha(colour, alpha), image.Profile);
    }

    private static WorkImage AtSizeOf(WorkImage reference, WorkImage image) => ClassicalResize(reference, image.Width, image.Height);

    /// <summary>How many of the image's pixels span one reference pixel (the upscale factor).</summary>
    private static double Scale(WorkImage image, WorkImage reference) =>
        Math.Max((double)image.Width / reference.Width, (double)image.Height / reference.Height);

    /// <summary>Two images compared pixel for pixel after a resize must show the same picture: aspect ratios within 2 %.</summary>
    internal static void CheckAspect(WorkImage image, WorkImage reference)
    {
        var ratio = (double)image.Width / image.Height / ((double)reference.Width / reference.Height);
        if (Math.Abs(ratio - 1) > 0.02)
            throw new BurnishException(
                $"the reference is {reference.Width}×{reference.Height} but the image is {image.Width}×{image.Height}: their aspect ratios differ, so they do not show the same picture");
    }

    private static void CheckSameSize(WorkImage image, WorkImage truth)
    {
        if (image.Width != truth.Width || image.Height != truth.Height)
            throw new BurnishException($"the ground truth is {truth.Width}×{truth.Height} but the image is {image.Width}×{image.Height}: PSNR and SSIM need the same size");
    }
}

/// <summary>The L* plane of an image (LittleCMS float Lab, D50, 0–100), row-major, with its alpha when it has one.</summary>
internal sealed record Lightness(float[] Plane, float[]? Alpha, int Width, int Height)
{
    public static Lightness Of(WorkImage image) => new(
        ColourSpaces.ToLab(image)[0].WriteToMemory<float>(),
        image.Alpha?.Cast(Enums.BandFormat.Float).WriteToMemory<float>(),
        image.Width, image.Height);

    public Image AsImage() => Image.NewFromMemoryCopy<float>(Plane, Width, Height, 1, Enums.BandFormat.Float);
}
