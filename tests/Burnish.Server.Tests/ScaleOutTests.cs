using System.Diagnostics;
using System.Security.Cryptography;
using Burnish.Pipeline;

namespace Burnish.Server.Tests;

/// <summary>The scale-out shape: an API on a PostgreSQL queue, two <c>burnish worker</c> processes and one shared store.</summary>
public sealed class ScaleOutTests
{
    private const int Images = 6;

    [PostgresFact]
    public async Task Two_workers_share_the_queue_and_a_killed_one_loses_no_image_and_duplicates_none()
    {
        using var postgres = PostgresCluster.Start();
        var data = ServiceHost.NewDataFolder();
        var store = Path.Combine(data, "shared-store");
        var workers = new List<Worker>();
        try
        {
            // The API takes no jobs itself (workers: 0); it installs the queue's schema before the workers start.
            await using var api = await ServiceHost.StartAsync(data, workers: 0, database: postgres.Url, store: store);
            for (var i = 0; i < 2; i++)
                workers.Add(StartWorker(postgres.Url, store));

            var id = await api.SubmitAsync(ServiceHost.Form(ServiceHost.LightRecipe, images: [.. Enumerable.Repeat(ServiceHost.Fixture("a1111-parameters.png"), Images)]));
            // Part-way through, one worker dies without a chance to clean up.
            var deadline = DateTime.UtcNow + ServiceHost.JobTimeout;
            while ((await api.JobAsync(id)).GetProperty("images").EnumerateArray().Count(i => i.GetProperty("status").GetString() == "done") < 1)
            {
                Assert.True(DateTime.UtcNow < deadline, "no image finished");
                if (workers.FirstOrDefault(w => w.Process.HasExited) is { } exited)
                    Assert.Fail($"a worker exited early ({exited.Process.ExitCode}): {exited.Errors}");
                await Task.Delay(200);
            }
            workers[0].Process.Kill();
            Assert.False(workers[1].Process.HasExited, $"the second worker exited: {workers[1].Errors}");

            var job = await api.WaitDoneAsync(id);
            Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
            var outFolder = Path.Combine(store, "jobs", id, "out");
            foreach (var image in job.GetProperty("images").EnumerateArray())
            {
                // Exactly once: one set per image under its own name, never a numbered second set.
                var index = image.GetProperty("index").GetInt32();
                var sidecars = Directory.GetFiles(outFolder, $"{index:00}-*.burnish.json");
                Assert.Single(sidecars);
                var lineage = Lineage.TryRead(sidecars[0])!;
                foreach (var o in lineage.Outputs)
                    Assert.Equal(o.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(outFolder, o.Path)))));
            }
            Assert.Equal(Images * 3, Directory.GetFiles(outFolder).Length);
            Assert.Empty(Directory.GetFiles(outFolder, "*burnish-tmp*", SearchOption.AllDirectories));
        }
        finally
        {
            foreach (var worker in workers)
            {
                if (!worker.Process.HasExited) worker.Process.Kill(entireProcessTree: true);
                worker.Process.WaitForExit();
                worker.Process.Dispose();
            }
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Worker(Process Process, System.Text.StringBuilder Output)
    {
        public string Errors { get { lock (Output) return Output.ToString(); } }
    }

    private static Worker StartWorker(string database, string store)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "burnish.dll"), "worker", "--db", database, "--store", store, "--workers", "1" })
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        // Both pipes are drained, so a chatty worker never blocks on a full one; the text explains a failure.
        var output = new System.Text.StringBuilder();
        DataReceivedEventHandler keep = (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Worker(process, output);
    }
}
