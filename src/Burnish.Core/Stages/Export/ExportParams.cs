using Burnish.Imaging;
using Burnish.Schema;
using Burnish.Stages.Export.Marks;

namespace Burnish.Stages.Export;

public enum MasterSpace { [AlsoWritten("p3")] DisplayP3, [AlsoWritten("adobergb")] AdobeRgb, [AlsoWritten("prophoto-rgb")] Prophoto }

/// <summary>How an image meets a destination box.</summary>
public enum Fit
{
    /// <summary>Inside the box, aspect kept; one side may be shorter.</summary>
    Contain,
    /// <summary>Fills the box, aspect kept, the overflow cropped.</summary>
    Cover,
    /// <summary>Inside the box, aspect kept, then padded to the exact box.</summary>
    Pad,
}

/// <summary>Where a cover crop is centred.</summary>
public enum CropAnchor { Attention, [AlsoWritten("center")] Centre }

public enum MetadataPolicy { Keep, Strip }

public enum ConflictPolicy { Rename, Skip, Overwrite }

/// <summary>The untouched wide-gamut master.</summary>
public sealed record MasterParams
{
    [Doc("Lossless 16-bit container: png or tiff (deflate with a horizontal predictor).")]
    public MasterFormat Format { get; init; } = MasterFormat.Png;

    [Doc("Wide-gamut colour space of the master, its ICC profile embedded: display-p3, adobe-rgb or prophoto.")]
    public MasterSpace Space { get; init; } = MasterSpace.DisplayP3;
}

/// <summary>One sized, sharpened, sRGB copy for a destination.</summary>
public sealed record CopyParams : ISelfValidating
{
    [Doc("A destination preset: web-2048, instagram-square, instagram-portrait, instagram-story, x-post, print-a4-300ppi, print-a3-300ppi. Or leave it out and give long_edge, or width and height.")]
    public string? Destination { get; init; }

    [Doc("Custom size: the longer side in pixels, aspect kept.")]
    [Range(16, 65535)]
    public int? LongEdge { get; init; }

    [Doc("Custom size: box width in pixels (with height).")]
    [Range(16, 65535)]
    public int? Width { get; init; }

    [Doc("Custom size: box height in pixels (with width).")]
    [Range(16, 65535)]
    public int? Height { get; init; }

    [Doc("How the image meets a width×height box: contain (inside it), cover (filling it, the overflow cropped) or pad (inside it, padded to the exact box: white, or transparent with alpha). Default: the preset's, else cover.")]
    public Fit? Fit { get; init; }

    [Doc("Where a cover crop centres: attention (the most salient region, libvips smartcrop) or centre.")]
    public CropAnchor Anchor { get; init; } = CropAnchor.Attention;

    [Doc("Print resolution written into the file, pixels per inch. Default: the preset's, else 72.")]
    [Range(1, 4800)]
    public int? Ppi { get; init; }

    [Doc("Encoding: jpeg, webp, avif or png, 8-bit sRGB with the profile embedded.")]
    public CopyFormat Format { get; init; } = CopyFormat.Jpeg;

    [Doc("Encoder quality 1–100. Default: jpeg 88, webp 85, avif 60; ignored for png.")]
    [Range(1, 100)]
    public int? Quality { get; init; }

    [Doc("Byte budget in kilobytes (1 KB = 1000 bytes): the highest quality that fits is found by binary search, down to quality 20. Lossy formats only.")]
    [Range(1, 1_000_000)]
    public int? MaxKb { get; init; }

    [Doc("Encoder effort for webp (0–6) and avif (0–9); higher is smaller and slower.")]
    [Range(0, 9)]
    public int Effort { get; init; } = 4;

    [Doc("keep: carry the generation metadata, EXIF and XMP (GPS is always removed); strip: only the ICC profile.")]
    public MetadataPolicy Metadata { get; init; } = MetadataPolicy.Keep;

    [Doc("A logo composited onto this copy (never the master) after its resize and output sharpening: image, anchor, margin, width, opacity.")]
    public OverlayParams? Overlay { get; init; }

    [Doc("A line of text composited onto this copy (never the master), over the overlay when both are given: content, font, size, colour, anchor, margin, opacity.")]
    public TextParams? Text { get; init; }

