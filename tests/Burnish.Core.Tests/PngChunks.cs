using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Burnish.Core.Tests;

/// <summary>Rewrites PNG chunks byte by byte, to make damaged files that encoders refuse to write.</summary>
internal static class PngChunks
{
    public static byte[] ReplaceIccp(byte[] png, byte[] icc)
    {
        using var output = new MemoryStream();
        output.Write(png, 0, 8);
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            if (type == "iCCP")
            {
                using var data = new MemoryStream();
                data.Write("icc\0\0"u8);
                using (var z = new ZLibStream(data, CompressionLevel.Optimal, leaveOpen: true)) z.Write(icc);
                WriteChunk(output, "iCCP", data.ToArray());
            }
            else
            {
                output.Write(png, at, length + 12);
            }
            at += length + 12;
        }
        return output.ToArray();
    }

    public static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        output.Write(word);
    }

    // CRC-32 (ISO 3309), as PNG chunks use it.
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
