using System.Globalization;
using Burnish.Cli.Tests.Infrastructure;
using Microsoft.Playwright;
using NetVips;

namespace Burnish.Cli.Tests;

/// <summary>
/// Generated reports opened in a real browser (headless Chromium through Playwright): images load, the slider moves
/// and changes what is shown, 100 % zoom and panning work, and nothing errs or reaches for a network.
/// </summary>
public sealed class ReportBrowserTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    private static Task<double> Number(IPage page, string js) => page.EvaluateAsync<double>(js);

    /// <summary>The left inset (px) of the right-hand version's clip: where the divider cuts the picture.</summary>
    private const string RightClip = "() => parseFloat(getComputedStyle(document.querySelector('#canvas img.over')).clipPath.match(/inset\\(0px 0px 0px ([0-9.]+)px\\)/)[1])";

    private static Image Decode(byte[] png) => Image.NewFromBuffer(png).ExtractBand(0, n: 3).Cast(Enums.BandFormat.Double);

    /// <summary>Mean absolute difference (0–255) of two same-size screenshots over columns [x0, x1).</summary>
    private static double MeanDiff(Image a, Image b, int x0, int x1) =>
        (a - b).Abs().ExtractArea(x0, 0, x1 - x0, a.Height).Avg();

    [Fact]
    public async Task The_slider_moves_and_changes_the_picture_and_100_percent_pans()
    {
        var (source, upscaled) = CompareCommandTests.SourceAndUpscale(ws);
        var made = ws.Burnish("compare", source, upscaled, "-o", "report.html", "--crops", "2");
        Assert.True(made.ExitCode == 0, made.ToString());

        await using var browser = await ReportBrowser.OpenAsync(ws.PathOf("report.html"));
        var page = browser.Page;

        var (count, notLoaded) = await browser.ImagesAsync();
        Assert.Equal(2 + 2 * 2 + 1, count);
        Assert.Empty(notLoaded);

        // Fit: the 1024² frame fits 78 % of the 800-px window height.
        var fitWidth = await Number(page, "() => document.getElementById('canvas').getBoundingClientRect().width");
        Assert.InRange(fitWidth, 600, 640);
        Assert.Equal("50", await page.GetAttributeAsync("#divider", "aria-valuenow"));
        var clipBefore = await Number(page, RightClip);
        Assert.InRange(clipBefore, fitWidth / 2 - 1, fitWidth / 2 + 1);
        var stage = page.Locator("#stage");
        using var before = Decode(await stage.ScreenshotAsync());

        // Keyboard: ten steps of 2 % to the left.
        await page.FocusAsync("#divider");
        for (var i = 0; i < 10; i++) await page.Keyboard.PressAsync("ArrowLeft");
        Assert.Equal("30", await page.GetAttributeAsync("#divider", "aria-valuenow"));
        var clipAfter = await Number(page, RightClip);
        Assert.InRange(clipAfter, fitWidth * 0.3 - 1, fitWidth * 0.3 + 1);
        using var after = Decode(await stage.ScreenshotAsync());

        // Between the old and new divider the picture changed from the upscale to the source (warm drift vs none);
        // left of both it did not change at all (same version, same pixels: exactly 0 allowed). 24 px either side of
        // each divider position are left out (the line and its 28-px grip with its shadow are drawn there), and the picture's first two
        // columns, which Chromium rasterises anew at the clipped layer's edge.
        var canvasLeft = (int)await Number(page, "() => document.getElementById('canvas').getBoundingClientRect().left - document.getElementById('stage').getBoundingClientRect().left");
        int oldX = canvasLeft + (int)clipBefore, newX = canvasLeft + (int)clipAfter;
        var changed = MeanDiff(before, after, newX + 24, oldX - 24);
        var untouched = MeanDiff(before, after, canvasLeft + 2, newX - 24);
        Assert.True(changed > 3, $"mean change between the dividers {changed:0.00} levels");
        Assert.True(untouched == 0, $"mean change left of both dividers {untouched:0.00} levels");

        // Mouse: drag the divider to 80 % of the picture.
        var box = (await page.Locator("#canvas").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.3f, box.Y + box.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.6f, box.Y + box.Height / 2, new() { Steps = 5 });
        await page.Mouse.MoveAsync(box.X + box.Width * 0.8f, box.Y + box.Height / 2, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        Assert.InRange(int.Parse((await page.GetAttributeAsync("#divider", "aria-valuenow"))!, CultureInfo.InvariantCulture), 79, 81);

        // Swap (S) exchanges the pickers.
        await page.Keyboard.PressAsync("s");
        Assert.Equal(("1", "0"), (await page.InputValueAsync("#left-version"), await page.InputValueAsync("#right-version")));
        await page.Keyboard.PressAsync("s");

        // 100 %: one pixel of the 1024² frame per screen pixel, the 512² source enlarged ×2, and the view pans.
        // Smooth is the default enlargement; nearest neighbour (N, or its button) shows every source pixel.
        Assert.Equal("true", await page.GetAttributeAsync("button[data-interp=smooth]", "aria-pressed"));
        await page.ClickAsync("button[data-interp=nearest]");
        await page.ClickAsync("button[data-zoom=actual]");
        Assert.Equal("true", await page.GetAttributeAsync("button[data-zoom=actual]", "aria-pressed"));
        Assert.Equal(1024, await Number(page, "() => document.getElementById('canvas').getBoundingClientRect().width"));
        Assert.Contains("enlarged ×2 (nearest)", await page.TextContentAsync("#tag-left"));
        Assert.Contains("1024×1024 · 100 %", await page.TextContentAsync("#tag-right"));
        Assert.Contains("pixelated", await page.GetAttributeAsync("#canvas img[data-version='0']", "class"));
        var scrollable = await Number(page, "() => { const v = document.getElementById('viewport'); return (v.scrollWidth - v.clientWidth) + (v.scrollHeight - v.clientHeight); }");
        Assert.True(scrollable > 0, "the 100 % view must be larger than its viewport");
        var (left0, top0) = (await Number(page, "() => document.getElementById('viewport').scrollLeft"), await Number(page, "() => document.getElementById('viewport').scrollTop"));
        var view = (await page.Locator("#viewport").BoundingBoxAsync())!;
        // Grab the picture away from the divider and drag it up and to the left.
        var grabX = view.X + view.Width * (await Number(page, "() => Number(document.getElementById('divider').getAttribute('aria-valuenow'))") > 50 ? 0.2f : 0.8f);
        await page.Mouse.MoveAsync(grabX, view.Y + view.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(grabX + 60, view.Y + view.Height / 2 + 50, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        var (left1, top1) = (await Number(page, "() => document.getElementById('viewport').scrollLeft"), await Number(page, "() => document.getElementById('viewport').scrollTop"));
        Assert.True(left1 < left0 || top1 < top0, $"panning moved the view from {left0},{top0} to {left1},{top1}");

        // Smooth enlargement drops the nearest-neighbour rendering; Z goes back to fit.
        await page.ClickAsync("button[data-interp=smooth]");
        Assert.DoesNotContain("pixelated", await page.GetAttributeAsync("#canvas img[data-version='0']", "class") ?? "");
        Assert.Contains("(smooth)", await page.TextContentAsync("#tag-left"));
        await page.Keyboard.PressAsync("z");
        Assert.InRange(await Number(page, "() => document.getElementById('canvas').getBoundingClientRect().width"), 600, 640);

        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task A_report_with_its_images_beside_it_loads_them_from_the_folder()
    {
        var (source, upscaled) = CompareCommandTests.SourceAndUpscale(ws);
        var made = ws.Burnish("compare", source, upscaled, "-o", "with space.html", "--beside", "--crops", "1");
        Assert.True(made.ExitCode == 0, made.ToString());

        await using var browser = await ReportBrowser.OpenAsync(ws.PathOf("with space.html"));

        var (count, notLoaded) = await browser.ImagesAsync();
        Assert.Equal(2 + 1 * 2 + 1, count);
        Assert.Empty(notLoaded);
        Assert.Empty(browser.Problems);
    }

    [Fact]
    public async Task The_finish_report_shows_every_version_and_the_lineage_without_errors()
    {
        var input = ws.Copy(Fixtures.ComfyUi);
        ws.Write("recipe.yaml", "version: 1\ngrade: {preset: cool-moody}\nsharpen: {}\nexport:\n  copies: [{destination: instagram-portrait}]\n");
        var made = ws.Burnish("finish", input, "-r", "recipe.yaml", "-o", "out", "--keep-intermediates", "--report");
        Assert.True(made.ExitCode == 0, made.ToString());

        await using var browser = await ReportBrowser.OpenAsync(ws.PathOf("out", "comfyui-sdxl-turbo.report.html"), 1280, 900);

        var (count, notLoaded) = await browser.ImagesAsync();
        Assert.True(count >= 4, $"{count} images");
        Assert.Empty(notLoaded);
        // Version 3 (the 1080×1350 Instagram copy) is framed differently: picking it letterboxes it and says so.
        await browser.Page.SelectOptionAsync("#right-version", "2");
        Assert.Contains("framed differently", await browser.Page.TextContentAsync("#tag-right"));
        Assert.Contains("comfyui-sdxl-turbo.burnish.json", await browser.Page.TextContentAsync("#lineage"));
        Assert.Empty(browser.Problems);
    }
}
