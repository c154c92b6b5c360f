using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Burnish.Imaging;
using Burnish.IO;
using Burnish.Recipes;
using Burnish.Stages;
using Burnish.Stages.Export;

namespace Burnish.Pipeline;

/// <summary>How a run treats inputs and outputs, beyond the recipe.</summary>
/// <param name="Limits">Limits checked before any pixel is decoded.</param>
/// <param name="KeepIntermediates">Save each stage's result as a 16-bit PNG under NAME/stages/.</param>
/// <param name="Resume">Skip images whose sidecar records success for the same input and recipe.</param>
/// <param name="BatchInputs">Full paths of every input in the batch: no output may replace one of them, whatever on_conflict says.</param>
/// <param name="BatchBases">Full output base paths (no extension) every image of the batch owns, planned before it runs: a renamed set never takes one.</param>
/// <param name="OutputRoot">The batch's output folder: no output of an image may land outside it.</param>
/// <param name="Budget">Time per stage and working memory per image; null: the machine's default for one image at a time.</param>
public sealed record FinishOptions(LoadLimits Limits, bool KeepIntermediates = false, bool Resume = false, IReadOnlySet<string>? BatchInputs = null,
    IReadOnlySet<string>? BatchBases = null, string? OutputRoot = null, ImageBudget? Budget = null)
{
    public static FinishOptions Default { get; } = new(LoadLimits.Default);

    /// <summary>Make only this one of the recipe's variants (outpaint aspects), into the names given; null makes every one.</summary>
    public int? Variant { get; init; }
}

/// <summary>A recipe and where it came from (a path, or preset:NAME), hashed once. What it names is loaded by <see cref="PreparedRecipe"/>.</summary>
public sealed record RecipeSource(Recipe Recipe, string Origin)
{
    public string Sha256 { get; } = RecipeReader.Hash(Recipe);
}

public enum FinishStatus { Finished, Skipped, Failed, Cancelled }

/// <summary>The outcome for one input.</summary>
public sealed record FinishResult(string Input, FinishStatus Status, string Message, Lineage? Lineage = null, string? Sidecar = null)
{
    /// <summary>One result per aspect when the recipe outpaints to several; empty otherwise.</summary>
    public IReadOnlyList<FinishResult> Variants { get; init; } = [];
}

/// <summary>Runs the canonical stage order over one image and writes its outputs and sidecar as one set.</summary>
public static class Finisher
{
    public static string ToolVersion { get; } =
        typeof(Finisher).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// Finishes one input with a recipe prepared here and released at the end: for a single image. A batch prepares
    /// once and calls the other overload. Throws <see cref="BurnishException"/> when the recipe cannot be prepared.
    /// </summary>
    public static FinishResult Finish(string input, OutputNames names, RecipeSource recipe, FinishOptions options,
        IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        using var resources = StageResources.ForProcess(options.Limits);
        using var prepared = PreparedRecipe.Prepare(recipe, resources);
        return Finish(input, names, prepared, options, progress, cancel);
    }

    /// <summary>
    /// Finishes <paramref name="input"/> into files named from <paramref name="names"/>. Any failure of this image
    /// comes back as a Failed result; only cancellation is thrown. An outpaint to several aspects makes one complete
    /// set per aspect, BASE.&lt;w&gt;x&lt;h&gt;, each with its own sidecar; they are reported as one result.
    /// </summary>
    public static FinishResult Finish(string input, OutputNames names, PreparedRecipe recipe, FinishOptions options,
        IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var variants = recipe.Variants;
        if (options.Variant is { } only)
        {
            // One aspect alone (the service runs each as its own job): the names already carry its tag.
            if (only < 0 || only >= Math.Max(1, variants.Count))
                return new FinishResult(input, FinishStatus.Failed, $"{PathText.Show(input)}: the recipe has no variant {only}");
            return FinishOne(input, names, recipe, options, only, progress, cancel);
        }
        if (variants.Count <= 1) return FinishOne(input, names, recipe, options, 0, progress, cancel);
        var results = variants.Select((v, i) => FinishOne(input, new OutputNames($"{names.Base}.{v.FileTag}"), recipe, options, i, progress, cancel)).ToList();
        var status = results.Any(v => v.Status == FinishStatus.Failed) ? FinishStatus.Failed
            : results.Any(v => v.Status == FinishStatus.Finished) ? FinishStatus.Finished : results[0].Status;
        var message = string.Join("; ", results.Zip(variants, (r, v) => $"{v.Label}: {r.Message}"));
        return new FinishResult(input, status, message, results[0].Lineage, results[0].Sidecar) { Variants = results };
    }