    [Doc("File name part for this copy (NAME.<name>.<ext>). Default: the destination id, or a size such as 1200x800. Not master or burnish, and unique within the set.")]
    public string? Name { get; init; }

    /// <summary>The same copy with every default that depends on other keys written out (quality, fit, ppi).</summary>
    public CopyParams Resolved()
    {
        var destination = Destinations.Resolve(this);
        return this with
        {
            Quality = Format == CopyFormat.Png ? null : Export.Quality(this),
            Fit = destination.LongEdge is null ? destination.Fit : null,
            Ppi = destination.Ppi,
        };
    }

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        var custom = LongEdge is not null || Width is not null || Height is not null;
        if (Destination is not null && custom)
            yield return ("destination", "give either destination or a custom size (long_edge, or width and height), not both");
        else if (Destination is null && !custom)
            yield return (null, "a copy needs a destination or a custom size (long_edge, or width and height)");
        if (Destination is not null && !Destinations.Presets.ContainsKey(Destination))
        {
            var hint = Names.Closest(Destination, Destinations.Presets.Keys);
            yield return ("destination", $"unknown destination '{Destination}'" + (hint is null ? $"; known: {string.Join(", ", Destinations.Presets.Keys)}" : $"; did you mean '{hint}'?"));
        }
        if (LongEdge is not null && (Width is not null || Height is not null))
            yield return ("long_edge", "give long_edge, or width and height, not both");
        if ((Width is null) != (Height is null) && LongEdge is null)
            yield return (Width is null ? "height" : "width", "width and height go together");
        if (Fit is not null && LongEdge is not null)
            yield return ("fit", "fit applies to a width×height box, not to long_edge");
        if (MaxKb is not null && Format == CopyFormat.Png)
            yield return ("max_kb", "max_kb needs a lossy format (jpeg, webp or avif)");
        if (Name is not null && (Name.Length == 0 || Name.IndexOfAny(['/', '\\', ':', '*', '?', '"', '<', '>', '|']) >= 0 || Name.StartsWith('.')))
            yield return ("name", $"'{Name}' is not usable in a file name");
    }
}

/// <summary>The export stage: one master plus copies, and what to do when a file is already there.</summary>
public sealed record ExportParams : ISelfValidating
{
    /// <summary>The name part of the master (NAME.master.png) and of the sidecar (NAME.burnish.json), which no copy may take.</summary>
    public const string MasterName = "master", SidecarName = "burnish";

    [Doc("The 16-bit wide-gamut master. It is never output-sharpened.")]
    public MasterParams Master { get; init; } = new();

    [Doc("Copies for destinations, each resized from the master, output-sharpened, converted to sRGB and encoded. The resize is Lanczos3 in linear light (CIE XYZ, premultiplied when there is alpha); a copy larger than the master is enlarged the same way and the sidecar warns that an upscale stage would give real detail.")]
    public IReadOnlyList<CopyParams> Copies { get; init; } = [];

    [Doc("When an output file already exists: rename (write the whole set as NAME-1.*, then -2…, never a name another input of the batch owns), skip the image, or overwrite. A set already made from the same input and recipe (its sidecar says so and every file matches its SHA-256) is skipped and said so, except with overwrite. An input is never overwritten.")]
    public ConflictPolicy OnConflict { get; init; } = ConflictPolicy.Rename;

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        var files = Copies.Where(c => !c.Problems().Any()).Select(c => Export.CopyName(c) + ImageFiles.Extension(c.Format));
        foreach (var dup in files.GroupBy(n => n).Where(g => g.Count() > 1))
            yield return ("copies", $"two copies would both be written as NAME.{dup.Key}; give one a name");
        // NAME.master.* is the master's, whatever the extension: a copy there would replace it or pass for it.
        for (var i = 0; i < Copies.Count; i++)
        {
            if (Copies[i].Problems().Any()) continue;
            var name = Export.CopyName(Copies[i]);
            if (name is MasterName or SidecarName)
                yield return ("copies", $"copies[{i}]: name '{name}' is taken by the {(name == MasterName ? "master" : "sidecar")} (NAME.{name}.*); give the copy another name");
        }
    }
}
