using Burnish.IO;

namespace Burnish.Imaging.Generation;

/// <summary>
/// The raw metadata carriers of one image, already pulled out of the file by the caller
/// (libvips or any other reader); the parser itself never touches image bytes.
/// </summary>
/// <param name="TextChunks">
/// PNG <c>tEXt</c>/<c>iTXt</c>/<c>zTXt</c> keyword to decoded text, e.g. <c>parameters</c>, <c>prompt</c>,
/// <c>workflow</c>, <c>Dream</c>, <c>sd-metadata</c>, <c>invokeai_metadata</c>, <c>Description</c>,
/// <c>Comment</c>, <c>Software</c>, <c>Source</c>, <c>fooocus_scheme</c>. Keys are matched exactly first,
/// then case-insensitively.
/// </param>
/// <param name="ExifUserComment">
/// Raw EXIF <c>UserComment</c> bytes including the 8-byte character-code prefix
/// (<c>UNICODE\0</c>, <c>ASCII\0\0\0</c>, ...), as A1111 and Fooocus write into JPEG/WebP.
/// </param>
/// <param name="StealthPayload">
/// Text already recovered from A1111 "stealth" LSB pixels (see <see cref="StealthPnginfo.Decode"/>), if any.
/// </param>
public sealed record GenerationSource(
    IReadOnlyDictionary<string, string> TextChunks,
    byte[]? ExifUserComment,
    string? StealthPayload)
{
    /// <summary>A source with text chunks only.</summary>
    public static GenerationSource FromTextChunks(IReadOnlyDictionary<string, string> textChunks) =>
        new(textChunks, null, null);

    /// <summary>
    /// Looks up a text chunk: exact keyword first, then case-insensitively, because callers build the
    /// dictionary with whatever comparer their image library gives them.
    /// </summary>
    internal string? Text(string key)
    {
        if (TextChunks.TryGetValue(key, out var exact))
            return Bounded(exact);
        foreach (var (k, v) in TextChunks)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                return Bounded(v);
        }
        return null;
    }

    /// <summary>The text, or null when it is over <see cref="InputLimits.MaxMetadataChunkChars"/>: no generator writes that much, so it is not parsed.</summary>
    internal static string? Bounded(string? text) =>
        text is not null && text.Length <= InputLimits.Default.MaxMetadataChunkChars ? text : null;
}
