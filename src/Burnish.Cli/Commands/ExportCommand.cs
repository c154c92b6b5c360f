using System.CommandLine;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages.Export;
using Burnish.Stages.Sharpen;
using Burnish.Stages;

namespace Burnish.Cli.Commands;

public static class ExportCommand
{
    public static Command Create()
    {
        var master = new Argument<string>("master") { Description = "A master image (any colour space; its ICC profile is honoured)." };
        var output = new Option<string>("--output", "-o") { Description = "Output folder.", Required = true };
        var to = new Option<string>("--to") { Description = $"Destinations, comma-separated: {string.Join(", ", Destinations.Presets.Keys)}.", Required = true };
        // No DefaultValueFactory on enum options: help would print the default as the C# name (Jpeg).
        var format = new Option<CopyFormat?>("--format") { Description = "jpeg (jpg), webp, avif or png (default jpeg)." };
        var quality = new Option<int?>("--quality") { Description = "Encoder quality 1–100 (default per format)." };
        var onConflict = new Option<ConflictPolicy?>("--on-conflict") { Description = "rename, skip or overwrite (default rename)." };
        var sharpen = new Option<string?>("--sharpen")
        {
            Description = "Output-sharpen each copy: 'default' for the light touch, or sharpen keys as key=value,key=value (amount=1.2,threshold=3).",
        };
        var maxPixels = CommonOptions.MaxPixels();
        quality.Check(q => q is < 1 or > 100 ? $"must be 1–100, got {q}" : null);
        var command = new Command("export", "Make destination copies (resized, sRGB) from an existing master.")
        {
            master, output, to, format, quality, onConflict, sharpen, maxPixels,
        };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var destinations = parse.GetValue(to)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var copies = destinations.Select(d => new CopyParams { Destination = d, Format = parse.GetValue(format) ?? CopyFormat.Jpeg, Quality = parse.GetValue(quality) }).ToList();
            var problems = copies.SelectMany(c => c.Problems()).Select(p => p.Message).Distinct().ToList();
            if (problems.Count > 0) throw new BurnishException(string.Join("; ", problems));
            var path = parse.GetValue(master)!;
            var outDir = parse.GetValue(output)!;
            Batch.CheckWritable(outDir);
            var stem = Path.GetFileNameWithoutExtension(path);
            if (stem.EndsWith(".master", StringComparison.Ordinal)) stem = stem[..^".master".Length];
            var sharpener = parse.GetValue(sharpen) is { } spec ? Sharpen.Sharpener(SharpenSettings(spec)) : OutputSharpening.None;
            var files = Finisher.ExportCopies(path, new OutputNames(Path.Combine(outDir, stem)), copies, parse.GetValue(onConflict) ?? ConflictPolicy.Rename,
                new LoadLimits(parse.GetValue(maxPixels)), sharpener, cancel);
            if (files.Count == 0) Console.WriteLine("skipped: copies already exist (--on-conflict skip)");
            foreach (var f in files)
                Console.WriteLine($"{f.Destination,-20} {f.Width}×{f.Height}  {f.Bytes / 1000.0:0.#} KB  {Path.Combine(outDir, f.Path)}");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    /// <summary>'default', or comma-separated key=value pairs validated like a recipe's sharpen section.</summary>
    private static SharpenParams SharpenSettings(string spec) => spec == "default"
        ? SharpenParams.Default
        : CommonOptions.ParseSettings<SharpenParams>(null, spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), s => $"--sharpen {s}");
}
