using System.IO.Compression;
using System.Text;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Imaging.Generation;

/// <summary>
/// Issue 11: A1111 "stealth" metadata (alpha or RGB LSBs, in a PNG with no text chunks) was read by <c>finish</c> but
/// not by <c>info</c>, which only inspects headers. Samples are written here the way sd-webui-stealth-pnginfo's
/// <c>prepare_data</c>/<c>add_data</c> write them: signature, 32-bit big-endian payload length in bits, payload
/// (UTF-8, or gzip for the "comp" forms), bits MSB first, pixels column by column (x outer, y inner).
/// </summary>
public sealed class StealthInspectTests : IDisposable
{
    private const string Parameters =
        "a lighthouse at dusk\nNegative prompt: blurry\nSteps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, "
        + "Seed: 1234567, Size: 96x80, Model: sdxl_base, Version: v1.10.1";

    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private string Write(string mode, bool compressed)
    {
        const int width = 96, height = 80;
        var signature = $"stealth_{(mode == "alpha" ? "png" : "rgb")}{(compressed ? "comp" : "info")}";
        var payload = Encoding.UTF8.GetBytes(Parameters);
        if (compressed)
        {
            using var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Optimal)) gz.Write(payload);
            payload = ms.ToArray();
        }
        var bits = new List<int>();
        void Bytes(byte[] b) { foreach (var x in b) for (var k = 7; k >= 0; k--) bits.Add((x >> k) & 1); }
        Bytes(Encoding.UTF8.GetBytes(signature));
        var length = payload.Length * 8;
        Bytes([(byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length]);
        Bytes(payload);

        // A smooth picture; alpha mode makes it RGBA with alpha 255 first (putalpha(255)), as the extension does.
        var bands = mode == "alpha" ? 4 : 3;
        var pixels = new byte[width * height * bands];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var at = (y * width + x) * bands;
                (pixels[at], pixels[at + 1], pixels[at + 2]) = ((byte)(x * 2), (byte)(y * 3), 128);
                if (bands == 4) pixels[at + 3] = 255;
            }
        var index = 0;
        for (var x = 0; x < width && index < bits.Count; x++)
            for (var y = 0; y < height && index < bits.Count; y++)
            {
                var at = (y * width + x) * bands;
                if (mode == "alpha")
                {
                    pixels[at + 3] = (byte)((pixels[at + 3] & ~1) | bits[index++]);
                }
                else
                {
                    for (var c = 0; c < 3 && index < bits.Count; c++)
                        pixels[at + c] = (byte)((pixels[at + c] & ~1) | bits[index++]);
                }
            }
        var path = dir.File($"{mode}-{(compressed ? "comp" : "info")}.png");
        using var image = Image.NewFromMemory(pixels, width, height, bands, Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        image.Pngsave(path, keep: Enums.ForeignKeep.None);
        return path;
    }

    [Theory]
    [InlineData("alpha", true)]
    [InlineData("alpha", false)]
    [InlineData("rgb", true)]
    [InlineData("rgb", false)]
    public void Info_reads_stealth_parameters(string mode, bool compressed)
    {
        var path = Write(mode, compressed);

        var (_, metadata) = ImageLoader.Inspect(path, LoadLimits.Default);

        Assert.Empty(metadata.TextChunks);
        var g = metadata.Generation;
        Assert.NotNull(g);
        Assert.Equal("a lighthouse at dusk", g.Prompt);
        Assert.Equal("blurry", g.NegativePrompt);
        Assert.Equal(1234567L, g.Seed);
        Assert.Equal("Karras", g.Scheduler);
        Assert.Equal(6.5, g.CfgScale);
    }

    [Fact]
    public void Info_reads_the_stealth_fixture()
    {
        var (_, metadata) = ImageLoader.Inspect(MetadataFixtures.PathOf("automatic1111_stealth.png"), LoadLimits.Default);

        Assert.Equal("a circle", metadata.Generation?.Prompt);
    }

    [Fact]
    public void Info_on_a_damaged_image_without_metadata_still_shows_its_header()
    {
        // Decoding pixels for stealth text must not turn a damaged file's header into an error.
        var path = dir.File("plain.png");
        using (var image = Image.Black(64, 64, bands: 3).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb))
            image.Pngsave(path, keep: Enums.ForeignKeep.None);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 30)]); // cut into the image data

        var (facts, metadata) = ImageLoader.Inspect(path, LoadLimits.Default);

        Assert.Equal((64, 64), (facts.Width, facts.Height));
        Assert.Null(metadata.Generation);
    }
}
