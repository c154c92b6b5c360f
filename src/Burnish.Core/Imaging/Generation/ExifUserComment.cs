using System.Text;

namespace Burnish.Imaging.Generation;

/// <summary>Decodes the EXIF <c>UserComment</c> field (tag 0x9286) to text.</summary>
public static class ExifUserComment
{
    /// <summary>
    /// Decodes raw UserComment bytes: an 8-byte character code (<c>UNICODE\0</c>, <c>ASCII\0\0\0</c>,
    /// <c>JIS\0\0\0\0\0</c> or eight NULs for "undefined") followed by the payload.
    /// </summary>
    /// <remarks>
    /// <c>UNICODE</c> is UTF-16 with no byte order stated: A1111 (via piexif) writes big-endian, other writers
    /// follow the TIFF byte order, so a BOM is honoured and otherwise the order is inferred from which byte of
    /// each pair is zero more often (prompts are mostly ASCII). <c>ASCII</c> and undefined payloads are read as
    /// UTF-8, which several tools write there despite the name. Trailing NULs and padding are dropped.
    /// </remarks>
    /// <returns>The text, or <see langword="null"/> when there is none.</returns>
    public static string? Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty)
            return null;
        string text;
        if (raw.Length >= 8 && raw[..8].SequenceEqual("UNICODE\0"u8))
            text = DecodeUtf16(raw[8..]);
        else if (raw.Length >= 8 && (raw[..8].SequenceEqual("ASCII\0\0\0"u8) || raw[..8].SequenceEqual("JIS\0\0\0\0\0"u8) || raw[..8].SequenceEqual("\0\0\0\0\0\0\0\0"u8)))
            text = Encoding.UTF8.GetString(raw[8..]);
        else
            text = Encoding.UTF8.GetString(raw); // no character code at all: some writers skip it
        text = text.TrimEnd('\0', ' ');
        return text.Length == 0 ? null : text;
    }

    private static string DecodeUtf16(ReadOnlySpan<byte> payload)
    {
        if (payload.Length >= 2 && payload[0] == 0xFE && payload[1] == 0xFF)
            return Encoding.BigEndianUnicode.GetString(payload[2..]);
        if (payload.Length >= 2 && payload[0] == 0xFF && payload[1] == 0xFE)
            return Encoding.Unicode.GetString(payload[2..]);
        int zeroEven = 0, zeroOdd = 0;
        var sample = Math.Min(payload.Length & ~1, 4096);
        for (var i = 0; i < sample; i += 2)
        {
            if (payload[i] == 0)
                zeroEven++;
            if (payload[i + 1] == 0)
                zeroOdd++;
        }
        // "p\0" pairs are little-endian ASCII, "\0p" big-endian.
        var encoding = zeroOdd > zeroEven ? Encoding.Unicode : Encoding.BigEndianUnicode;
        return encoding.GetString(payload[..(payload.Length & ~1)]);
    }
}
