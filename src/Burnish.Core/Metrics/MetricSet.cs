namespace Burnish.Metrics;

/// <summary>
/// Quality figures for one image. All figures are on the image's own pixels; the reference-dependent ones are null
/// when no reference was given (and <see cref="Psnr"/>/<see cref="Ssim"/> also when the sizes differ).
/// How each is computed: <see cref="ImageMetrics"/>.
/// </summary>
/// <param name="Sharpness">Variance of the Laplacian of L* (L* on its 0–100 scale).</param>
/// <param name="Acutance">Edge acutance: RMS gradient of L* over edge pixels, L* per pixel (0 when there is no edge).</param>
/// <param name="Noise">Estimated noise sigma in L* units (Immerkær's fast method, strongest 10 % of edges left out).</param>
/// <param name="ShadowClip">% of opaque pixels with any channel at ≤ 0.5/255.</param>
/// <param name="HighlightClip">% of opaque pixels with any channel at ≥ 254.5/255.</param>
/// <param name="Halo">Overshoot score (%) around strong edges; relative to the reference when given.</param>
/// <param name="DeltaE00">Mean CIEDE2000 against the reference after both are downsampled to the same small size (colour drift).</param>
/// <param name="Psnr">PSNR in dB against the reference as ground truth, RGB; +∞ when identical.</param>
/// <param name="Ssim">SSIM against the reference as ground truth (BT.601 Y, Gaussian window 11/1.5, Wang et al. 2004).</param>
public sealed record MetricSet(
    double Sharpness,
    double Acutance,
    double Noise,
    double ShadowClip,
    double HighlightClip,
    double Halo,
    double? DeltaE00,
    double? Psnr,
    double? Ssim)
{
    /// <summary>The metric names, in the order of the record, as <see cref="ImageMetrics.HigherIsBetter"/> takes them.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [nameof(Sharpness), nameof(Acutance), nameof(Noise), nameof(ShadowClip), nameof(HighlightClip), nameof(Halo), nameof(DeltaE00), nameof(Psnr), nameof(Ssim)];

    /// <summary>The value of the metric called <paramref name="name"/> (as in <see cref="Names"/>, any case).</summary>
    public double? this[string name] => ImageMetrics.Canonical(name) switch
    {
        nameof(Sharpness) => Sharpness,
        nameof(Acutance) => Acutance,
        nameof(Noise) => Noise,
        nameof(ShadowClip) => ShadowClip,
        nameof(HighlightClip) => HighlightClip,
        nameof(Halo) => Halo,
        nameof(DeltaE00) => DeltaE00,
        nameof(Psnr) => Psnr,
        _ => Ssim,
    };
}
