using System.Text.Json.Nodes;

namespace Burnish.Models;

/// <summary>The weight shards a TF.js model.json lists (layers or graph model), read into one buffer.</summary>
internal static class TfjsShards
{
    /// <summary>
    /// The bytes of the shards in <paramref name="paths"/> (beside <paramref name="modelJsonPath"/>, in order), which
    /// must hold exactly <paramref name="expected"/> bytes: more or fewer is a truncated or foreign download.
    /// </summary>
    public static byte[] Read(string modelJsonPath, JsonArray paths, long expected)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(modelJsonPath))!;
        var bytes = new byte[expected];
        var filled = 0L;
        foreach (var p in paths)
        {
            var shard = Path.Combine(dir, p!.GetValue<string>());
            if (!File.Exists(shard)) throw new BurnishException($"{shard}: weight shard not found (listed in {modelJsonPath})");
            var length = new FileInfo(shard).Length;
            if (filled + length > expected)
                throw new BurnishException($"{modelJsonPath}: the shards hold more bytes than the {expected} its weights need");
            using var stream = File.OpenRead(shard);
            stream.ReadExactly(bytes, (int)filled, (int)length);
            filled += length;
        }
        if (filled != expected)
            throw new BurnishException($"{modelJsonPath}: the shards hold {filled} bytes, its weights need {expected} (truncated download?)");
        return bytes;
    }
}
