using Hangfire;
using Hangfire.Common;
using Hangfire.Server;
using Hangfire.States;
using Microsoft.Extensions.Hosting;

namespace Burnish.Server.Queue;

/// <summary>
/// The Hangfire workers of this process, started and stopped with the host. Stopping cancels running image jobs at
/// their next cancellation point; each goes back to its queue and resumes from its sidecar when a worker takes it again.
/// </summary>
public sealed class QueueWorkers(JobStorage storage, IJobFilterProvider filters, JobActivator activator, int workers, IReadOnlyList<string> queues)
    : IHostedService, IDisposable
{
    private BackgroundJobServer? server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = new BackgroundJobServerOptions
        {
            WorkerCount = workers,
            Queues = [.. queues],
            ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}",
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
