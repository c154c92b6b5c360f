using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Burnish.Imaging;
using Burnish.Models;
using Burnish.Pipeline;
using Burnish.Stages.Repair;
using Burnish.Stages.Repair.TextMask;
using Burnish.Detection;
using Microsoft.Playwright;
using NetVips;

namespace Burnish.Server.Tests;

/// <summary>
/// Automatic masks as layers: <c>POST /v1/masks</c> runs the repair stage's own finders and answers one grey PNG per
/// kind, checked against <c>burnish masks</c> (the pipeline's separate mask command) and against where the fixture's
/// Gemini mark is; in the studio a layer is found, shown as a proposal, accepted, hidden, edited with the eraser
/// (with undo and redo), and the accepted union is the mask the job stores.
/// </summary>
public sealed class StudioMaskLayerTests
{
    // red-hood-corner.png is the bottom-right 384² of a Gemini-marked image: its 96-px mark lies 64 px from the corner.
    private const int Size = 384, MarkLeft = 224, MarkRight = 320;

    private static MultipartFormDataContent Form(string path, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(path)) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "image", Path.GetFileName(path) } };
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    private static byte[] Grey(Image image) => image.ExtractBand(0).Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();

    private static Image Layer(JsonElement layer) =>
        Image.NewFromBuffer(Convert.FromBase64String(layer.GetProperty("png").GetString()!["data:image/png;base64,".Length..]));

    [Fact]
    public async Task The_kinds_are_the_repair_stages_and_a_text_layer_is_what_burnish_masks_finds_where_the_mark_is()
    {
        await using var host = await ServiceHost.StartAsync(workers: 0);
        var client = host.Client;
        var kinds = JsonDocument.Parse(await client.GetStringAsync("/v1/masks")).RootElement.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()).ToList();
        // Listed from the core's enum: a kind added to the repair stage appears with no change to the server.
        Assert.Equal(Enum.GetValues<AutoMask>().Length, kinds.Count);
        Assert.Contains("text", kinds);
        Assert.Contains("face", kinds);

        var fixture = ServiceHost.Fixture("red-hood-corner.png");
        using var found = await client.PostAsync("/v1/masks", Form(fixture, ("kinds", "text")));
        var body = await found.Content.ReadAsStringAsync();
        Assert.True(found.StatusCode == HttpStatusCode.OK, body);
        var answer = JsonDocument.Parse(body).RootElement;
        var layer = answer.GetProperty("layers").EnumerateArray().Single();
        Assert.Equal("text", layer.GetProperty("kind").GetString());
        using var mask = Layer(layer);
        Assert.Equal((Size, Size), (mask.Width, mask.Height));
        var pixels = Grey(mask);

        // The reference: burnish masks --kind text on the same file (Pipeline/MaskPreview, its own assembly of the
        // detectors and the face veto). It truncates where the layer rounds, so they may differ by one level.
        var reference = Path.Combine(host.Data, "reference-mask.png");
        MaskPreview.Run(fixture, reference, null, [MaskKind.Text], FaceMaskParams.Default, TextMaskParams.Default,
            new ModelCache(ModelCache.DefaultRoot()), LoadLimits.Default, overwrite: true);
        using (var expected = Image.NewFromFile(reference))
        {
            var want = Grey(expected);
            var off = Enumerable.Range(0, want.Length).Count(i => Math.Abs(want[i] - pixels[i]) > 1);
            Assert.True(off == 0, $"{off} pixels differ from burnish masks by more than one level");
        }

        // Where the mark is: its box holds the mask, and nothing is masked more than 24 px outside it (the mask is
        // the mark's shape grown by the text mask's dilation, a few pixels).
        double inside = 0, outside = 0;
        for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
            {
                var v = pixels[y * Size + x];
                if (x >= MarkLeft && x < MarkRight && y >= MarkLeft && y < MarkRight) inside += v;
                else if (x < MarkLeft - 24 || x >= MarkRight + 24 || y < MarkLeft - 24 || y >= MarkRight + 24) outside += v;
            }
        Assert.True(inside / 255 > 96 * 96 * 0.1, $"only {inside / 255:0} px of the mark's box are masked");
        Assert.Equal(0, outside);
        Assert.InRange(layer.GetProperty("coverage_percent").GetDouble(), 100 * inside / 255 / (Size * Size) * 0.9, 100.0 * (120 * 120) / (Size * Size));

        // At the editor's size: the layer is resized as coverage, so its mean stays within a level of the full one.
        using var small = await client.PostAsync("/v1/masks", Form(fixture, ("kinds", "text"), ("width", "192"), ("height", "192")));
        using var half = Layer(JsonDocument.Parse(await small.Content.ReadAsStringAsync()).RootElement.GetProperty("layers")[0]);
        Assert.Equal((192, 192), (half.Width, half.Height));
        Assert.InRange(half.Avg(), mask.Avg() - 1, mask.Avg() + 1);

        // Bad requests: one clear 4xx each.
        async Task Refused(HttpResponseMessage response, HttpStatusCode status, string words)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
            Assert.Contains(words, text);
        }
        await Refused(await client.PostAsync("/v1/masks", Form(fixture, ("kinds", "elbows"))), HttpStatusCode.BadRequest, "unknown mask kind 'elbows'; kinds: ");
        await Refused(await client.PostAsync("/v1/masks", Form(fixture, ("width", "100"))), HttpStatusCode.BadRequest, "give both or neither");
        await Refused(await client.PostAsync("/v1/masks", new MultipartFormDataContent { { new StringContent("text"), "kinds" } }), HttpStatusCode.BadRequest, "no image");
        var broken = Path.Combine(host.Data, "broken.png");
        File.WriteAllBytes(broken, File.ReadAllBytes(fixture)[..4000]);
        await Refused(await client.PostAsync("/v1/masks", Form(broken, ("kinds", "text"))), HttpStatusCode.UnprocessableEntity, "broken.png");
    }

    [Fact]
    public async Task A_found_layer_is_proposed_then_accepted_hidden_erased_in_part_and_the_accepted_union_is_the_jobs_mask()
    {
        await using var host = await ServiceHost.StartAsync(workers: 1);
        await using var studio = await StudioBrowser.OpenAsync(host.Client.BaseAddress!);
        var page = studio.Page;
        var fixture = ServiceHost.Fixture("red-hood-corner.png");
        await StudioBrowserTests.AddImagesAsync(page, fixture);
        await StudioBrowserTests.ChooseLightFinishAsync(page);
        await page.WaitForFunctionAsync("() => document.getElementById('preview-facts').textContent.includes('look warm-golden')");
        // The kinds offered are the server's.
        var offered = await page.EvalOnSelectorAllAsync<string[]>("#auto-kinds input", "inputs => inputs.map(i => i.value)");
        Assert.Equal(JsonDocument.Parse(await host.Client.GetStringAsync("/v1/masks")).RootElement.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()!), offered);
        Assert.True(await page.IsCheckedAsync("#auto-kinds input[value=text]"));

        await page.ClickAsync("#auto-find");
        await page.WaitForSelectorAsync("#layer-list li[data-layer=text]", new() { Timeout = 120_000 });
        // A proposal: drawn (in blue) but not sent.
        var proposed = await StudioBrowserTests.MaskAlphaAsync(page);
        using (var server = await host.Client.PostAsync("/v1/masks", Form(fixture, ("kinds", "text"))))
        using (var want = Layer(JsonDocument.Parse(await server.Content.ReadAsStringAsync()).RootElement.GetProperty("layers")[0]))
            Assert.Equal(Grey(want), proposed);
        Assert.Equal("mask 0.0 %", await page.InnerTextAsync("#mask-coverage"));
        var blue = await page.EvaluateAsync<int[]>("""
            () => { const c = document.getElementById('mask-view'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              for (let i = 0; i < d.length; i += 4) if (d[i + 3] === 255) return [d[i], d[i + 1], d[i + 2]]; return []; }
            """);
        Assert.Equal([48, 160, 255], blue);

        // Accepted: it counts; hidden: not drawn, still counted.
        await page.CheckAsync("#layer-list li[data-layer=text] .layer-accept");
        Assert.NotEqual("mask 0.0 %", await page.InnerTextAsync("#mask-coverage"));
        var counted = await page.InnerTextAsync("#mask-coverage");
        await page.UncheckAsync("#layer-list li[data-layer=text] .layer-show");
        Assert.Equal(0, (await StudioBrowserTests.MaskAlphaAsync(page)).Max());
        Assert.Equal(counted, await page.InnerTextAsync("#mask-coverage"));
        await page.CheckAsync("#layer-list li[data-layer=text] .layer-show");
        Assert.Equal(proposed, await StudioBrowserTests.MaskAlphaAsync(page));

        // Edited: the eraser across the mark's middle row, on the text layer; undo brings it back exactly, redo erases again.
        await page.CheckAsync("#layer-list li[data-layer=text] input[name=mask-layer]");
        await page.CheckAsync("#mask-paint");
        await page.CheckAsync("input[name=mask-tool][value=eraser]");
        await page.FillAsync("#mask-size", "20");
        await page.FillAsync("#mask-hardness", "100");
        var box = (await page.Locator("#mask-view").BoundingBoxAsync())!;
        float X(double x) => (float)(box.X + x * box.Width / Size);
        float Y(double y) => (float)(box.Y + y * box.Height / Size);
        const int Row = (MarkLeft + MarkRight) / 2;
        await page.Mouse.MoveAsync(X(MarkLeft - 30), Y(Row));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(X(MarkRight + 30), Y(Row), new() { Steps = 12 });
        await page.Mouse.UpAsync();
        var erased = await StudioBrowserTests.MaskAlphaAsync(page);
        // Within 8 px of the stroke's centre line (its radius 10 less the anti-aliased edge) nothing is left.
        for (var y = Row - 8; y <= Row + 8; y++)
            for (var x = MarkLeft; x < MarkRight; x++)
                Assert.True(erased[y * Size + x] == 0, $"({x},{y}) still masked at {erased[y * Size + x]}");
        Assert.True(erased.Sum(v => (long)v) < proposed.Sum(v => (long)v));
        await page.Keyboard.PressAsync("Control+z");
        Assert.Equal(proposed, await StudioBrowserTests.MaskAlphaAsync(page));
        await page.Keyboard.PressAsync("Control+y");
        Assert.Equal(erased, await StudioBrowserTests.MaskAlphaAsync(page));

        // A painted stroke on the painted layer, away from the mark; then the union goes with the job.
        await page.CheckAsync("#layer-list li[data-layer=painted] input[name=mask-layer]");
        await page.CheckAsync("input[name=mask-tool][value=brush]");
        await page.Mouse.MoveAsync(X(40), Y(60));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(X(140), Y(60), new() { Steps = 8 });
        await page.Mouse.UpAsync();
        var union = await StudioBrowserTests.MaskAlphaAsync(page);
        Assert.True(union[60 * Size + 90] == 255, "the painted stroke is in the union");
        await StudioBrowserTests.NoSeriousViolationsAsync(page, "prepare with mask layers");

        await page.ClickAsync("#run");
        await page.WaitForSelectorAsync(".job-status.done", new() { Timeout = (float)ServiceHost.JobTimeout.TotalMilliseconds });
        var id = await page.Locator(".job").First.GetAttributeAsync("data-job");
        using (var sent = Image.NewFromFile(Path.Combine(host.Data, "store", "jobs", id!, "inputs", "0.mask")))
            // Every layer shown and accepted: what the editor draws is exactly what was sent.
            Assert.Equal(union, Grey(sent));
        Assert.True(studio.Problems.Count == 0, string.Join("\n", studio.Problems));
    }
}
