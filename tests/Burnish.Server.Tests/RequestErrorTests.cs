using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Burnish.Server.Jobs;

namespace Burnish.Server.Tests;

/// <summary>A server never dies of a bad request: each gets a clear 4xx problem, and the next request is served.</summary>
public sealed class RequestErrorTests
{
    /// <summary>Asserts a problem-details answer with <paramref name="expected"/> and a one-line detail; returns it.</summary>
    internal static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    [Fact]
    public async Task A_bad_recipe_is_400_with_every_problem_as_line_and_column_and_nothing_is_queued()
    {
        await using var host = await ServiceHost.StartAsync(workers: 0);
        const string recipe = "version: 1\ngrade:\n  exposur: 1\n  saturation: 7\n";
        var problem = await Problem(await host.Client.PostAsync("/v1/jobs",
            ServiceHost.Form(recipe, images: ServiceHost.Fixture("a1111-parameters.png"))), HttpStatusCode.BadRequest);
        var problems = problem.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Equal(2, problems.Count);
        Assert.StartsWith("3:3: ", problems.Single(p => p.Contains("exposur")));
        Assert.Contains("exposure", problems.Single(p => p.Contains("exposur")));
        Assert.StartsWith("4:15: ", problems.Single(p => p.Contains("saturation")));
        var jobs = await host.Client.GetFromJsonAsync<JsonElement>("/v1/jobs");
        Assert.Equal(0, jobs.GetProperty("jobs").GetArrayLength());

        // A recipe may not make the server read its own files (a LUT, a mask, a look file).
        const string probing = "version: 1\ngrade:\n  lut:\n    file: /etc/passwd.cube\n";
        var files = await Problem(await host.Client.PostAsync("/v1/jobs",
            ServiceHost.Form(probing, images: ServiceHost.Fixture("a1111-parameters.png"))), HttpStatusCode.BadRequest);
        Assert.Contains(files.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("4:11: grade.lut.file:", StringComparison.Ordinal));

        // A recipe nested 50,000 levels deep: the check for server files once built its tree before the reader's
        // depth limit, and the stack overflow ended the process.
        var deep = "version: 1\nx: " + new string('[', 50_000) + new string(']', 50_000) + "\n";
        var nested = await Problem(await host.Client.PostAsync("/v1/jobs",
            ServiceHost.Form(deep, images: ServiceHost.Fixture("a1111-parameters.png"))), HttpStatusCode.BadRequest);
        Assert.Contains("nested deeper than", nested.GetProperty("problems")[0].GetString());

        // The same rule through /v1/recipes/validate, and a valid recipe's normal form and hash.
        await Problem(await host.Client.PostAsync("/v1/recipes/validate", new StringContent(recipe)), HttpStatusCode.BadRequest);
        var valid = await host.Client.PostAsync("/v1/recipes/validate", new StringContent(ServiceHost.LightRecipe));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(64, JsonDocument.Parse(await valid.Content.ReadAsStringAsync()).RootElement.GetProperty("sha256").GetString()!.Length);
    }

