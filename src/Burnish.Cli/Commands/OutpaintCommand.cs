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
        var aspect = new Option<AspectRatio[]>("--aspect", "-a") { Description = "Target aspect ratio W:H (16:9, 4:5, 1:1, 1.91:1); repeatable for several variants.", HelpName = "W:H", Required = true };
        var anchor = new Option<string>("--anchor") { Description = "Where the original sits: center, left, right, top, bottom, top-left, top-right, bottom-left, bottom-right.", DefaultValueFactory = _ => "center" };
        var step = new Option<double?>("--step") { Description = "Largest step as a fraction of the current size (default 0.3)." };
        var context = new Option<double?>("--context") { Description = "Existing image each band's fill sees, as a multiple of the band's width (default 3)." };
        var seam = new Option<int?>("--seam") { Description = "Width in pixels of the strip re-filled across each boundary (default 16; 0 for none)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the fill: the same seed gives the same pixels (default 0); with --backend also the server's noise seed (default: the image's own)." };
        var server = new DiffusionOptions();
        var denoise = new Option<double?>("--denoise") { Description = "With --backend: denoising strength of each new band (default 0.9)." };
        var force = new Option<bool>("--force") { Description = "Overwrite existing output files (never the input)." };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("outpaint", "Extend an image's canvas to other aspect ratios, filling the new area from the image's own content in modest steps.")
        {
            input, output, aspect, anchor, step, context, seam, seed, force, maxPixels,
        };
        foreach (var option in server.All.Append(denoise)) command.Options.Add(option);
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            var settings = new List<string>
            {
                $"aspects=[{string.Join(", ", (parse.GetValue(aspect) ?? []).Select(a => ImageOutput.Quote(a.ToString())))}]",
                $"anchor={ImageOutput.Quote(parse.GetValue(anchor)!)}",
            };
            if (parse.GetValue(step) is { } s) settings.Add($"step={s.ToString(CultureInfo.InvariantCulture)}");
            if (parse.GetValue(context) is { } c) settings.Add($"context={c.ToString(CultureInfo.InvariantCulture)}");
            if (parse.GetValue(seam) is { } sm) settings.Add($"seam={sm.ToString(CultureInfo.InvariantCulture)}");
            if (parse.GetValue(seed) is { } sd) settings.Add($"seed={sd.ToString(CultureInfo.InvariantCulture)}");
            var backend = server.Server(parse, denoise);
            if (backend is not null)
            {
                settings.AddRange(server.Settings(parse, backend, parse.GetValue(seed)));
                if (parse.GetValue(denoise) is { } dn) settings.Add($"denoise={dn.ToString(CultureInfo.InvariantCulture)}");
            }
            var p = Parse(settings);
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

    // The options become outpaint keys, so they are checked exactly like a recipe's outpaint section; the problems are
    // then named by option rather than by a line of a YAML text the user never wrote.
    private static OutpaintParams Parse(IEnumerable<string> settings)
    {
        try
        {
            return RecipeReader.ParseSection<OutpaintParams>(CommonOptions.SettingsYaml(null, settings), "command line");
        }
        catch (RecipeException e)
        {
            throw new BurnishException(string.Join("; ", e.Problems.Select(p => OptionMessage(p.Message))));
        }
    }

    private static string OptionMessage(string message)
    {
        foreach (var (key, option) in new[] { ("aspects", "--aspect"), ("anchor", "--anchor"), ("step", "--step"), ("context", "--context"), ("seam", "--seam"), ("seed", "--seed"), ("denoise", "--denoise"), ("diffusion.seed", "--seed") })
        {
            if (!message.StartsWith(key, StringComparison.Ordinal)) continue;
            var rest = message[key.Length..];
            // "aspects: aspects[1]: …" and "aspects[1]: …" both come down to "--aspect: …".
            if (rest.StartsWith(": aspects[", StringComparison.Ordinal)) rest = rest[(rest.IndexOf(']', StringComparison.Ordinal) + 1)..];
            else if (rest.StartsWith('[')) rest = rest[(rest.IndexOf(']', StringComparison.Ordinal) + 1)..];
            return option + rest;
        }
        return message;
    }
}
