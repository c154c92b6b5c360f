using System.Globalization;
using System.Text.Json.Serialization;
using Burnish.Schema;

namespace Burnish.Imaging;

/// <summary>
/// A length along one axis of an image: pixels, or a percentage of the image's width or height ("12.5%"), so one
/// recipe fits images of any size. A typed value: recipe boxes and ellipses and <c>--box</c>/<c>--ellipse</c> read it
/// with one parser.
/// </summary>
[JsonConverter(typeof(TextValueJsonConverter<Length>))]
public readonly record struct Length(double Value, bool IsPercent) : ITextValue<Length>
{
    /// <summary>The value in pixels along an axis of <paramref name="axis"/> pixels.</summary>
    public double Pixels(int axis) => IsPercent ? Value / 100.0 * axis : Value;

    public override string ToString() =>
        Value.ToString(CultureInfo.InvariantCulture) + (IsPercent ? "%" : "");

    /// <summary>A length in pixels.</summary>
    public static implicit operator Length(double pixels) => new(pixels, false);

    /// <summary>A length as a percentage of the image's side.</summary>
    public static Length Percent(double percent) => new(percent, true);

    /// <summary>Parses "12", "12.5" or "12.5%".</summary>
    public static bool TryParse(string? text, out Length value, out string problem)
    {
        var t = text?.Trim() ?? "";
        var percent = t.EndsWith('%');
        var number = percent ? t[..^1].TrimEnd() : t;
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
        {
            (value, problem) = (new Length(v, percent), "");
            return true;
        }
        (value, problem) = (default, $"'{t}' is not a number (pixels, or a percentage such as 10%)");
        return false;
    }
}

/// <summary>Which shape a <see cref="MaskShape"/> is.</summary>
public enum ShapeKind { Box, Ellipse }

/// <summary>
/// A box (x, y, width, height from the top-left corner) or an ellipse (centre x, centre y, radius x, radius y), in
/// pixels or percentages of the image. A box must lie inside the image; an ellipse's centre must, and the ellipse is
/// clipped at the image's edge (a round blemish by the border is natural, a box past it is a mistake).
/// </summary>
public sealed record MaskShape(ShapeKind Kind, Length A, Length B, Length C, Length D)
{
    public override string ToString() => $"{Names(Kind)} {A},{B},{C},{D}";

    private static string Names(ShapeKind k) => k == ShapeKind.Box ? "box" : "ellipse";

    /// <summary>Parses four numbers written "x,y,w,h" (a box) or "cx,cy,rx,ry" (an ellipse).</summary>
    public static MaskShape Parse(ShapeKind kind, string text)
    {
        var parts = text.Split(',');
        var values = new Length[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!Length.TryParse(parts[i], out values[i], out var problem))
                throw new BurnishException($"{Names(kind)} '{text}': {problem}");
        return Of(kind, values);
    }

    /// <summary>The shape from its four lengths; throws <see cref="BurnishException"/> with the expected form.</summary>
    public static MaskShape Of(ShapeKind kind, IReadOnlyList<Length> values)
    {
        var form = kind == ShapeKind.Box ? "x,y,width,height" : "centre-x,centre-y,radius-x,radius-y";
        var written = string.Join(",", values);
        if (values.Count != 4)
            throw new BurnishException($"{Names(kind)} '{written}': expected 4 numbers {form} (pixels, or percentages such as 10%)");
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
