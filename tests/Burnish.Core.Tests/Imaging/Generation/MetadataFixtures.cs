using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Burnish.Imaging.Generation;

namespace Burnish.Core.Tests.Imaging.Generation;

/// <summary>
/// Reads the metadata fixtures without an image library, so these tests exercise the parser alone:
/// PNG text chunks and 8-bit non-interlaced pixels, and the EXIF UserComment of a JPEG.
/// </summary>
internal static class MetadataFixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "metadata", name);

    public static string ReadText(string name) => File.ReadAllText(PathOf(name), Encoding.UTF8);

    /// <summary>A source built from a fixture: PNG text chunks, or a JPEG's EXIF UserComment.</summary>
    public static GenerationSource Source(string name)
    {
        var path = PathOf(name);
        return name.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)
            ? new GenerationSource(new Dictionary<string, string>(), ReadJpegUserComment(path), null)
            : GenerationSource.FromTextChunks(ReadPngText(path));
    }

    public static GenerationParams Parse(string name) =>
        GenerationMetadata.Parse(Source(name)) ?? throw new InvalidOperationException($"{name}: no generation metadata");

    public static GenerationParams ParseComfyPrompt(string jsonFixture) =>
        GenerationMetadata.Parse(GenerationSource.FromTextChunks(new Dictionary<string, string> { ["prompt"] = ReadText(jsonFixture) }))
        ?? throw new InvalidOperationException($"{jsonFixture}: no generation metadata");

    /// <summary>
    /// The shared test-data folder (<c>../shared/testdata</c> next to the repository root, which holds
    /// <c>Burnish.slnx</c>), or null when this checkout has none.
    /// </summary>
    public static string? SharedTestData()
    {
        if (Fixtures.RepositoryRoot() is not { } root) return null;
        var shared = Path.GetFullPath(Path.Combine(root, "..", "shared", "testdata"));
        return Directory.Exists(shared) ? shared : null;
    }

    // ---- PNG ------------------------------------------------------------------------------------

    private static IEnumerable<(string Type, byte[] Data)> PngChunks(byte[] file)
    {
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }))
            throw new InvalidDataException("not a PNG");
        var pos = 8;
        while (pos + 12 <= file.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos));
            var type = Encoding.ASCII.GetString(file, pos + 4, 4);
            yield return (type, file.AsSpan(pos + 8, length).ToArray());
            pos += 12 + length;
            if (type == "IEND")
                yield break;
        }
    }

    /// <summary>tEXt (Latin-1), zTXt (zlib, Latin-1) and iTXt (UTF-8, optionally zlib) keyword to text.</summary>
    public static Dictionary<string, string> ReadPngText(string path)
    {
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (type, data) in PngChunks(File.ReadAllBytes(path)))
        {
            var nul = Array.IndexOf(data, (byte)0);
            if (nul <= 0 || type is not ("tEXt" or "zTXt" or "iTXt"))
                continue;
            var key = Encoding.Latin1.GetString(data, 0, nul);
            var rest = data.AsSpan(nul + 1);
            text[key] = type switch
            {
                "tEXt" => Encoding.Latin1.GetString(rest),
                "zTXt" => Encoding.Latin1.GetString(Inflate(rest[1..])),
                _ => ReadITxt(rest),
            };
        }
        return text;
    }

    private static string ReadITxt(ReadOnlySpan<byte> rest)
    {
        var compressed = rest[0] == 1;
        rest = rest[2..];
        rest = rest[(rest.IndexOf((byte)0) + 1)..]; // language tag
        rest = rest[(rest.IndexOf((byte)0) + 1)..]; // translated keyword
        return Encoding.UTF8.GetString(compressed ? Inflate(rest) : rest.ToArray());
    }

    private static byte[] Inflate(ReadOnlySpan<byte> zlib)
    {
        using var z = new ZLibStream(new MemoryStream(zlib.ToArray()), CompressionMode.Decompress);
        using var output = new MemoryStream();
        z.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Row-major, band-interleaved 8-bit pixels of a non-interlaced grey/grey+alpha/RGB/RGBA PNG.</summary>
    public static (byte[] Pixels, int Width, int Height, int Bands) ReadPngPixels(string path)
    {
        int width = 0, height = 0, bands = 0;
        using var idat = new MemoryStream();
        foreach (var (type, data) in PngChunks(File.ReadAllBytes(path)))
        {
            if (type == "IHDR")
            {
                width = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                height = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4));
                var (depth, colour, interlace) = (data[8], data[9], data[12]);
                if (depth != 8 || interlace != 0)
                    throw new NotSupportedException("fixture reader handles 8-bit non-interlaced PNGs only");
                bands = colour switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new NotSupportedException($"colour type {colour}") };
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
        }

        var raw = Inflate(idat.ToArray());
        var stride = width * bands;
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var output = pixels.AsSpan(y * stride, stride);
            var previous = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var i = 0; i < stride; i++)
            {
                int a = i >= bands ? output[i - bands] : 0, b = previous[i], c = i >= bands ? previous[i - bands] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"filter {filter}"),
                };
                output[i] = (byte)(line[i] + predictor);
            }
        }
        return (pixels, width, height, bands);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    // ---- JPEG / EXIF ----------------------------------------------------------------------------

    /// <summary>Raw UserComment (tag 0x9286 in the Exif IFD) from a JPEG's APP1 Exif segment.</summary>
    public static byte[]? ReadJpegUserComment(string path)
    {
        var file = File.ReadAllBytes(path);
        var pos = 2; // SOI
        while (pos + 4 <= file.Length && file[pos] == 0xFF)
        {
            var marker = file[pos + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(pos + 2));
            if (marker == 0xE1 && file.AsSpan(pos + 4).StartsWith("Exif\0\0"u8))
                return UserCommentFromTiff(file.AsSpan(pos + 10, length - 8));
            if (marker == 0xDA)
                break; // image data: no more metadata segments
            pos += 2 + length;
        }
        return null;
    }

    private static byte[]? UserCommentFromTiff(ReadOnlySpan<byte> tiff)
    {
        var bigEndian = tiff[0] == (byte)'M';
        uint U32(ReadOnlySpan<byte> s, int at) => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);
        ushort U16(ReadOnlySpan<byte> s, int at) => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s[at..]) : BinaryPrimitives.ReadUInt16LittleEndian(s[at..]);

        int? Find(ReadOnlySpan<byte> t, int ifd, ushort tag, out uint count)
        {
            count = 0;
            var entries = U16(t, ifd);
            for (var i = 0; i < entries; i++)
            {
                var e = ifd + 2 + i * 12;
                if (U16(t, e) != tag)
                    continue;
                count = U32(t, e + 4);
                return count <= 4 ? e + 8 : (int)U32(t, e + 8);
            }
            return null;
        }

        var ifd0 = (int)U32(tiff, 4);
        if (Find(tiff, ifd0, 0x8769, out _) is not { } exifPointer)
            return null;
        var exifIfd = (int)U32(tiff, exifPointer);
        return Find(tiff, exifIfd, 0x9286, out var n) is { } at ? tiff.Slice(at, (int)n).ToArray() : null;
    }
}
