using System.Globalization;
using System.Text;
using NetVips;

namespace Burnish.Report;

/// <summary>
/// Pixel counts per 8-bit level of the displayed (sRGB, 8-bit) image: red, green, blue and Rec. 709 luma.
/// A grey image has only <see cref="Luma"/>; its colour arrays are empty. Fully transparent pixels are not counted.
/// </summary>
public sealed record Histogram(long[] Red, long[] Green, long[] Blue, long[] Luma)
{
    public const int Levels = 256;

    public bool IsGrey => Red.Length == 0;

    /// <summary>
    /// Counts the levels of <paramref name="srgb8"/> (uchar, 1 or 3 colour bands). Pixels that <paramref name="alpha8"/>
    /// marks fully transparent are left out: their colour is never seen. RGB with three equal channels counts as grey.
    /// </summary>
    public static Histogram Of(Image srgb8, Image? alpha8 = null)
    {
        if (srgb8.Format != Enums.BandFormat.Uchar) throw new ArgumentException("expected 8-bit samples", nameof(srgb8));
        var hidden = alpha8 is null ? null : alpha8.Equal(0.0);
        if (srgb8.Bands < 3) return new Histogram([], [], [], Count(srgb8[0], hidden));
        var luma = (CropPlanner.Luma(srgb8.Cast(Enums.BandFormat.Float)) + 0.5).Cast(Enums.BandFormat.Uchar);
        var (red, green, blue) = (Count(srgb8[0], hidden), Count(srgb8[1], hidden), Count(srgb8[2], hidden));
        return red.SequenceEqual(green) && green.SequenceEqual(blue)
            ? new Histogram([], [], [], Count(luma, hidden))
            : new Histogram(red, green, blue, Count(luma, hidden));
    }

    // Hidden pixels are moved to level 256, past the 256 counted ones (a ushort histogram has room for it).
    private static long[] Count(Image band, Image? hidden)
    {
        var counted = hidden is null ? band : hidden.Ifthenelse(256, band.Cast(Enums.BandFormat.Ushort)).Cast(Enums.BandFormat.Ushort);
        return [.. counted.HistFind().Cast(Enums.BandFormat.Double).WriteToMemory<double>().Take(Levels).Select(c => (long)c)];
    }

    /// <summary>
    /// An inline SVG: luma as a filled grey area, R, G and B as lines. Heights are scaled to the tallest level between
    /// 1 and 254, so a spike of clipped pixels at either end does not flatten the rest; such a spike is drawn capped.
    /// </summary>
    public string ToSvg(string title)
    {
        var series = IsGrey ? [Luma] : new[] { Red, Green, Blue, Luma };
        double peak = series.Max(s => s.Skip(1).Take(Levels - 2).DefaultIfEmpty(0).Max());
        if (peak <= 0) peak = Math.Max(1, series.Max(s => s.Max()));
        var svg = new StringBuilder();
        svg.Append("<svg class=\"histogram\" viewBox=\"0 0 256 100\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
           .Append(System.Net.WebUtility.HtmlEncode(title)).Append("\">");
        svg.Append("<path class=\"h-luma\" d=\"M0,100").Append(Points(Luma, peak, "L")).Append(" L256,100 Z\"/>");
        if (!IsGrey)
        {
            svg.Append("<path class=\"h-red\" d=\"").Append(Points(Red, peak, "M")).Append("\"/>");
            svg.Append("<path class=\"h-green\" d=\"").Append(Points(Green, peak, "M")).Append("\"/>");
            svg.Append("<path class=\"h-blue\" d=\"").Append(Points(Blue, peak, "M")).Append("\"/>");
        }
        return svg.Append("</svg>").ToString();
    }

    // One point per level at its centre; the first command is `first` (L to continue an area, M to start a line).
    private static string Points(long[] counts, double peak, string first)
    {
        var d = new StringBuilder();
        for (var i = 0; i < counts.Length; i++)
        {
            var h = Math.Min(1.0, counts[i] / peak) * 96;
            d.Append(i == 0 ? (first == "L" ? " L" : "M") : " L")
             .Append((i + 0.5).ToString("0.#", CultureInfo.InvariantCulture)).Append(',')
             .Append((100 - h).ToString("0.##", CultureInfo.InvariantCulture));
        }
        return d.ToString();
    }
}
