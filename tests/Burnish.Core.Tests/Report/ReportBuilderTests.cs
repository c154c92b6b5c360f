using System.Text.RegularExpressions;
using Burnish.Imaging;
using Burnish.IO;
using Burnish.Metrics;
using Burnish.Report;
using Burnish.Stages.Export;
using NetVips;

namespace Burnish.Core.Tests.Report;

/// <summary>Reports built from the real 16-bit RGBA Adobe RGB photo and versions of it made here.</summary>
public class ReportBuilderTests
{
    static ReportBuilderTests()
    {
        // Versions are rewritten under one name by some tests; libvips' cache would hand back the old pixels.
        Cache.Max = 0;
        Cache.MaxFiles = 0;
    }

    private static readonly string Tree = Fixtures.PathOf("tree_alpha_16bit.png"); // 342×256

    /// <summary>The tree flattened (opaque) as an 8-bit sRGB PNG, and the same ×2 (684×512) with Lanczos3 in linear light.</summary>
    private static (string Small, string Large) Versions(TempDir dir)
    {
        var tree = ImageLoader.Load(Tree, LoadLimits.Default).Image;
        var srgb = ColourSpaces.Convert(tree, ShippedProfiles.Srgb);
        var opaque = srgb.WithPixels(srgb.Colour * srgb.Alpha! + (1 - srgb.Alpha!)); // over white
        var small = dir.File("small.png");
        File.WriteAllBytes(small, ImageFiles.Encode8(opaque, CopyFormat.Png, 100, 4, OutputMetadata.Bare(72)));
        var large = dir.File("large.png");
        var doubled = LinearImage.Of(opaque).Resize(684, 512);
        File.WriteAllBytes(large, ImageFiles.Encode8(doubled, CopyFormat.Png, 100, 4, OutputMetadata.Bare(72)));
        return (small, large);
    }

    [Fact]
    public void Sharpness_is_compared_at_a_common_scale_so_a_source_cannot_beat_its_own_upscale()
    {
        // A 64² ComfyUI generation and its real esrgan-medium ×4 result (the UpscalerJS golden).
        var source = Fixtures.PathOf("sr-golden", "comfyui_fox_64.png");
        var upscale = Fixtures.PathOf("sr-golden", "esrgan-medium_x4_comfyui_fox_64.png");
        // Per pixel, the source looks sharper: its pixels are four times larger. That is the trap.
        Assert.True(ImageMetrics.LaplacianVariance(ImageLoader.Load(source, LoadLimits.Default).Image)
            > ImageMetrics.LaplacianVariance(ImageLoader.Load(upscale, LoadLimits.Default).Image));

        var report = ReportBuilder.Build([new(source), new(upscale)], null, ReportOptions.Default with { Crops = 0 }, LoadLimits.Default);

        var rows = MetricTable.Rows([.. report.Versions.Select(v => v.Metrics)]);
        Assert.Equal([1], rows.Single(r => r.Name == nameof(MetricSet.Sharpness)).Best);
        Assert.Equal([1], rows.Single(r => r.Name == nameof(MetricSet.Acutance)).Best);
    }

