using Burnish.Imaging;
using Burnish.IO;
using Burnish.Recipes;
using Burnish.Stages;
using Burnish.Stages.Export;

namespace Burnish.Pipeline;

/// <summary>The file a one-image command writes, by its extension.</summary>
/// <param name="Lossless">.png/.tif: 16-bit, in the input's colour profile (or the one asked for).</param>
/// <param name="Copy">.jpg/.webp/.avif: 8-bit sRGB, as every copy Burnish writes.</param>
public sealed record OutputKind(MasterFormat? Lossless, CopyFormat? Copy)
{
    /// <summary>The quality and effort of an 8-bit file written by a one-image command.</summary>
    public const int CopyQuality = 92, CopyEffort = 4;

    public static OutputKind For(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => new(MasterFormat.Png, null),
        ".tif" or ".tiff" => new(MasterFormat.Tiff, null),
        ".jpg" or ".jpeg" => new(null, CopyFormat.Jpeg),
        ".webp" => new(null, CopyFormat.Webp),
        ".avif" => new(null, CopyFormat.Avif),
        var ext => throw new BurnishException($"{path}: unsupported output type '{ext}' (png, tif, jpg, webp or avif)"),
    };

    /// <summary>The profile the file is written in: <paramref name="lossless"/> for .png/.tif, sRGB for the others.</summary>
    public ColourProfile Profile(ColourProfile lossless) => Lossless is null ? ShippedProfiles.Srgb : lossless;

    /// <summary>Writes <paramref name="image"/>, already in <see cref="Profile"/>, to <paramref name="path"/> (a transaction's temp file).</summary>
    public void Write(WorkImage image, OutputMetadata meta, string path)
    {
        if (Lossless is { } master)
            ImageFiles.Save16(image, master, meta, path);
        else
            File.WriteAllBytes(path, ImageFiles.Encode8(image, Copy!.Value, CopyQuality, CopyEffort, meta));
    }
}

/// <summary>How a one-image command runs, beyond its recipe.</summary>
/// <param name="Force">Replace existing output files (never the input).</param>
/// <param name="Limits">Limits checked before any pixel is decoded.</param>
/// <param name="Profile">The profile of a .png/.tif result; null keeps the input's.</param>
/// <param name="Notices">One-line notices such as model fetches.</param>
public sealed record SingleImageOptions(bool Force, LoadLimits Limits, ColourProfile? Profile = null, IProgress<string>? Notices = null)
{
    public static SingleImageOptions Default { get; } = new(false, LoadLimits.Default);
}

/// <summary>One stage's part in a one-image result: its status and report.</summary>
public sealed record StageSummary(string Stage, string Status, StageReport Report);

/// <summary>A file a one-image command wrote: one per variant (outpaint aspect), with what each stage did.</summary>
public sealed record SingleImageFile(string Path, string? Variant, int Width, int Height, IReadOnlyList<StageSummary> Stages)
{
    /// <summary>Every warning of every stage, in stage order.</summary>
    public IEnumerable<string> Warnings => Stages.SelectMany(s => s.Report.Warnings);

    /// <summary>The summary of <paramref name="stage"/>, which the recipe ran.</summary>
    public StageSummary Stage(string stage) => Stages.First(s => s.Stage == stage);
}

/// <summary>
/// The one core entry of the one-image commands (upscale, grade, repair, outpaint): the recipe's stages over one
/// input, written to one file (or one per variant, OUTBASE.WxH.EXT), all or none, in one transaction. The input is
/// never overwritten; an existing output is kept unless forced. The input's metadata is kept; the file's kind comes
/// from its extension (<see cref="OutputKind"/>).
/// </summary>
public static class SingleImage
{
    public static IReadOnlyList<SingleImageFile> Run(string input, string output, Recipe recipe, SingleImageOptions options,
        IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(options);
        using var resources = StageResources.ForProcess(options.Limits, options.Notices);
        return Run(input, output, recipe, options, resources, progress, cancel);
    }

    /// <summary>As the other overload, with the host's resources (a service's sessions).</summary>
    public static IReadOnlyList<SingleImageFile> Run(string input, string output, Recipe recipe, SingleImageOptions options, StageResources resources,
        IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(options);
        var kind = OutputKind.For(output);
        // Export writes a finished set; a one-image command writes its one file itself.
        var stages = StageCatalogue.Canonical.Where(s => s is not ExportStage).ToList();
        using var prepared = PreparedRecipe.Prepare(new RecipeSource(recipe, "command line"), resources, stages);
        var variants = prepared.Variants;
        var paths = variants.Count == 0 ? [output] : variants.Select(v => VariantPath(output, v)).ToList();
        foreach (var path in paths)
        {
            if (Path.GetFullPath(input) == Path.GetFullPath(path)) throw new OutputException(path, "would overwrite the input; write the result to another file");
            if (File.Exists(path) && !options.Force) throw new OutputException(path, "already exists (use --force to overwrite)");
        }

        var loaded = ImageLoader.Load(input, options.Limits);
        var profile = kind.Profile(options.Profile ?? loaded.Image.Profile);
        var meta = new OutputMetadata(loaded.Metadata.TextChunks, loaded.Metadata.Fields, [], 72, StripGps: false);
        using var transaction = new OutputTransaction(options.Force);
        var written = new List<SingleImageFile>();
        for (var i = 0; i < paths.Count; i++)
        {
            var context = new StageContext(loaded.Image, loaded.Metadata, progress, cancel) { Variant = i };
            using var run = StageRun.Over(prepared.Steps, loaded.Image, context, keepIntermediates: false);
            WorkImage? result = null;
            transaction.Stage(paths[i], temp => run.Consume(image =>
            {
                // Already in the file's profile (an sRGB upscale to .png, a repair), the result streams straight into the encoder.
                result = kind.Lossless is not null && image.Profile.SameAs(profile) ? image : ColourSpaces.Convert(image, profile);
                kind.Write(result, meta, temp);
            }));
            var summaries = run.Stages.Zip(prepared.Steps)
                .Where(p => p.Second.Prepared is not null)
                .Select(p => new StageSummary(p.First.Stage, p.First.Status, new StageReport(p.First.Warnings, p.First.Measurements)))
                .ToList();
            written.Add(new SingleImageFile(paths[i], variants.Count == 0 ? null : variants[i].Label, result!.Width, result.Height, summaries));
        }
        transaction.Commit(cancel);
        return written;
    }

    /// <summary>
    /// Writes an image made outside the stages (the grade's contact sheet) under the same rules: .png/.tif in
    /// <paramref name="lossless"/>, the others sRGB; an existing file is kept unless <paramref name="force"/>.
    /// </summary>
    public static void Write(WorkImage image, string output, ColourProfile lossless, bool force, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var kind = OutputKind.For(output);
        if (File.Exists(output) && !force) throw new OutputException(output, "already exists (use --force to overwrite)");
        var profile = kind.Profile(lossless);
        using var transaction = new OutputTransaction(force);
        transaction.Stage(output, temp => kind.Write(ColourSpaces.Convert(image, profile), OutputMetadata.Bare(72), temp));
        transaction.Commit(cancel);
    }

    /// <summary>OUTBASE.WxH.EXT: the variant goes before the extension (a colon is not allowed in Windows file names).</summary>
    public static string VariantPath(string output, StageVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        var dir = Path.GetDirectoryName(output);
        var name = $"{Path.GetFileNameWithoutExtension(output)}.{variant.FileTag}{Path.GetExtension(output)}";
        return string.IsNullOrEmpty(dir) ? name : Path.Combine(dir, name);
    }
}
