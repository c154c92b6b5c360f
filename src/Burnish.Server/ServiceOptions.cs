using System.Net;
using Burnish.Models;
using Burnish.Server.Jobs;
using Burnish.Stages;

namespace Burnish.Server;

/// <summary>How <c>burnish serve</c> and <c>burnish worker</c> run. The defaults are the whole set-up of one machine.</summary>
public sealed record ServiceOptions
{
    /// <summary>Threads per image job that the default worker count assumes: cores / this workers, each with this many threads.</summary>
    public const int TypicalThreadsPerJob = 2;

    public const string DefaultListen = "127.0.0.1:8787";

    /// <summary>ADDRESS:PORT the API listens on; port 0 picks a free one.</summary>
    public string Listen { get; init; } = DefaultListen;

    /// <summary>The queue database (SQLite) and, unless <see cref="StorePath"/> says otherwise, the store.</summary>
    public string DataDirectory { get; init; } = DefaultDataDirectory();

    /// <summary>Image jobs this process runs at once; 0 runs none (an API in front of separate workers).</summary>
    public int Workers { get; init; } = DefaultWorkers();

    /// <summary>
    /// Threads each image job may use: libvips' threads (process-wide), ONNX Runtime's intra-op threads and the colour
    /// transforms' strips. Null: the cores shared by the workers (<see cref="StageResources.ThreadsFor"/>), so that
    /// workers × threads ≈ cores and one worker alone uses every core.
    /// </summary>
    public int? ThreadsPerJob { get; init; }

    /// <summary>The threads each image job of this process uses.</summary>
    public int JobThreads => ThreadsPerJob ?? StageResources.ThreadsFor(Workers);

    /// <summary>The bearer token every request must carry; required to listen beyond loopback.</summary>
    public string? Token { get; init; }

    public ServiceLimits Limits { get; init; } = ServiceLimits.Default;

    /// <summary>Where inputs, outputs and job state live: a folder every worker shares. Default DATA/store.</summary>
    public string? StorePath { get; init; }

    public string Store => Path.GetFullPath(StorePath ?? Path.Combine(DataDirectory, "store"));

    /// <summary>postgres://USER:PASSWORD@HOST:PORT/DATABASE: the queue every worker shares. Null: SQLite under the data folder (one process).</summary>
    public string? Database { get; init; }

    /// <summary>This process has a GPU: its workers also take the queues of work that needs one.</summary>
    public bool Gpu { get; init; }

    /// <summary>The model cache folder. Null: $BURNISH_MODELS, else the user's cache (<see cref="ModelCache.DefaultRoot"/>).</summary>
    public string? ModelsDirectory { get; init; }

    public string ModelsRoot => Path.GetFullPath(ModelsDirectory ?? ModelCache.DefaultRoot());

    /// <summary>$XDG_DATA_HOME/burnish, else ~/.local/share/burnish.</summary>
    public static string DefaultDataDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share") : xdg;
        return Path.Combine(root, "burnish");
    }

    /// <summary>Cores / threads per job (given, else <see cref="TypicalThreadsPerJob"/>), at least 1.</summary>
    public static int DefaultWorkers(int? threadsPerJob = null) => Math.Max(1, Environment.ProcessorCount / Math.Max(1, threadsPerJob ?? TypicalThreadsPerJob));

    /// <summary>The address to bind; throws <see cref="BurnishException"/> when it is not ADDRESS:PORT.</summary>
    public IPEndPoint Endpoint()
    {
        var text = Listen.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" + Listen["localhost".Length..] : Listen;
        if (!IPEndPoint.TryParse(text, out var endpoint) || !text.Contains(':'))
            throw new BurnishException($"--listen '{Listen}' is not ADDRESS:PORT (such as {DefaultListen})");
        return endpoint;
    }

    /// <summary>Refuses what would be unsafe or cannot work, with one line each.</summary>
    public void Check()
    {
        var endpoint = Endpoint();
        if (!IPAddress.IsLoopback(endpoint.Address) && string.IsNullOrEmpty(Token))
            throw new BurnishException($"listening on {endpoint} exposes the service beyond this machine; give --token (or set BURNISH_TOKEN)");
        if (Workers < 0) throw new BurnishException("--workers must be 0 or more");
        if (ThreadsPerJob < 1) throw new BurnishException($"--threads-per-job must be at least 1, got {ThreadsPerJob}");
        if (Limits.MaxUploadBytes <= 0) throw new BurnishException("--max-upload-mb must be at least 1");
        if (Database is not null) _ = Queue.PostgresQueue.ConnectionString(Database);
    }
}
