using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Burnish.Imaging;
using Burnish.IO;
using Burnish.Recipes;
using Burnish.Stages;
using Burnish.Stages.Cleanup;
using Burnish.Stages.Export;
using Burnish.Stages.Outpaint;
using Burnish.Stages.Grade.Lut;
using Burnish.Stages.Repair;
using Burnish.Stages.Sharpen;
using Burnish.Stages.Upscale;
using Burnish.Schema;

namespace Burnish.Pipeline;

/// <summary>How a run treats inputs and outputs, beyond the recipe.</summary>
/// <param name="Limits">Limits checked before any pixel is decoded.</param>
/// <param name="KeepIntermediates">Save each stage's result as a 16-bit PNG under NAME/stages/.</param>
/// <param name="Resume">Skip images whose sidecar records success for the same input and recipe.</param>
/// <param name="BatchInputs">Full paths of every input in the batch: no output may replace one of them, whatever on_conflict says.</param>
/// <param name="Models">The run's upscale models, loaded once and shared by every image; needed when the recipe upscales.</param>
/// <param name="BatchBases">Full output base paths (no extension) every image of the batch owns, planned before it runs: a renamed set never takes one.</param>
public sealed record FinishOptions(LoadLimits Limits, bool KeepIntermediates = false, bool Resume = false, IReadOnlySet<string>? BatchInputs = null,
    UpscaleModels? Models = null, IReadOnlySet<string>? BatchBases = null)
{
    public static FinishOptions Default { get; } = new(LoadLimits.Default);
}

/// <summary>
/// A recipe and where it came from (a path, or preset:NAME), hashed once, with the files it names (a LUT) loaded
/// up front, so a bad file fails the run before any image is touched.
/// </summary>
public sealed record RecipeSource(Recipe Recipe, string Origin)
{
    public string Sha256 { get; } = RecipeReader.Hash(Recipe);

    public CubeLut? Lut { get; } = Recipe.Grade?.Lut is { } lut ? LutFile.Load(lut.File) : null;

    public SoftenMasks SoftenMasks { get; } = Recipe.Cleanup is { } c ? SoftenMasks.Load(c) : SoftenMasks.None;

    public RepairPlan? Repair { get; } = Recipe.Repair is { Count: > 0 } passes ? RepairPlan.Load(passes) : null;
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
    /// Finishes <paramref name="input"/> into files named from <paramref name="names"/>. Expected failures come back as a
    /// Failed result. An outpaint to several aspects makes one complete set per aspect, BASE.&lt;w&gt;x&lt;h&gt;, each with
    /// its own sidecar; they are reported as one result.
    /// </summary>
    public static FinishResult Finish(string input, OutputNames names, RecipeSource recipe, FinishOptions options,
        IProgress<StageId>? progress = null, CancellationToken cancel = default, IProgress<TileProgress>? tiles = null)
    {
        var aspects = recipe.Recipe.Outpaint?.Targets() ?? [];
        if (aspects.Count <= 1) return FinishOne(input, names, recipe, options, aspects.FirstOrDefault(), progress, tiles, cancel);
        var variants = aspects.Select(a => FinishOne(input, new OutputNames($"{names.Base}.{a.FileTag}"), recipe, options, a, progress, tiles, cancel)).ToList();
        var status = variants.Any(v => v.Status == FinishStatus.Failed) ? FinishStatus.Failed
            : variants.Any(v => v.Status == FinishStatus.Finished) ? FinishStatus.Finished : variants[0].Status;
        var message = string.Join("; ", variants.Zip(aspects, (v, a) => $"{a}: {v.Message}"));
        return new FinishResult(input, status, message, variants[0].Lineage, variants[0].Sidecar) { Variants = variants };
    }

    private static FinishResult FinishOne(string input, OutputNames names, RecipeSource recipe, FinishOptions options, AspectRatio? aspect,
        IProgress<StageId>? progress, IProgress<TileProgress>? tiles, CancellationToken cancel)
    {
        try
        {
            return Run(input, names, recipe, options, aspect, progress, tiles, cancel);
        }
        catch (BurnishException e)
        {
            return new FinishResult(input, FinishStatus.Failed, e.Message);
        }
        catch (NetVips.VipsException e)
        {
            return new FinishResult(input, FinishStatus.Failed, $"{input}: image processing failed ({ImageLoader.FirstLine(e)})");
        }
    }

