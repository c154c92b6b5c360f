using Burnish.Imaging;
using NetVips;

namespace Burnish.Metrics;

public static partial class ImageMetrics
{
    /// <summary>A channel at or below this encoded value is clipped black: it would be 0 in an 8-bit file.</summary>
    public const double ShadowLevel = 0.5 / 255;

    /// <summary>A channel at or above this encoded value is clipped white: it would be 255 in an 8-bit file.</summary>
    public const double HighlightLevel = 254.5 / 255;

    /// <summary>
    /// The % of opaque pixels (alpha above 0; all pixels without alpha) with any colour channel at or below
    /// <see cref="ShadowLevel"/>, and at or above <see cref="HighlightLevel"/>, on the encoded values.
    /// </summary>
    public static (double ShadowPercent, double HighlightPercent) Clipping(WorkImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var colour = image.Colour.Cast(Enums.BandFormat.Float);
        // Compared at the float samples nearest the levels, so a sample stored as exactly 0.5/255 counts.
        var shadow = (colour <= (double)(float)ShadowLevel).Bandbool(Enums.OperationBoolean.Or);
        var highlight = (colour >= (double)(float)HighlightLevel).Bandbool(Enums.OperationBoolean.Or);
        if (image.Alpha is not { } alpha)
            return (shadow.Avg() / 255 * 100, highlight.Avg() / 255 * 100);
        var opaque = alpha > 0.0;
        var coverage = opaque.Avg();
        if (coverage <= 0) return (0, 0);
        return ((shadow & opaque).Avg() / coverage * 100, (highlight & opaque).Avg() / coverage * 100);
    }
}
