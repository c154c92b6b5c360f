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
        foreach (var path in new[] { "/v1/previews", "/v1/previews/{id}", "/v1/destinations", "/v1/jobs/{id}/images/{index}/compare" })
            Assert.Contains($"\"{path}\"", openapi);
    }
}
