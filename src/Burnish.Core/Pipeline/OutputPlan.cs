using System.Security.Cryptography;
using Burnish.Stages.Export;

namespace Burnish.Pipeline;

/// <summary>Decides where one image's outputs go before anything is decoded: --resume, on_conflict and input hashing.</summary>
public static class OutputPlan
{
    public sealed record NameDecision(OutputNames Names, bool Overwrite, string? Skip);

    /// <summary>
    /// Applies --resume and on_conflict before anything is decoded. A set already made from the same input and recipe
    /// (its sidecar says so and every output still has its recorded SHA-256) is skipped, under NAME or any NAME-n:
    /// re-running a batch never writes a duplicate. With --resume, a set left without a sidecar by a killed run is
    /// redone in place. Otherwise existing outputs are skipped, overwritten, or a new numbered set is made, never under
    /// a name that another image of the batch owns (<see cref="FinishOptions.BatchBases"/>).
    /// </summary>
    /// <para>
    /// <paramref name="servers"/>, when the recipe has diffusion servers, says whether a set's jobs would run on another
    /// checkpoint today; such a set counts as made by another recipe.
    /// </para>
    public static NameDecision ResolveNames(string input, OutputNames names, string inputSha, RecipeSource source, FinishOptions options,
        ServerCheckpoints? servers = null)
    {
        var export = source.Recipe.Export;
        var inputFull = Path.GetFullPath(input);
        if (names.Files(export).Any(f => Path.GetFullPath(f) == inputFull))
            throw new OutputException(input, "an output would overwrite the input; choose another output folder");

        bool Exists(OutputNames n) => n.Files(export).Any(File.Exists);
        // Another image of the batch may sit where this one's outputs go (input folder = output folder).
        string? Clobbered(OutputNames n) => options.BatchInputs is { } inputs ? n.Files(export).FirstOrDefault(f => inputs.Contains(Path.GetFullPath(f))) : null;
        var clobbered = Clobbered(names);
        var sets = ExistingSets(names, export, options.BatchBases);

        // Overwrite is an explicit request to make the set again; every other policy keeps a set that is already right.
        if (options.Resume || export.OnConflict != ConflictPolicy.Overwrite)
        {
            foreach (var set in sets)
            {
                if (Lineage.TryRead(set.Sidecar) is { } previous && IsComplete(previous, set, inputSha, source.Sha256) && servers?.Changed(previous) is null)
                    return new NameDecision(set, false, set == names
                        ? "already finished (sidecar matches input and recipe)"
                        : $"already finished as {Path.GetFileName(set.Base)} (sidecar matches input and recipe)");
            }
        }
        if (options.Resume)
        {
            // No sidecar: files under these names are a killed run's leftovers, so they are redone in place.
            if (Lineage.TryRead(names.Sidecar) is null && clobbered is null) return new NameDecision(names, true, null);
            if (sets.FirstOrDefault(s => s != names && Lineage.TryRead(s.Sidecar) is null && Clobbered(s) is null) is { } leftover)
                return new NameDecision(leftover, true, null);
        }
        if (!Exists(names)) return new NameDecision(names, false, null);
        return export.OnConflict switch
        {
            ConflictPolicy.Skip => new NameDecision(names, false, "outputs already exist (on_conflict: skip)"),
            ConflictPolicy.Overwrite when clobbered is not null =>
                throw new OutputException(input, $"an output would overwrite the input {clobbered}; choose another output folder"),
            ConflictPolicy.Overwrite => new NameDecision(names, true, null),
            _ => new NameDecision(FirstFree(names, export, options.BatchBases), false, null),
        };
    }

    /// <summary>NAME and the numbered sets NAME-1, NAME-2… that have files on disk, up to the first free number.</summary>
    private static List<OutputNames> ExistingSets(OutputNames names, ExportParams export, IReadOnlySet<string>? reserved)
    {
        var sets = new List<OutputNames>();
        if (names.Files(export).Any(File.Exists)) sets.Add(names);
        foreach (var n in Numbered(names, reserved))
        {
            if (!n.Files(export).Any(File.Exists)) break;
            sets.Add(n);
        }
        return sets;
    }

    /// <summary>The first numbered set with no file on disk that no other image of the batch owns.</summary>
    private static OutputNames FirstFree(OutputNames names, ExportParams export, IReadOnlySet<string>? reserved) =>
        Numbered(names, reserved).First(n => !n.Files(export).Any(File.Exists));

    // Another input's own base (a-1.png beside a.png) is never a numbered name for this one.
    private static IEnumerable<OutputNames> Numbered(OutputNames names, IReadOnlySet<string>? reserved) =>
        Enumerable.Range(1, 9999).Select(names.Numbered).Where(n => reserved is null || !reserved.Contains(Path.GetFullPath(n.Base)));

    private static bool IsComplete(Lineage lineage, OutputNames names, string inputSha, string recipeSha)
    {
        if (lineage.Status != Lineage.Success || lineage.Input.Sha256 != inputSha || lineage.Recipe.Sha256 != recipeSha) return false;
        var dir = Path.GetDirectoryName(Path.GetFullPath(names.Sidecar))!;
        // Two records for one file (a copy written over the master) can never both match it, but say so plainly.
        if (lineage.Outputs.Select(o => Path.GetFullPath(Path.Combine(dir, o.Path))).Distinct().Count() != lineage.Outputs.Count) return false;
        return lineage.Outputs.Count > 0 && lineage.Outputs.All(o =>
        {
            var path = Path.Combine(dir, o.Path);
            return File.Exists(path) && new FileInfo(path).Length == o.Bytes && HashFile(path).Sha256 == o.Sha256;
        });
    }

    public static (string Sha256, long Bytes) HashInput(string path)
    {
        try
        {
            return HashFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageInputException(path, $"cannot be read ({e.Message})", e);
        }
    }

    public static (string Sha256, long Bytes) HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return (Convert.ToHexStringLower(SHA256.HashData(stream)), stream.Length);
    }
}