    private static FinishResult Run(string input, OutputNames names, RecipeSource source, FinishOptions options, AspectRatio? aspect,
        IProgress<StageId>? progress, IProgress<TileProgress>? tiles, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var recipe = source.Recipe;
        var export = recipe.Export;

        // Hash and decide on names before decoding, so a resumed batch skips finished images cheaply.
        var (inputSha, inputBytes) = File.Exists(input) ? OutputPlan.HashInput(input) : ("", 0);
        var resolved = OutputPlan.ResolveNames(input, names, inputSha, source, options);
        if (resolved.Skip is { } reason)
            return new FinishResult(input, FinishStatus.Skipped, reason, Sidecar: resolved.Names.Sidecar);
        names = resolved.Names;
        var loaded = ImageLoader.Load(input, options.Limits);
        cancel.ThrowIfCancellationRequested();

        using var outputs = new OutputTransaction(resolved.Overwrite);
        var stages = new List<StageRecord>();
        var intermediates = new List<OutputRecord>();
        var sidecarDir = Path.GetDirectoryName(Path.GetFullPath(names.Sidecar))!;
        var image = loaded.Image;
        var models = new List<ModelRecord>();
        // Cleanup compares the upscale with what went into it; without an upscale it has nothing to calm.
        WorkImage? beforeUpscale = null;

        void KeepIntermediate(StageId stage, string suffix, WorkImage result)
        {
            if (!options.KeepIntermediates) return;
            var path = names.Intermediate((int)stage, stage.Key() + suffix);
            var file = outputs.Stage(path, temp => ImageFiles.Save16(result, MasterFormat.Png, OutputMetadata.Bare(72), temp));
            intermediates.Add(Record($"stage:{stage.Key()}{suffix}", file, result, "png16", sidecarDir));
        }

        foreach (var stage in StageOrder.Canonical)
        {
            cancel.ThrowIfCancellationRequested();
            progress?.Report(stage);
            var stageClock = Stopwatch.StartNew();
            switch (stage)
            {
                case StageId.Upscale when recipe.Upscale is { } upscale:
                    beforeUpscale = image;
                    var engine = options.Models ?? throw new InvalidOperationException("the recipe upscales but the run has no models");
                    using (var upscaled = Stages.Upscale.Upscale.Apply(image, upscale, engine, tiles, cancel))
                    {
                        image = upscaled.Materialise();
                        models.AddRange(upscaled.Models);
                        KeepIntermediate(stage, "", image);
                        stages.Add(new StageRecord(stage.Key(), "done", JsonSerializer.SerializeToElement(upscale, Lineage.Json),
                            stageClock.Elapsed.TotalMilliseconds, upscaled.Report.Warnings, upscaled.Report.Measurements));
                    }
                    break;
                case StageId.Upscale:
                    stages.Add(new StageRecord(stage.Key(), "not in recipe", null, 0, [], Empty));
                    break;
                case StageId.Cleanup when recipe.Cleanup is { } cleanup && beforeUpscale is not null:
                    var (cleaned, cleanupReport) = Stages.Cleanup.Cleanup.Apply(image, beforeUpscale, cleanup, source.SoftenMasks, cancel);
                    image = cleaned;
                    KeepIntermediate(stage, "", image);
                    stages.Add(new StageRecord(stage.Key(), Stages.Cleanup.Cleanup.IsIdentity(cleanup) ? "identity" : "done",
                        JsonSerializer.SerializeToElement(cleanup, Lineage.Json), stageClock.Elapsed.TotalMilliseconds, cleanupReport.Warnings, cleanupReport.Measurements));
                    break;
                case StageId.Cleanup when recipe.Cleanup is not null:
                    stages.Add(new StageRecord(stage.Key(), "skipped: no AI stage before it", null, 0, [], Empty));
                    break;
                case StageId.Cleanup:
                    stages.Add(new StageRecord(stage.Key(), "not in recipe", null, 0, [], Empty));
                    break;
                case StageId.Repair when source.Repair is { } repair:
                    var (repaired, repairReport) = Stages.Repair.Repair.Apply(image, repair, cancel);
                    image = repaired;
                    KeepIntermediate(stage, "", image);
                    stages.Add(new StageRecord(stage.Key(), "done", JsonSerializer.SerializeToElement(repairReport.Passes, Lineage.Json),
                        stageClock.Elapsed.TotalMilliseconds, repairReport.Warnings, repairReport.ToStageReport().Measurements));
                    break;
                case StageId.Repair:
                    stages.Add(new StageRecord(stage.Key(), "not in recipe", null, 0, [], Empty));
                    break;
                case StageId.Outpaint when recipe.Outpaint is { } outpaint && aspect is { } target:
                    var (extended, outpaintReport) = Stages.Outpaint.Outpaint.Extend(image, target, outpaint, cancel);
                    image = extended;
                    KeepIntermediate(stage, "", image);
                    var measured = new Dictionary<string, double>(outpaintReport.Measurements) { ["width"] = image.Width, ["height"] = image.Height };
                    stages.Add(new StageRecord(stage.Key(), $"done: {target}", JsonSerializer.SerializeToElement(outpaint, Lineage.Json),
                        stageClock.Elapsed.TotalMilliseconds, outpaintReport.Warnings, measured));
                    break;
                case StageId.Outpaint:
                    stages.Add(new StageRecord(stage.Key(), "not in recipe", null, 0, [], Empty));
                    break;
                case StageId.Grade when recipe.Grade is { } grade:
                    var (graded, gradeReport) = Stages.Grade.Grade.Apply(image, grade, source.Lut, cancel);
                    image = graded;
                    KeepIntermediate(stage, "", image);
                    stages.Add(new StageRecord(stage.Key(), Stages.Grade.Grade.IsIdentity(grade) ? "identity" : "done",
                        JsonSerializer.SerializeToElement(grade, Lineage.Json), stageClock.Elapsed.TotalMilliseconds, gradeReport.Warnings, gradeReport.Measurements));
                    break;
                case StageId.Grade:
                    stages.Add(new StageRecord(stage.Key(), "not in recipe", null, 0, [], Empty));
                    break;
                case StageId.Sharpen when recipe.Sharpen is { } sharpen:
                    // Runs once per copy inside export; each copy's measurements and warnings are in the export record.
                    stages.Add(new StageRecord(stage.Key(), sharpen.Amount > 0 ? "per destination, inside export" : "amount 0: none",
                        JsonSerializer.SerializeToElement(sharpen, Lineage.Json), 0, [], Empty));
                    break;
                case StageId.Sharpen:
                    stages.Add(new StageRecord(stage.Key(), "not in recipe", null, 0, [], Empty));
                    break;
                case StageId.Export:
                    var (exportRecord, files) = RunExport(image, loaded, names, source, inputSha, outputs, sidecarDir, cancel, KeepIntermediate);
                    stages.Add(exportRecord with { Ms = stageClock.Elapsed.TotalMilliseconds });
                    var lineage = new Lineage("burnish", ToolVersion, Lineage.Success,
                        new InputRecord(Path.GetFullPath(input), inputSha, inputBytes, loaded.Facts, loaded.Metadata.Generation),
                        new RecipeRecord(source.Origin, source.Sha256, RecipeReader.Normalise(recipe)),
                        stages, models.DistinctBy(m => m.Sha256).ToList(), files, intermediates, started, clock.Elapsed.TotalMilliseconds);
                    outputs.StageBytes(names.Sidecar, lineage.ToJson());
                    outputs.Commit(cancel);
                    var warnings = stages.Sum(s => s.Warnings.Count);
                    return new FinishResult(input, FinishStatus.Finished,
                        $"{files.Count} files" + (warnings > 0 ? $", {warnings} warning(s)" : ""), lineage, names.Sidecar);
            }
        }
        throw new UnreachableException("export is the last canonical stage");
    }

