using System.CommandLine;
using System.Globalization;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages.Outpaint;

namespace Burnish.Cli.Commands;

/// <summary>
/// <c>burnish outpaint</c>: extends one image's canvas to one or more aspect ratios. One aspect writes OUTPUT; several
/// write OUTBASE.WxH.EXT each (out.png with 16:9 and 1:1 → out.16x9.png, out.1x1.png), all or none.
/// </summary>
public static class OutpaintCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The image to extend." };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Output file: .png/.tif are 16-bit in the input's colour space, .jpg/.webp/.avif 8-bit sRGB; the input's metadata is kept. With several --aspect, OUTBASE.WxH.EXT per aspect.",
            Required = true,
        };
        var keys = new RecordOptions<OutpaintParams>();
        var aspect = keys.Add("aspects", "--aspect", "Target aspect ratio W:H (16:9, 4:5, 1:1, 1.91:1); repeatable for several variants.", "-a");
        aspect.HelpName = "W:H";
        aspect.Required = true;
        var anchor = keys.Add("anchor", "--anchor", "Where the original sits: center (or centre), left, right, top, bottom, top-left, top-right, bottom-left, bottom-right.");
        var step = keys.Add("step", "--step", "Largest step as a fraction of the current size.");
        var context = keys.Add("context", "--context", "Existing image each band's fill sees, as a multiple of the band's width.");
        var seam = keys.Add("seam", "--seam", "Width in pixels of the strip re-filled across each boundary; 0 for none.");
        var seed = keys.Add<int>("seed", "--seed", "Seed of the fill: the same seed gives the same pixels; with --backend also the server's noise seed (left out, the image's own).");
        var server = new DiffusionOptions();
        var prompt = keys.Add("prompt", "--prompt", "With --backend: text put before the image's own prompt.");
        var negative = keys.Add("negative", "--negative", "With --backend: text put before the image's own negative prompt.");
        var denoise = keys.Add("denoise", "--denoise", "With --backend: denoising strength of each new band.");
        var force = new Option<bool>("--force") { Description = "Overwrite existing output files (never the input)." };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("outpaint", "Extend an image's canvas to other aspect ratios, filling the new area from the image's own content in modest steps.")
        {
            input, output, aspect, anchor, step, context, seam, seed, force, maxPixels,
        };
        foreach (var option in new[] { server.Backend, prompt, negative, denoise }) command.Options.Add(option);
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            var backend = server.Server(parse, prompt, negative, denoise);
            IEnumerable<Setting> serverKeys = [.. DiffusionOptions.Settings(backend)];
            if (backend is not null && parse.GetResult(seed) is { Implicit: false })
                serverKeys = serverKeys.Append(Setting.Given("diffusion.seed", parse.GetValue(seed), "option --seed"));
            var p = keys.Bind(parse, serverKeys);
            OutputKind.For(outPath);
            var written = SingleImage.Run(inPath, outPath, new Recipe { Version = Recipe.CurrentVersion, Backends = backend is null ? null : [backend], Outpaint = p },
                new SingleImageOptions(parse.GetValue(force), new LoadLimits(parse.GetValue(maxPixels))), cancel: cancel);
            var targets = p.Targets();
            foreach (var w in written.SelectMany(f => f.Warnings)) Console.Error.WriteLine($"warning: {w}");
            for (var i = 0; i < written.Count; i++)
                Console.WriteLine($"wrote {written[i].Path} ({written[i].Width}×{written[i].Height}): {Summary(targets[i], written[i].Stage("outpaint").Report.Measurements)}");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    // "16:9 in 3 steps, largest drift ΔE00 4.1 (step 3 right)": the sidecar has every band's figures.
    private static string Summary(AspectRatio aspect, IReadOnlyDictionary<string, double> m)
    {
        var steps = (int)m["steps"];
        if (steps == 0) return $"already {aspect}, unchanged";
        var worst = m.Where(kv => kv.Key.EndsWith(".dE", StringComparison.Ordinal)).MaxBy(kv => kv.Value);
        var band = worst.Key[..^3].Replace("step", "step ", StringComparison.Ordinal).Replace('.', ' ');
        return string.Create(CultureInfo.InvariantCulture, $"{aspect} in {steps} step{(steps == 1 ? "" : "s")}, largest drift ΔE00 {worst.Value:0.0} ({band})");
    }
}
