using System.Buffers.Binary;
using System.Text;

namespace Burnish.Imaging;

/// <summary>The few facts Burnish reads from an ICC profile's header and tag table (ICC.1:2010 §7).</summary>
public sealed record IccHeader(string ColourSpace, string Pcs, string DeviceClass, string? Description, Version Version)
{
    /// <summary>Reads the header; throws <see cref="FormatException"/> when the bytes are not an ICC profile.</summary>
    public static IccHeader Read(ReadOnlySpan<byte> icc)
    {
        if (icc.Length < 132)
            throw new FormatException($"ICC profile is {icc.Length} bytes, shorter than its 132-byte header");
        var declared = BinaryPrimitives.ReadUInt32BigEndian(icc);
        if (declared > icc.Length || declared < 132)
            throw new FormatException($"ICC profile declares {declared} bytes but holds {icc.Length}");
        if (Encoding.ASCII.GetString(icc.Slice(36, 4)) != "acsp")
            throw new FormatException("ICC profile lacks the 'acsp' signature");
        var version = new Version(icc[8], icc[9] >> 4);
        var cls = Sig(icc, 12);
        var space = Sig(icc, 16);
        var pcs = Sig(icc, 20);
        var tagCount = BinaryPrimitives.ReadUInt32BigEndian(icc[128..]);
        if (tagCount > 1000 || 132 + tagCount * 12 > icc.Length)
            throw new FormatException("ICC tag table runs past the end of the profile");
        string? description = null;
        for (var i = 0; i < tagCount; i++)
        {
            var entry = icc.Slice(132 + i * 12, 12);
            if (Sig(entry, 0) != "desc") continue;
            // Unsigned 32-bit fields, compared in 64 bits so that no crafted value can wrap round.
            long offset = BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
            long size = BinaryPrimitives.ReadUInt32BigEndian(entry[8..]);
            if (size < 12 || offset + size > icc.Length)
                throw new FormatException("ICC 'desc' tag points outside the profile");
            description = ReadText(icc.Slice((int)offset, (int)size));
        }
        return new IccHeader(space, pcs, cls, description, version);
    }

    private static string Sig(ReadOnlySpan<byte> b, int at) => Encoding.ASCII.GetString(b.Slice(at, 4)).TrimEnd(' ', '\0');

    // v2 'desc' (textDescriptionType) holds ASCII; v4 'mluc' holds UTF-16BE records. A count or record that runs
    // past the tag leaves the description unknown: the description is cosmetic, the profile may still be sound.
    private static string? ReadText(ReadOnlySpan<byte> tag)
    {
        switch (Sig(tag, 0))
        {
            case "desc":
                long n = BinaryPrimitives.ReadUInt32BigEndian(tag[8..]);
                return n > 0 && n <= tag.Length - 12 ? Encoding.ASCII.GetString(tag.Slice(12, (int)n)).TrimEnd('\0') : null;
            case "mluc":
                if (tag.Length < 28) return null;
                long len = BinaryPrimitives.ReadUInt32BigEndian(tag[20..]);
                long off = BinaryPrimitives.ReadUInt32BigEndian(tag[24..]);
                return off <= tag.Length && len <= tag.Length - off
                    ? Encoding.BigEndianUnicode.GetString(tag.Slice((int)off, (int)len)).TrimEnd('\0')
                    : null;
            default:
                return null;
        }
    }
}
