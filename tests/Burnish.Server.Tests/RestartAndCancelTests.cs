using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Burnish.Pipeline;

namespace Burnish.Server.Tests;

/// <summary>Jobs outlive the process (SQLite queue and directory store under the data folder) and can be cancelled.</summary>
public sealed class RestartAndCancelTests
{
    /// <summary>Outpainting to two aspects (two image jobs, one complete set each) keeps a worker busy for seconds: long enough to stop or cancel it mid-run.</summary>
    private static MultipartFormDataContent SlowJob()
    {
        var form = ServiceHost.Form(ServiceHost.LightRecipe, images: ServiceHost.Fixture("a1111-parameters.png"));
        form.Add(new StringContent("1:1,16:9"), "aspects");
        return form;
    }

    [Fact]
    public async Task A_host_stopped_mid_job_finishes_it_after_a_restart_and_a_finished_job_is_still_listed()
    {
        var data = ServiceHost.NewDataFolder();
        string done, interrupted;
        var first = await ServiceHost.StartAsync(data);
        try
        {
            done = await first.SubmitAsync(ServiceHost.Form(ServiceHost.LightRecipe, images: ServiceHost.Fixture("a1111-parameters.png")));
            Assert.Equal("done", (await first.WaitDoneAsync(done)).GetProperty("status").GetString());
            interrupted = await first.SubmitAsync(SlowJob());
            await first.WaitForAsync(interrupted, "running");
        }
        finally
        {
            // Stopped as Ctrl+C would; the data folder stays for the second host (which deletes it at the end).
            await first.StopAsync();
        }

        await using var second = await ServiceHost.StartAsync(data);
        var jobs = await second.Client.GetFromJsonAsync<JsonElement>("/v1/jobs");
        Assert.Contains(done, jobs.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
        Assert.Equal("done", (await second.JobAsync(done)).GetProperty("status").GetString());

        var job = await second.WaitDoneAsync(interrupted);
        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        // One image job per aspect; the one that was running when the host stopped ran again.
        var images = job.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["1:1", "16:9"], images.Select(i => i.GetProperty("aspect").GetString()));
        Assert.Contains(images, i => i.GetProperty("attempts").GetInt32() >= 2);
        var outputs = images.SelectMany(i => i.GetProperty("outputs").EnumerateArray()).ToList();
        Assert.Equal(2, outputs.Count(o => o.GetProperty("role").GetString() == "master"));
        foreach (var output in outputs)
        {
            var bytes = await second.Client.GetByteArrayAsync(output.GetProperty("url").GetString());
            Assert.Equal(output.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
        // Every sidecar's hashes match the files beside it, and no temp file was left.
        var outFolder = Path.Combine(data, "store", "jobs", interrupted, "out");
        foreach (var sidecar in Directory.GetFiles(outFolder, "*.burnish.json"))
        {
            var lineage = Lineage.TryRead(sidecar)!;
            foreach (var o in lineage.Outputs)
                Assert.Equal(o.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(outFolder, o.Path)))));
        }
        Assert.Empty(Directory.GetFiles(outFolder, "*burnish-tmp*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Cancel_stops_a_running_image_leaving_nothing_behind_and_withdraws_queued_ones()
    {
        await using var host = await ServiceHost.StartAsync(workers: 1);
        var running = await host.SubmitAsync(SlowJob());
        var queued = await host.SubmitAsync(ServiceHost.Form(ServiceHost.LightRecipe, images: ServiceHost.Fixture("a1111-parameters.png")));
        await host.WaitForAsync(running, "running");

        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.DeleteAsync($"/v1/jobs/{queued}")).StatusCode);
        Assert.Equal("cancelled", (await host.JobAsync(queued)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.PostAsync($"/v1/jobs/{running}/cancel", null)).StatusCode);
        var job = await host.WaitDoneAsync(running);
        Assert.True(job.GetProperty("status").GetString() == "cancelled", job.ToString());
        Assert.Empty(job.GetProperty("images")[0].GetProperty("outputs").EnumerateArray());

        var outFolder = Path.Combine(host.Data, "store", "jobs", running, "out");
        Assert.Empty(Directory.Exists(outFolder) ? Directory.GetFiles(outFolder, "*", SearchOption.AllDirectories) : []);
        var events = await ServerSentEvents.ReadAsync(host.Client, queued);
        Assert.Equal(["queued", "image-cancelled", "job-done"], events.Select(e => e.Type));
        Assert.Equal("cancelled", events[^1].Data.GetProperty("status").GetString());
    }
}
