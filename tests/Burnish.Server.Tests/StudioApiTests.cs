using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Burnish.Server.Api;
using NetVips;

namespace Burnish.Server.Tests;

/// <summary>
/// The studio's page and the API it added: the page and its assets are the embedded copies of the files in the repo,
/// under a policy that allows only this origin; look previews; destinations; a bad request is one clear 4xx.
/// </summary>
public sealed class StudioApiTests
{
    /// <summary>The repository's copy of the studio's files (the tests run from bin/, under the repository).</summary>
    public static string SourceFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Burnish.slnx"))) return Path.Combine(dir.FullName, "src", "Burnish.Server", "Studio");
        throw new DirectoryNotFoundException("the repository root (Burnish.slnx) above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task The_page_and_its_assets_are_the_embedded_sources_under_a_self_only_policy()
    {
        await using var host = await ServiceHost.StartAsync(workers: 0);
        var sources = Directory.GetFiles(SourceFolder()).Select(f => Path.GetFileName(f)).Order().ToList();
        Assert.Equal(sources, StudioPage.Assets.Order().ToList());
        foreach (var name in sources)
        {
            using var response = await host.Client.GetAsync(name == "index.html" ? "/" : $"/studio/{name}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // No build step: what is served is byte for byte the file in the repository.
            Assert.Equal(File.ReadAllBytes(Path.Combine(SourceFolder(), name)), await response.Content.ReadAsByteArrayAsync());
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'self'", policy);
            Assert.Contains("script-src 'self';", policy);
            Assert.DoesNotContain("unsafe", policy);
            Assert.DoesNotContain("http", policy);
        }
        // No inline script, no remote reference, in any asset.
        var page = File.ReadAllText(Path.Combine(SourceFolder(), "index.html"));
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", page);
        foreach (var name in sources)
            // An XML namespace is a name, never fetched.
            Assert.DoesNotMatch(@"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", File.ReadAllText(Path.Combine(SourceFolder(), name)).Replace("xmlns=\"http://www.w3.org/2000/svg\"", ""));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/studio/..%2FBurnish.Server.dll")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/studio/missing.js")).StatusCode);
    }

    private static MultipartFormDataContent ImageForm(byte[] bytes, string name = "a1111-parameters.png") =>
        new() { { new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "image", name } };

    [Fact]
    public async Task A_look_preview_is_a_graded_jpeg_of_the_cached_working_image_and_bad_requests_are_4xx()
    {
        await using var host = await ServiceHost.StartAsync(workers: 0);
        var client = host.Client;
        using var made = await client.PostAsync("/v1/previews", ImageForm(File.ReadAllBytes(ServiceHost.Fixture("comfyui-sdxl-turbo.png"))));
        var body = await made.Content.ReadAsStringAsync();
        Assert.True(made.StatusCode == HttpStatusCode.Created, body);
        var preview = JsonDocument.Parse(body).RootElement;
        Assert.Equal(512, preview.GetProperty("width").GetInt32()); // 512² is under the 1024 long edge: kept
        var url = preview.GetProperty("url").GetString()!;

        using var original = Image.NewFromBuffer(await client.GetByteArrayAsync($"{url}?look=none"));
        using var warm = Image.NewFromBuffer(await client.GetByteArrayAsync($"{url}?look=warm-golden"));
        using var small = Image.NewFromBuffer(await client.GetByteArrayAsync($"{url}?look=warm-golden&edge=256"));
        Assert.Equal((512, 512, 3), (warm.Width, warm.Height, warm.Bands));
        Assert.Equal(256, small.Width);
        // warm-golden warms the picture: red up against blue by more than JPEG noise (a few levels) could make.
        double Balance(Image i) => i[0].Avg() - i[2].Avg();
        Assert.True(Balance(warm) - Balance(original) > 4, $"red-blue shift {Balance(warm) - Balance(original):0.00} levels");
        // Without a look the preview is the source itself, within JPEG q85 error (mean ≤ 2 levels).
        using var source = Image.NewFromFile(ServiceHost.Fixture("comfyui-sdxl-turbo.png"));
        Assert.True((original - source.ExtractBand(0, n: 3)).Abs().Avg() < 2);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"{url}?look=no-such-look")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"{url}?edge=5000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/previews/0123456789abcdef01234567")).StatusCode);
        using var corrupt = await client.PostAsync("/v1/previews", ImageForm("not an image at all"u8.ToArray(), "broken.png"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, corrupt.StatusCode);
        Assert.StartsWith("broken.png: ", JsonDocument.Parse(await corrupt.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());

        // The destinations a recipe may name, and the new endpoints in the OpenAPI description.
        var destinations = JsonDocument.Parse(await client.GetStringAsync("/v1/destinations")).RootElement.GetProperty("destinations");
        Assert.Contains(destinations.EnumerateArray(), d => d.GetProperty("id").GetString() == "web-2048");
        var openapi = await client.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/v1/previews", "/v1/previews/{id}", "/v1/destinations", "/v1/jobs/{id}/images/{index}/compare", "/v1/masks", "/v1/session" })
            Assert.Contains($"\"{path}\"", openapi);
    }

    [Fact]
    public void The_Wilson_interval_matches_published_values()
    {
        // 8 of 10 and 0 of 10 at 95 % (Wilson 1927; the values as in Newcombe 1998, table I): within 0.0005.
        var (low, high) = Ratings.Wilson(8, 10);
        Assert.Equal(0.4902, low, 0.0005);
        Assert.Equal(0.9433, high, 0.0005);
        (low, high) = Ratings.Wilson(0, 10);
        Assert.Equal(0, low, 0.0005);
        Assert.Equal(0.2775, high, 0.0005);
        Assert.Equal((0.0, 1.0), Ratings.Wilson(0, 0));
    }

    [Fact]
    public async Task Ratings_are_stored_per_job_summarised_with_wilson_intervals_and_exported_as_csv()
    {
        await using var host = await ServiceHost.StartAsync(workers: 0);
        var id = await host.SubmitAsync(ServiceHost.Form(ServiceHost.LightRecipe, images: [ServiceHost.Fixture("a1111-parameters.png"), ServiceHost.Fixture("comfyui-sdxl-turbo.png")]));
        async Task<HttpStatusCode> Rate(string json) =>
            (await host.Client.PostAsync($"/v1/jobs/{id}/ratings", new StringContent(json, System.Text.Encoding.UTF8, "application/json"))).StatusCode;
        Assert.Equal(HttpStatusCode.Created, await Rate("""{"image":0,"a":"master","b":"source","choice":"a","rater":"r1"}"""));
        Assert.Equal(HttpStatusCode.Created, await Rate("""{"image":1,"a":"source","b":"master","choice":"b"}"""));
        Assert.Equal(HttpStatusCode.Created, await Rate("""{"image":1,"a":"master","b":"source","choice":"same","rater":"r,\"2"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await Rate("""{"image":5,"a":"master","b":"source","choice":"a"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await Rate("""{"image":0,"a":"master","b":"master","choice":"a"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await Rate("""{"image":0,"a":"master","b":"source","choice":"left"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await Rate("not json"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.PostAsync("/v1/jobs/0123456789abcdef01234567/ratings", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        var summary = JsonDocument.Parse(await host.Client.GetStringAsync($"/v1/jobs/{id}/ratings")).RootElement;
        Assert.Equal(3, summary.GetProperty("count").GetInt32());
        var master = summary.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == "master");
        Assert.Equal((2, 0, 1), (master.GetProperty("wins").GetInt32(), master.GetProperty("losses").GetInt32(), master.GetProperty("ties").GetInt32()));
        Assert.Equal(1.0, master.GetProperty("win_rate").GetDouble());
        // 2 of 2 (ties left out): Wilson 95 % is 0.342–1.
        Assert.Equal(0.342, master.GetProperty("ci95")[0].GetDouble(), 0.001);

        var csv = (await host.Client.GetStringAsync($"/v1/jobs/{id}/ratings?format=csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("time,image,a,b,choice,winner,rater", csv[0]);
        Assert.Equal(4, csv.Length);
        Assert.EndsWith(",1,master,source,same,same,\"r,\"\"2\"", csv[3]);

        // The source version is the upload's bytes, typed by them.
        using var source = await host.Client.GetAsync($"/v1/jobs/{id}/images/0/source");
        Assert.Equal("image/png", source.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File.ReadAllBytes(ServiceHost.Fixture("a1111-parameters.png")), await source.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_mask_field_that_is_not_an_image_or_names_no_image_is_400_and_nothing_is_queued()
    {
        await using var host = await ServiceHost.StartAsync(workers: 0);
        foreach (var (field, bytes) in new[] { ("mask0", "not a png"u8.ToArray()), ("mask3", File.ReadAllBytes(ServiceHost.Fixture("a1111-parameters.png"))) })
        {
            var form = ServiceHost.Form(ServiceHost.LightRecipe, images: ServiceHost.Fixture("a1111-parameters.png"));
            form.Add(new ByteArrayContent(bytes), field, "mask.png");
            using var response = await host.Client.PostAsync("/v1/jobs", form);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
            Assert.StartsWith(field + ": ", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        }
        Assert.Equal(0, JsonDocument.Parse(await host.Client.GetStringAsync("/v1/jobs")).RootElement.GetProperty("jobs").GetArrayLength());
    }
}
