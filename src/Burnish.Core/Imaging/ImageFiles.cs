using NetVips;

namespace Burnish.Imaging;

/// <summary>What an output file carries besides pixels.</summary>
/// <param name="TextChunks">PNG text entries (generation metadata, lineage); other formats get them in XMP.</param>
/// <param name="Fields">EXIF/XMP/IPTC fields to write back.</param>
/// <param name="ExtraXmp">Properties added in the Burnish XMP namespace.</param>
/// <param name="Ppi">Resolution written into the file.</param>
/// <param name="StripGps">Drop GPS from EXIF and XMP.</param>
public sealed record OutputMetadata(
    IReadOnlyList<KeyValuePair<string, string>> TextChunks,
    IReadOnlyList<MetadataField> Fields,
    IReadOnlyList<KeyValuePair<string, string>> ExtraXmp,
    double Ppi,
    bool StripGps)
{
    public static OutputMetadata Bare(double ppi) => new([], [], [], ppi, true);
}

/// <summary>Encodes <see cref="WorkImage"/>s into files; the only place that picks encoder settings.</summary>
public static class ImageFiles
{
    public static string Extension(MasterFormat f) => f == MasterFormat.Tiff ? ".tif" : ".png";

    public static string Extension(CopyFormat f) => f switch
    {
        CopyFormat.Jpeg => ".jpg",
        CopyFormat.Webp => ".webp",
        CopyFormat.Avif => ".avif",
        _ => ".png",
    };

    /// <summary>Writes a lossless 16-bit file at <paramref name="path"/> (used for masters and intermediates).</summary>
    public static void Save16(WorkImage image, MasterFormat format, OutputMetadata metadata, string path)
    {
        var pixels = Prepare(ColourSpaces.Quantise16(image.Pixels).Copy(interpretation: image.IsGrey ? Enums.Interpretation.Grey16 : Enums.Interpretation.Rgb16),
            image.Profile, metadata, textInPng: format == MasterFormat.Png);
        if (format == MasterFormat.Png)
            pixels.Pngsave(path, compression: 6, bitdepth: 16, keep: Enums.ForeignKeep.All);
        else
            pixels.Tiffsave(path, compression: Enums.ForeignTiffCompression.Deflate, predictor: Enums.ForeignTiffPredictor.Horizontal,
                resunit: Enums.ForeignTiffResunit.Inch, keep: Enums.ForeignKeep.All);
    }

    /// <summary>
    /// Largest XMP packet a JPEG copy carries: one APP1 segment holds 65,533 bytes less the 29-byte XMP header, and
    /// libvips' JPEG saver drops any packet over 60,000 bytes whole (and with it the prompt). Measured on this
    /// libvips; the test Xmp_packet_at_the_fitting_limit_survives_the_jpeg_encoder holds it to that.
    /// </summary>
    public const int JpegXmpMaxBytes = 60_000;

