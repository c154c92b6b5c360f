using System.Text.Json;
using Burnish.Backends;
using Burnish.Recipes;

namespace Burnish.Pipeline;

/// <summary>
/// For <c>--resume</c>: whether a finished set's diffusion jobs would run on the same checkpoint today. A checkpoint the
/// recipe names is part of the recipe's hash already; one taken from the image's metadata or the server's current one
/// is not, so the servers are asked which they would use now, and a set made with another counts as made by another
/// recipe.
/// </summary>
public sealed class ServerCheckpoints(Recipe recipe, Func<BackendSpec, IDiffusionBackend> clients)
{
    /// <summary>
    /// Null when every diffusion job recorded in <paramref name="previous"/> would run on the checkpoint it ran on
    /// (or the server cannot be asked, when a new run could not run either); otherwise why not, in one line.
    /// </summary>
    public string? Changed(Lineage previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var jobs = previous.Stages.Where(s => s.Params is { } p).SelectMany(s => Jobs(s.Params!.Value)).Distinct().ToList();
        if (jobs.Count == 0 || recipe.Backends is not { Count: > 0 } specs) return null;
        var named = Named();
        var generation = previous.Input.Generation;
        foreach (var (url, checkpoint) in jobs)
        {
            if (specs.FirstOrDefault(s => s.PublicUrl == url) is not { } spec) continue; // another server: the recipe's hash differs anyway
            BackendCapabilities caps;
            try
            {
                caps = clients(spec).CapabilitiesAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (BurnishException)
            {
                continue;
            }
            var then = caps.Checkpoint(checkpoint) ?? checkpoint;
            if (named.Any(n => caps.Checkpoint(n) == then)) continue; // named in the recipe, so hashed
            var hash = generation?.Extra.TryGetValue("Model hash", out var h) == true ? h : null;
            var now = caps.Checkpoint(generation?.Model, hash) ?? caps.CurrentCheckpoint ?? caps.Checkpoints.FirstOrDefault()?.Title;
            if (now is not null && now != then)
                return $"back-end {spec} would now run checkpoint {now}, not {then}";
        }
        return null;
    }

    // Every checkpoint the recipe names for a diffusion pass.
    private HashSet<string> Named()
    {
        var names = new HashSet<string>();
        foreach (var p in recipe.Repair ?? []) if (p.Diffusion?.Checkpoint is { } c) names.Add(c);
        if (recipe.Outpaint?.Diffusion?.Checkpoint is { } o) names.Add(o);
        if (recipe.Upscale?.Diffusion?.Checkpoint is { } u) names.Add(u);
        return names;
    }

    // (url, checkpoint) of every diffusion job record under a stage's params: objects with url, checkpoint and task_id.
    private static IEnumerable<(string Url, string Checkpoint)> Jobs(JsonElement node)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                if (node.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
                    && node.TryGetProperty("checkpoint", out var ckpt) && ckpt.ValueKind == JsonValueKind.String
                    && node.TryGetProperty("task_id", out _))
                    yield return (url.GetString()!, ckpt.GetString()!);
                foreach (var property in node.EnumerateObject())
                    foreach (var job in Jobs(property.Value)) yield return job;
                break;
            case JsonValueKind.Array:
                foreach (var item in node.EnumerateArray())
                    foreach (var job in Jobs(item)) yield return job;
                break;
        }
    }
}
