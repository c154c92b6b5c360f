using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using NetVips;

namespace Burnish.Server.Tests;

/// <summary>
/// The studio in a real browser against a real service with one worker: bring two generations, choose the finish,
/// run, watch, look at the result, download the zip; a corrupt image fails alone; cancelling leaves no output. Every
/// test also checks that no request left the origin, no console error appeared, and axe finds nothing serious.
/// </summary>
public sealed class StudioBrowserTests
{
    private static readonly TimeSpan JobTimeout = ServiceHost.JobTimeout;

    internal static async Task AddImagesAsync(IPage page, params string[] paths)
    {
        await page.SetInputFilesAsync("#pick-files", paths);
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('#image-list .facts span').length >= {paths.Length} && !document.querySelector('#image-list').textContent.includes('reading…')");
    }

    /// <summary>The light finish: custom recipe, no upscale, no sharpening, one web copy, and the warm-golden look.</summary>
    internal static async Task ChooseLightFinishAsync(IPage page)
    {
        await page.CheckAsync("input[name=mode][value=custom]");
        await page.SelectOptionAsync("#model", "");
        await page.UncheckAsync("#sharpen");
        foreach (var box in await page.Locator("#destinations input").AllAsync())
            if (await box.GetAttributeAsync("value") == "web-2048") await box.CheckAsync(); else await box.UncheckAsync();
        await page.SelectOptionAsync("#look", "warm-golden");
    }

