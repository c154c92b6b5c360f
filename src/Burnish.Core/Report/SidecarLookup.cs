using System.Security.Cryptography;
using Burnish.Pipeline;

namespace Burnish.Report;

/// <summary>The sidecar that records how one compared file was made, and which of its files this is.</summary>
/// <param name="SidecarPath">Full path of the NAME.burnish.json.</param>
/// <param name="Lineage">Its contents.</param>
/// <param name="Role">As the sidecar names it: master, copy:DESTINATION, stage:STAGE, or input.</param>
/// <param name="Unchanged">The file's SHA-256 is the one the sidecar recorded.</param>
public sealed record VersionLineage(string SidecarPath, Lineage Lineage, string Role, bool Unchanged);

/// <summary>
/// Finds the NAME.burnish.json that lists a file, from the names <see cref="OutputNames"/> gives: NAME.master.png,
/// NAME.COPY.jpg and NAME/stages/NN-STAGE.png sit beside or under it. A sidecar counts only when it lists the file as
/// an output, an intermediate or its input; a file listed nowhere (a source kept elsewhere) is matched to a sidecar
/// found for another version by its SHA-256.
/// </summary>
public static class SidecarLookup
{
    public static IReadOnlyList<VersionLineage?> Find(IReadOnlyList<string> paths)
    {
        var full = paths.Select(Path.GetFullPath).ToList();
        var hashes = new Dictionary<string, string>();
        string Hash(string path)
        {
            if (hashes.TryGetValue(path, out var h)) return h;
            using var stream = File.OpenRead(path);
            return hashes[path] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        var found = full.Select(p => Candidates(p).Select(c => Match(c, p, Hash)).FirstOrDefault(m => m is not null)).ToList();
        var sidecars = found.OfType<VersionLineage>().DistinctBy(f => f.SidecarPath).ToList();
        for (var i = 0; i < full.Count; i++)
        {
            if (found[i] is not null || sidecars.Count == 0) continue;
            var sha = Hash(full[i]);
            if (sidecars.FirstOrDefault(s => s.Lineage.Input.Sha256 == sha) is { } source)
                found[i] = new VersionLineage(source.SidecarPath, source.Lineage, "input", true);
        }
        return found;
    }

    /// <summary>Sidecar paths that could list <paramref name="file"/>, nearest first.</summary>
    public static IEnumerable<string> Candidates(string file)
    {
        var dir = Path.GetDirectoryName(file)!;
        var name = Path.GetFileName(file);
        // BASE/stages/NN-stage.png belongs to BASE.burnish.json.
        if (Path.GetFileName(dir) == "stages" && Path.GetDirectoryName(dir) is { } baseDir)
            yield return baseDir + ".burnish.json";
        // NAME.master.png, NAME.web-2048.jpg, NAME.png: strip dotted parts from the right.
        var parts = name.Split('.');
        for (var n = parts.Length - 1; n >= 1; n--)
            yield return Path.Combine(dir, string.Join('.', parts[..n]) + ".burnish.json");
    }

    private static VersionLineage? Match(string sidecar, string file, Func<string, string> hash)
    {
        // A sidecar of another shape (or a foreign JSON file under that name) is not this file's lineage.
        if (Lineage.TryRead(sidecar) is not { } lineage || lineage.Input is null || lineage.Outputs is null || lineage.Stages is null || lineage.Recipe is null) return null;
        var dir = Path.GetDirectoryName(sidecar)!;
        foreach (var o in lineage.Outputs.Concat(lineage.Intermediates ?? []))
        {
            if (Path.GetFullPath(Path.Combine(dir, o.Path)) != file) continue;
            var role = o.Role == "copy" && o.Destination is { } d ? $"copy:{d}" : o.Role;
            return new VersionLineage(sidecar, lineage, role, hash(file) == o.Sha256);
        }
        return lineage.Input.Path == file ? new VersionLineage(sidecar, lineage, "input", hash(file) == lineage.Input.Sha256) : null;
    }
}
