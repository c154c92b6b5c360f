using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Burnish.Cli.Tests.Infrastructure;

/// <summary>One PNG chunk: its four-letter type and its data.</summary>
public sealed record PngChunk(string Type, byte[] Data);

/// <summary>
/// Reads and writes PNG chunks byte by byte (PNG spec, 3rd ed., §5), without an image library, so that tests can
/// craft malformed files and check text chunks exactly.
/// </summary>
public static class Png
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static IReadOnlyList<PngChunk> ReadChunks(string path)
    {
        var b = File.ReadAllBytes(path);
        if (!b.AsSpan(0, 8).SequenceEqual(Signature)) throw new InvalidDataException($"{path} is not a PNG");
        var chunks = new List<PngChunk>();
        for (var at = 8; at + 12 <= b.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at));
            chunks.Add(new PngChunk(Encoding.ASCII.GetString(b, at + 4, 4), b.AsSpan(at + 8, length).ToArray()));
            at += 12 + length;
        }
        return chunks;
    }

    /// <summary>Bit depth per sample from IHDR (byte 8 of its data).</summary>
    public static int BitDepth(string path) => ReadChunks(path)[0] is { Type: "IHDR" } ihdr ? ihdr.Data[8] : throw new InvalidDataException("IHDR is not first");

    /// <summary>Keyword → payload bytes of every tEXt, zTXt and iTXt chunk, decompressed where the chunk is compressed.</summary>
    public static IReadOnlyDictionary<string, byte[]> TextChunks(string path)
    {
        var texts = new Dictionary<string, byte[]>();
        foreach (var c in ReadChunks(path))
        {
            var nul = Array.IndexOf(c.Data, (byte)0);
            if (nul < 0 || c.Type is not ("tEXt" or "zTXt" or "iTXt")) continue;
            var key = Encoding.Latin1.GetString(c.Data, 0, nul);
            var rest = c.Data.AsSpan(nul + 1);
            texts[key] = c.Type switch
            {
                "tEXt" => rest.ToArray(),
                "zTXt" => Inflate(rest[1..]), // compression method byte, then zlib
                _ => ITxtPayload(rest),
            };
        }
        return texts;
    }

    private static byte[] ITxtPayload(ReadOnlySpan<byte> rest)
    {
        var compressed = rest[0] == 1;
        rest = rest[2..];
        rest = rest[(rest.IndexOf((byte)0) + 1)..]; // language tag
        rest = rest[(rest.IndexOf((byte)0) + 1)..]; // translated keyword
        return compressed ? Inflate(rest) : rest.ToArray();
    }

    public static byte[] Inflate(ReadOnlySpan<byte> zlib)
    {
        using var input = new MemoryStream(zlib.ToArray());
        using var z = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        z.CopyTo(output);
        return output.ToArray();
    }

    public static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Optimal)) z.Write(data);
        return output.ToArray();
    }

    /// <summary>A chunk as stored: length, type, data, CRC-32 over type and data.</summary>
    public static byte[] Chunk(string type, byte[] data)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        var b = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(b, (uint)data.Length);
        typeBytes.CopyTo(b, 4);
        data.CopyTo(b, 8);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8 + data.Length), Crc32(b.AsSpan(4, 4 + data.Length)));
        return b;
    }

    public static byte[] Ihdr(uint width, uint height, byte bitDepth = 8, byte colourType = 2)
    {
        var d = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(d, width);
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(4), height);
        d[8] = bitDepth;
        d[9] = colourType;
        return Chunk("IHDR", d);
    }

    /// <summary>A valid 8-bit RGB PNG of <paramref name="size"/>² mid-grey pixels, with <paramref name="extra"/> chunks before IDAT.</summary>
    public static byte[] Grey(int size, params byte[][] extra)
    {
        var rows = new byte[size * (1 + 3 * size)];
        for (var y = 0; y < size; y++) rows.AsSpan(y * (1 + 3 * size) + 1, 3 * size).Fill(0x80); // filter byte 0, then pixels
        return [.. Signature, .. Ihdr((uint)size, (uint)size), .. extra.SelectMany(c => c), .. Chunk("IDAT", Deflate(rows)), .. Chunk("IEND", [])];
    }

    /// <summary>An iCCP chunk: profile name, NUL, compression method 0, then <paramref name="compressed"/> as is.</summary>
    public static byte[] Iccp(byte[] compressed) => Chunk("iCCP", [.. "bad profile"u8, 0, 0, .. compressed]);

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>CRC-32 as PNG computes it (ISO 3309, reflected polynomial 0xEDB88320; PNG spec Annex D).</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
