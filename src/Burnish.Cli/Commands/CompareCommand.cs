using System.CommandLine;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Report;

namespace Burnish.Cli.Commands;

public static class CompareCommand
{
    public static Command Create()
    {
        var versions = new Argument<string[]>("versions")
        {
            Description = "Two or more images, in order: before first. The first is the metrics reference unless --reference.",
            Arity = ArgumentArity.ZeroOrMore, // fewer than two gets Burnish's own one-line error
        };
        var output = new Option<string>("--output", "-o") { Description = "The report: one HTML file.", Required = true };
        var keys = new RecordOptions<ReportOptions>();
        var crops = keys.Add("crops", "--crops", "Same-place crops at 100 %; 0 for none.");
        var cropSize = keys.Add("crop_size", "--crop-size", "Side of each crop in the largest version's pixels.");
        var reference = new Option<string?>("--reference") { Description = "Ground truth for ΔE00, PSNR and SSIM (default: the first version)." };
        var embed = new Option<bool>("--embed") { Description = "Images inside the HTML as data URIs: one file to share (the default)." };
        var beside = new Option<bool>("--beside") { Description = "Images as files in a NAME_files folder beside the HTML: a smaller page." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing report." };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("compare", "Compare versions of an image in one self-contained HTML report: slider, same-place crops, metrics, histograms, lineage.")
        {
            versions, output, crops, cropSize, reference, embed, beside, force, maxPixels,
        };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            if (parse.GetValue(embed) && parse.GetValue(beside)) throw new BurnishException("give either --embed or --beside, not both");
            var paths = parse.GetValue(versions) ?? [];
            if (paths.Length < 2) throw new BurnishException($"compare needs at least two versions, got {paths.Length}");
            var outPath = parse.GetValue(output)!;
            var outFull = Path.GetFullPath(outPath);
            if (paths.Append(parse.GetValue(reference)).Any(p => p is not null && Path.GetFullPath(p) == outFull))
                throw new BurnishException($"{outPath}: would overwrite an input");
            var overwrite = parse.GetValue(force);
            if (!overwrite && File.Exists(outPath)) throw new BurnishException($"{outPath}: already exists (use --force to overwrite)");
            var options = keys.Bind(parse);
            var placement = parse.GetValue(beside) ? ImagePlacement.Beside : ImagePlacement.Embed;

            var report = ReportBuilder.Build([.. paths.Select(p => new VersionSource(p))], parse.GetValue(reference), options,
                new LoadLimits(parse.GetValue(maxPixels)), cancel: cancel);
            var bytes = ReportWriter.Write(report, outPath, placement, overwrite, cancel);
            Console.WriteLine($"wrote {outPath} ({report.Versions.Count} versions, {report.Crops.Count} crops, {bytes / 1e6:0.0} MB)"
                + (placement == ImagePlacement.Beside ? $" and its images in {ReportWriter.FilesFolder(outPath)}" : ""));
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    /// <summary>
    /// <c>finish --report</c>: writes BASE.report.html beside a finished image's sidecar, comparing the source, every
    /// kept intermediate and the master. Returns a line for the user when the report could not be written.
    /// </summary>
    public static string? ReportFinished(FinishResult result, LoadLimits limits, CancellationToken cancel)
    {
        // An outpaint to several aspects finished one set per aspect: one report each.
        if (result.Variants.Count > 0)
            return result.Variants.Select(v => ReportFinished(v, limits, cancel)).FirstOrDefault(p => p is not null);
        if (result.Sidecar is not { } sidecar || result.Status is not (FinishStatus.Finished or FinishStatus.Skipped)) return null;
        var htmlPath = ReportBuilder.FinishedReportPath(sidecar);
        // A skipped image (--resume) gets a report only when it has none yet.
        if (result.Status == FinishStatus.Skipped && File.Exists(htmlPath)) return null;
        var lineage = result.Lineage ?? Lineage.TryRead(sidecar);
        if (lineage is null) return $"report for {result.Input} not written: no readable sidecar at {sidecar}";
        try
        {
            var report = ReportBuilder.Build(ReportBuilder.FinishedVersions(lineage, sidecar), null, ReportOptions.Default, limits, cancel: cancel);
            ReportWriter.Write(report, htmlPath, ImagePlacement.Embed, overwrite: true, cancel);
            return null;
        }
        catch (Exception e) when (e is BurnishException or NetVips.VipsException)
        {
            return $"report for {result.Input} not written: {e.Message}";
        }
    }
}
