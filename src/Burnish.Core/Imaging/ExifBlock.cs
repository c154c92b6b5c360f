using System.Buffers.Binary;

namespace Burnish.Imaging;

/// <summary>
/// Reads one tag's raw bytes from an EXIF block (TIFF structure, CIPA DC-008). libvips renders UserComment as text
/// and loses A1111's UTF-16 payload, so that one tag is read here.
/// </summary>
public static class ExifBlock
{
    private const ushort ExifIfdPointer = 0x8769;
    public const ushort UserComment = 0x9286;

    /// <summary>The bytes of <paramref name="tag"/> in IFD0 or the Exif sub-IFD, or null.</summary>
    public static byte[]? FindTag(ReadOnlySpan<byte> exif, ushort tag)
    {
        // libvips blobs start with "Exif\0\0" before the TIFF header.
        if (exif.Length >= 6 && exif[..6].SequenceEqual("Exif\0\0"u8)) exif = exif[6..];
        if (exif.Length < 8) return null;
        bool little = exif[0] == 'I' && exif[1] == 'I';
        if (!little && !(exif[0] == 'M' && exif[1] == 'M')) return null;
        try
        {
            var ifd0 = U32(exif, 4, little);
            var found = Search(exif, ifd0, tag, little, out var subIfd);
            if (found is null && subIfd is { } sub) found = Search(exif, sub, tag, little, out _);
            return found;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // a truncated block: treat as absent
        }
    }

    private static byte[]? Search(ReadOnlySpan<byte> b, uint ifd, ushort tag, bool little, out uint? exifIfd)
    {
        exifIfd = null;
        var count = U16(b, (int)ifd, little);
        for (var i = 0; i < count; i++)
        {
            var at = (int)ifd + 2 + i * 12;
            var id = U16(b, at, little);
            var type = U16(b, at + 2, little);
            var n = U32(b, at + 4, little);
            if (id == ExifIfdPointer) exifIfd = U32(b, at + 8, little);
            if (id != tag) continue;
            var size = (long)n * TypeSize(type);
            if (size <= 4) return b.Slice(at + 8, (int)size).ToArray();
            var offset = U32(b, at + 8, little);
            return offset + size <= b.Length ? b.Slice((int)offset, (int)size).ToArray() : null;
        }
        return null;
    }

    private static int TypeSize(ushort type) => type switch { 3 or 8 => 2, 4 or 9 or 11 => 4, 5 or 10 or 12 => 8, _ => 1 };
    private static ushort U16(ReadOnlySpan<byte> b, int at, bool le) => le ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);
    private static uint U32(ReadOnlySpan<byte> b, int at, bool le) => le ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
}
