using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Burnish.Server;
using Burnish.Server.Jobs;
using Microsoft.AspNetCore.Builder;

namespace Burnish.Server.Tests;

/// <summary>A real service on 127.0.0.1 and a free port, over a data folder the test owns; disposing stops it.</summary>
public sealed class ServiceHost : IAsyncDisposable
{
    /// <summary>A light recipe: a grade look, the 16-bit master and one JPEG copy, so a small image takes seconds.</summary>
    public const string LightRecipe = """
        version: 1
        grade:
          preset: warm-golden
        export:
          master:
            format: png
          copies:
            - destination: web-2048
              format: jpeg
              quality: 85
        """;

    /// <summary>Long enough for a small image on a busy 2-core machine; a hang still fails the test.</summary>
    public static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(150);

    private readonly WebApplication app;

    private ServiceHost(WebApplication app, string data, HttpClient client) => (this.app, Data, Client) = (app, data, client);

    public string Data { get; }

    public HttpClient Client { get; }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    public static string NewDataFolder() => Directory.CreateTempSubdirectory("burnish-server-test-").FullName;

    public static async Task<ServiceHost> StartAsync(string? data = null, int workers = 1, ServiceLimits? limits = null, string? token = null,
        string? database = null, string? store = null, string? models = null)
    {
        data ??= NewDataFolder();
        var app = BurnishService.Build(new ServiceOptions
        {
            Listen = "127.0.0.1:0",
            DataDirectory = data,
            Workers = workers,
            Token = token,
            Limits = limits ?? ServiceLimits.Default,
            Database = database,
            StorePath = store,
            ModelsDirectory = models,
        });
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = BurnishService.Address(app), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ServiceHost(app, data, client);
    }

    /// <summary>Stops the service (workers reach a cancellation point) but keeps the data folder, for a restart.</summary>
    public async Task StopAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped by the test.
        }
        try { Directory.Delete(Data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static MultipartFormDataContent Form(string? recipe = null, string? preset = null, params string[] images)
    {
        var form = new MultipartFormDataContent();
        foreach (var image in images)
            form.Add(new ByteArrayContent(File.ReadAllBytes(image)) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "images", Path.GetFileName(image));
        if (recipe is not null) form.Add(new StringContent(recipe), "recipe");
        if (preset is not null) form.Add(new StringContent(preset), "preset");
        return form;
    }

    /// <summary>Submits and returns the job id, failing the test with the body unless the answer is 202.</summary>
    public async Task<string> SubmitAsync(MultipartFormDataContent form)
    {
        using var response = await Client.PostAsync("/v1/jobs", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> JobAsync(string id) => (await Client.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}"));

    /// <summary>Polls the job until its status is one of <paramref name="statuses"/>, within <see cref="JobTimeout"/>.</summary>
    public async Task<JsonElement> WaitForAsync(string id, params string[] statuses)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            var job = await JobAsync(id);
            if (statuses.Contains(job.GetProperty("status").GetString())) return job;
            Assert.True(DateTime.UtcNow < deadline, $"job {id} did not reach {string.Join("/", statuses)}: {job}");
            await Task.Delay(200);
        }
    }

    public async Task<JsonElement> WaitDoneAsync(string id) => await WaitForAsync(id, "done", "failed", "cancelled");
}
