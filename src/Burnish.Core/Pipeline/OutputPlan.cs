using System.Security.Cryptography;
using Burnish.Stages.Export;

namespace Burnish.Pipeline;

/// <summary>Decides where one image's outputs go before anything is decoded: --resume, on_conflict and input hashing.</summary>
public static class OutputPlan
{
    public sealed record NameDecision(OutputNames Names, bool Overwrite, string? Skip);

    /// <summary>Applies --resume and on_conflict: skip what is done, reuse an interrupted run's names, or number a new set.</summary>
    public static NameDecision ResolveNames(string input, OutputNames names, string inputSha, RecipeSource source, FinishOptions options)
    {
        var export = source.Recipe.Export;
        var inputFull = Path.GetFullPath(input);
        if (names.Files(export).Any(f => Path.GetFullPath(f) == inputFull))
            throw new OutputException(input, "an output would overwrite the input; choose another output folder");

        bool Exists(OutputNames n) => n.Files(export).Any(File.Exists);
        // Another image of the batch may sit where this one's outputs go (input folder = output folder).
        var clobbered = options.BatchInputs is { } inputs ? names.Files(export).FirstOrDefault(f => inputs.Contains(Path.GetFullPath(f))) : null;
        if (options.Resume)
        {
            var previous = Lineage.TryRead(names.Sidecar);
            if (previous is not null && IsComplete(previous, names, inputSha, source.Sha256))
                return new NameDecision(names, false, "already finished (sidecar matches input and recipe)");
            // No complete sidecar: files under these names are a killed run's leftovers, so they are redone in place.
            if (previous is null && clobbered is null) return new NameDecision(names, true, null);
        }
        if (!Exists(names)) return new NameDecision(names, false, null);
        return export.OnConflict switch
        {
            ConflictPolicy.Skip => new NameDecision(names, false, "outputs already exist (on_conflict: skip)"),
            ConflictPolicy.Overwrite when clobbered is not null =>
                throw new OutputException(input, $"an output would overwrite the input {clobbered}; choose another output folder"),
            ConflictPolicy.Overwrite => new NameDecision(names, true, null),
            _ => new NameDecision(names.FirstFree(n => n.Files(export)), false, null),
        };
    }

    private static bool IsComplete(Lineage lineage, OutputNames names, string inputSha, string recipeSha)
    {
        if (lineage.Status != Lineage.Success || lineage.Input.Sha256 != inputSha || lineage.Recipe.Sha256 != recipeSha) return false;
        var dir = Path.GetDirectoryName(Path.GetFullPath(names.Sidecar))!;
        return lineage.Outputs.All(o =>
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
