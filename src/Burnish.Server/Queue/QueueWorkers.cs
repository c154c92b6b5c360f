using System.Text.Json;
using Burnish.Server.Store;
using Hangfire;
using Hangfire.Common;
using Hangfire.Server;
using Hangfire.States;
using Microsoft.Extensions.Hosting;

namespace Burnish.Server.Queue;

/// <summary>
/// The Hangfire workers of this process, started and stopped with the host. Stopping cancels running image jobs at
/// their next cancellation point; each goes back to its queue and resumes from its sidecar when a worker takes it again.
/// They take the queues their <see cref="WorkerCapabilities"/> allow, and state them in the store while they run.
/// </summary>
public sealed class QueueWorkers(JobStorage storage, IJobFilterProvider filters, JobActivator activator, int workers, int threads,
    WorkerCapabilities capabilities, IBlobStore store) : IHostedService, IDisposable
{
    /// <summary>The store folder of the running workers' statements, one file per process.</summary>
    public const string Folder = "workers";

    // Hangfire lowercases the server name and appends a GUID of its own to make the server's ID.
    private readonly string name = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}".ToLowerInvariant();

    private BackgroundJobServer? server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var statement = new WorkerStatement(name, Environment.MachineName, workers, threads, capabilities.Gpu, capabilities.Queues,
            capabilities.OptInModels, capabilities.CachedModels, DateTimeOffset.UtcNow);
        SweepStatements();
        store.Put(StatementKey(name), JsonSerializer.SerializeToUtf8Bytes(statement, Jobs.ServiceJson.Options));
        var options = new BackgroundJobServerOptions
        {
            WorkerCount = workers,
            Queues = [.. capabilities.Queues],
            ServerName = name,
            // Retries are scheduled; a short poll makes a retried image start within a second of its delay.
            SchedulePollingInterval = TimeSpan.FromSeconds(1),
            ShutdownTimeout = TimeSpan.FromSeconds(30),
            FilterProvider = filters,
            Activator = activator,
        };
        server = new BackgroundJobServer(options, storage);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is null) return;
        server.SendStop();
        await server.WaitForShutdownAsync(cancellationToken);
        store.Delete(StatementKey(name));
    }

    /// <summary>The statement of the worker process whose Hangfire server ID is <paramref name="serverId"/>; null when it left none.</summary>
    public static WorkerStatement? Statement(IBlobStore store, string serverId)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(serverId);
        // The ID is NAME:GUID; a name has no ':'.
        var colon = serverId.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? null : Read(store, serverId[..colon]);
    }

    private static WorkerStatement? Read(IBlobStore store, string name)
    {
        if (store.Read(StatementKey(name)) is not { } bytes) return null;
        try
        {
            return JsonSerializer.Deserialize<WorkerStatement>(bytes, Jobs.ServiceJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string StatementKey(string name) => $"{Folder}/{name}.json";

    /// <summary>
    /// Deletes the statements of processes that died without stopping (SIGKILL, a lost machine): those the queue no
    /// longer lists, once older than a start takes, so a process starting now is never swept before it registers.
    /// </summary>
    private void SweepStatements()
    {
        var live = storage.GetMonitoringApi().Servers().Select(s => s.Name).ToList();
        foreach (var file in store.List(Folder).Where(f => f.EndsWith(".json", StringComparison.Ordinal)))
        {
            var other = file[..^".json".Length];
            if (live.Any(id => id.StartsWith(other + ":", StringComparison.Ordinal))) continue;
            if (Read(store, other) is { } stated && DateTimeOffset.UtcNow - stated.Started < TimeSpan.FromMinutes(10)) continue;
            store.Delete(StatementKey(other));
        }
    }

    public void Dispose() => server?.Dispose();

    /// <summary>
    /// The filters every job runs under, kept out of Hangfire's global configuration so that two services in one
    /// process (tests) never share state: a few quick retries for failures that are not the image's fault.
    /// </summary>
    public static JobFilterCollection Filters()
    {
        var filters = new JobFilterCollection();
        filters.Add(new StatisticsHistoryAttribute());
        filters.Add(new AutomaticRetryAttribute { Attempts = Jobs.ImageJob.MaxAttempts, DelaysInSeconds = [1, 5, 15] });
        return filters;
    }
}

/// <summary>What a worker process states about itself in the store while it runs (GET /v1/workers).</summary>
public sealed record WorkerStatement(string Name, string Machine, int Workers, int ThreadsPerJob, bool Gpu, IReadOnlyList<string> Queues,
    IReadOnlyList<string> OptInModels, IReadOnlyList<string> CachedModels, DateTimeOffset Started);
