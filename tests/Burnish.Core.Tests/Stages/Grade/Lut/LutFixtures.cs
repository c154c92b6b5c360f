using System.IO.Compression;
using Burnish.Imaging;
using Burnish.Stages.Grade.Lut;
using NetVips;

namespace Burnish.Core.Tests.Stages.Grade.Lut;

/// <summary>
/// The LUT fixtures in fixtures/golden/lut (made by make-golden.sh there): a 256×256 crop of a real SDXL generation,
/// a 17³ and a 33³ .cube and a level-8 HaldCLUT of one look, and what ffmpeg and ImageMagick made of the crop.
/// </summary>
internal static class LutFixtures
{
    public const string Crop = "sdxl-bottle-256.png";

    public static string PathOf(string name) => Fixtures.PathOf("golden", "lut", name);

    /// <summary>The .cube LUT of the given size: the 33³ is stored gzipped (0.8 MB as text) and read through the TextReader entry point.</summary>
    public static CubeLut Cube(int size)
    {
        if (size == 17) return CubeLutReader.Read(PathOf("filmic-17.cube"));
        using var gz = new GZipStream(File.OpenRead(PathOf($"filmic-{size}.cube.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        return CubeLutReader.Parse(reader, $"filmic-{size}.cube");
    }

    /// <summary>An 8-bit RGB PNG as float samples v/255.</summary>
    public static PixelBuffer Read8(string name)
    {
        using var image = Image.NewFromFile(PathOf(name));
        Assert.Equal(Enums.BandFormat.Uchar, image.Format);
        var buffer = PixelBuffer.From(image);
        for (var i = 0; i < buffer.Data.Length; i++) buffer.Data[i] /= 255f;
        return buffer;
    }

    /// <summary>An 8-bit RGB PNG's code values.</summary>
    public static byte[] Codes8(string name)
    {
        using var image = Image.NewFromFile(PathOf(name));
        Assert.Equal(Enums.BandFormat.Uchar, image.Format);
        return image.WriteToMemory<byte>();
    }

    /// <summary>Float samples quantised as an 8-bit encoder does: ×255, rounded, clipped.</summary>
    public static byte[] Quantise8(PixelBuffer buffer) =>
        buffer.Data.Select(v => (byte)Math.Clamp(MathF.Round(v * 255f, MidpointRounding.AwayFromZero), 0, 255)).ToArray();

    /// <summary>The largest |a − b| and how many samples differ at all.</summary>
    public static (int Max, int Differing) Compare(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        int max = 0, differing = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = Math.Abs(a[i] - b[i]);
            if (d > 0) differing++;
            max = Math.Max(max, d);
        }
        return (max, differing);
    }

    /// <summary>A buffer of every-which values: a 16-bit-like ramp through the cube plus pseudo-random pixels, 0–1.</summary>
    public static PixelBuffer Sweep(int width, int height, int bands = 3, int seed = 7)
    {
        var random = new Random(seed);
        var buffer = new PixelBuffer(width, height, bands);
        for (var i = 0; i < width * height; i++)
        {
            for (var c = 0; c < 3; c++)
                buffer.Data[i * bands + c] = random.Next(65536) / 65535f;
            if (bands == 4) buffer.Data[i * bands + 3] = random.Next(65536) / 65535f;
        }
        return buffer;
    }
}
