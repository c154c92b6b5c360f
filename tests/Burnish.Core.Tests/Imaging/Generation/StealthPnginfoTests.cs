using System.IO.Compression;
using System.Text;
using Burnish.Imaging.Generation;
using Xunit;

namespace Burnish.Core.Tests.Imaging.Generation;

public class StealthPnginfoTests
{
    private const string FixtureText =
        "a circle\nNegative prompt: a square\nSteps: 20, Sampler: Euler, Schedule type: Automatic, CFG scale: 7, "
        + "Seed: 2015833630, Size: 64x64, Model hash: 15012c538f, Model: realisticVisionV51_v51VAE, Clip skip: 2, "
        + "Version: v1.9.4-169-ga30b19dd";

    [Fact]
    public void Decodes_gzip_alpha_payload_of_the_fixture()
    {
        var (pixels, width, height, bands) = MetadataFixtures.ReadPngPixels(MetadataFixtures.PathOf("automatic1111_stealth.png"));
        Assert.Equal((64, 64, 4), (width, height, bands));

        Assert.Equal(FixtureText, StealthPnginfo.Decode(pixels, width, height, bands));
    }

    [Fact]
    public void Fixture_payload_parses_as_A1111_parameters()
    {
        var (pixels, width, height, bands) = MetadataFixtures.ReadPngPixels(MetadataFixtures.PathOf("automatic1111_stealth.png"));
        var source = new GenerationSource(new Dictionary<string, string>(), null, StealthPnginfo.Decode(pixels, width, height, bands));

        var p = GenerationMetadata.Parse(source)!;

        Assert.Equal(GenerationTools.Automatic1111, p.Tool);
        Assert.Equal("a circle", p.Prompt);
        Assert.Equal("a square", p.NegativePrompt);
        Assert.Equal("Euler", p.Sampler);
        Assert.Equal("Automatic", p.Scheduler);
        Assert.Equal(2015833630L, p.Seed);
        Assert.Equal(20, p.Steps);
        Assert.Equal(7.0, p.CfgScale);
        Assert.Equal((64, 64), (p.Width!.Value, p.Height!.Value));
        Assert.Equal("realisticVisionV51_v51VAE", p.Model);
        Assert.Equal("v1.9.4-169-ga30b19dd", p.Extra["Version"]);
    }

    [Fact]
    public void Reading_the_fixture_without_its_alpha_band_finds_nothing()
    {
        var (pixels, width, height, _) = MetadataFixtures.ReadPngPixels(MetadataFixtures.PathOf("automatic1111_stealth.png"));
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < width * height; i++)
            pixels.AsSpan(i * 4, 3).CopyTo(rgb.AsSpan(i * 3));

        Assert.Null(StealthPnginfo.Decode(rgb, width, height, 3));
    }

    [Theory]
    [InlineData(3, "stealth_rgbinfo", false)]
    [InlineData(3, "stealth_rgbcomp", true)]
    [InlineData(4, "stealth_rgbinfo", false)]
    [InlineData(2, "stealth_pnginfo", false)]
    [InlineData(4, "stealth_pngcomp", true)]
    public void Round_trips_every_signature_and_band_layout(int bands, string signature, bool gzip)
    {
        const string text = "ünïcode prompt\nSteps: 4, Sampler: Euler, Seed: 9";
        var (width, height) = (37, 29); // not square, so a row-major reading would scramble the bits
        var pixels = new byte[width * height * bands];
        new Random(1234).NextBytes(pixels);
        var alpha = signature.StartsWith("stealth_png", StringComparison.Ordinal);
        Embed(pixels, width, height, bands, alpha ? [bands - 1] : [0, 1, 2], signature, Payload(text, gzip));

        Assert.Equal(text, StealthPnginfo.Decode(pixels, width, height, bands));
    }

    [Fact]
    public void Random_pixels_have_no_payload()
    {
        var pixels = new byte[32 * 32 * 4];
        new Random(7).NextBytes(pixels);

        Assert.Null(StealthPnginfo.Decode(pixels, 32, 32, 4));
    }

    [Fact]
    public void Length_beyond_the_image_is_rejected()
    {
        var (width, height, bands) = (8, 40, 4);
        var pixels = new byte[width * height * bands];
        // Declare 4 KiB of payload in an image that holds far less.
        var bits = Bits(Encoding.ASCII.GetBytes("stealth_pnginfo")).Concat(Bits([0, 0, 0x80, 0])).ToArray();
        WriteBits(pixels, width, height, bands, [3], bits);

        Assert.Null(StealthPnginfo.Decode(pixels, width, height, bands));
    }

    [Fact]
    public void Corrupt_gzip_payload_gives_null()
    {
        var (width, height, bands) = (20, 20, 4);
        var pixels = new byte[width * height * bands];
        Embed(pixels, width, height, bands, [3], "stealth_pngcomp", Encoding.ASCII.GetBytes("not gzip at all"));

        Assert.Null(StealthPnginfo.Decode(pixels, width, height, bands));
    }

    [Fact]
    public void Too_small_buffer_throws()
    {
        Assert.Throws<ArgumentException>(() => StealthPnginfo.Decode(new byte[10], 4, 4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => StealthPnginfo.Decode(new byte[10], 0, 4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => StealthPnginfo.Decode(new byte[100], 2, 2, 5));
    }

    [Fact]
    public void Grey_image_without_alpha_has_nowhere_to_hide_data()
    {
        Assert.Null(StealthPnginfo.Decode(new byte[64 * 64], 64, 64, 1));
    }

    private static byte[] Payload(string text, bool gzip)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (!gzip)
            return bytes;
        using var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(bytes);
        return ms.ToArray();
    }

    /// <summary>Writes signature, 32-bit bit-length and payload the way sd-webui-stealth-pnginfo does.</summary>
    private static void Embed(byte[] pixels, int width, int height, int bands, int[] channels, string signature, byte[] payload)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(length, (uint)payload.Length * 8);
        var bits = Bits(Encoding.ASCII.GetBytes(signature)).Concat(Bits(length)).Concat(Bits(payload)).ToArray();
        WriteBits(pixels, width, height, bands, channels, bits);
    }

    private static IEnumerable<int> Bits(byte[] bytes) =>
        bytes.SelectMany(b => Enumerable.Range(0, 8).Select(k => (b >> (7 - k)) & 1));

    private static void WriteBits(byte[] pixels, int width, int height, int bands, int[] channels, int[] bits)
    {
        Assert.True(bits.Length <= width * height * channels.Length, "test image too small for payload");
        for (var n = 0; n < bits.Length; n++)
        {
            var pixel = n / channels.Length;
            int x = pixel / height, y = pixel % height; // column-major
            var index = ((y * width) + x) * bands + channels[n % channels.Length];
            pixels[index] = (byte)((pixels[index] & ~1) | bits[n]);
        }
    }
}
