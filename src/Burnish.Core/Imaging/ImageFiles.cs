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

    /// <summary>Encodes an 8-bit copy into memory.</summary>
    public static byte[] Encode8(WorkImage image, CopyFormat format, int quality, int effort, OutputMetadata metadata)
    {
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
