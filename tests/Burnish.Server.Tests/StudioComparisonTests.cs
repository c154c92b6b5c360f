using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using NetVips;

namespace Burnish.Server.Tests;

/// <summary>
/// Blind A/B of two recipes: a job finishes the same image with recipe A and recipe B (here the same recipe under
/// two looks); arm B's master is pixel for pixel an ordinary job's under look B; the rating view pairs the two
/// masters and stores the choice per job with Wilson intervals and CSV. And the compare page's lens shows the
/// version under it at 100 %.
/// </summary>
public sealed class StudioComparisonTests
{
    private static async Task<Image> MasterAsync(HttpClient client, JsonElement image)
    {
        var url = image.GetProperty("outputs").EnumerateArray().First(o => o.GetProperty("role").GetString() == "master").GetProperty("url").GetString()!;
        return Image.NewFromBuffer(await client.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task An_ab_job_finishes_each_image_with_both_recipes_and_the_lens_and_the_blind_rating_use_them()
    {
        await using var host = await ServiceHost.StartAsync(workers: 1);
        await using var studio = await StudioBrowser.OpenAsync(host.Client.BaseAddress!);
        var page = studio.Page;
        await StudioBrowserTests.AddImagesAsync(page, ServiceHost.Fixture("a1111-parameters.png"));
        await StudioBrowserTests.ChooseLightFinishAsync(page);
        Assert.True(await page.IsDisabledAsync("#b-look"));
        await page.CheckAsync("#ab-on");
        // B's model needs recipe text to go into: offered with a custom recipe only.
        Assert.False(await page.IsDisabledAsync("#b-model"));
        await page.SelectOptionAsync("#b-look", "cool-moody");
        await StudioBrowserTests.NoSeriousViolationsAsync(page, "prepare with A/B");
        var recipe = await page.InputValueAsync("#recipe-text");

        await page.ClickAsync("#run");
        await page.WaitForSelectorAsync(".job-status.done", new() { Timeout = (float)ServiceHost.JobTimeout.TotalMilliseconds * 2 });
        var id = (await page.Locator(".job").First.GetAttributeAsync("data-job"))!;
        Assert.Equal(2, await page.Locator(".job-image.done").CountAsync());
        Assert.Contains("recipe B", await page.InnerTextAsync(".job"));

        var job = JsonDocument.Parse(await host.Client.GetStringAsync($"/v1/jobs/{id}")).RootElement;
        Assert.Contains("look:warm-golden", job.GetProperty("recipe").GetProperty("origin").GetString());
        Assert.Contains("look:cool-moody", job.GetProperty("recipe_b").GetProperty("origin").GetString());
        var images = job.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["a", "b"], images.Select(i => i.GetProperty("arm").GetString()));
        Assert.All(images, i => Assert.Equal(0, i.GetProperty("source").GetInt32()));

        // Arm B is recipe B itself: the same image as an ordinary job with look B, pixel for pixel.
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(File.ReadAllBytes(ServiceHost.Fixture("a1111-parameters.png"))) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "images", "a1111-parameters.png" },
            { new StringContent(recipe), "recipe" }, { new StringContent("cool-moody"), "look" },
        };
        using var submitted = await host.Client.PostAsync("/v1/jobs", form);
        var plain = await host.WaitDoneAsync(JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
        using var a = await MasterAsync(host.Client, images[0]);
        using var b = await MasterAsync(host.Client, images[1]);
        using var alone = await MasterAsync(host.Client, plain.GetProperty("images")[0]);
        Assert.Equal(0, (b.Cast(Enums.BandFormat.Double) - alone.Cast(Enums.BandFormat.Double)).Abs().Max());
        // And the two arms differ: the looks move the picture by several levels on average (16-bit masters).
        var apart = (a.Cast(Enums.BandFormat.Double) - b.Cast(Enums.BandFormat.Double)).Abs().Avg() / 257;
        Assert.True(apart > 2, $"arms A and B differ by {apart:0.00} levels on average");

        await LensShowsTheVersionAt100PercentAsync(page);

        // Blind rating of A against B: one pair, left is better.
        await page.ClickAsync(".tab[data-view=rate]");
        Assert.Contains("recipe A against B", await page.InnerTextAsync("#rate-job"));
        await page.ClickAsync("#rate-start");
        await page.WaitForFunctionAsync("() => document.getElementById('rate-a').naturalWidth > 0 && document.getElementById('rate-b').naturalWidth > 0");
        var left = await page.GetAttributeAsync("#rate-a", "src");
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.WaitForSelectorAsync("#rate-pair", new() { State = WaitForSelectorState.Hidden });
        var summary = JsonDocument.Parse(await host.Client.GetStringAsync($"/v1/jobs/{id}/ratings")).RootElement;
        var rating = summary.GetProperty("ratings").EnumerateArray().Single();
        Assert.Equal("a", rating.GetProperty("choice").GetString());
        Assert.Equal(0, rating.GetProperty("image").GetInt32());
        // The left picture was the master of the arm the rating names as a.
        var leftArm = rating.GetProperty("a").GetString();
        Assert.Equal(images.Single(i => i.GetProperty("arm").GetString() == leftArm).GetProperty("outputs").EnumerateArray()
            .First(o => o.GetProperty("role").GetString() == "master").GetProperty("url").GetString(), left);
        var versions = summary.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["a", "b"], versions.Select(v => v.GetProperty("version").GetString()));
        var winner = versions.Single(v => v.GetProperty("version").GetString() == leftArm);
        Assert.Equal(1, winner.GetProperty("wins").GetInt32());
        // One win in one: Wilson 95 % is 0.2065–1 (Wilson 1927; the published value for 1/1, to four places).
        Assert.InRange(winner.GetProperty("ci95")[0].GetDouble(), 0.20645, 0.20655 + 1e-6);
        Assert.Equal(1, winner.GetProperty("ci95")[1].GetDouble());
        Assert.Contains("recipe B: ", await page.InnerTextAsync("#rate-summary"));
        var csv = await host.Client.GetStringAsync($"/v1/jobs/{id}/ratings?format=csv");
        Assert.Contains($",0,{leftArm},{(leftArm == "a" ? "b" : "a")},a,{leftArm},", csv);
        await StudioBrowserTests.NoSeriousViolationsAsync(page, "rating A against B");
        Assert.True(studio.Problems.Count == 0, string.Join("\n", studio.Problems));
    }

    [Fact]
    public async Task An_ab_request_that_compares_nothing_or_mixes_in_aspects_is_refused_and_its_ratings_name_arms()
    {
        await using var host = await ServiceHost.StartAsync(workers: 0);
        MultipartFormDataContent Form(params (string Name, string Value)[] fields)
        {
            var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(File.ReadAllBytes(ServiceHost.Fixture("a1111-parameters.png"))) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "images", "a1111-parameters.png" },
                { new StringContent(ServiceHost.LightRecipe), "recipe" },
            };
            foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
            return form;
        }
        async Task Refused(HttpResponseMessage response, string words)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
            Assert.Contains(words, text);
        }
        // The light recipe's own look is warm-golden: B under warm-golden is A.
        await Refused(await host.Client.PostAsync("/v1/jobs", Form(("b_look", "warm-golden"))), "recipe B is the same as recipe A");
        await Refused(await host.Client.PostAsync("/v1/jobs", Form(("b_look", "cool-moody"), ("aspects", "16:9"))), "an A/B job takes no aspects");
        await Refused(await host.Client.PostAsync("/v1/jobs", Form(("b_preset", "no-such-preset"))), "recipe B: ");
        Assert.Empty(Directory.Exists(Path.Combine(host.Data, "store", "jobs")) ? Directory.GetDirectories(Path.Combine(host.Data, "store", "jobs")) : []);

        using var made = await host.Client.PostAsync("/v1/jobs", Form(("b_preset", "web-only")));
        var job = JsonDocument.Parse(await made.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("preset:web-only", job.GetProperty("recipe_b").GetProperty("origin").GetString());
        Assert.Equal(["a", "b"], job.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("arm").GetString()));
        var id = job.GetProperty("id").GetString();
        // Ratings of an A/B job name the arms, and its one submitted image is image 0.
        StringContent Rating(string a, string b, int image) => new($"{{\"image\":{image},\"a\":\"{a}\",\"b\":\"{b}\",\"choice\":\"same\"}}", System.Text.Encoding.UTF8, "application/json");
        await Refused(await host.Client.PostAsync($"/v1/jobs/{id}/ratings", Rating("source", "master", 0)), "two different versions of: a, b");
        await Refused(await host.Client.PostAsync($"/v1/jobs/{id}/ratings", Rating("a", "b", 1)), "the job has 1 images to rate");
        Assert.Equal(System.Net.HttpStatusCode.Created, (await host.Client.PostAsync($"/v1/jobs/{id}/ratings", Rating("b", "a", 0))).StatusCode);
    }

    /// <summary>
    /// The lens on the compare page (the compare report's own script): right of the divider it shows the right
    /// version's display image at one image pixel per screen pixel. Its middle 64² is compared with that image at the
    /// offset the lens reports, allowing ±1 px for rounding: the mean difference must be under 2.5 levels (JPEG
    /// decoding differs by about one level between Chromium and libjpeg), and the left version there must differ by
    /// more (so the check can fail).
    /// </summary>
    private static async Task LensShowsTheVersionAt100PercentAsync(IPage page)
    {
        await page.ClickAsync(".tab[data-view=prepare]");
        await page.Locator(".job-image.done button").First.ClickAsync();
        var compare = page.FrameLocator("#compare");
        await compare.Locator("#divider").WaitForAsync();
        await compare.Locator("#lens-toggle").ClickAsync();
        Assert.Equal("true", await compare.Locator("#lens-toggle").GetAttributeAsync("aria-pressed"));
        var canvas = (await compare.Locator("#canvas").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(canvas.X + canvas.Width * 0.75f, canvas.Y + canvas.Height * 0.5f);
        var lens = compare.Locator("#lens");
        await lens.WaitForAsync();
        var geometry = await compare.Locator("#lens-canvas").EvaluateAsync<double[]>("""
            c => { const m = new DOMMatrix(getComputedStyle(c).transform); const lens = c.parentElement;
              return [m.m41, m.m42, parseFloat(document.getElementById('lens-divider').style.left), lens.clientLeft, lens.clientTop]; }
            """);
        var (tx, ty, split, border) = (geometry[0], geometry[1], geometry[2], (int)geometry[3]);
        var sources = await compare.Locator("#lens-canvas img").EvaluateAllAsync<string[]>("imgs => imgs.filter(i => !i.hidden).map(i => i.src)");
        Assert.Equal(2, sources.Length);
        Image Decode(string src) => Image.NewFromBuffer(Convert.FromBase64String(src[(src.IndexOf(',') + 1)..])).ExtractBand(0, n: 3).Cast(Enums.BandFormat.Double);
        using var right = Decode(sources[1]);
        using var leftVersion = Decode(sources[0]);
        using var shot = Image.NewFromBuffer(await lens.ScreenshotAsync()).ExtractBand(0, n: 3).Cast(Enums.BandFormat.Double);
        var inner = shot.Width - 2 * border;
        const int Patch = 64;
        var at = inner / 2 - Patch / 2;
        // The patch in the image: lens-inner x shows image x - tx (one image pixel per CSS pixel at this DPR of 1).
        var (ix, iy) = ((int)Math.Round(at - tx), (int)Math.Round(at - ty));
        Assert.True(ix > split + 1, $"the patch at x {ix} is not right of the divider at {split:0.0}");
        var seen = shot.ExtractArea(border + at, border + at, Patch, Patch);
        double Mean(Image version, int dx, int dy) => (seen - version.ExtractArea(ix + dx, iy + dy, Patch, Patch)).Abs().Avg();
        var best = new[] { -1, 0, 1 }.SelectMany(dx => new[] { -1, 0, 1 }.Select(dy => Mean(right, dx, dy))).Min();
        Assert.True(best < 2.5, $"the lens differs from the right version at 100 % by {best:0.00} levels on average");
        var wrong = Mean(leftVersion, 0, 0);
        Assert.True(wrong > 2 * best + 1, $"the left version differs by only {wrong:0.00} levels there (right: {best:0.00})");
        await StudioBrowserTests.NoSeriousViolationsAsync(page, "result with the lens");
    }
}