    private static (StageRecord Record, List<OutputRecord> Files) RunExport(
        WorkImage finished, LoadedImage loaded, OutputNames names, RecipeSource source, string inputSha,
        OutputTransaction outputs, string sidecarDir, CancellationToken cancel, Action<StageId, string, WorkImage> keepIntermediate)
    {
        var export = source.Recipe.Export;
        var files = new List<OutputRecord>();
        var warnings = new List<string>();
        var measurements = new Dictionary<string, double>();
        var meta = loaded.Metadata;

        var master = Export.Master(finished, export.Master);
        var lineageText = JsonSerializer.Serialize(new { tool = "burnish", version = ToolVersion, recipe_sha256 = source.Sha256, input_sha256 = inputSha, recipe = source.Origin });
        // Lineage goes in XMP always, and as a PNG text entry too where the master is a PNG (TIFF has no text chunks).
        IReadOnlyList<KeyValuePair<string, string>> chunks = export.Master.Format == MasterFormat.Png ? [.. meta.TextChunks, new("burnish", lineageText)] : meta.TextChunks;
        var masterMeta = new OutputMetadata(chunks, meta.Fields, [new("lineage", lineageText)], 72, StripGps: false);
        var masterPath = names.Master(export.Master);
        var masterFile = outputs.Stage(masterPath, temp => ImageFiles.Save16(master, export.Master.Format, masterMeta, temp));
        files.Add(Record("master", masterFile, master, export.Master.Format == MasterFormat.Png ? "png16" : "tiff16", sidecarDir));

        var sharpener = source.Recipe.Sharpen is { } sharpen ? Stages.Sharpen.Sharpen.Sharpener(sharpen) : OutputSharpening.None;
        WriteCopies(master, export.Copies, sharpener, meta, names, outputs, sidecarDir, files, warnings, measurements, cancel, keepIntermediate);
        var parameters = JsonSerializer.SerializeToElement(export, Lineage.Json);
        return (new StageRecord(StageId.Export.Key(), "done", parameters, 0, warnings, measurements), files);
    }

