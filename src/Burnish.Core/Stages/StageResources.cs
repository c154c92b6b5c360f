using Burnish.Imaging;
using Burnish.Models;

namespace Burnish.Stages;

/// <summary>
/// What stages are given to prepare with, never create themselves: the model cache, the limits on what they read,
/// a scratch folder, where model fetches are reported, and long-lived shared services (ONNX Runtime sessions) that
/// a host may provide up front (the service injects its own) or that are made once on first request. Owned by the
/// host: disposing it disposes every shared service.
/// </summary>
public sealed class StageResources(ModelCache models, LoadLimits limits, string scratchDirectory, IProgress<string>? notices = null) : IDisposable
{
    private readonly Dictionary<string, object> shared = [];
    private readonly Lock gate = new();

    /// <summary>Where bundled models are fetched to and read from.</summary>
    public ModelCache Models { get; } = models;

    /// <summary>Limits on the images a stage reads (masks, LUT images).</summary>
    public LoadLimits Limits { get; } = limits;

    /// <summary>A folder a stage may write temporary files under.</summary>
    public string ScratchDirectory { get; } = scratchDirectory;

    /// <summary>One-line notices for a person, such as "fetching esrgan-medium ×4".</summary>
    public IProgress<string>? Notices { get; } = notices;

    /// <summary>
    /// Inference threads one image may use (ONNX Runtime's intra-op threads, unless a recipe key says otherwise): every
    /// core by default; a host running N images at once gives each cores / N, so that they do not fight over the cores.
    /// </summary>
    public int ThreadsPerImage { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Threads per image when <paramref name="imagesAtOnce"/> images run at once: the cores shared between them, at
    /// least one each. One image alone gets every core.
    /// </summary>
    public static int ThreadsFor(int imagesAtOnce) => Math.Max(1, Environment.ProcessorCount / Math.Max(1, imagesAtOnce));

    /// <summary>The default resources of one process: the user's model cache and the system temp folder.</summary>
    public static StageResources ForProcess(LoadLimits limits, IProgress<string>? notices = null, int? threadsPerImage = null) =>
        new(new ModelCache(ModelCache.DefaultRoot()), limits, Path.GetTempPath(), notices) { ThreadsPerImage = threadsPerImage ?? Environment.ProcessorCount };

    /// <summary>The service under <paramref name="key"/>: the one provided, else made by <paramref name="create"/> once and kept.</summary>
    public T Shared<T>(string key, Func<T> create) where T : class
    {
        lock (gate)
        {
            if (shared.TryGetValue(key, out var existing))
                return existing as T ?? throw new InvalidOperationException($"shared resource '{key}' is a {existing.GetType().Name}, not a {typeof(T).Name}");
            var made = create();
            shared[key] = made;
            return made;
        }
    }

    /// <summary>Provides a service under <paramref name="key"/> before any stage asks; these resources then own it.</summary>
    public void Provide<T>(string key, T service) where T : class
    {
        lock (gate)
        {
            if (!shared.TryAdd(key, service)) throw new InvalidOperationException($"shared resource '{key}' is already provided");
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var s in shared.Values.OfType<IDisposable>()) s.Dispose();
            shared.Clear();
        }
    }
}