    [Fact]
    public async Task Malformed_and_oversized_requests_get_4xx_and_the_server_serves_the_next_one()
    {
        var limits = new ServiceLimits(MaxUploadBytes: 1 << 20, MaxPixels: 300 * 300, MaxImagesPerJob: 2, MaxUnfinishedPerClient: 2);
        await using var host = await ServiceHost.StartAsync(workers: 0, limits: limits);
        var small = ServiceHost.Fixture("a1111-parameters.png");
        var client = host.Client;

        await Problem(await client.PostAsync("/v1/jobs", new StringContent("images=a.png", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);
        // JSON names images already in the store; an empty object names none.
        await Problem(await client.PostAsync("/v1/jobs", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        // A multipart body cut off in the middle of a part.
        var truncated = new ByteArrayContent(Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.png\"\r\n\r\nabc"));
        truncated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        await Problem(await client.PostAsync("/v1/jobs", truncated), HttpStatusCode.BadRequest);
        await Problem(await client.PostAsync("/v1/jobs", ServiceHost.Form(ServiceHost.LightRecipe)), HttpStatusCode.BadRequest);
        await Problem(await client.PostAsync("/v1/jobs", ServiceHost.Form(preset: "web-onyl", images: small)), HttpStatusCode.BadRequest);
        await Problem(await client.PostAsync("/v1/jobs", ServiceHost.Form(ServiceHost.LightRecipe, "web-only", small)), HttpStatusCode.BadRequest);
        var badLook = ServiceHost.Form(preset: "web-only", images: small);
        badLook.Add(new StringContent("sepia-dream"), "look");
        var look = await Problem(await client.PostAsync("/v1/jobs", badLook), HttpStatusCode.BadRequest);
        Assert.StartsWith("1:1: unknown look", look.GetProperty("problems")[0].GetString());

        // Limits: the upload size (1 MB here), images per job (2), pixels (300², the 512² fixture is over).
        // As curl does for a large body, the client waits for 100-continue, so the refusal comes before the bytes.
        using var huge = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent(new byte[3 << 20]), "images", "big.png" } },
            Headers = { ExpectContinue = true },
        };
        await Problem(await client.SendAsync(huge), HttpStatusCode.RequestEntityTooLarge);
        await Problem(await client.PostAsync("/v1/jobs", ServiceHost.Form(ServiceHost.LightRecipe, images: [small, small, small])), HttpStatusCode.RequestEntityTooLarge);
        var pixels = await Problem(await client.PostAsync("/v1/jobs", ServiceHost.Form(ServiceHost.LightRecipe, images: ServiceHost.Fixture("comfyui-sdxl-turbo.png"))), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("262,144 pixels", pixels.GetProperty("detail").GetString());

        // Unknown ids and names.
        await Problem(await client.GetAsync("/v1/jobs/0123456789abcdef01234567"), HttpStatusCode.NotFound);
        await Problem(await client.GetAsync("/v1/jobs/..%2F..%2Fetc"), HttpStatusCode.NotFound);
        await Problem(await client.DeleteAsync("/v1/jobs/nope"), HttpStatusCode.NotFound);
        await Problem(await client.GetAsync("/v1/no-such-endpoint"), HttpStatusCode.NotFound);

        // Queued jobs per client: two are allowed (no workers here, so they stay queued), the third is 429.
        var first = await host.SubmitAsync(ServiceHost.Form(ServiceHost.LightRecipe, images: small));
        await host.SubmitAsync(ServiceHost.Form(ServiceHost.LightRecipe, images: small));
        await Problem(await client.PostAsync("/v1/jobs", ServiceHost.Form(ServiceHost.LightRecipe, images: small)), HttpStatusCode.TooManyRequests);
        await Problem(await client.GetAsync($"/v1/jobs/{first}/files/..%2Fjob.json"), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/jobs/{first}")).StatusCode);
    }

    [Fact]
    public void Threads_per_job_share_the_cores_between_the_workers_unless_given()
    {
        var cores = Environment.ProcessorCount;
        Assert.Equal(cores, new ServiceOptions { Workers = 1 }.JobThreads);
        Assert.Equal(Math.Max(1, cores / 2), new ServiceOptions { Workers = 2 }.JobThreads);
        Assert.Equal(1, new ServiceOptions { Workers = cores * 4 }.JobThreads);
        Assert.Equal(3, new ServiceOptions { Workers = 2, ThreadsPerJob = 3 }.JobThreads);
        Assert.Equal(Math.Max(1, cores / 2), ServiceOptions.DefaultWorkers());
        Assert.Equal(cores, ServiceOptions.DefaultWorkers(threadsPerJob: 1));

        var refused = Assert.Throws<BurnishException>(() => BurnishService.Build(new ServiceOptions { DataDirectory = ServiceHost.NewDataFolder(), Workers = 1, ThreadsPerJob = 0 }));
        Assert.Equal("--threads-per-job must be at least 1, got 0", refused.Message);
    }

    [Fact]
    public async Task With_a_token_every_request_needs_it_and_without_one_only_loopback_may_be_bound()
    {
        var refused = Assert.Throws<BurnishException>(() => BurnishService.Build(new ServiceOptions { Listen = "0.0.0.0:0", DataDirectory = ServiceHost.NewDataFolder(), Workers = 0 }));
        Assert.Contains("--token", refused.Message);

        await using var host = await ServiceHost.StartAsync(workers: 0, token: "s3cret-token");
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        await Problem(await anonymous.GetAsync("/v1/presets"), HttpStatusCode.Unauthorized);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-tokem");
        await Problem(await anonymous.GetAsync("/v1/jobs"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/hangfire")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/v1/presets")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/hangfire")).StatusCode);
    }

    [Fact]
    public async Task The_api_describes_itself_and_lists_presets_looks_and_models()
    {
        await using var host = await ServiceHost.StartAsync(workers: 0);
        var openapi = await host.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = openapi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/jobs", paths);
        Assert.Contains("/v1/jobs/{id}/events", paths);
        var presets = await host.Client.GetFromJsonAsync<JsonElement>("/v1/presets");
        Assert.Contains("web-only", presets.GetProperty("presets").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var looks = await host.Client.GetFromJsonAsync<JsonElement>("/v1/looks");
        Assert.Contains("warm-golden", looks.GetProperty("looks").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var models = await host.Client.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Contains("esrgan-slim", models.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal("isnet", Assert.Single(models.GetProperty("opt_in").EnumerateArray()).GetProperty("name").GetString());
        Assert.Contains("facemesh", models.GetProperty("masks").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        var metrics = PrometheusText.Parse(await host.Client.GetStringAsync("/metrics"));
        Assert.Equal(0, PrometheusText.Value(metrics, "burnish_workers"));
        // What tells whether another worker can help: the process's CPU time (it has started a web host, so some) and
        // the garbage collector's pauses, which stop every worker.
        Assert.True(PrometheusText.Value(metrics, "dotnet_process_cpu_time_seconds_total", "cpu_mode=user") > 0);
        Assert.True(PrometheusText.Value(metrics, "dotnet_gc_pause_time_seconds_total") >= 0);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/readyz")).StatusCode);

        var info = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(ServiceHost.Fixture("a1111-parameters.png"))), "image", "a.png" } };
        var facts = await (await host.Client.PostAsync("/v1/info", info)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(256, facts.GetProperty("info").GetProperty("width").GetInt32());
    }

    [Fact]
    public async Task A_look_laid_over_a_recipe_reads_it_as_the_recipe_reader_does()
    {
        // A directive on the last line, ending at YamlDotNet's 1,024-character read block: the recipe reader ends the
        // line first (FuzzFindingTests); the look's overlay read the raw text again and stalled for 30 s or more.
        var text = "version: 1\n%FOO " + new string('x', 1008);
        Assert.Equal(1024, text.Length);

        var resolve = Task.Run(() => Burnish.Server.Api.RecipeRequest.Resolve(null, text, "warm-golden", ["16:9"]));
        Assert.True(await Task.WhenAny(resolve, Task.Delay(TimeSpan.FromSeconds(10))) == resolve, "resolving took over 10 s");
        var (_, origin, recipe) = await resolve;

        Assert.Equal("recipe+look:warm-golden+aspects:16:9", origin);
        Assert.Equal("warm-golden", recipe.Grade!.Preset);
    }
}
