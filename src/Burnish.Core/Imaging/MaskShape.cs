using System.Globalization;

namespace Burnish.Imaging;

/// <summary>
/// One coordinate of a box or an ellipse: pixels, or a percentage of the image's width or height ("12.5%"), so one
/// recipe fits images of any size.
/// </summary>
public readonly record struct Extent(double Value, bool IsPercent)
{
    /// <summary>The value in pixels along an axis of <paramref name="axis"/> pixels.</summary>
    public double Pixels(int axis) => IsPercent ? Value / 100.0 * axis : Value;

    public override string ToString() =>
        Value.ToString(CultureInfo.InvariantCulture) + (IsPercent ? "%" : "");

    /// <summary>Parses "12", "12.5" or "12.5%"; null when it is neither.</summary>
    public static Extent? TryParse(string text)
    {
        var t = text.Trim();
        var percent = t.EndsWith('%');
        if (percent) t = t[..^1].TrimEnd();
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? new Extent(v, percent)
            : null;
    }
}

/// <summary>Which shape a <see cref="MaskShape"/> is.</summary>
public enum ShapeKind { Box, Ellipse }

/// <summary>
/// A box (x, y, width, height from the top-left corner) or an ellipse (centre x, centre y, radius x, radius y), in
/// pixels or percentages of the image. A box must lie inside the image; an ellipse's centre must, and the ellipse is
/// clipped at the image's edge (a round blemish by the border is natural, a box past it is a mistake).
/// </summary>
public sealed record MaskShape(ShapeKind Kind, Extent A, Extent B, Extent C, Extent D)
{
    public override string ToString() => $"{Names(Kind)} {A},{B},{C},{D}";

    private static string Names(ShapeKind k) => k == ShapeKind.Box ? "box" : "ellipse";

    /// <summary>Parses four numbers written "x,y,w,h" (a box) or "cx,cy,rx,ry" (an ellipse).</summary>
    public static MaskShape Parse(ShapeKind kind, string text) => Parse(kind, text.Split(','));

    /// <summary>Parses four numbers given one by one; throws <see cref="BurnishException"/> with the expected form.</summary>
    public static MaskShape Parse(ShapeKind kind, IReadOnlyList<string> parts)
    {
        var form = kind == ShapeKind.Box ? "x,y,width,height" : "centre-x,centre-y,radius-x,radius-y";
        var written = string.Join(",", parts);
        if (parts.Count != 4)
            throw new BurnishException($"{Names(kind)} '{written}': expected 4 numbers {form} (pixels, or percentages such as 10%)");
        var values = new Extent[4];
        for (var i = 0; i < 4; i++)
            values[i] = Extent.TryParse(parts[i]) ?? throw new BurnishException(
                $"{Names(kind)} '{written}': '{parts[i].Trim()}' is not a number (pixels, or a percentage such as 10%)");
        if (values[2].Value <= 0 || values[3].Value <= 0)
            throw new BurnishException($"{Names(kind)} '{written}': {(kind == ShapeKind.Box ? "width and height" : "both radii")} must be positive");
        return new MaskShape(kind, values[0], values[1], values[2], values[3]);
    }

    /// <summary>The shape in pixels on a <paramref name="width"/>×<paramref name="height"/> image; throws when it is out of the image.</summary>
    public (double X, double Y, double W, double H) Place(int width, int height)
    {
        var (a, b, c, d) = (A.Pixels(width), B.Pixels(height), C.Pixels(width), D.Pixels(height));
        const double Slack = 1e-9;
        if (Kind == ShapeKind.Box && (a < -Slack || b < -Slack || a + c > width + Slack || b + d > height + Slack))
            throw new BurnishException(
                $"{this} reaches outside the {width}×{height} image (it spans x {Num(a)}–{Num(a + c)}, y {Num(b)}–{Num(b + d)})");
        if (Kind == ShapeKind.Ellipse && (a < 0 || b < 0 || a > width || b > height))
            throw new BurnishException($"{this}: the centre ({Num(a)}, {Num(b)}) is outside the {width}×{height} image");
        return (a, b, c, d);
    }

    private static string Num(double v) => Math.Round(v, 1).ToString(CultureInfo.InvariantCulture);
}
