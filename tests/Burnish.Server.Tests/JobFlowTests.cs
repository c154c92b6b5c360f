using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Burnish.Server.Jobs;

namespace Burnish.Server.Tests;

/// <summary>A job from submission to download, against a real service with its SQLite queue and one worker.</summary>
public sealed class JobFlowTests
{
    [Fact]
    public async Task Submitted_job_streams_its_events_in_order_and_every_download_matches_its_status_hash()
    {
        await using var host = await ServiceHost.StartAsync();
        var started = DateTime.UtcNow;
        var id = await host.SubmitAsync(ServiceHost.Form(ServiceHost.LightRecipe, images: ServiceHost.Fixture("a1111-parameters.png")));

        var events = await ServerSentEvents.ReadAsync(host.Client, id);
        var types = events.Select(e => e.Type).ToList();
        Assert.Equal("queued", types[0]);
        Assert.Equal("started", types[1]);
        Assert.Contains("stage-started", types);
        Assert.Equal("image-done", types[^2]);
        Assert.Equal("job-done", types[^1]);
        Assert.Equal("done", events[^1].Data.GetProperty("status").GetString());
        // Stages start in the canonical order: grade before sharpen before export.
        var stages = events.Where(e => e.Type == "stage-started").Select(e => e.Data.GetProperty("stage").GetString()).ToList();
        Assert.Equal(["grade", "export"], stages.Where(s => s is "grade" or "export"));

        var job = await host.JobAsync(id);
        Assert.Equal("done", job.GetProperty("status").GetString());
        var image = job.GetProperty("images")[0];
        Assert.Equal("a1111-parameters.png", image.GetProperty("label").GetString());
        var outputs = image.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["copy", "master", "sidecar"], outputs.Select(o => o.GetProperty("role").GetString()).Order());
        foreach (var output in outputs)
        {
            var bytes = await host.Client.GetByteArrayAsync(output.GetProperty("url").GetString());
            Assert.Equal(output.GetProperty("bytes").GetInt64(), bytes.Length);
            Assert.Equal(output.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        // The archive holds exactly the same files, byte for byte.
        await using var archive = await host.Client.GetStreamAsync($"/v1/jobs/{id}/archive");
        var zipped = new MemoryStream();
        await archive.CopyToAsync(zipped);
        using var zip = new ZipArchive(zipped, ZipArchiveMode.Read);
        Assert.Equal(outputs.Select(o => o.GetProperty("name").GetString()).Order(), zip.Entries.Select(e => e.FullName).Order());
        foreach (var entry in zip.Entries)
        {
            await using var content = entry.Open();
            var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(content));
            Assert.Equal(outputs.Single(o => o.GetProperty("name").GetString() == entry.FullName).GetProperty("sha256").GetString(), sha);
        }

        // A client that reconnects after the first two events gets the rest, and nothing twice.
        var resumed = await ServerSentEvents.ReadAsync(host.Client, id, events[1].Id);
        Assert.Equal(types.Skip(2), resumed.Select(e => e.Type));

        // /metrics (OpenTelemetry's Prometheus exporter) counts the job from the store, with its stage times, and the
        // API's own requests from ASP.NET Core's meter.
        var metrics = PrometheusText.Parse(await host.Client.GetStringAsync("/metrics"));
        Assert.Equal(1, PrometheusText.Value(metrics, "burnish_jobs", "status=done"));
        Assert.Equal(1, PrometheusText.Value(metrics, "burnish_images", "status=done"));
        Assert.Equal(1, PrometheusText.Value(metrics, "burnish_workers"));
        Assert.Equal(1, PrometheusText.Value(metrics, "burnish_stage_images_total", "stage=grade"));
        var sidecar = await host.Client.GetFromJsonAsync<JsonElement>(outputs.Single(o => o.GetProperty("role").GetString() == "sidecar").GetProperty("url").GetString());
        var exportMs = sidecar.GetProperty("stages").EnumerateArray().Single(st => st.GetProperty("stage").GetString() == "export").GetProperty("ms").GetDouble();
        Assert.True(exportMs > 0);
        Assert.Equal(exportMs / 1000, PrometheusText.Value(metrics, "burnish_stage_time_seconds_total", "stage=export"), 6);
        Assert.Equal(1, PrometheusText.Value(metrics, "http_server_request_duration_seconds_count", "http_route=/v1/jobs", "http_request_method=POST", "http_response_status_code=202"));
        Assert.True(PrometheusText.Value(metrics, "burnish_libvips_memory_bytes") >= 0);
        Assert.True(DateTime.UtcNow - started < ServiceHost.JobTimeout);
    }

