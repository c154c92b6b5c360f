using Burnish.Imaging;
using Burnish.Stages.Export;

namespace Burnish.Cli;

/// <summary>
/// The output file of a one-image command (repair, outpaint, upscale), by its extension: .png/.tif are lossless 16-bit
/// in the image's own colour profile; .jpg/.webp/.avif are 8-bit sRGB, as every copy Burnish writes.
/// </summary>
public sealed record ImageOutput(MasterFormat? Lossless, CopyFormat? Copy)
{
    public static ImageOutput For(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => new(MasterFormat.Png, null),
        ".tif" or ".tiff" => new(MasterFormat.Tiff, null),
        ".jpg" or ".jpeg" => new(null, CopyFormat.Jpeg),
        ".webp" => new(null, CopyFormat.Webp),
        ".avif" => new(null, CopyFormat.Avif),
        var ext => throw new BurnishException($"{path}: unsupported output type '{ext}' (png, tif, jpg, webp or avif)"),
    };

    /// <summary>The input's own text chunks, EXIF and XMP, GPS included: a one-image command makes a new master, not a copy to post.</summary>
    public static OutputMetadata Keeping(SourceMetadata meta) => new(meta.TextChunks, meta.Fields, [], 72, StripGps: false);

    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> (a transaction's temp file).</summary>
    public void Write(WorkImage image, OutputMetadata meta, string path)
    {
        if (Lossless is { } master)
            ImageFiles.Save16(image, master, meta, path);
        else
            File.WriteAllBytes(path, ImageFiles.Encode8(ColourSpaces.Convert(image, ShippedProfiles.Srgb), Copy!.Value, 92, 4, meta));
    }

    /// <summary>A YAML single-quoted scalar, for turning command-line values into recipe keys.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