    // Text entries that hold the generation parameters themselves: kept whatever else has to go.
    private static readonly HashSet<string> GenerationKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "parameters", "prompt", "invokeai_metadata", "sd-metadata", "Dream", "Description", "Comment", "Software", "Source", "fooocus_scheme",
    };

    /// <summary>
    /// <paramref name="metadata"/> with text entries left out until its XMP fits <paramref name="format"/>'s container
    /// (only JPEG has a limit): ComfyUI's UI <c>workflow</c> first, then other entries largest first; the generation
    /// parameters (A1111 <c>parameters</c>, ComfyUI <c>prompt</c>, …) are never trimmed. Each entry left out is one
    /// line in <paramref name="warnings"/>, for the sidecar.
    /// </summary>
    public static OutputMetadata FitMetadata(OutputMetadata metadata, CopyFormat format, out IReadOnlyList<string> warnings)
    {
        var notes = new List<string>();
        warnings = notes;
        if (format != CopyFormat.Jpeg || metadata.TextChunks.Count == 0) return metadata;
        var xmpSource = metadata.Fields.FirstOrDefault(f => f.Name == "xmp-data")?.Value as byte[];
        int Size(IReadOnlyList<KeyValuePair<string, string>> chunks) =>
            Xmp.Compose(xmpSource, [.. metadata.ExtraXmp, .. chunks], metadata.StripGps)?.Length ?? 0;

        var kept = metadata.TextChunks.ToList();
        if (Size(kept) <= JpegXmpMaxBytes) return metadata;
        var droppable = kept.Where(c => !GenerationKeys.Contains(c.Key))
            .OrderByDescending(c => c.Key.Equals("workflow", StringComparison.OrdinalIgnoreCase))
            .ThenByDescending(c => c.Value.Length)
            .ToList();
        foreach (var chunk in droppable)
        {
            kept.Remove(chunk);
            notes.Add($"'{chunk.Key}' text ({Kb(chunk.Value)}) left out of the JPEG's XMP, which holds at most {JpegXmpMaxBytes / 1000} KB; the generation parameters are kept");
            if (Size(kept) <= JpegXmpMaxBytes) return metadata with { TextChunks = kept };
        }
        // The parameters alone are too large: the encoder would drop the whole packet, so carry none of the text.
        notes.Add($"generation metadata ({Kb(string.Concat(kept.Select(c => c.Value)))}) is too large for a JPEG's XMP ({JpegXmpMaxBytes / 1000} KB); this copy carries none of it, the master keeps it all");
        return metadata with { TextChunks = [] };
    }

    private static string Kb(string text) => $"{System.Text.Encoding.UTF8.GetByteCount(text) / 1000.0:0.#} KB";

    /// <summary>Encodes an 8-bit copy into memory.</summary>
    public static byte[] Encode8(WorkImage image, CopyFormat format, int quality, int effort, OutputMetadata metadata)
    {
        // Never let the encoder drop the XMP whole: callers that record warnings call FitMetadata themselves first.
        metadata = FitMetadata(metadata, format, out _);
        var quantised = ColourSpaces.Quantise8(image.Pixels);
        // JPEG has no alpha: composite over white, as a browser shows a transparent PNG on a white page.
        if (format == CopyFormat.Jpeg && image.HasAlpha) quantised = quantised.Flatten(background: [255.0]).Cast(Enums.BandFormat.Uchar);
        var pixels = Prepare(quantised.Copy(interpretation: quantised.Bands < 3 ? Enums.Interpretation.Bw : Enums.Interpretation.Srgb),
            image.Profile, metadata, textInPng: format == CopyFormat.Png);
        return format switch
        {
            CopyFormat.Jpeg => pixels.JpegsaveBuffer(q: quality, optimizeCoding: true, keep: Enums.ForeignKeep.All),
            CopyFormat.Webp => pixels.WebpsaveBuffer(q: quality, effort: Math.Min(effort, 6), smartSubsample: true, keep: Enums.ForeignKeep.All),
            CopyFormat.Avif => pixels.HeifsaveBuffer(q: quality, effort: effort, compression: Enums.ForeignHeifCompression.Av1, bitdepth: 8, keep: Enums.ForeignKeep.All),
            _ => pixels.PngsaveBuffer(compression: 6, bitdepth: 8, keep: Enums.ForeignKeep.All),
        };
    }

    /// <summary>Replaces every metadata field on <paramref name="pixels"/> with exactly what <paramref name="metadata"/> says.</summary>
    private static Image Prepare(Image pixels, ColourProfile profile, OutputMetadata metadata, bool textInPng)
    {
        var ppmm = metadata.Ppi / 25.4;
        var xmpSource = metadata.Fields.FirstOrDefault(f => f.Name == "xmp-data")?.Value as byte[];
        var extraXmp = textInPng ? metadata.ExtraXmp : [.. metadata.ExtraXmp, .. metadata.TextChunks];
        var xmp = Xmp.Compose(xmpSource, extraXmp, metadata.StripGps);
        return pixels.Copy(xres: ppmm, yres: ppmm).Mutate(m =>
        {
            foreach (var f in m.GetFields().Where(IsMetadata)) m.Remove(f);
            foreach (var f in metadata.Fields.Where(f => f.Name != "xmp-data" && !(metadata.StripGps && f.IsGps))) m.Set(f.GType, f.Name, f.Value);
            if (xmp is not null) m.Set(GValue.BlobType, "xmp-data", xmp);
            m.Set(GValue.BlobType, "icc-profile-data", profile.Icc);
            if (textInPng)
            {
                var i = 0;
                foreach (var (key, value) in metadata.TextChunks) m.Set(GValue.GStrType, $"png-comment-{i++}-{key}", value);
            }
        });
    }

    private static bool IsMetadata(string field) =>
        field.StartsWith("png-comment-", StringComparison.Ordinal) || field.StartsWith("exif-", StringComparison.Ordinal)
        || field is "xmp-data" or "iptc-data" or "icc-profile-data" or "orientation";
}
