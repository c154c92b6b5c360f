namespace Burnish.Server.Queue;

/// <summary>One image of a job, to be finished by whichever worker takes it from <see cref="Queue"/>.</summary>
public sealed record ImageWork(string JobId, int Image, string Queue);

/// <summary>Queue depth and workers, for /metrics and /readyz.</summary>
public sealed record QueueFigures(IReadOnlyDictionary<string, long> Enqueued, long Processing, int Servers, int Workers);

/// <summary>
/// The job queue as the service sees it. Hangfire sits behind it (<see cref="HangfireJobQueue"/>), so neither the API
/// nor the core sees Hangfire types, and another engine can replace it.
/// </summary>
public interface IJobQueue
{
    /// <summary>Queues <paramref name="work"/>; returns the queue's ticket for it.</summary>
    string Enqueue(ImageWork work);

    /// <summary>Takes back work that no worker has started; false when it has started or is gone.</summary>
    bool Withdraw(string ticket);

    QueueFigures Figures();
}

/// <summary>The queues: every worker takes <see cref="Default"/>; only workers that state a GPU take <see cref="Gpu"/>.</summary>
public static class QueueNames
{
    public const string Default = "default";
    public const string Gpu = "gpu";
}
