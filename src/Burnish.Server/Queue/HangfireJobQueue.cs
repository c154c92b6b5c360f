using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Burnish.Server.Jobs;

namespace Burnish.Server.Queue;

/// <summary><see cref="IJobQueue"/> on Hangfire: each image is a Hangfire job that calls <see cref="ImageJob.RunAsync"/>.</summary>
public sealed class HangfireJobQueue(JobStorage storage, IBackgroundJobClient client) : IJobQueue
{
    public string Enqueue(ImageWork work) =>
        client.Create(Job.FromExpression<ImageJob>(j => j.RunAsync(work.JobId, work.Image, CancellationToken.None)), new EnqueuedState(work.Queue));

    public bool Withdraw(string ticket) => client.ChangeState(ticket, new DeletedState(), EnqueuedState.StateName);

    public QueueFigures Figures()
    {
        var monitor = storage.GetMonitoringApi();
        var servers = monitor.Servers();
        return new QueueFigures(
            monitor.Queues().ToDictionary(q => q.Name, q => q.Length),
            monitor.ProcessingCount(),
            servers.Count,
            servers.Sum(s => s.WorkersCount));
    }

    /// <summary>Hangfire's heartbeat comes every 30 s; a server silent for three of them is taken for dead.</summary>
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(90);

    public IReadOnlyList<QueueServer> Servers() =>
        [.. storage.GetMonitoringApi().Servers()
            .Where(s => s.Heartbeat is null || DateTime.UtcNow - s.Heartbeat.Value.ToUniversalTime() < Silence)
            .Select(s => new QueueServer(s.Name, [.. s.Queues], s.WorkersCount, s.Heartbeat is { } h ? new DateTimeOffset(DateTime.SpecifyKind(h, DateTimeKind.Utc)) : null))];
}
