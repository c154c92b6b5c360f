using Burnish.Imaging.Generation;

namespace Burnish.Imaging;

/// <summary>What an input file says about itself, kept so that outputs can carry it forward.</summary>
public sealed record SourceMetadata(
    IReadOnlyList<KeyValuePair<string, string>> TextChunks,
    byte[]? Exif,
    byte[]? Xmp,
    byte[]? Icc,
    GenerationParams? Generation,
    IReadOnlyList<MetadataField> Fields)
{
    public static SourceMetadata Empty { get; } = new([], null, null, null, null, []);
}

/// <summary>A libvips metadata field (EXIF tags, XMP, IPTC) as read, so it can be written back unchanged.</summary>
public sealed record MetadataField(string Name, nint GType, object Value)
{
    public bool IsGps => Name.StartsWith("exif-ifd3-", StringComparison.Ordinal);
}

/// <summary>Facts about an input file as it was on disk.</summary>
public sealed record ImageFacts(
    int Width, int Height, int Bands, int BitDepth, bool HasAlpha, string Format,
    string ColourProfile, bool ProfileEmbedded, int Orientation)
{
    /// <summary>Frames or pages in the file (an animated GIF or WebP, a multi-page TIFF); only the first is read.</summary>
    public int Frames { get; init; } = 1;
}