    internal static async Task NoSeriousViolationsAsync(IPage page, string view)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target))}").ToList();
        Assert.True(serious.Count == 0, $"axe on the {view} view: {string.Join("; ", serious)}");
    }

    // The stroke, in the mask's pixels (the 256×192 image is its own mask size): a 20-px round brush, hardness 100 %,
    // from (60, 96) to (196, 96), so the mask is the capsule within 10 px of that segment.
    private const double StrokeRadius = 10, StrokeY = 96, StrokeX0 = 60, StrokeX1 = 196;

    private static async Task<byte[]> PaintStrokeAsync(IPage page)
    {
        await page.CheckAsync("#mask-paint");
        await page.FillAsync("#mask-size", "20");
        await page.FillAsync("#mask-hardness", "100");
        var box = (await page.Locator("#mask-view").BoundingBoxAsync())!;
        float X(double x) => (float)(box.X + x * box.Width / 256);
        float Y(double y) => (float)(box.Y + y * box.Height / 192);
        await page.Mouse.MoveAsync(X(StrokeX0), Y(StrokeY));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(X(StrokeX1), Y(StrokeY), new() { Steps = 12 });
        await page.Mouse.UpAsync();
        var alpha = await MaskAlphaAsync(page);
        CheckStroke(alpha);
        return alpha;
    }

    /// <summary>The mask's coverage (0–255) per pixel, row by row, as the page holds it.</summary>
    internal static async Task<byte[]> MaskAlphaAsync(IPage page) =>
        Convert.FromBase64String(await page.EvaluateAsync<string>("""
            () => { const c = document.getElementById('mask-view'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let s = ''; for (let i = 3; i < d.length; i += 4) s += String.fromCharCode(d[i]); return btoa(s); }
            """));

    /// <summary>
    /// The mask matches the capsule: every pixel whose centre is more than 1.5 px inside it is at least half covered,
    /// and every pixel more than 1.5 px outside is not covered at all. The 1.5-px band is the anti-aliased edge
    /// (canvas discs are anti-aliased over about a pixel) and the display's rounding of mouse positions.
    /// </summary>
    private static void CheckStroke(byte[] mask)
    {
        Assert.Equal(256 * 192, mask.Length);
        var wrong = new List<string>();
        for (var y = 0; y < 192; y++)
            for (var x = 0; x < 256; x++)
            {
                double px = x + 0.5, py = y + 0.5;
                var nearest = Math.Clamp(px, StrokeX0, StrokeX1);
                var distance = Math.Sqrt((px - nearest) * (px - nearest) + (py - StrokeY) * (py - StrokeY));
                var value = mask[y * 256 + x];
                if (distance < StrokeRadius - 1.5 && value < 128) wrong.Add($"({x},{y}) inside at {value}");
                if (distance > StrokeRadius + 1.5 && value != 0) wrong.Add($"({x},{y}) outside at {value}");
            }
        Assert.True(wrong.Count == 0, $"{wrong.Count} pixels off the stroke: {string.Join(", ", wrong.Take(10))}");
    }

    [Fact]
    public async Task Upload_two_generations_choose_a_look_run_watch_compare_and_download_a_zip_that_matches_the_sidecars()
    {
        await using var host = await ServiceHost.StartAsync(workers: 1);
        await using var studio = await StudioBrowser.OpenAsync(host.Client.BaseAddress!);
        var page = studio.Page;

        await AddImagesAsync(page, ServiceHost.Fixture("a1111-parameters.png"), ServiceHost.Fixture("comfyui-sdxl-turbo.png"));
        // Generation facts from /v1/info under each thumbnail.
        var facts = await page.InnerTextAsync("#image-list");
        Assert.Contains("AUTOMATIC1111", facts);
        Assert.Contains("seed", facts);
        Assert.Contains("256×192", facts);
        Assert.Contains("512×512", facts);

        await ChooseLightFinishAsync(page);
        // The live preview shows the look, rendered by the server from its cached working image.
        await page.WaitForFunctionAsync("() => document.getElementById('preview-facts').textContent.includes('look warm-golden')");
        Assert.Contains("/v1/previews/", await page.GetAttributeAsync("#preview", "src"));
        // An aspect is drawn as a frame around the picture: 16:9 around a 4:3 image is wider than it, as tall.
        await page.CheckAsync("#aspects input[value='16:9']");
        var frame = (await page.Locator(".aspect-frame").BoundingBoxAsync())!;
        var picture = (await page.Locator("#preview").BoundingBoxAsync())!;
        Assert.InRange(frame.Width / frame.Height, 16 / 9.0 - 0.02, 16 / 9.0 + 0.02);
        Assert.InRange(frame.Height, picture.Height - 1, picture.Height + 1);
        await page.UncheckAsync("#aspects input[value='16:9']");
        Assert.Contains("destination: web-2048", await page.InputValueAsync("#recipe-text"));
        await NoSeriousViolationsAsync(page, "prepare");

        // A mask stroke across the picture, then undo, redo, invert and clear; the stroke goes with the job.
        var stroke = await PaintStrokeAsync(page);
        await page.ClickAsync("#mask-undo");
        Assert.Equal(0, (await MaskAlphaAsync(page)).Max());
        await page.ClickAsync("#mask-redo");
        var redone = await MaskAlphaAsync(page);
        Assert.Equal(stroke, redone);
        await page.ClickAsync("#mask-invert");
        var inverted = await MaskAlphaAsync(page);
        Assert.All(Enumerable.Range(0, stroke.Length), i => Assert.Equal(255 - stroke[i], inverted[i]));
        await page.ClickAsync("#mask-clear");
        Assert.Equal(0, (await MaskAlphaAsync(page)).Max());
        await page.Keyboard.PressAsync("Control+z");
        Assert.Equal(inverted, await MaskAlphaAsync(page));
        await page.ClickAsync("#mask-clear");
        await PaintStrokeAsync(page);

        await page.ClickAsync("#run");
        await page.WaitForSelectorAsync(".job-status.done", new() { Timeout = (float)JobTimeout.TotalMilliseconds });
        Assert.Equal(2, await page.Locator(".job-image.done").CountAsync());
        var bars = await page.EvalOnSelectorAllAsync<double[]>(".job-image progress", "bars => bars.map(b => b.value)");
        Assert.All(bars, v => Assert.Equal(1, v));

        // The result: the compare report's slider, in its frame; moving it changes the pixels shown.
        // The server got the mask as an image (white = repair) with the stroke's geometry, and repaired under it.
        var id = await page.Locator(".job").First.GetAttributeAsync("data-job");
        using (var sent = Image.NewFromFile(Path.Combine(host.Data, "store", "jobs", id!, "inputs", "0.mask")))
        {
            Assert.Equal((256, 192), (sent.Width, sent.Height));
            var grey = sent.ExtractBand(0).Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();
            CheckStroke(grey);
        }
        Assert.False(File.Exists(Path.Combine(host.Data, "store", "jobs", id!, "inputs", "1.mask")));

        await page.Locator(".job-image.done button").First.ClickAsync();
        var compare = page.FrameLocator("#compare");
        await compare.Locator("#divider").WaitForAsync();
        await page.WaitForSelectorAsync("#lineage table");
        Assert.Contains("grade", await page.InnerTextAsync("#lineage"));
        Assert.Contains("repair", await page.InnerTextAsync("#lineage"));
        var stage = compare.Locator("#stage");
        using var before = Image.NewFromBuffer(await stage.ScreenshotAsync());
        await compare.Locator("#divider").FocusAsync();
        for (var i = 0; i < 15; i++) await page.Keyboard.PressAsync("ArrowLeft");
        Assert.Equal("20", await compare.Locator("#divider").GetAttributeAsync("aria-valuenow"));
        using var after = Image.NewFromBuffer(await stage.ScreenshotAsync());
        // Between 20 % and 50 % the picture went from the graded master to the source: warm-golden moves it by
        // several levels on average (a threshold of 2 is far above screenshot noise, which is 0 for the same pixels).
        var changed = (before.ExtractBand(0, n: 3).Cast(Enums.BandFormat.Double) - after.ExtractBand(0, n: 3).Cast(Enums.BandFormat.Double))
            .Abs().ExtractArea((int)(before.Width * 0.25), 0, (int)(before.Width * 0.2), before.Height).Avg();
        Assert.True(changed > 2, $"mean change where the divider passed: {changed:0.00} levels");
        await NoSeriousViolationsAsync(page, "result");

        // The zip: every file in it hashes to what its sidecar says.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#result-zip"));
        var zipPath = Path.Combine(host.Data, "download.zip");
        await download.SaveAsAsync(zipPath);
        using var zip = ZipFile.OpenRead(zipPath);
        var sidecars = zip.Entries.Where(e => e.Name.EndsWith(".burnish.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, sidecars.Count);
        var checkedFiles = 0;
        foreach (var sidecar in sidecars)
        {
            using var json = JsonDocument.Parse(sidecar.Open());
            foreach (var output in json.RootElement.GetProperty("outputs").EnumerateArray())
            {
                var entry = zip.GetEntry(Path.GetFileName(output.GetProperty("path").GetString()!));
                Assert.NotNull(entry);
                using var stream = entry.Open();
                Assert.Equal(output.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(stream)));
                checkedFiles++;
            }
        }
        Assert.Equal(4, checkedFiles); // a master and a web copy per image

        // Blind A/B: two pairs rated with the keyboard (left better, then same), stored with the job.
        await page.ClickAsync(".tab[data-view=rate]");
        await page.ClickAsync("#rate-start");
        await page.WaitForFunctionAsync("() => document.getElementById('rate-a').complete && document.getElementById('rate-a').naturalWidth > 0 && document.getElementById('rate-b').naturalWidth > 0");
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.WaitForFunctionAsync("() => document.getElementById('rate-left').textContent.startsWith('0 more')");
        await page.Keyboard.PressAsync("s");
        await page.WaitForSelectorAsync("#rate-pair", new() { State = WaitForSelectorState.Hidden });
        var ratings = JsonDocument.Parse(await host.Client.GetStringAsync($"/v1/jobs/{id}/ratings")).RootElement;
        Assert.Equal(2, ratings.GetProperty("count").GetInt32());
        var choices = ratings.GetProperty("ratings").EnumerateArray().Select(r => r.GetProperty("choice").GetString()).ToList();
        Assert.Equal(["a", "same"], choices);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#rate-summary tbody tr').length === 2");
        await NoSeriousViolationsAsync(page, "rating");

        Assert.Empty(studio.Problems);
        Assert.Contains(studio.Requests, r => r.Contains("/v1/jobs/", StringComparison.Ordinal) && r.EndsWith("/events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_corrupt_upload_fails_alone_with_its_reason_and_cancelling_leaves_no_output()
    {
        await using var host = await ServiceHost.StartAsync(workers: 1);
        await using var studio = await StudioBrowser.OpenAsync(host.Client.BaseAddress!);
        var page = studio.Page;
        var broken = Path.Combine(host.Data, "broken.png");
        var bytes = File.ReadAllBytes(ServiceHost.Fixture("a1111-parameters.png"));
        File.WriteAllBytes(broken, bytes[..(bytes.Length / 3)]);

        await AddImagesAsync(page, broken, ServiceHost.Fixture("a1111-parameters.png"));
        await ChooseLightFinishAsync(page);
        await page.ClickAsync("#run");
        await page.WaitForSelectorAsync(".job-status.failed", new() { Timeout = (float)JobTimeout.TotalMilliseconds });
        var reason = await page.InnerTextAsync(".job-image.failed .reason");
        Assert.Contains("broken.png", reason);
        Assert.DoesNotContain("\n", reason.Trim());
        Assert.Equal(1, await page.Locator(".job-image.done").CountAsync());

        // Cancel a second job at once: nothing of a cancelled image is written.
        await page.ClickAsync("#image-list li[data-index='0'] .remove");
        await page.ClickAsync("#run");
        await page.Locator(".job").First.Locator("button.cancel").ClickAsync();
        await page.WaitForSelectorAsync(".job:first-child .job-status.cancelled", new() { Timeout = (float)JobTimeout.TotalMilliseconds });
        var id = await page.Locator(".job").First.GetAttributeAsync("data-job");
        var job = await host.WaitDoneAsync(id!);
        foreach (var image in job.GetProperty("images").EnumerateArray())
        {
            Assert.Equal("cancelled", image.GetProperty("status").GetString());
            Assert.Equal(0, image.GetProperty("outputs").GetArrayLength());
        }
        var outFolder = Path.Combine(host.Data, "store", "jobs", id!, "out");
        Assert.True(!Directory.Exists(outFolder) || Directory.GetFiles(outFolder).Length == 0, "files left in " + outFolder);

        // Cancel one image of two: it leaves no output, the other finishes.
        await page.SetInputFilesAsync("#pick-files", [ServiceHost.Fixture("comfyui-sdxl-turbo.png")]);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#image-list li').length === 2 && !document.querySelector('#image-list').textContent.includes('reading…')");
        await page.ClickAsync("#run");
        await page.WaitForFunctionAsync($"() => document.querySelector('.job').dataset.job !== '{id}'");
        var second = (await page.Locator(".job").First.GetAttributeAsync("data-job"))!;
        await page.Locator(".job").First.Locator(".job-image").Nth(1).Locator("button.cancel-image").ClickAsync();
        var partly = await host.WaitDoneAsync(second);
        var images = partly.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal("done", images[0].GetProperty("status").GetString());
        Assert.Equal("cancelled", images[1].GetProperty("status").GetString());
        Assert.Equal(0, images[1].GetProperty("outputs").GetArrayLength());
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(host.Data, "store", "jobs", second, "out")), f => Path.GetFileName(f).StartsWith("01-", StringComparison.Ordinal));
        await page.WaitForSelectorAsync($".job[data-job='{second}'] .job-status.cancelled");

        // The failed image's preview request was refused with a reason, which the page shows instead of erring.
        studio.Problems.RemoveAll(p => p.StartsWith("console error: Failed to load resource: the server responded with a status of 422", StringComparison.Ordinal));
        Assert.True(studio.Problems.Count == 0, string.Join("\n", studio.Problems));
    }
}
