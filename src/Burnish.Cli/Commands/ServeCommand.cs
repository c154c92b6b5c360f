using System.CommandLine;
using Burnish.Server;
using Burnish.Server.Queue;
using Burnish.Server.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Burnish.Cli.Commands;

/// <summary><c>burnish serve</c>: the HTTP API, the queue and in-process workers in one process (src/Burnish.Server).</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "ADDRESS:PORT to listen on; any address but loopback needs --token.", DefaultValueFactory = _ => ServiceOptions.DefaultListen };
        var data = new Option<string?>("--data") { Description = "Data folder: the queue database and the store of inputs and outputs (default: $XDG_DATA_HOME/burnish, else ~/.local/share/burnish)." };
        var workers = Workers();
        var threads = ThreadsPerJob();
        var token = new Option<string?>("--token") { Description = "Bearer token every request must carry (default: $BURNISH_TOKEN)." };
        var maxUpload = new Option<int>("--max-upload-mb") { Description = "Largest request, in MB (413 beyond it).", DefaultValueFactory = _ => (int)(ServiceLimits.Default.MaxUploadBytes >> 20) };
        var maxImages = new Option<int>("--max-images") { Description = "Most images in one job (413 beyond it).", DefaultValueFactory = _ => ServiceLimits.Default.MaxImagesPerJob };
        var maxQueued = new Option<int>("--max-queued") { Description = "Most unfinished jobs per client (429 beyond it).", DefaultValueFactory = _ => ServiceLimits.Default.MaxUnfinishedPerClient };
        var maxPixels = CommonOptions.MaxPixels();
        var stageTimeout = CommonOptions.StageTimeout();
        var maxMemory = CommonOptions.MaxMemoryMb();
        var db = Db();
        var store = Store();
        var gpu = Gpu();
        var models = ModelsDir();
        var command = new Command("serve", "Serve the HTTP API (/v1, OpenAPI at /openapi/v1.json) with a job queue and workers in this process; no other set-up.")
        {
            listen, data, workers, threads, token, maxUpload, maxImages, maxQueued, maxPixels, stageTimeout, maxMemory, db, store, gpu, models,
        };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, async () =>
        {
            var options = new ServiceOptions
            {
                Listen = parse.GetValue(listen)!,
                DataDirectory = Path.GetFullPath(parse.GetValue(data) ?? ServiceOptions.DefaultDataDirectory()),
                Workers = parse.GetValue(workers) ?? ServiceOptions.DefaultWorkers(parse.GetValue(threads)),
                ThreadsPerJob = parse.GetValue(threads),
                Token = parse.GetValue(token) ?? NullIfEmpty(Environment.GetEnvironmentVariable("BURNISH_TOKEN")),
                Limits = Budgeted(new ServiceLimits((long)parse.GetValue(maxUpload) << 20, parse.GetValue(maxPixels), parse.GetValue(maxImages), parse.GetValue(maxQueued)),
                    parse, stageTimeout, maxMemory),
                Database = parse.GetValue(db),
                StorePath = parse.GetValue(store),
                Gpu = parse.GetValue(gpu),
                ModelsDirectory = parse.GetValue(models),
            };
            await using var app = BurnishService.Build(options);
            await app.StartAsync(cancel);
            Console.Error.WriteLine($"burnish: serving {BurnishService.Address(app)} (data: {options.DataDirectory}, workers: {options.Workers} × {options.JobThreads} thread(s){(options.Token is null ? "" : ", token required")}); Ctrl+C stops");
            // Ctrl+C or SIGTERM: stop taking jobs; running ones stop at a cancellation point and go back to the queue.
            await app.WaitForShutdownAsync(cancel);
            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary><c>burnish worker</c>: takes image jobs from a shared PostgreSQL queue and store; any number of machines may run one.</summary>
    public static Command CreateWorker()
    {
        var db = Db();
        db.Required = true;
        var store = Store();
        store.Required = true;
        var gpu = Gpu();
        var workers = Workers();
        var threads = ThreadsPerJob();
        var maxPixels = CommonOptions.MaxPixels();
        var stageTimeout = CommonOptions.StageTimeout();
        var maxMemory = CommonOptions.MaxMemoryMb();
        var models = ModelsDir();
        var command = new Command("worker", "Finish image jobs from a shared queue (--db) and store (--store) that a 'burnish serve --db' fills; it takes the queues of work it can run (a GPU with --gpu, the opt-in models it has).")
        {
            db, store, gpu, workers, threads, maxPixels, stageTimeout, maxMemory, models,
        };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, async () =>
        {
            var storePath = Path.GetFullPath(parse.GetValue(store)!);
            var options = new ServiceOptions
            {
                Database = parse.GetValue(db),
                StorePath = storePath,
                DataDirectory = Path.Combine(storePath, ".worker"),
                Workers = parse.GetValue(workers) ?? ServiceOptions.DefaultWorkers(parse.GetValue(threads)),
                ThreadsPerJob = parse.GetValue(threads),
                Gpu = parse.GetValue(gpu),
                ModelsDirectory = parse.GetValue(models),
                Limits = Budgeted(ServiceLimits.Default with { MaxPixels = parse.GetValue(maxPixels) }, parse, stageTimeout, maxMemory),
            };
            using var host = BurnishService.BuildWorker(options);
            await host.StartAsync(cancel);
            var queues = host.Services.GetRequiredService<WorkerCapabilities>().Queues;
            Console.Error.WriteLine($"burnish: worker taking {string.Join(", ", queues)} with {options.Workers} worker(s) × {options.JobThreads} thread(s) (store: {storePath}); Ctrl+C stops");
            await host.WaitForShutdownAsync(cancel);
            await host.StopAsync(CancellationToken.None);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The limits with --stage-timeout and --max-memory-mb as given; the service shares the memory between its workers.</summary>
    private static ServiceLimits Budgeted(ServiceLimits limits, ParseResult parse, Option<double?> stageTimeout, Option<long?> maxMemory)
    {
        var given = CommonOptions.Budget(parse, stageTimeout, maxMemory, 1);
        return limits with
        {
            StageTime = parse.GetValue(stageTimeout) is null ? null : given.StageTime,
            MaxMemoryBytes = parse.GetValue(maxMemory) is null ? null : given.MemoryBytes,
        };
    }

    private static Option<int?> Workers() => new("--workers")
    {
        Description = "Images finished at once (default: cores / --threads-per-job, else cores / 2; at least 1).",
    };

    private static Option<int?> ThreadsPerJob() => new("--threads-per-job")
    {
        Description = "Threads each image may use: libvips' and ONNX Runtime's (default: cores / workers, at least 1).",
    };

    private static Option<string?> Db() => new("--db") { Description = "postgres://USER:PASSWORD@HOST:PORT/DATABASE: a queue shared with 'burnish worker' processes (default: SQLite under --data, one process)." };

    private static Option<string?> Store() => new("--store") { Description = "The folder of inputs, outputs and job state that every worker shares (NFS or any shared volume; default DATA/store)." };

    private static Option<bool> Gpu() => new("--gpu") { Description = "This machine has a GPU: also take jobs that need one (the 'gpu' queues)." };

    private static Option<string?> ModelsDir() => new("--models-dir")
    {
        Description = "The model cache (default: $BURNISH_MODELS, else $XDG_CACHE_HOME/burnish/models, else ~/.cache/burnish/models). The opt-in models in it decide which queues the workers take.",
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
