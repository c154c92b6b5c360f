namespace Burnish.Stages.Sharpen;

/// <summary>
/// The unsharp mask's radius (the gaussian sigma, in output pixels) for a destination. Worked numbers for every
/// preset are in docs/sharpening.md.
/// <list type="bullet">
/// <item><b>Screen</b>: σ = 0.5 · √(E / 1080), clamped to 0.5–1.0, where E is the copy's long edge in pixels. A copy
/// shown at its own size (1 image pixel = 1 display pixel, the phone case at 1080 px) wants the finest mask,
/// σ 0.5; a larger copy is usually shown scaled down to a ~1080–1440 px viewport, so its mask widens, gently
/// (square root) because it is not always scaled down.</item>
/// <item><b>Print</b>: σ = d · tan(1′) · ppi / 25.4, where d is the viewing distance in mm: the finest detail a
/// viewer with 20/20 acuity resolves (one arc-minute, d·tan 1′ on paper) expressed in printed pixels. The default d
/// is the printed image's diagonal, and at least 25 cm (the near point), the usual rule for how far a print is held.</item>
/// </list>
/// </summary>
public static class SharpenRadius
{
    /// <summary>The long edge at which a screen copy gets the base sigma: a 1080-px phone-class display.</summary>
    public const double ScreenReferenceEdge = 1080;

    /// <summary>Screen sigma at the reference edge and below.</summary>
    public const double ScreenBaseSigma = 0.5;

    /// <summary>The widest screen sigma (reached at a long edge of 4320 px).</summary>
    public const double ScreenMaxSigma = 1.0;

    /// <summary>The closest a print is looked at: the near point of a typical adult eye.</summary>
    public const double MinViewingDistanceCm = 25;

    /// <summary>The smallest and largest sigma the stage uses, whatever the formula gives (the <c>radius</c> key's range).</summary>
    public const double MinSigma = 0.3, MaxSigma = 10;

    /// <summary>tan(1 arc-minute): the visual acuity of a 20/20 eye.</summary>
    public static readonly double OneArcMinute = Math.Tan(Math.PI / (180 * 60));

    /// <summary>The sigma for <paramref name="target"/>: <see cref="SharpenParams.Radius"/> when given, else the screen or print formula.</summary>
    public static double For(SharpenTarget target, SharpenParams p)
    {
        if (p.Radius is { } radius) return Math.Clamp(radius, MinSigma, MaxSigma);
        return target.IsPrint
            ? Print(target.Ppi, p.ViewingDistanceCm ?? DefaultViewingDistanceCm(target.Width, target.Height, target.Ppi))
            : Screen(target.Width, target.Height);
    }

    /// <summary>Screen: σ = 0.5 · √(long edge / 1080), clamped to [0.5, 1.0].</summary>
    public static double Screen(int width, int height) =>
        Math.Clamp(ScreenBaseSigma * Math.Sqrt(Math.Max(width, height) / ScreenReferenceEdge), ScreenBaseSigma, ScreenMaxSigma);

    /// <summary>Print: σ = d · tan(1′) · ppi / 25.4 with d in mm, clamped to [0.3, 10].</summary>
    public static double Print(int ppi, double viewingDistanceCm)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ppi);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(viewingDistanceCm);
        return Math.Clamp(viewingDistanceCm * 10 * OneArcMinute * ppi / 25.4, MinSigma, MaxSigma);
    }

    /// <summary>How far a print of <paramref name="width"/>×<paramref name="height"/> pixels at <paramref name="ppi"/> is viewed from: its diagonal, at least 25 cm.</summary>
    public static double DefaultViewingDistanceCm(int width, int height, int ppi)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ppi);
        return Math.Max(MinViewingDistanceCm, Math.Sqrt((double)width * width + (double)height * height) / ppi * 2.54);
    }
}