    private static void WriteCopies(WorkImage master, IReadOnlyList<CopyParams> copies, OutputSharpener sharpen, SourceMetadata meta, OutputNames names,
        OutputTransaction outputs, string sidecarDir, List<OutputRecord> files, List<string> warnings, Dictionary<string, double> measurements,
        CancellationToken cancel, Action<StageId, string, WorkImage>? keepIntermediate)
    {
        if (copies.Count == 0) return;
        var linear = LinearImage.Of(master);
        foreach (var copy in copies)
        {
            cancel.ThrowIfCancellationRequested();
            var rendered = Export.RenderCopy(master, linear, copy, sharpen);
            keepIntermediate?.Invoke(StageId.Sharpen, "-" + Export.CopyName(copy), rendered.Image);
            var copyMeta = copy.Metadata == MetadataPolicy.Strip
                ? OutputMetadata.Bare(rendered.Destination.Ppi)
                : new OutputMetadata(meta.TextChunks, meta.Fields, [], rendered.Destination.Ppi, StripGps: true);
            var encoded = Export.Encode(rendered.Image, copy, copyMeta);
            var file = outputs.StageBytes(names.Copy(copy), encoded.Bytes);
            files.Add(Record("copy", file, rendered.Image, Names.EnumValue(copy.Format), sidecarDir) with
            {
                Quality = copy.Format == CopyFormat.Png ? null : encoded.Quality,
                Destination = rendered.Destination.Id,
            });
            warnings.AddRange(rendered.Report.Warnings);
            foreach (var (k, v) in rendered.Report.Measurements) measurements[$"{Export.CopyName(copy)}.{k}"] = v;
        }
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
        var inputFull = Path.GetFullPath(masterPath);
        if (copies.Select(names.Copy).Any(f => Path.GetFullPath(f) == inputFull))
            throw new OutputException(masterPath, "a copy would overwrite the master");
        var loaded = ImageLoader.Load(masterPath, limits);
        using var outputs = new OutputTransaction(onConflict == ConflictPolicy.Overwrite);
        var files = new List<OutputRecord>();
        var dir = Path.GetDirectoryName(Path.GetFullPath(names.Sidecar))!;
        WriteCopies(loaded.Image, copies, sharpen, loaded.Metadata, names, outputs, dir, files, [], [], cancel, null);
        outputs.Commit(cancel);
        return files;
    }

    private static OutputRecord Record(string role, StagedFile file, WorkImage image, string format, string sidecarDir) =>
        new(role, Path.GetRelativePath(sidecarDir, file.FinalPath), image.Width, image.Height, image.Profile.Id, format, file.Bytes, file.Sha256);

    private static readonly IReadOnlyDictionary<string, double> Empty = new Dictionary<string, double>();
}