    [Fact]
    public void The_largest_version_sets_the_frame_and_crops_map_to_every_version()
    {
        using var dir = new TempDir();
        var (small, large) = Versions(dir);

        var report = ReportBuilder.Build([new(small), new(large), new(Tree)], null, ReportOptions.Default with { Crops = 3, CropSize = 128 }, LoadLimits.Default);

        Assert.Equal(1, report.FrameVersion);
        Assert.Equal((684, 512), (report.FrameWidth, report.FrameHeight));
        Assert.Equal(3, report.Crops.Count);
        foreach (var crop in report.Crops)
        {
            Assert.Equal((128, 128), (crop.Crop.Region.Width, crop.Crop.Region.Height));
            Assert.Equal(crop.Crop.Region, crop.Regions[1]);
            // 342×256 is exactly half of 684×512.
            var half = crop.Regions[0]!.Value;
            Assert.Equal((crop.Crop.Region.Left / 2, crop.Crop.Region.Top / 2, 64, 64), (half.Left, half.Top, half.Width, half.Height));
            Assert.Equal(crop.Regions[0], crop.Regions[2]);
            for (var v = 0; v < 3; v++)
            {
                using var png = Image.NewFromBuffer(crop.Images[v]!.Bytes);
                Assert.Equal((crop.Regions[v]!.Value.Width, crop.Regions[v]!.Value.Height), (png.Width, png.Height));
                Assert.Equal("image/png", crop.Images[v]!.MediaType);
            }
        }
        // Each crop is exactly those pixels of its version (lossless PNG of 8-bit sRGB pixels: no difference at all).
        using var smallPixels = Image.NewFromFile(small);
        using var largePixels = Image.NewFromFile(large);
        foreach (var crop in report.Crops)
            foreach (var (v, pixels) in new[] { (0, smallPixels), (1, largePixels) })
            {
                var r = crop.Regions[v]!.Value;
                using var png = Image.NewFromBuffer(crop.Images[v]!.Bytes);
                var expected = pixels.ExtractArea(r.Left, r.Top, r.Width, r.Height);
                Assert.Equal(0, (png.Cast(Enums.BandFormat.Int) - expected.Cast(Enums.BandFormat.Int)).Abs().Max());
            }
    }

    [Fact]
    public void Versions_carry_display_images_metrics_and_the_reference_marks()
    {
        using var dir = new TempDir();
        var (small, large) = Versions(dir);

        var report = ReportBuilder.Build([new(small, "before"), new(large), new(Tree)], null, ReportOptions.Default with { Crops = 0 }, LoadLimits.Default);

        Assert.Equal(["before", "large.png", "tree_alpha_16bit.png"], report.Versions.Select(v => v.Label));
        Assert.True(report.Versions[0].IsReference);
        Assert.False(report.Versions[0].ComparedToReference);
        Assert.True(report.Versions[1].ComparedToReference && report.Versions[2].ComparedToReference);
        Assert.Equal(["image/jpeg", "image/jpeg", "image/webp"], report.Versions.Select(v => v.Display.MediaType));
        foreach (var v in report.Versions)
        {
            using var shown = Image.NewFromBuffer(v.Display.Bytes);
            Assert.Equal((v.Width, v.Height), (shown.Width, shown.Height));
            // Fully transparent pixels are not counted: those whose alpha rounds to 0 at 8 bits (16-bit alpha < 128.5).
            using var file = Image.NewFromFile(v.Path);
            var seen = v.Facts.HasAlpha ? (long)Math.Round((file[file.Bands - 1] >= 129).Avg() / 255 * v.Width * v.Height) : v.Width * v.Height;
            Assert.Equal(seen, v.Histogram.Luma.Sum());
        }
        Assert.Null(report.Versions[0].Metrics.DeltaE00);
        Assert.Empty(report.Crops);
        Assert.Contains("version 1 (before)", report.Reference);
    }

