using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Burnish.Server.Tests;

/// <summary>Jobs over images already in the store (JSON), and one image job per outpaint aspect.</summary>
public sealed class StoredAndAspectJobTests
{
    private static Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status) => RequestErrorTests.Problem(response, status);

    private static string Sha(JsonElement image, string role) =>
        image.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("role").GetString() == role).GetProperty("sha256").GetString()!;

    [Fact]
    public async Task A_json_job_finishes_an_earlier_jobs_input_and_its_master_without_uploading_them()
    {
        await using var host = await ServiceHost.StartAsync(workers: 1);
        var first = await host.SubmitAsync(ServiceHost.Form(ServiceHost.LightRecipe, images: ServiceHost.Fixture("a1111-parameters.png")));
        var earlier = (await host.WaitDoneAsync(first)).GetProperty("images")[0];
        var master = earlier.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("role").GetString() == "master");
        var jobsBefore = Directory.GetDirectories(Path.Combine(host.Data, "store", "jobs")).Length;

        // Every refusal is a 4xx with one line, and nothing is stored or queued.
        Assert.Contains("job 0123456789abcdef01234567", (await Problem(await host.Client.PostAsJsonAsync("/v1/jobs",
            new { images = new[] { new { job = "0123456789abcdef01234567", image = 0 } } }), HttpStatusCode.NotFound)).GetProperty("detail").GetString());
        Assert.Contains("either 'image'", (await Problem(await host.Client.PostAsJsonAsync("/v1/jobs",
            new { images = new object[] { new { job = first, image = 0, file = "x" } } }), HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        var sidecar = earlier.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("role").GetString() == "sidecar").GetProperty("name").GetString();
        await Problem(await host.Client.PostAsJsonAsync("/v1/jobs", new { images = new[] { new { job = first, file = sidecar } } }), HttpStatusCode.NotFound);
        await Problem(await host.Client.PostAsJsonAsync("/v1/jobs", new { images = new[] { new { job = first, file = "../job.json" } } }), HttpStatusCode.NotFound);
        await Problem(await host.Client.PostAsync("/v1/jobs", new StringContent("{\"images\": [", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        var recipeProblem = await Problem(await host.Client.PostAsJsonAsync("/v1/jobs",
            new { images = new[] { new { job = first, image = 0 } }, recipe = "version: 1\ngrade: {exposur: 1}\n" }), HttpStatusCode.BadRequest);
        Assert.StartsWith("2:", recipeProblem.GetProperty("problems")[0].GetString());
        Assert.Equal(jobsBefore, Directory.GetDirectories(Path.Combine(host.Data, "store", "jobs")).Length);

        using var accepted = await host.Client.PostAsJsonAsync("/v1/jobs", new
        {
            images = new object[] { new { job = first, image = 0 }, new { job = first, file = master.GetProperty("name").GetString() } },
            recipe = ServiceHost.LightRecipe,
        });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var job = await host.WaitDoneAsync(id);
        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        var images = job.GetProperty("images");
        // The same input bytes with the same recipe: the same master, byte for byte.
        Assert.Equal(earlier.GetProperty("input").GetProperty("sha256").GetString(), images[0].GetProperty("input").GetProperty("sha256").GetString());
        Assert.Equal(Sha(earlier, "master"), Sha(images[0], "master"));
        // The earlier master went in as the second image, labelled by its name.
        Assert.Equal(master.GetProperty("sha256").GetString(), images[1].GetProperty("input").GetProperty("sha256").GetString());
        Assert.Equal(master.GetProperty("name").GetString(), images[1].GetProperty("label").GetString());
        Assert.False(Directory.Exists(Path.Combine(host.Data, "store", "jobs", id, "inputs")), "nothing was uploaded or copied");
    }

    [Fact]
    public async Task Each_outpaint_aspect_is_its_own_image_job_and_the_parent_tracks_them()
    {
        await using var host = await ServiceHost.StartAsync(workers: 1);
        var form = ServiceHost.Form(ServiceHost.LightRecipe, images: [ServiceHost.Fixture("a1111-parameters.png"), ServiceHost.Fixture("a1111-parameters.png")]);
        form.Add(new StringContent("1:1,16:9"), "aspects");
        var id = await host.SubmitAsync(form);

        var job = await host.WaitDoneAsync(id);

        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        var images = job.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal([(0, "1:1"), (0, "16:9"), (1, "1:1"), (1, "16:9")],
            images.Select(i => (i.GetProperty("source").GetInt32(), i.GetProperty("aspect").GetString())));
        foreach (var image in images)
        {
            var tag = image.GetProperty("aspect").GetString()!.Replace(':', 'x');
            var names = image.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()!).ToList();
            Assert.Equal(3, names.Count); // master, copy, sidecar of this aspect only
            Assert.All(names, n => Assert.StartsWith($"{image.GetProperty("source").GetInt32():00}-a1111-parameters.{tag}.", n));
            Assert.Equal(1, image.GetProperty("attempts").GetInt32());
        }
        // Each child ran once, with its own events; the parent ended once every child had.
        var events = await ServerSentEvents.ReadAsync(host.Client, id);
        Assert.Equal(4, events.Count(e => e.Type == "image-done"));
        Assert.Equal("job-done", events[^1].Type);
    }

    [Fact]
    public async Task The_openapi_description_documents_both_ways_to_submit()
    {
        await using var host = await ServiceHost.StartAsync(workers: 0);
        var openapi = await host.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var content = openapi.GetProperty("paths").GetProperty("/v1/jobs").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.True(content.TryGetProperty("multipart/form-data", out _), content.ToString());
        Assert.True(content.TryGetProperty("application/json", out var json), content.ToString());
        // The body's fields, inline or through a component reference.
        var text = json.ToString() + (openapi.TryGetProperty("components", out var components) ? components.ToString() : "");
        foreach (var field in new[] { "images", "job", "image", "file", "preset", "recipe", "aspects" })
            Assert.Contains($"\"{field}\"", text);
    }
}
