using Burnish.Models;
using OptIn = Burnish.Models.OptInModels;

namespace Burnish.Server.Queue;

/// <summary>
/// What a worker process states when it starts: a GPU or not and the opt-in models it has, which decide the queues it
/// takes (<see cref="QueueNames"/>), and the bundled models already in its cache (any worker fetches a missing one on
/// first use, so they route nothing; they say which workers start an upscale without fetching).
/// </summary>
/// <param name="Gpu">Started with --gpu.</param>
/// <param name="OptInModels">The opt-in models fetched and whole in its cache.</param>
/// <param name="CachedModels">The bundled models in its cache, as NAME-xSCALE.</param>
public sealed record WorkerCapabilities(bool Gpu, IReadOnlyList<string> OptInModels, IReadOnlyList<string> CachedModels)
{
    /// <summary>The queues this worker takes, most demanding first.</summary>
    public IReadOnlyList<string> Queues => QueueNames.Taken(Gpu, OptInModels);

    /// <summary>Reads <paramref name="cache"/> (presence and size of each model, no hashing: quick at every start).</summary>
    public static WorkerCapabilities Of(ModelCache cache, bool gpu)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return new(gpu,
            [.. new OptIn(cache.Root).List().Where(m => m.Cached).Select(m => m.Name)],
            [.. cache.List().Where(m => m.Cached).Select(m => $"{m.Name}-x{m.Scale}")]);
    }
}
