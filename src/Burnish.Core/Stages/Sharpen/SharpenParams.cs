using Burnish.Schema;

namespace Burnish.Stages.Sharpen;

/// <summary>
/// Output sharpening, applied to each destination copy after its resize (recipe section <c>sharpen:</c>).
/// An unsharp mask on CIE L* only, with a local-contrast threshold and a fringe guard; see docs/sharpening.md.
/// The property defaults are the light touch (<see cref="Default"/>); <see cref="Off"/> sharpens nothing.
/// </summary>
public sealed record SharpenParams
{
    /// <summary>The light touch: every property at its default.</summary>
    public static SharpenParams Default { get; } = new();

    /// <summary>No output sharpening: the stage returns its input.</summary>
    public static SharpenParams Off { get; } = new() { Amount = 0 };

    [Doc("Strength: how much of the fine detail (L* minus its gaussian blur) is added back. 0 turns output sharpening off, 1 is a natural output sharpen, above 2 starts to look processed.")]
    [Range(0, 20)]
    public double Amount { get; init; } = 1.0;

    [Doc("Blur radius (gaussian sigma) in output pixels. Default: derived per destination. Screen copies: 0.5·√(long edge/1080), kept within 0.5–1.0 (web-2048 0.69, Instagram 0.50–0.67, x-post 0.61). Print copies: viewing distance × tan(1′) × ppi / 25.4 mm (A4 1.25, A3 1.77 at 300 ppi). See docs/sharpening.md.")]
    [Range(0.3, 10)]
    public double? Radius { get; init; }

    [Doc("Local contrast in L* units (the range of L* around a pixel) below which nothing is sharpened, full strength from twice this, so grain and noise are left alone. 0 sharpens everything.")]
    [Range(0, 50)]
    public double Threshold { get; init; } = 2.0;

    [Doc("Fringe guard: how far a sharpened pixel may go above the brightest (or below the darkest) of its neighbourhood before sharpening, as a fraction of that neighbourhood's range. 0 allows no halo at all; 1 is effectively off.")]
    [Range(0, 1)]
    public double Guard { get; init; } = 0.05;

    [Doc("Print copies only: viewing distance in centimetres, which sets the radius. Default: the printed image's diagonal, at least 25 cm (A4 about 36 cm, A3 about 51 cm).")]
    [Range(10, 10000)]
    public double? ViewingDistanceCm { get; init; }

    [Doc("Warn in the sidecar (\"over-sharpened: halo N % above local max\") when the measured halo at edges is more than this percentage of the local range above the local maximum (or below the minimum).")]
    [Range(0, 1000)]
    public double WarnHalo { get; init; } = 10;
}
