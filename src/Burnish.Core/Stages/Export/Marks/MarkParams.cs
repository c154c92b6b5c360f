using Burnish.Imaging;
using Burnish.Schema;

namespace Burnish.Stages.Export.Marks;

/// <summary>Where a brand mark sits on a copy: a cell of the 3×3 grid, as darktable's watermark module places it.</summary>
public enum MarkAnchor
{
    TopLeft,
    Top,
    TopRight,
    Left,
    [AlsoWritten("center")]
    Centre,
    Right,
    BottomLeft,
    Bottom,
    BottomRight,
}

/// <summary>A logo composited onto a copy (never the master): its file, place, size and opacity.</summary>
public sealed record OverlayParams : ISelfValidating
{
    [Doc("The mark's image file (PNG, WebP, TIFF…; relative to the working folder). Its alpha is respected and its embedded ICC profile honoured; untagged is sRGB. Read and checked once, before any image runs.")]
    public string Image { get; init; } = "";

    [Doc("Where the mark sits: top-left, top, top-right, left, centre (center), right, bottom-left, bottom, bottom-right.")]
    public MarkAnchor Anchor { get; init; } = MarkAnchor.BottomRight;

    [Doc("Gap between the mark and the copy's edges it is anchored to: pixels, or a percentage of the copy's shorter side (2%). Centred axes have none.")]
    public Length Margin { get; init; } = Length.Percent(2);

    [Doc("The mark's width on the copy: pixels, or a percentage of the copy's width (15%). Its height follows its aspect. It is resized in linear light (Lanczos3, premultiplied).")]
    public Length Width { get; init; } = Length.Percent(15);

    [Doc("How opaque the mark is: 1 as its alpha says, 0 invisible. Multiplies the mark's alpha.")]
    [Range(0, 1)]
    public double Opacity { get; init; } = 1;

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (string.IsNullOrWhiteSpace(Image))
            yield return ("image", "an overlay needs an image file (a PNG with alpha, say)");
        else if (BrandMarks.FileProblem(Image) is { } problem)
            yield return ("image", $"image {problem}");
        foreach (var p in MarkGeometry.Problems(Margin, Width, "width"))
            yield return p;
    }
}

/// <summary>A line of text composited onto a copy (never the master), rendered by Pango through libvips.</summary>
public sealed record TextParams : ISelfValidating
{
    [Doc("The text, as written (no markup). Wrapped to the copy's width less the margins.")]
    public string Content { get; init; } = "";

    [Doc("Pango font family and style, without a size: sans, serif, monospace, \"DejaVu Sans Bold\"… A missing font falls back to fontconfig's nearest (sans is DejaVu Sans on Debian).")]
    public string Font { get; init; } = "sans";

    [Doc("Font size (the em): pixels, or a percentage of the copy's shorter side (3%).")]
    public Length Size { get; init; } = Length.Percent(3);

    [Doc("Text colour, sRGB: \"#rrggbb\" (quoted in YAML, where # starts a comment), \"#rgb\" or white, black, grey, silver, red, green, blue, yellow. Composited in linear light.")]
    public SrgbColour Colour { get; init; } = SrgbColour.White;

    [Doc("Where the text sits: top-left, top, top-right, left, centre (center), right, bottom-left, bottom, bottom-right. Lines are aligned to the same side.")]
    public MarkAnchor Anchor { get; init; } = MarkAnchor.BottomRight;

    [Doc("Gap between the text and the copy's edges it is anchored to: pixels, or a percentage of the copy's shorter side (2%).")]
    public Length Margin { get; init; } = Length.Percent(2);

    [Doc("How opaque the text is: 1 fully, 0 invisible.")]
    [Range(0, 1)]
    public double Opacity { get; init; } = 1;

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (string.IsNullOrWhiteSpace(Content))
            yield return ("content", "text needs some content");
        if (string.IsNullOrWhiteSpace(Font))
            yield return ("font", "give a font family, such as sans");
        else if (char.IsDigit(Font.TrimEnd()[^1]))
            yield return ("font", $"font '{Font}' ends with a number; give the size with size:, not in the font");
        foreach (var p in MarkGeometry.Problems(Margin, Size, "size"))
            yield return p;
    }
}

/// <summary>The checks the two kinds of mark share on their lengths.</summary>
internal static class MarkGeometry
{
    public static IEnumerable<(string? Key, string Message)> Problems(Length margin, Length extent, string extentKey)
    {
        if (margin.Value < 0 || (margin.IsPercent && margin.Value >= 50))
            yield return ("margin", $"margin {margin} is out of range: 0 or more pixels, or 0–50% of the copy's shorter side");
        if (extent.Value <= 0 || (extent.IsPercent && extent.Value > 100))
            yield return (extentKey, $"{extentKey} {extent} is out of range: more than 0 pixels, or up to 100% of the copy");
    }
}