    [Fact]
    public void Fewer_than_two_versions_or_an_unreadable_one_fail_before_anything_is_made()
    {
        using var dir = new TempDir();
        var (small, _) = Versions(dir);
        var one = Assert.Throws<BurnishException>(() => ReportBuilder.Build([new(small)], null, ReportOptions.Default, LoadLimits.Default));
        Assert.Contains("at least two versions", one.Message);
        var missing = Assert.Throws<ImageInputException>(() => ReportBuilder.Build([new(small), new(dir.File("gone.png"))], null, ReportOptions.Default, LoadLimits.Default));
        Assert.Contains("file not found", missing.Message);
        File.WriteAllText(dir.File("text.png"), "not an image");
        Assert.Throws<ImageInputException>(() => ReportBuilder.Build([new(small), new(dir.File("text.png"))], null, ReportOptions.Default, LoadLimits.Default));
        Assert.Equal(["large.png", "small.png", "text.png"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void The_embedded_page_is_one_file_with_every_image_inline_and_nothing_from_a_network()
    {
        using var dir = new TempDir();
        var (small, large) = Versions(dir);
        var report = ReportBuilder.Build([new(small), new(large)], null, ReportOptions.Default with { Crops = 2, CropSize = 128 }, LoadLimits.Default);
        var html = dir.File("report.html");

        ReportWriter.Write(report, html, ImagePlacement.Embed, overwrite: false);

        Assert.Equal(["large.png", "report.html", "small.png"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        var text = File.ReadAllText(html);
        var sources = Regex.Matches(text, "<img [^>]*src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        // 2 versions in the slider, 2 crops × 2 versions, 1 overview.
        Assert.Equal(2 + 2 * 2 + 1, sources.Count);
        foreach (var src in sources)
        {
            var m = Regex.Match(src, "^data:(image/(?:jpeg|png|webp));base64,([A-Za-z0-9+/=]+)$");
            Assert.True(m.Success, $"not an inline image: {src[..Math.Min(60, src.Length)]}");
            using var decoded = Image.NewFromBuffer(Convert.FromBase64String(m.Groups[2].Value));
            Assert.True(decoded.Width > 0);
        }
        Assert.DoesNotMatch("(?i)(src|href)=\"(https?:)?//", text);
        Assert.DoesNotContain("<link", text);
        Assert.DoesNotContain("@import", text);
        Assert.Contains("Content-Security-Policy", text);
        Assert.Equal(2, Regex.Matches(text, "<svg class=\"histogram\"").Count);
    }

    [Fact]
    public void Beside_writes_the_images_into_a_files_folder_that_the_page_points_to()
    {
        using var dir = new TempDir();
        var (small, large) = Versions(dir);
        var report = ReportBuilder.Build([new(small), new(large)], null, ReportOptions.Default with { Crops = 1, CropSize = 128 }, LoadLimits.Default);
        var html = dir.File("my report.html");

        ReportWriter.Write(report, html, ImagePlacement.Beside, overwrite: false);

        var folder = dir.File("my report_files");
        Assert.Equal(["crop1-v1.png", "crop1-v2.png", "overview.jpg", "v1.jpg", "v2.jpg"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        var text = File.ReadAllText(html);
        var sources = Regex.Matches(text, "<img [^>]*src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(5, sources.Count);
        Assert.All(sources, s => Assert.True(File.Exists(Path.Combine(dir.Path, Uri.UnescapeDataString(s))), $"{s} is not beside the page"));
        Assert.DoesNotContain("data:image", text);
        Assert.Empty(Directory.GetFiles(dir.Path, "*" + AtomicFile.TempMarker + "*", SearchOption.AllDirectories));

        var again = Assert.Throws<OutputException>(() => ReportWriter.Write(report, html, ImagePlacement.Beside, overwrite: false));
        Assert.Contains("already exists", again.Message);
        ReportWriter.Write(report, html, ImagePlacement.Beside, overwrite: true);
    }

    [Fact]
    public void Labels_are_escaped_in_the_page()
    {
        using var dir = new TempDir();
        var (small, large) = Versions(dir);
        var report = ReportBuilder.Build([new(small, "<script>alert(1)</script>"), new(large, "a & \"b\"")], null, ReportOptions.Default with { Crops = 1 }, LoadLimits.Default);

        var page = ReportPage.Render(report, a => a.Name);

        Assert.DoesNotContain("<script>alert", page);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
        Assert.Contains("a &amp; &quot;b&quot;", page);
        // The JSON for the script escapes '<', so no label can close the script element.
        var json = Regex.Match(page, "<script type=\"application/json\" id=\"report-data\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("\\u003Cscript\\u003E", json);
    }
}
