using System.Security.Cryptography;
using Burnish.Models;
using Burnish.Models.Ncnn;
using Burnish.Schema;

namespace Burnish.Stages.Upscale;

/// <summary>
/// Resolves a recipe's <c>model</c> (auto, a bundled family, a variant such as esrgan-medium-x4, or a path to an .onnx)
/// to loaded models, one session per model for the whole run, fetched into the model cache on first use.
/// </summary>
public sealed class UpscaleModels(ModelCache cache, Device device, int? threads, IProgress<string>? fetchProgress = null) : IDisposable
{
    private readonly Dictionary<(string, int), UpscaleModel> sessions = [];
    private readonly Lock gate = new();

    /// <summary>The scales <paramref name="model"/> offers.</summary>
    public IReadOnlyCollection<int> Scales(string model)
    {
        if (IsPath(model)) return [Get(model, 0).Scale];
        var (family, scale) = Parse(model);
        return scale is { } s ? [s] : family.Scales;
    }

    /// <summary>The model that does one pass at <paramref name="scale"/> (ignored for a file, which has one scale).</summary>
    public UpscaleModel Get(string model, int scale)
    {
        lock (gate)
        {
            var key = (model, IsPath(model) ? 0 : scale);
            if (sessions.TryGetValue(key, out var loaded)) return loaded;
            loaded = IsPath(model) ? LoadFile(model) : LoadBundled(model, scale);
            if (IsPath(model) && scale != 0 && loaded.Scale != scale)
            {
                loaded.Dispose();
                throw new BurnishException($"model {model} upscales by {loaded.Scale}, but a pass of {scale} was asked for");
            }
            sessions[key] = loaded;
            return loaded;
        }
    }

    private UpscaleModel LoadBundled(string model, int scale)
    {
        var (family, fixedScale) = Parse(model);
        if (fixedScale is { } f && f != scale) throw new BurnishException($"model {model} upscales by {f}, but a pass of {scale} was asked for");
        if (!family.Scales.Contains(scale))
            throw new BurnishException($"{family.Name} has no ×{scale} variant; it has {string.Join(", ", family.Scales.Select(s => $"×{s}"))}");
        var info = cache.Get(family.Name, scale, fetchProgress);
        var optimised = Path.ChangeExtension(info.OnnxPath, $".ort-{device.ToString().ToLowerInvariant()}.onnx");
        return new UpscaleModel(info.OnnxPath, $"{info.Name}-x{info.Scale}", device, threads, new ModelPixels(info.InputRange),
            info.ReceptiveRadius, optimised) { Sha256 = info.Sha256 };
    }

    private UpscaleModel LoadFile(string path)
    {
        if (!File.Exists(path)) throw new BurnishException($"model {path}: file not found");
        int? radius = null;
        try
        {
            radius = ModelGraphInfo.Load(path).ReceptiveRadiusPixels;
        }
        catch (BurnishException)
        {
            // A graph the analysis cannot follow still runs; tiles are then cross-faded over the default margin.
        }
        using var stream = File.OpenRead(path);
        return new UpscaleModel(path, Path.GetFileNameWithoutExtension(path), device, threads, null, radius)
        {
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(stream)),
        };
    }

    /// <summary>
    /// Checks that <paramref name="model"/> names a bundled model (with a did-you-mean when it does not) or an existing
    /// file, without fetching or loading anything: what validation runs before any image is touched.
    /// </summary>
    public static void Check(string model)
    {
        if (!IsPath(model)) Parse(model);
        else if (!File.Exists(model)) throw new BurnishException($"model {model}: file not found");
    }

    private static bool IsPath(string model) => model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || model.Contains('/') || model.Contains('\\');

    /// <summary>A bundled (TF.js) or ncnn family: the two catalogues share the model names' namespace.</summary>
    private sealed record Family(string Name, IReadOnlyList<int> Scales);

    private static Family? FindFamily(string name) =>
        BundledModels.Find(name) is { } b ? new Family(b.Name, b.Scales)
        : NcnnModels.Find(name) is { } n ? new Family(n.Name, n.Scales) : null;

    private static (Family Family, int? Scale) Parse(string model)
    {
        // Outside a run (model listings, checks) auto stands for what it picks for a photo at balanced quality.
        var name = model == "auto" ? ModelChoice.AutoModel(ContentKind.Photo, UpscaleQuality.Balanced) : model;
        int? scale = null;
        var dash = name.LastIndexOf("-x", StringComparison.Ordinal);
        if (dash > 0 && int.TryParse(name[(dash + 2)..], out var s))
        {
            scale = s;
            name = name[..dash];
        }
        var family = FindFamily(name);
        if (family is null)
        {
            var names = BundledModels.All.Select(m => m.Name).Concat(NcnnModels.All.Select(m => m.Name)).ToList();
            var hint = Names.Closest(name, names);
            throw new BurnishException($"unknown model '{model}'" + (hint is null ? $"; bundled models: {string.Join(", ", names)}, or a path to an .onnx file" : $"; did you mean '{hint}'?"));
        }
        if (scale is { } v && !family.Scales.Contains(v))
            throw new BurnishException($"{family.Name} has no ×{v} variant; it has {string.Join(", ", family.Scales.Select(x => $"×{x}"))}");
        return (family, scale);
    }

    public void Dispose()
    {
        foreach (var s in sessions.Values) s.Dispose();
        sessions.Clear();
    }
}
