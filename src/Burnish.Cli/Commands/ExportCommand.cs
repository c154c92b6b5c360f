using System.CommandLine;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Schema;
using Burnish.Stages.Export;
using Burnish.Stages.Export.Marks;
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
        var overlay = new Option<string?>("--overlay")
        {
            Description = "A logo on every copy: FILE, or overlay keys as key=value,… (image=logo.png,anchor=top-left,width=10%,opacity=0.8).",
        };
        var text = new Option<string?>("--text")
        {
            Description = "A line of text on every copy: the text itself, or text keys as content=…,key=value,… (content=© Ada,size=4%,anchor=bottom-left).",
        };
        var maxPixels = CommonOptions.MaxPixels();
        quality.Check(q => q is < 1 or > 100 ? $"must be 1–100, got {q}" : null);
        var command = new Command("export", "Make destination copies (resized, sRGB) from an existing master.")
        {
            master, output, to, format, quality, onConflict, sharpen, overlay, text, maxPixels,
        };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var destinations = parse.GetValue(to)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var overlayParams = parse.GetValue(overlay) is { } overlaySpec ? OverlaySettings(overlaySpec) : null;
            var textParams = parse.GetValue(text) is { } textSpec ? TextSettings(textSpec) : null;
            var copies = destinations.Select(d => new CopyParams
            {
                Destination = d, Format = parse.GetValue(format) ?? CopyFormat.Jpeg, Quality = parse.GetValue(quality), Overlay = overlayParams, Text = textParams,
            }).ToList();
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

    /// <summary>A file, or comma-separated overlay keys validated like a recipe's.</summary>
    private static OverlayParams OverlaySettings(string spec) => RecipeSettings.Bind<OverlayParams>(
        spec.Contains('=', StringComparison.Ordinal) ? Keys(spec, "--overlay") : [Setting.Text("image", spec, "option --overlay")]);

    /// <summary>The text itself, or (starting content=) comma-separated text keys validated like a recipe's.</summary>
    private static TextParams TextSettings(string spec) => RecipeSettings.Bind<TextParams>(
        spec.StartsWith("content=", StringComparison.Ordinal) ? Keys(spec, "--text") : [Setting.Text("content", spec, "option --text")]);

    /// <summary>'default', or comma-separated key=value pairs validated like a recipe's sharpen section.</summary>
    private static SharpenParams SharpenSettings(string spec) => spec == "default"
        ? SharpenParams.Default
        : RecipeSettings.Bind<SharpenParams>(Keys(spec, "--sharpen"));

    // key=value,key=value: each value is taken as typed (a colour #rrggbb, a caption with ': ' in it), never as YAML.
    private static IEnumerable<Setting> Keys(string spec, string option) =>
        spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Setting.FromKeyValue(s, (key, value) => Setting.Text(key, value, $"{option} {s}")));
}