    [Fact]
    public async Task Service_master_is_pixel_equal_to_burnish_finish_of_the_same_input_and_recipe()
    {
        var work = ServiceHost.NewDataFolder();
        try
        {
            var input = ServiceHost.Fixture("a1111-parameters.png");
            var recipeFile = Path.Combine(work, "light.yaml");
            await File.WriteAllTextAsync(recipeFile, ServiceHost.LightRecipe);
            var cli = await CliRun.FinishAsync(work, "finish", input, "--recipe", recipeFile, "-o", Path.Combine(work, "cli"));
            Assert.True(cli.ExitCode == 0, cli.Output);
            var cliMaster = Path.Combine(work, "cli", "a1111-parameters.master.png");

            await using var host = await ServiceHost.StartAsync();
            var id = await host.SubmitAsync(ServiceHost.Form(ServiceHost.LightRecipe, images: input));
            var job = await host.WaitDoneAsync(id);
            Assert.Equal("done", job.GetProperty("status").GetString());
            var master = job.GetProperty("images")[0].GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("role").GetString() == "master");
            var serviceMaster = await host.Client.GetByteArrayAsync(master.GetProperty("url").GetString());

            // Tolerance 0: the same core runs the same recipe. The files' bytes differ only in the embedded lineage,
            // which names where the recipe came from (a file path for the CLI, "recipe" for an upload).
            using var a = NetVips.Image.NewFromFile(cliMaster);
            using var b = NetVips.Image.NewFromBuffer(serviceMaster);
            Assert.Equal((a.Width, a.Height, a.Bands, a.Format), (b.Width, b.Height, b.Bands, b.Format));
            Assert.Equal(0.0, (a - b).Abs().Max());
            Assert.Equal(a.Get("icc-profile-data") as byte[], b.Get("icc-profile-data") as byte[]);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task A_preset_job_writes_the_same_master_bytes_as_finish_with_that_preset()
    {
        var work = ServiceHost.NewDataFolder();
        try
        {
            var input = ServiceHost.Fixture("a1111-parameters.png");
            var cli = await CliRun.FinishAsync(work, "finish", input, "--preset", "web-only", "-o", Path.Combine(work, "cli"));
            Assert.True(cli.ExitCode == 0, cli.Output);
            var cliSha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(work, "cli", "a1111-parameters.master.png"))));

            await using var host = await ServiceHost.StartAsync();
            var id = await host.SubmitAsync(ServiceHost.Form(preset: "web-only", images: input));
            var job = await host.WaitDoneAsync(id);
            var master = job.GetProperty("images")[0].GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("role").GetString() == "master");
            // Same input, same preset origin, same core: the master is the same file, byte for byte.
            Assert.Equal(cliSha, master.GetProperty("sha256").GetString());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Finish_with_server_submits_follows_the_events_and_downloads_the_services_files()
    {
        await using var host = await ServiceHost.StartAsync();
        var recipeFile = Path.Combine(host.Data, "light.yaml");
        await File.WriteAllTextAsync(recipeFile, ServiceHost.LightRecipe);
        var outDir = Path.Combine(host.Data, "remote");
        var run = await CliRun.FinishAsync(host.Data, "finish", "--server", host.Client.BaseAddress!.ToString(), "--recipe", recipeFile, "-o", outDir,
            ServiceHost.Fixture("a1111-parameters.png"));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("a1111-parameters.png: grade", run.Output); // the progress lines come from the event stream
        Assert.Contains("1 finished, 0 failed", run.Output);

        var id = (await host.Client.GetFromJsonAsync<JsonElement>("/v1/jobs")).GetProperty("jobs")[0].GetProperty("id").GetString()!;
        var outputs = (await host.JobAsync(id)).GetProperty("images")[0].GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["a1111-parameters.burnish.json", "a1111-parameters.master.png", "a1111-parameters.web-2048.jpg"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order());
        foreach (var output in outputs)
        {
            var local = Path.Combine(outDir, output.GetProperty("name").GetString()!["00-".Length..]);
            Assert.Equal(output.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(local))));
        }
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_fails_its_own_job_with_the_loaders_reason_and_the_server_goes_on()
    {
        await using var host = await ServiceHost.StartAsync();
        var bad = Path.Combine(host.Data, "notes.png");
        await File.WriteAllTextAsync(bad, "these are not pixels");
        var id = await host.SubmitAsync(ServiceHost.Form(ServiceHost.LightRecipe, images: bad));
        var job = await host.WaitDoneAsync(id);
        Assert.Equal("failed", job.GetProperty("status").GetString());
        var error = job.GetProperty("images")[0].GetProperty("error").GetString()!;
        Assert.Contains("notes.png", error);
        Assert.Contains("not a supported image", error);
        Assert.DoesNotContain(host.Data, error);
        Assert.Single(error.Split('\n'));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/healthz")).StatusCode);
    }
}
