using System.Text.Json;
using System.Text.Json.Nodes;

namespace Burnish.Models;

/// <summary>The files of a TF.js model (layers or graph): its model.json and the weight shards it lists.</summary>
internal static class TfjsFiles
{
    /// <summary>The model.json at <paramref name="path"/>, within the size limit for model files.</summary>
    public static JsonObject ReadModelJson(string path)
    {
        if (!File.Exists(path)) throw new BurnishException($"{path}: model.json not found");
        try
        {
            // A key twice in one object is refused here: JsonObject would throw ArgumentException when first read (fuzzing).
            return JsonNode.Parse(Burnish.IO.TextFiles.ReadAllText(path, Burnish.IO.InputLimits.Default.MaxModelJsonBytes),
                       documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new BurnishException($"{path}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new BurnishException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>
    /// Runs a converter over <paramref name="path"/>'s JSON, where a value of the wrong JSON type (a number where a
    /// string belongs), a string that is not base64, a number out of range or a layer named like a tensor the
    /// converter makes ("input", "NAME/kernel": the ONNX builder's ArgumentException) throws from System.Text.Json,
    /// the parsers or the builder: found by fuzzing, each is one line naming the file instead of an unexpected error.
    /// </summary>
    public static T Reading<T>(string path, Func<T> convert)
    {
        try
        {
            return convert();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw new BurnishException($"{path}: malformed model.json ({e.Message})", e);
        }
    }

    /// <summary>
    /// <paramref name="node"/>, which must be there: a JSON null (or a missing element) where a value belongs throws as
    /// a value of the wrong type does, so <see cref="Reading"/> names the file (AFL found the NullReferenceException).
    /// </summary>
    public static JsonNode Required(this JsonNode? node) =>
        node ?? throw new InvalidOperationException("null where a value belongs");

    /// <summary>
    /// The bytes of the shards in <paramref name="paths"/> (beside <paramref name="modelJsonPath"/>, in order), which
    /// must hold exactly <paramref name="expected"/> bytes: more or fewer is a truncated or foreign download. Sizes are
    /// compared before anything is allocated, and a shard outside the model's folder is refused.
    /// </summary>
    public static byte[] ReadShards(string modelJsonPath, JsonArray paths, long expected)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(modelJsonPath))!;
        var shards = new List<(string Path, long Length)>();
        foreach (var p in paths)
        {
            var shard = Path.GetFullPath(Path.Combine(dir, p?.GetValue<string>() ?? throw new BurnishException($"{modelJsonPath}: a weight shard without a name")));
            if (Path.GetDirectoryName(shard) != dir)
                throw new BurnishException($"{modelJsonPath}: weight shard '{p}' is not a file beside it");
            if (!File.Exists(shard)) throw new BurnishException($"{shard}: weight shard not found (listed in {modelJsonPath})");
            shards.Add((shard, new FileInfo(shard).Length));
        }
        var total = shards.Sum(s => s.Length);
        if (total != expected)
            throw new BurnishException(total > expected
                ? $"{modelJsonPath}: the shards hold more bytes than the {expected} its weights need"
                : $"{modelJsonPath}: the shards hold {total} bytes, its weights need {expected} (truncated download?)");
        if (expected > Array.MaxLength)
            throw new BurnishException($"{modelJsonPath}: its weights need {expected} bytes, more than one model can hold here");
        var bytes = new byte[expected];
        var filled = 0;
        foreach (var (shard, length) in shards)
        {
            using var stream = File.OpenRead(shard);
            stream.ReadExactly(bytes, filled, (int)length);
            filled += (int)length;
        }
        return bytes;
    }
}
