using System.Diagnostics;
using System.Security.Cryptography;
using Burnish.Pipeline;

namespace Burnish.Server.Tests;

/// <summary>The scale-out shape: an API on a PostgreSQL queue, two <c>burnish worker</c> processes and one shared store.</summary>
public sealed class ScaleOutTests
{
    private const int Images = 20;

    /// <summary>Lighter than <see cref="ServiceHost.LightRecipe"/> (no 2048 px copy), so 20 images stay within seconds each.</summary>
    private const string TinyRecipe = """
        version: 1
        grade:
          preset: warm-golden
        export:
          master:
            format: png
          copies:
            - long_edge: 256
              format: jpeg
              quality: 85
        """;

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

            // 20 real generations (the two fixtures, alternating), each its own image job.
            var gens = Enumerable.Range(0, Images).Select(i => ServiceHost.Fixture(i % 2 == 0 ? "a1111-parameters.png" : "comfyui-sdxl-turbo.png")).ToArray();
            var id = await api.SubmitAsync(ServiceHost.Form(TinyRecipe, images: gens));
            // Part-way through (one image done), the worker running another image dies without a chance to clean up.
            var deadline = DateTime.UtcNow + ServiceHost.JobTimeout;
            Worker? victim = null;
            int interrupted = -1;
            while (victim is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "no image finished while another ran");
                if (workers.FirstOrDefault(w => w.Process.HasExited) is { } exited)
                    Assert.Fail($"a worker exited early ({exited.Process.ExitCode}): {exited.Errors}");
                var images = (await api.JobAsync(id)).GetProperty("images").EnumerateArray().ToList();
                var running = images.FirstOrDefault(i => i.GetProperty("status").GetString() == "running");
                if (images.Any(i => i.GetProperty("status").GetString() == "done") && running.ValueKind == System.Text.Json.JsonValueKind.Object)
                {
                    var pid = running.GetProperty("worker").GetString()!.Split(':')[^1];
                    victim = workers.FirstOrDefault(w => w.Process.Id.ToString() == pid);
                    interrupted = running.GetProperty("index").GetInt32();
                }
                else await Task.Delay(100);
            }
            victim.Process.Kill();
            Assert.False(workers.Single(w => w != victim).Process.HasExited, "the other worker exited");

            var job = await api.WaitDoneAsync(id);
            Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
            // The killed worker's image was handed out again (after the invisibility timeout) and run a second time.
            var again = job.GetProperty("images")[interrupted];
            Assert.True(again.GetProperty("attempts").GetInt32() >= 2, again.ToString());
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
