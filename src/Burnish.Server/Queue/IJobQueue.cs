namespace Burnish.Server.Queue;

/// <summary>One image of a job, to be finished by whichever worker takes it from <see cref="Queue"/>.</summary>
public sealed record ImageWork(string JobId, int Image, string Queue);

/// <summary>Queue depth and workers, for /metrics and /readyz.</summary>
public sealed record QueueFigures(IReadOnlyDictionary<string, long> Enqueued, long Processing, int Servers, int Workers);

/// <summary>A live worker process as the queue knows it: its name, the queues it takes, its worker count and last heartbeat.</summary>
public sealed record QueueServer(string Name, IReadOnlyList<string> Queues, int Workers, DateTimeOffset? Heartbeat);

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

    /// <summary>The worker processes whose heartbeat is recent.</summary>
    IReadOnlyList<QueueServer> Servers();
}

/// <summary>
/// The queues. A job goes to the queue named by what it needs that not every worker has: a GPU (the client asks for
/// it) and opt-in models (its recipe needs them), such as <c>gpu</c>, <c>isnet</c> or <c>gpu_isnet</c>; needing
/// nothing, <see cref="Default"/>. A worker takes every queue whose needs it meets.
/// </summary>
public static class QueueNames
{
    public const string Default = "default";
    public const string Gpu = "gpu";

    /// <summary>The queue of work that needs a GPU (or not) and <paramref name="optInModels"/>.</summary>
    public static string For(bool gpu, IEnumerable<string> optInModels) => Name(Needs(gpu, optInModels));

    /// <summary>
    /// The queues a worker with these capabilities takes, most demanding first, so that work only it can run goes
    /// before work any worker could take: every subset of its needs met (2^n queues; n is 1 + the opt-in models, 2 today).
    /// </summary>
    public static IReadOnlyList<string> Taken(bool gpu, IEnumerable<string> optInModels)
    {
        var needs = Needs(gpu, optInModels);
        return [.. Enumerable.Range(0, 1 << needs.Count)
            .Select(mask => needs.Where((_, i) => (mask & (1 << i)) != 0).ToList())
            .OrderByDescending(subset => subset.Count).ThenBy(Name, StringComparer.Ordinal)
            .Select(Name)];
    }

    /// <summary>What work in <paramref name="queue"/> needs, in words, for a job that no worker takes yet.</summary>
    public static string Describe(string queue)
    {
        if (queue == Default) return "any worker (`burnish worker`, or `burnish serve` with --workers 1 or more)";
        return "a worker with " + string.Join(" and ", queue.Split('_').Select(n => n == Gpu ? "a GPU (started with --gpu)"
            : $"the opt-in model {n} (`burnish models fetch {n}` where it runs, then start it again)"));
    }

    // Hangfire takes lowercase letters, digits, '_' and '-' in a queue name; model names use '-', so '_' joins needs.
    private static List<string> Needs(bool gpu, IEnumerable<string> optInModels) =>
        [.. (gpu ? [Gpu] : Array.Empty<string>()).Concat(optInModels.Select(m => m.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal))];

    private static string Name(IReadOnlyList<string> needs) => needs.Count == 0 ? Default : string.Join('_', needs);
}
