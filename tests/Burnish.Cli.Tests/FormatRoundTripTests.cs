using Burnish.Cli.Tests.Infrastructure;
using NetVips;
using Xunit.Abstractions;

namespace Burnish.Cli.Tests;

/// <summary>Every input format goes through <c>finish</c>: the master keeps the size, and its sRGB rendering matches the input.</summary>
public sealed class FormatRoundTripTests(ITestOutputHelper log) : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    // Not square, so a swapped width and height shows.
    private const int W = 160, H = 120;

    public static TheoryData<string> Formats => new()
    {
        "png8", "png16", "jpeg", "webp", "tiff8", "tiff16", "avif", "gif", "grey", "grey-alpha", "rgba", "rgba16-adobe-rgb",
    };

    /// <summary>Writes the input for <paramref name="format"/>, made from a crop of the ComfyUI fixture, and returns its path.</summary>
    private string MakeInput(string format)
    {
        if (format == "rgba16-adobe-rgb") return ws.Copy(Fixtures.Tree16, "input.png"); // 342×256 as committed
        using var source = Image.NewFromFile(Fixtures.ComfyUi);
        var rgb = source.Crop(176, 200, W, H);
        var alpha = (rgb[1] * 0.5 + 128).Cast(Enums.BandFormat.Uchar); // 128–255, varies with the content
        var grey = rgb.Colourspace(Enums.Interpretation.Bw);
        Image Sixteen(Image i) => (i.Cast(Enums.BandFormat.Ushort) * 257).Cast(Enums.BandFormat.Ushort).Copy(interpretation: Enums.Interpretation.Rgb16);
        var path = ws.PathOf("input." + format switch
        {
            "jpeg" => "jpg",
            "webp" => "webp",
            "tiff8" or "tiff16" => "tif",
            "avif" => "avif",
            "gif" => "gif",
            _ => "png",
        });
        switch (format)
        {
            case "png8": rgb.Pngsave(path); break;
            case "png16": Sixteen(rgb).Pngsave(path, bitdepth: 16); break;
            case "jpeg": rgb.Jpegsave(path, q: 90); break;
            case "webp": rgb.Webpsave(path, q: 90); break;
            case "tiff8": rgb.Tiffsave(path); break;
            case "tiff16": Sixteen(rgb).Tiffsave(path); break;
            case "avif": rgb.Heifsave(path, q: 80, compression: Enums.ForeignHeifCompression.Av1, effort: 0); break;
            case "gif": rgb.Gifsave(path); break;
            case "grey": grey.Pngsave(path); break;
            case "grey-alpha": grey.Bandjoin(alpha).Copy(interpretation: Enums.Interpretation.Bw).Pngsave(path); break;
            case "rgba": rgb.Bandjoin(alpha).Pngsave(path); break;
            default: throw new ArgumentOutOfRangeException(nameof(format));
        }
        using (var written = Image.NewFromFile(path))
        {
            // The generated file is what its name says: 16-bit where asked, grey where asked.
            Assert.Equal(format.EndsWith("16", StringComparison.Ordinal) ? Enums.BandFormat.Ushort : Enums.BandFormat.Uchar, written.Format);
            if (format.StartsWith("grey", StringComparison.Ordinal)) Assert.Equal(format == "grey" ? 1 : 2, written.Bands);
        }
        return path;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void FinishKeepsSizeAndColourOfEveryInputFormat(string format)
    {
        var input = MakeInput(format);
        var (w, h) = Pixels.Size(input);
        var outDir = ws.PathOf("out");
        // One lossless sRGB copy at the input's own size: no resampling, so it can be compared pixel for pixel.
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe(longEdge: Math.Max(w, h), copyName: "srgb"));

        var run = ws.Burnish("finish", input, "-r", recipe, "-o", outDir);

        Assert.True(run.ExitCode == 0, run.ToString());
        var master = Path.Combine(outDir, "input.master.png");
        Assert.Equal((w, h), Pixels.Size(master));
        Assert.Equal(16, Png.BitDepth(master));
        Assert.Contains("Display P3", Pixels.IccDescription(master));
        Sidecar.Read(Path.Combine(outDir, "input.burnish.json")).AssertMatchesDisk();

        // The input as decoded (so lossy encoding is not counted), in sRGB when it carries another profile,
        // against the sRGB copy rendered from the master.
        using var expected = Pixels.Rgb255(input, toSrgb: true);
        using var actual = Pixels.Rgb255(Path.Combine(outDir, "input.srgb.png"));
        var (meanDiff, maxDiff, shareOver2) = Pixels.Compare(expected, actual, levels: 2);
        log.WriteLine($"{format}: bands {expected.Bands}, mean diff {string.Join(" ", meanDiff.Select(d => d.ToString("0.###")))}, max diff {maxDiff:0.###}, share over 2 levels {shareOver2:P3}");

        if (format != "rgba16-adobe-rgb")
        {
            // sRGB in, sRGB out, through a 16-bit Display P3 master (sRGB fits inside P3, so nothing clips). The only
            // losses are roundings: to 16 bits in the master, then to 8 bits in the copy. The first is 1/257 of an 8-bit
            // level, so it can at most tip a value across the second's rounding boundary: ≤ 1 level per sample.
            // Rounding is unbiased, so the mean per band must stay within 0.1 of a level; a shift would be a colour
            // error (wrong profile, missed conversion, lost alpha), not noise.
            Assert.True(maxDiff <= 1, $"largest per-sample difference {maxDiff} levels");
            Assert.All(meanDiff, d => Assert.True(Math.Abs(d) <= 0.1, $"mean differs by {d:0.###} levels (bands: {string.Join(" ", meanDiff)})"));
        }
        else
        {
            // The reference here is libvips' direct Adobe RGB → sRGB transform. The fixture has saturated greens and
            // yellows outside sRGB, which that transform and Burnish's own conversion clip differently (measured: up to
            // 7.4 levels, on 0.25 % of samples, means within 0.13 of a level). In-gamut samples must still agree within
            // 2 levels, and the clipped few must not move the mean by half a level.
            Assert.True(shareOver2 <= 0.01, $"{shareOver2:P3} of samples differ by more than 2 levels");
            Assert.True(maxDiff <= 10, $"largest per-sample difference {maxDiff} levels");
            Assert.All(meanDiff, d => Assert.True(Math.Abs(d) <= 0.5, $"mean differs by {d:0.###} levels (bands: {string.Join(" ", meanDiff)})"));
        }
    }
}
