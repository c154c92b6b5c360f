using Burnish.Core.Tests.Models;
using Burnish.Imaging;
using Burnish.Stages.Repair.TextMask;
using NetVips;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Stages.Repair.TextMask;

/// <summary>The PP-OCRv4 detector from the shared test model cache, loaded once for every detection test.</summary>
public sealed class TextDetectorFixture : IDisposable
{
    public TextDetector Detector { get; } = TextDetector.FromCache(TestModels.Cache);

    public void Dispose() => Detector.Dispose();
}

[CollectionDefinition("text-detector")]
public sealed class TextDetectorCollection : ICollectionFixture<TextDetectorFixture>;

/// <summary>
/// Text masks on real AI generations (fixtures/textmask, see SOURCES.md) with text rendered onto them by the test,
/// so the ground truth is exact: the rendered glyph pixels.
/// </summary>
[Collection("text-detector")]
public class TextDetectorTests(TextDetectorFixture fixture, ITestOutputHelper output)
{
    private readonly TextDetector detector = fixture.Detector;

    /// <summary>One caption: text, font size in pixels, colour (sRGB 0–1), top-left position and opacity.</summary>
    public sealed record Caption(string Text, int Size, double[] Colour, int X, int Y, double Opacity = 1);

    private static readonly double[] White = [1, 1, 1], Black = [0, 0, 0], Yellow = [1, 0.85, 0.1], Red = [0.85, 0.1, 0.1], Navy = [0.05, 0.1, 0.35];

    public static TheoryData<string, Caption[]> Scenes => new()
    {
        {
            "sdxl-turbo-fox.jpg", [
                new("LIMITED EDITION", 34, White, 24, 20),
                new("www.burnish-demo.example", 16, Black, 150, 470),
                new("© 2024 Nine Foxes", 22, Yellow, 240, 250),
            ]
        },
        {
            "sd15-statue.jpg", [
                new("MARBLE", 56, White, 150, 400, 0.6),
                new("sample only", 18, Yellow, 20, 30),
                new("Gallery 7 · Room 3", 24, Red, 230, 120),
            ]
        },
        {
            "flux-girl-512.jpg", [
                new("Summer in the Fields", 30, Navy, 110, 24),
                new("@studio.harvest", 20, White, 320, 470),
                new("FREE", 44, Yellow, 20, 330),
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Scenes))]
    public void RenderedTextIsCoveredAndLittleElseIs(string file, Caption[] captions)
    {
        var (image, glyphs, boxes) = Render(file, captions);
        var p = TextMaskParams.Default with { Watermarks = false };
        var mask = Fixtures.Pixels(detector.Mask(image, p));
        Assert.Equal(image.Width * image.Height, mask.Length);

        // Text pixels: every pixel a glyph touches (alpha > 0). Non-text: outside each caption's ink box grown by half
        // the font size plus the dilation, the padding DB's unclip (≈ 0.4 × line height here) and the dilation add by
        // design around a line of text.
        long text = 0, textCovered = 0, other = 0, otherMasked = 0;
        for (var i = 0; i < mask.Length; i++)
        {
            var (x, y) = (i % image.Width, i / image.Width);
            if (glyphs[i] > 0) { text++; if (mask[i] >= 0.5f) textCovered++; }
            var nearText = boxes.Any(b => x >= b.X0 - b.Pad - p.Dilate && x <= b.X1 + b.Pad + p.Dilate && y >= b.Y0 - b.Pad - p.Dilate && y <= b.Y1 + b.Pad + p.Dilate);
            if (!nearText) { other++; if (mask[i] >= 0.5f) otherMasked++; }
        }
        var coverage = (double)textCovered / text;
        var falseAlarm = (double)otherMasked / other;
        output.WriteLine($"{file}: text pixels {text}, covered {coverage:P2}; non-text pixels {other}, masked {falseAlarm:P3}");
        Save(file, image, mask);
        Assert.True(coverage >= 0.90, $"only {coverage:P2} of the text pixels are masked");
        Assert.True(falseAlarm < 0.02, $"{falseAlarm:P3} of the non-text pixels are masked");
    }

    [Theory]
    [InlineData("sdxl-turbo-fox.jpg")]
    [InlineData("sd15-statue.jpg")]
    [InlineData("flux-girl-512.jpg")]
    public void GenerationWithoutTextGivesAlmostNoMask(string file)
    {
        var image = Load(file);
        var mask = Fixtures.Pixels(detector.Mask(image, TextMaskParams.Default));
        var masked = mask.Count(v => v >= 0.5f) / (double)mask.Length;
        output.WriteLine($"{file}: {masked:P3} masked, regions: {string.Join("; ", detector.Detect(image, TextMaskParams.Default).Select(r => $"{r.Kind} {r.Score:F2}"))}");
        Assert.True(masked < 0.02, $"{masked:P3} of a generation without text is masked");
    }

