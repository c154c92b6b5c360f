using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Burnish.Imaging;

/// <summary>
/// Tells whether a file carries an ICC profile, by its container's own structure. Decoders drop a profile they
/// cannot parse with only a warning, and the image would then pass silently as untagged sRGB.
/// </summary>
public static class DeclaredProfile
{
    public static bool IsDeclared(string path)
    {
        using var stream = File.OpenRead(path);
        var length = (int)Math.Min(stream.Length, 4 << 20); // profiles sit near the start; 4 MiB covers any header
        var head = ArrayPool<byte>.Shared.Rent(length); // a large object per image otherwise
        try
        {
            stream.ReadExactly(head, 0, length);
            return IsDeclared(head.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    /// <summary>As <see cref="IsDeclared(string)"/>, on a file's first bytes (where its headers are).</summary>
    public static bool IsDeclared(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return Png(b);
        if (b.Length > 3 && b[0] == 0xFF && b[1] == 0xD8) return Jpeg(b);
        if (b.Length > 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return WebP(b);
        return false;
    }

    private static bool Png(ReadOnlySpan<byte> b)
    {
        for (var at = 8; at + 8 <= b.Length;)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
            var type = b.Slice(at + 4, 4);
            if (type.SequenceEqual("iCCP"u8)) return true;
            // Checked against what remains, so a crafted length can neither wrap the offset nor point past the end.
            if (type.SequenceEqual("IDAT"u8) || length > (long)b.Length - at - 12) return false;
            at += (int)length + 12;
        }
        return false;
    }

    private static bool Jpeg(ReadOnlySpan<byte> b)
    {
        for (var at = 2; at + 4 <= b.Length && b[at] == 0xFF;)
        {
            var marker = b[at + 1];
            if (marker == 0xDA) return false; // start of scan: no more headers
            var length = BinaryPrimitives.ReadUInt16BigEndian(b[(at + 2)..]);
            if (marker == 0xE2 && at + 16 <= b.Length && b.Slice(at + 4, 12).SequenceEqual("ICC_PROFILE\0"u8)) return true;
            at += 2 + length;
        }
        return false;
    }

    private static bool WebP(ReadOnlySpan<byte> b)
    {
        for (var at = 12; at + 8 <= b.Length;)
        {
            if (Encoding.ASCII.GetString(b.Slice(at, 4)) == "ICCP") return true;
            var length = BinaryPrimitives.ReadUInt32LittleEndian(b[(at + 4)..]);
            // Checked against what remains (a trailing odd-length chunk may omit its pad byte).
            if (length > (long)b.Length - at - 8) return false;
            at += 8 + (int)length + (int)(length & 1);
        }
        return false;
    }
}
