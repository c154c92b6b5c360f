using System.Globalization;
using System.Security;
using System.Security.Cryptography;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Stages.Export.Marks;

/// <summary>
/// An overlay's file as read once per run: its pixels in its own colour space, and its SHA-256 for the sidecar. A class,
/// not a record: <see cref="Light"/> is derived from <see cref="Image"/>, which a record's <c>with</c> would let drift.
/// </summary>
public sealed class OverlayImage(OverlayParams parameters, WorkImage image, string sha256)
{
    public OverlayParams Params { get; } = parameters;

    public WorkImage Image { get; } = image;

    public string Sha256 { get; } = sha256;

    /// <summary>
    /// The mark in linear light, premultiplied, with its alpha as a fourth band (1 where it has none), held in memory:
    /// its own ICC profile takes it to the PCS (LittleCMS, as every conversion) once, not once per copy.
    /// </summary>
    public Image Light { get; } = (image.HasAlpha ? LinearImage.Of(image).Light : LinearImage.Of(image).Light.Bandjoin(1.0)).CopyMemory();
}

/// <summary>The brand marks of one copy, prepared once per run and placed on every image's copy.</summary>
public sealed record CopyMarks(OverlayImage? Overlay, TextParams? Text)
{
    public static CopyMarks None { get; } = new(null, null);

    /// <summary>Reads the copy's overlay file (once per run); throws <see cref="BurnishException"/> with one line when it cannot.</summary>
    public static CopyMarks Load(CopyParams copy, LoadLimits limits)
    {
        ArgumentNullException.ThrowIfNull(copy);
        if (copy.Overlay is null && copy.Text is null) return None;
        return new CopyMarks(copy.Overlay is { } overlay ? BrandMarks.LoadOverlay(overlay, limits) : null, copy.Text);
    }
}

/// <summary>
/// Logos and text composited onto a copy after its resize and output sharpening, so a mark is never resampled with
/// the picture nor sharpened. The blend is premultiplied "over" in linear light (CIE XYZ, as the resize), the mark's
/// alpha times its opacity; only the mark's box is touched, every other pixel is left as it was, to the bit.
/// </summary>
public static class BrandMarks
{
    /// <summary>Why <paramref name="path"/> cannot be an overlay, from its header alone; null when it can.</summary>
    public static string? FileProblem(string path)
    {
        if (Directory.Exists(path)) return $"{PathText.Show(path)} is a folder, not an image";
        if (!File.Exists(path)) return $"{PathText.Show(path)}: file not found";
        if (Image.FindLoad(path) is null) return $"{PathText.Show(path)}: not a supported image (PNG, JPEG, WebP, TIFF, AVIF or GIF expected)";
        try
        {
            using var header = Image.NewFromFile(path, access: Enums.Access.Sequential);
            return null;
        }
        catch (VipsException e)
        {
            return $"{PathText.Show(path)}: unreadable image header ({e.Message.Split('\n', 2)[0].Trim()})";
        }
    }