    [Fact]
    public void MaskIsTheRegionsGrownByADisc()
    {
        // One region covering pixel (10, 10) alone, dilated by 3: the disc dx² + dy² ≤ r² + r, rows of 3, 5, 7, 7, 7, 5
        // and 3 pixels, 37 in all.
        PixelPoint[] square = [new(9.6, 9.6), new(10.4, 9.6), new(10.4, 10.4), new(9.6, 10.4)];
        var mask = Fixtures.Pixels(TextDetector.Rasterise([new TextRegion(square, 1)], 21, 21, 3));
        for (var y = 0; y < 21; y++)
            for (var x = 0; x < 21; x++)
            {
                var (dx, dy) = (x - 10, y - 10);
                Assert.Equal(dx * dx + dy * dy <= 12 ? 1f : 0f, mask[y * 21 + x]);
            }
        Assert.Equal(37, mask.Count(v => v == 1f));
        Assert.All(Fixtures.Pixels(TextDetector.Rasterise([], 21, 21, 3)), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ModelThatIsNotATextDetectorIsRefused()
    {
        using var dir = new TempDir();
        var g = new Burnish.Models.Onnx.OnnxGraphBuilder();
        var x = g.Input("x", [1, 3, "h", "w"]);
        g.Node("Relu", [x], "y");
        g.Output("y", [1, 3, "h", "w"]);
        g.Save(dir.File("not-db.onnx"));
        var e = Assert.Throws<BurnishException>(() => new TextDetector(dir.File("not-db.onnx")));
        Assert.Contains("not a DB text detector", e.Message);
        Assert.Contains("file not found", Assert.Throws<BurnishException>(() => new TextDetector(dir.File("missing.onnx"))).Message);
    }

    [Fact]
    public void CancelledDetectionStops()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => detector.Detect(Load("sd15-statue.jpg"), TextMaskParams.Default, cancel.Token));
    }

    internal static WorkImage Load(string file)
    {
        var pixels = Image.NewFromFile(Fixtures.PathOf("textmask", file), access: Enums.Access.Random);
        return new WorkImage((pixels.Cast(Enums.BandFormat.Float) / 255.0).Copy(interpretation: Enums.Interpretation.Rgb), ShippedProfiles.Srgb);
    }

    private static (WorkImage Image, float[] Glyphs, List<(int X0, int Y0, int X1, int Y1, int Pad)> Boxes) Render(string file, Caption[] captions)
    {
        var image = Load(file);
        var (w, h) = (image.Width, image.Height);
        var colour = image.Pixels;
        var glyphs = new float[w * h];
        var boxes = new List<(int, int, int, int, int)>();
        foreach (var c in captions)
        {
            // 72 dpi: the font size is in pixels.
            using var text = Image.Text(c.Text, font: $"DejaVu Sans Bold {c.Size}", dpi: 72);
            Assert.True(c.X + text.Width <= w && c.Y + text.Height <= h, $"'{c.Text}' does not fit");
            var alpha = (text.Cast(Enums.BandFormat.Float) / 255.0 * c.Opacity).Embed(c.X, c.Y, w, h);
            colour = colour * (1.0 - alpha) + alpha.Bandjoin(alpha, alpha) * c.Colour;
            var a = alpha.WriteToMemory<float>();
            int x0 = w, y0 = h, x1 = -1, y1 = -1;
            for (var i = 0; i < a.Length; i++)
            {
                if (a[i] <= 0) continue;
                glyphs[i] = Math.Max(glyphs[i], a[i]);
                var (x, y) = (i % w, i / w);
                (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
            }
            boxes.Add((x0, y0, x1, y1, c.Size / 2));
        }
        return (image.WithPixels(colour.Copy(interpretation: Enums.Interpretation.Rgb)), glyphs, boxes);
    }

    // With BURNISH_TEST_DEBUG set, the image with its mask in red goes there, for a person to look at.
    private static void Save(string name, WorkImage image, float[] mask)
    {
        if (Environment.GetEnvironmentVariable("BURNISH_TEST_DEBUG") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        var m = Image.NewFromMemoryCopy(mask, image.Width, image.Height, 1, Enums.BandFormat.Float) * 0.5;
        var overlay = image.Colour * (1.0 - m) + m.Bandjoin(m * 0, m * 0);
        (overlay * 255.0).Cast(Enums.BandFormat.Uchar).WriteToFile(Path.Combine(dir, Path.ChangeExtension(name, ".mask.png")));
    }
}