    private static FinishResult FinishOne(string input, OutputNames names, PreparedRecipe recipe, FinishOptions options, int variant,
        IProgress<StageProgress>? progress, CancellationToken cancel)
    {
        try
        {
            return Run(input, names, recipe, options, variant, progress, cancel);
        }
        catch (StageTimeoutException e)
        {
            return new FinishResult(input, FinishStatus.Failed, $"{PathText.Show(input)}: {e.Message}");
        }
        catch (BurnishException e)
        {
            return new FinishResult(input, FinishStatus.Failed, e.Message);
        }
        catch (NetVips.VipsException e)
        {
            return new FinishResult(input, FinishStatus.Failed, $"{input}: image processing failed ({ImageLoader.FirstLine(e)})");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault in one image's stages fails that image; the rest of the batch goes on.
            return new FinishResult(input, FinishStatus.Failed, $"{input}: unexpected error: {FirstLine(e.Message)} ({e.GetType().Name})");
        }
    }

    private static FinishResult Run(string input, OutputNames names, PreparedRecipe prepared, FinishOptions options, int variant,
        IProgress<StageProgress>? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var source = prepared.Source;
        var recipe = source.Recipe;

        // Hash and decide on names before decoding, so a resumed batch skips finished images cheaply.
        var (inputSha, inputBytes) = File.Exists(input) ? OutputPlan.HashInput(input) : ("", 0);
        var resolved = OutputPlan.ResolveNames(input, names, inputSha, source, options, prepared.Servers);
        if (resolved.Skip is { } reason)
            return new FinishResult(input, FinishStatus.Skipped, reason, Sidecar: resolved.Names.Sidecar);
        names = resolved.Names;
        if (options.OutputRoot is { } root)
            foreach (var file in names.Files(recipe.Export).Append(names.Sidecar)) OutputPaths.EnsureInside(root, file);
        var budget = options.Budget ?? ImageBudget.ForMachine(1);
        var loaded = ImageLoader.Load(input, options.Limits, facts => budget.Admit(input, facts, recipe));
        cancel.ThrowIfCancellationRequested();

        using var outputs = new OutputTransaction(resolved.Overwrite);
        var sidecarDir = Path.GetDirectoryName(Path.GetFullPath(names.Sidecar))!;
        var lineageText = JsonSerializer.Serialize(new { tool = "burnish", version = ToolVersion, recipe_sha256 = source.Sha256, input_sha256 = inputSha, recipe = source.Origin });
        var files = new FinishFiles(names, outputs, sidecarDir, loaded.Metadata, lineageText, options.KeepIntermediates);
        var context = new StageContext(loaded.Image, loaded.Metadata, progress, cancel) { Files = files, Variant = variant };
        using var run = StageRun.Over(prepared.Steps, loaded.Image, context, options.KeepIntermediates, budget.StageTime);

        var lineage = new Lineage("burnish", ToolVersion, Lineage.Success,
            new InputRecord(Path.GetFullPath(input), inputSha, inputBytes, loaded.Facts, loaded.Metadata.Generation) { Warnings = loaded.Warnings },
            new RecipeRecord(source.Origin, source.Sha256, RecipeReader.Normalise(recipe)),
            run.Stages, run.Models, files.Files, files.Intermediates, started, clock.Elapsed.TotalMilliseconds);
        outputs.StageBytes(names.Sidecar, lineage.ToJson());
        outputs.Commit(cancel);
        var warnings = loaded.Warnings.Count + run.Stages.Sum(s => s.Warnings.Count);
        return new FinishResult(input, FinishStatus.Finished,
            $"{files.Files.Count} files" + (warnings > 0 ? $", {warnings} warning(s)" : ""), lineage, names.Sidecar);
    }

    /// <summary>
    /// Makes destination copies from an existing master file (the <c>export</c> command): no stage runs and the
    /// master is not rewritten. Returns the files written; throws <see cref="BurnishException"/> on failure.
    /// </summary>
    public static IReadOnlyList<OutputRecord> ExportCopies(string masterPath, OutputNames names, IReadOnlyList<CopyParams> copies,
        ConflictPolicy onConflict, LoadLimits limits, OutputSharpener sharpen, CancellationToken cancel = default)
    {
        // Names are settled before decoding, so a skipped export costs nothing.
        if (copies.Select(names.Copy).Any(File.Exists))
        {
            if (onConflict == ConflictPolicy.Skip) return [];
            if (onConflict == ConflictPolicy.Rename) names = names.FirstFree(n => copies.Select(n.Copy));
        }
        var marks = ExportStage.LoadMarks(copies, limits);
        var inputFull = Path.GetFullPath(masterPath);
        if (copies.Select(names.Copy).Any(f => Path.GetFullPath(f) == inputFull))
            throw new OutputException(masterPath, "a copy would overwrite the master");
        var loaded = ImageLoader.Load(masterPath, limits);
        using var outputs = new OutputTransaction(onConflict == ConflictPolicy.Overwrite);
        var dir = Path.GetDirectoryName(Path.GetFullPath(names.Sidecar))!;
        var files = new FinishFiles(names, outputs, dir, loaded.Metadata, "", keepIntermediates: false);
        ExportStage.WriteCopies(loaded.Image, copies, marks, sharpen, loaded.Metadata, files, [], [], cancel);
        outputs.Commit(cancel);
        return files.Files;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

}
