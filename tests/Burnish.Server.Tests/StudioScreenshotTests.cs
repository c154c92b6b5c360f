using Microsoft.Playwright;
using NetVips;

namespace Burnish.Server.Tests;

/// <summary>
/// Screenshot goldens of the studio's main views at 1366×768 and at phone width, compared with a tolerance. They
/// are also the pictures in docs/studio.md. Remake them after a deliberate change of the page with:
/// <code>BURNISH_UPDATE_GOLDENS=1 dotnet test tests/Burnish.Server.Tests -c Release --filter StudioScreenshotTests</code>
/// </summary>
public sealed class StudioScreenshotTests
{
    private static readonly string Goldens = Path.Combine(Path.GetDirectoryName(StudioApiTests.SourceFolder())!, "..", "..", "tests", "Burnish.Server.Tests", "goldens");

    private static bool Update => Environment.GetEnvironmentVariable("BURNISH_UPDATE_GOLDENS") == "1";

    /// <summary>
    /// Equal sizes, and at most 0.5 % of pixels differing by more than 24 levels in any channel: room for font
    /// hinting and JPEG decoding differences between Chromium builds, none for a moved or missing element.
    /// </summary>
    private static async Task MatchAsync(IPage page, string name, params string[] dynamic)
    {
        var shot = await page.ScreenshotAsync(new() { Mask = [.. dynamic.Select(s => page.Locator(s))], MaskColor = "#808080", Animations = ScreenshotAnimations.Disabled });
        var path = Path.GetFullPath(Path.Combine(Goldens, name + ".png"));
        if (Update)
        {
            Directory.CreateDirectory(Goldens);
            File.WriteAllBytes(path, shot);
            return;
        }
        Assert.True(File.Exists(path), $"no golden {path}; make it with BURNISH_UPDATE_GOLDENS=1 (see this class's summary)");
        using var golden = Image.NewFromFile(path).ExtractBand(0, n: 3).Cast(Enums.BandFormat.Short);
        using var now = Image.NewFromBuffer(shot).ExtractBand(0, n: 3).Cast(Enums.BandFormat.Short);
        Assert.Equal((golden.Width, golden.Height), (now.Width, now.Height));
        var differs = ((golden - now).Abs() > 24).Bandbool(Enums.OperationBoolean.Or).Avg() / 255.0;
        Assert.True(differs <= 0.005, $"{name}: {differs:P2} of pixels differ by more than 24 levels from {path}");
    }

    [Fact]
    public async Task The_main_views_match_their_goldens()
    {
        await using var host = await ServiceHost.StartAsync(workers: 1);
        await using var studio = await StudioBrowser.OpenAsync(host.Client.BaseAddress!);
        var page = studio.Page;
        await page.SetInputFilesAsync("#pick-files", [ServiceHost.Fixture("a1111-parameters.png"), ServiceHost.Fixture("comfyui-sdxl-turbo.png")]);
        await page.WaitForFunctionAsync("() => document.getElementById('preview-facts').textContent.includes('look none')");
        await page.CheckAsync("input[name=mode][value=custom]");
        await page.UncheckAsync("#sharpen");
        await page.SelectOptionAsync("#look", "warm-golden");
        await page.WaitForFunctionAsync("() => document.getElementById('preview-facts').textContent.includes('look warm-golden')");
        await page.CheckAsync("#aspects input[value='16:9']");
        await page.CheckAsync("#mask-paint");
        var box = (await page.Locator("#mask-view").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.2f, box.Y + box.Height * 0.85f);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.8f, box.Y + box.Height * 0.85f, new() { Steps = 8 });
        await page.Mouse.UpAsync();
        await MatchAsync(page, "studio-prepare", "#preview-facts", "#status");

        await page.SetViewportSizeAsync(390, 844);
        await MatchAsync(page, "studio-phone", "#preview-facts", "#status");
        await page.SetViewportSizeAsync(1366, 768);

        // Mask layers: the text finder's layer on a Gemini-marked corner, accepted, beside a painted stroke.
        await page.UncheckAsync("#aspects input[value='16:9']");
        await page.SetInputFilesAsync("#pick-files", [ServiceHost.Fixture("red-hood-corner.png")]);
        await page.ClickAsync("#image-list li[data-index='2'] .pick");
        await page.WaitForFunctionAsync("() => document.getElementById('preview-facts').textContent.includes('red-hood-corner.png: look warm-golden')");
        box = (await page.Locator("#mask-view").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.1f, box.Y + box.Height * 0.2f);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.4f, box.Y + box.Height * 0.2f, new() { Steps = 8 });
        await page.Mouse.UpAsync();
        await page.ClickAsync("#auto-find");
        await page.WaitForSelectorAsync("#layer-list li[data-layer=text]", new() { Timeout = 120_000 });
        await page.CheckAsync("#layer-list li[data-layer=text] .layer-accept");
        await MatchAsync(page, "studio-layers", "#preview-facts", "#status", "#auto-status");
        await page.ClickAsync("#image-list li[data-index='2'] .remove");

        await page.ClickAsync("#image-list li[data-index='0'] .pick");
        await page.ClickAsync("#mask-clear");
        await page.ClickAsync("#image-list li[data-index='1'] .remove");
        await page.ClickAsync("#run");
        await page.WaitForSelectorAsync(".job-status.done", new() { Timeout = (float)ServiceHost.JobTimeout.TotalMilliseconds });
        await page.ClickAsync(".job-image.done button");
        await page.FrameLocator("#compare").Locator("#divider").WaitForAsync();
        await page.WaitForSelectorAsync("#lineage table");
        // The lens at 100 % over the slider, right of the divider.
        var compare = page.FrameLocator("#compare");
        await compare.Locator("#lens-toggle").ClickAsync();
        var canvas = (await compare.Locator("#canvas").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(canvas.X + canvas.Width * 0.7f, canvas.Y + canvas.Height * 0.45f);
        await compare.Locator("#lens").WaitForAsync();
        await MatchAsync(page, "studio-result", "#status", "#queue .job header", ".eta", "#lineage");

        await page.ClickAsync(".tab[data-view=rate]");
        await page.ClickAsync("#rate-start");
        await page.WaitForFunctionAsync("() => document.getElementById('rate-b').naturalWidth > 0");
        // Which side holds which version is drawn at random: the pictures are masked, the layout is compared.
        await MatchAsync(page, "studio-rate", "#status", "#queue .job header", ".eta", "#rate-pair", "#rate-job");
        Assert.True(studio.Problems.Count == 0, string.Join("\n", studio.Problems));
    }
}
