using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Burnish.Core.Tests.Backends.A1111;

/// <summary>The test server answers with exactly the keys of the recorded examples (recorded/SOURCES.md), so it cannot drift from A1111's documented shapes.</summary>
public sealed class A1111RecordedShapeTests
{
    private static JsonNode Recorded(string name)
    {
        var root = Fixtures.RepositoryRoot() ?? throw new InvalidOperationException("the tests run from a checkout");
        return JsonNode.Parse(File.ReadAllText(Path.Combine(root, "tests", "Burnish.Core.Tests", "Backends", "A1111", "recorded", name)))!;
    }

    private static IEnumerable<string> Keys(JsonNode node) => (node is JsonArray a ? a[0]! : node).AsObject().Select(kv => kv.Key).Order();

    [Theory]
    [InlineData("GET", "/sdapi/v1/sd-models", "sd-models.json")]
    [InlineData("GET", "/sdapi/v1/samplers", "samplers.json")]
    [InlineData("POST", "/internal/progress", "progress.json")]
    public async Task Answers_have_the_documented_keys(string method, string path, string recorded)
    {
        await using var server = await A1111TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var response = method == "GET" ? await http.GetAsync(path) : await http.PostAsJsonAsync(path, new { id_task = "x", id_live_preview = -1 });
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(Keys(Recorded(recorded)), Keys(answer));
    }

    [Fact]
    public async Task Img2img_and_its_errors_have_the_documented_keys()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { Fail500When = "fail" });
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var tiny = NetVips.Image.Black(8, 8, bands: 3).Cast(NetVips.Enums.BandFormat.Uchar);
        using var white = (NetVips.Image.Black(8, 8) + 255).Cast(NetVips.Enums.BandFormat.Uchar);
        var body = new JsonObject
        {
            ["init_images"] = new JsonArray(Convert.ToBase64String(tiny.PngsaveBuffer())), ["mask"] = Convert.ToBase64String(white.PngsaveBuffer()),
            ["mask_blur"] = 4, ["inpainting_fill"] = 1, ["inpaint_full_res"] = false, ["inpainting_mask_invert"] = 0, ["denoising_strength"] = 0.5,
            ["prompt"] = "a cat", ["negative_prompt"] = "", ["seed"] = 1, ["steps"] = 20, ["cfg_scale"] = 7.0, ["width"] = 8, ["height"] = 8,
            ["send_images"] = true, ["force_task_id"] = "t1",
        };
        using var ok = await http.PostAsJsonAsync("/sdapi/v1/img2img", body);
        Assert.Empty(server.Problems);
        var answer = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
        Assert.Equal(Keys(Recorded("img2img-response.json")), Keys(answer));
        var info = JsonNode.Parse((string)answer["info"]!)!;
        Assert.Equal(Keys(JsonNode.Parse((string)Recorded("img2img-response.json")["info"]!)!), Keys(info));

        body["prompt"] = "fail";
        body["force_task_id"] = "t2";
        using var failed = await http.PostAsJsonAsync("/sdapi/v1/img2img", body);
        Assert.Equal(500, (int)failed.StatusCode);
        Assert.Equal(Keys(Recorded("error-500.json")), Keys(JsonNode.Parse(await failed.Content.ReadAsStringAsync())!));

        // A misspelt key is refused, as the test server is stricter than pydantic.
        body["denoise"] = 0.5;
        body["force_task_id"] = "t3";
        using var refused = await http.PostAsJsonAsync("/sdapi/v1/img2img", body);
        Assert.Equal(422, (int)refused.StatusCode);
        Assert.Contains(server.Problems, p => p.Contains("unknown field 'denoise'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Extra_single_image_has_the_documented_keys_and_refuses_an_unknown_field()
    {
        await using var server = await A1111TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        using var tiny = NetVips.Image.Black(8, 8, bands: 3).Cast(NetVips.Enums.BandFormat.Uchar);
        var body = new JsonObject
        {
            ["resize_mode"] = 0, ["show_extras_results"] = true, ["gfpgan_visibility"] = 0.8, ["codeformer_visibility"] = 0, ["codeformer_weight"] = 0.5,
            ["upscaling_resize"] = 1, ["upscaler_1"] = "None", ["upscaler_2"] = "None", ["extras_upscaler_2_visibility"] = 0, ["upscale_first"] = false,
            ["image"] = Convert.ToBase64String(tiny.PngsaveBuffer()),
        };
        using var ok = await http.PostAsJsonAsync("/sdapi/v1/extra-single-image", body);
        Assert.Empty(server.Problems);
        Assert.Equal(Keys(Recorded("extra-single-image-response.json")), Keys(JsonNode.Parse(await ok.Content.ReadAsStringAsync())!));

        body["strength"] = 0.8;
        using var refused = await http.PostAsJsonAsync("/sdapi/v1/extra-single-image", body);
        Assert.Equal(422, (int)refused.StatusCode);
        Assert.Contains(server.Problems, p => p.Contains("unknown field 'strength'", StringComparison.Ordinal));
    }
}