    public static OverlayImage LoadOverlay(OverlayParams p, LoadLimits limits)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (FileProblem(p.Image) is { } problem) throw new BurnishException(problem);
        var image = ImageLoader.Load(p.Image, limits).Image;
        using var stream = File.OpenRead(p.Image);
        return new OverlayImage(p, image, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    /// <summary>
    /// The top-left corner of a <paramref name="w"/>×<paramref name="h"/> mark on a <paramref name="copyW"/>×<paramref name="copyH"/>
    /// copy: <paramref name="margin"/> from the anchored edges, centred (rounded down) on a centre axis.
    /// </summary>
    public static (int X, int Y) Place(MarkAnchor anchor, int w, int h, int copyW, int copyH, int margin)
    {
        int Along(int cell, int size, int extent) => cell switch { 0 => margin, 1 => (extent - size) / 2, _ => extent - size - margin };
        return (Along((int)anchor % 3, w, copyW), Along((int)anchor / 3, h, copyH));
    }

    /// <summary>The margin in pixels: a percentage is of the copy's shorter side.</summary>
    public static int MarginPixels(Length margin, int copyW, int copyH) => (int)Math.Round(margin.Pixels(Math.Min(copyW, copyH)));

    /// <summary>
    /// The text's coverage (0–255, one band) as Pango draws it at the size the copy gives, wrapped to the copy's
    /// width less the margins and aligned to the anchor's side.
    /// </summary>
    public static Image TextCoverage(TextParams p, int copyW, int copyH)
    {
        ArgumentNullException.ThrowIfNull(p);
        var size = Math.Max(1, p.Size.Pixels(Math.Min(copyW, copyH)));
        var wrap = Math.Max(1, copyW - 2 * MarginPixels(p.Margin, copyW, copyH));
        var align = ((int)p.Anchor % 3) switch { 0 => Enums.Align.Low, 1 => Enums.Align.Centre, _ => Enums.Align.High };
        // At 72 dpi a point is a pixel, so the font size is the em in pixels. The content is escaped: plain text, not Pango markup.
        var font = $"{p.Font.Trim()} {size.ToString("0.##", CultureInfo.InvariantCulture)}";
        return Image.Text(SecurityElement.Escape(p.Content), font: font, width: wrap, align: align, dpi: 72);
    }

    /// <summary>Composites the copy's marks onto <paramref name="copy"/> (the overlay, then the text on top) and says where each went.</summary>
    public static (WorkImage Image, IReadOnlyList<MarkRecord> Placed) Apply(WorkImage copy, CopyMarks marks, string copyName)
    {
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(marks);
        var placed = new List<MarkRecord>();
        if (marks.Overlay is { } overlay)
        {
            var p = overlay.Params;
            var (light, alpha) = OverlayLight(overlay, (int)Math.Max(1, Math.Round(p.Width.Pixels(copy.Width))));
            var margin = MarginPixels(p.Margin, copy.Width, copy.Height);
            (copy, var box) = Over(copy, light * p.Opacity, alpha * p.Opacity, p.Anchor, margin, "overlay", copyName);
            placed.Add(new MarkRecord("overlay", p.Image, overlay.Sha256, box.X, box.Y, box.W, box.H));
        }
        if (marks.Text is { } text)
        {
            var alpha = (TextCoverage(text, copy.Width, copy.Height).Cast(Enums.BandFormat.Float) * (text.Opacity / 255.0)).CopyMemory();
            var margin = MarginPixels(text.Margin, copy.Width, copy.Height);
            (copy, var box) = Over(copy, alpha * TextLight(text.Colour), alpha, text.Anchor, margin, "text", copyName);
            placed.Add(new MarkRecord("text", text.Content, null, box.X, box.Y, box.W, box.H));
        }
        return (copy, placed);
    }

    /// <summary>The overlay at <paramref name="width"/> pixels wide, its height by its aspect: premultiplied XYZ and alpha (0–1).</summary>
    private static (Image Premultiplied, Image Alpha) OverlayLight(OverlayImage mark, int width)
    {
        var light = mark.Light;
        var height = (int)Math.Max(1, Math.Round((double)width * light.Height / light.Width));
        if ((width, height) != (light.Width, light.Height)) light = Resampling.Lanczos3(light, width, height).CopyMemory();
        // Held in memory (it is small): the blend reads it several times, and a lazy resize would be recomputed for each.
        return (light.ExtractBand(0, 3).CopyMemory(), light[3].Clamp(min: 0.0, max: 1.0).Cast(Enums.BandFormat.Float).CopyMemory());
    }

    /// <summary>An sRGB colour in linear light (the PCS XYZ the composite runs in).</summary>
    private static double[] TextLight(SrgbColour colour)
    {
        var (r, g, b) = colour.Encoded;
        var pixel = (Image.Black(1, 1, bands: 3) + new[] { r, g, b }).Cast(Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Rgb);
        return ColourSpaces.ToLinear(new WorkImage(pixel, ShippedProfiles.Srgb)).Getpoint(0, 0);
    }

    /// <summary>Premultiplied "over" of a mark onto its box of <paramref name="copy"/>, in linear light; the rest is untouched.</summary>
    private static (WorkImage Image, (int X, int Y, int W, int H) Box) Over(WorkImage copy, Image premultiplied, Image alpha,
        MarkAnchor anchor, int margin, string what, string copyName)
    {
        var (w, h) = (premultiplied.Width, premultiplied.Height);
        var (x, y) = Place(anchor, w, h, copy.Width, copy.Height, margin);
        if (x < 0 || y < 0 || x + w > copy.Width || y + h > copy.Height)
            throw new BurnishException(
                $"{copyName}: the {what} ({w}×{h} px, margin {margin} px) does not fit the {copy.Width}×{copy.Height} copy; make it smaller");
        // The box's pixels are read in one pass: the copy is lazy, and each band the conversion read separately
        // would recompute the sharpened resize's full-width strips around it.
        var region = new WorkImage(copy.Pixels.Crop(x, y, w, h).CopyMemory(), copy.Profile);
        var under = ColourSpaces.ToLinear(region);
        var keep = alpha * -1.0 + 1.0;
        Image light;
        Image? outAlpha = null;
        if (region.Alpha is { } underAlpha)
        {
            // Porter–Duff over with the copy's own alpha: libvips' divide gives 0 where the result is fully transparent.
            var kept = underAlpha * keep;
            outAlpha = alpha + kept;
            light = (premultiplied + under * kept) / outAlpha;
        }
        else
            light = premultiplied + under * keep;
        var encoded = ColourSpaces.FromLinear(light.Cast(Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Xyz), copy.Profile);
        var marked = ColourSpaces.WithAlpha(encoded, outAlpha);
        // The box is computed once, now, into memory (it is small); the copy's own pixels stay lazy around it.
        return (copy.WithPixels(copy.Pixels.Insert(marked.Cast(copy.Pixels.Format).CopyMemory(), x, y)), (x, y, w, h));
    }
}
