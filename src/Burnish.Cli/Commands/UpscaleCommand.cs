using System.CommandLine;
using System.Globalization;
using Burnish.Imaging;
using Burnish.IO;
using Burnish.Models;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages.Export;
using Burnish.Stages.Upscale;
using Spectre.Console;

namespace Burnish.Cli.Commands;

public static class UpscaleCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The image to upscale." };
        var output = new Option<string>("--output", "-o") { Description = "Output file: .png/.tif are 16-bit in the input's colour space, .jpg/.webp/.avif 8-bit sRGB.", Required = true };
        var model = new Option<string>("--model", "-m") { Description = "auto, a bundled model (esrgan-slim, esrgan-medium, esrgan-thick, default-model, or a variant such as esrgan-slim-x2), or a path to an .onnx file.", DefaultValueFactory = _ => "auto" };
        var scale = new Option<double?>("--scale", "-s") { Description = "Overall enlargement, e.g. 4 or 3.2 (default: the model's scale)." };
        var longEdge = new Option<int?>("--long-edge") { Description = "Exact long edge of the result, in pixels, instead of --scale." };
        var passes = new Option<string?>("--passes") { Description = "Model passes, e.g. 2,2 for 2× then 2× again." };
        var tile = new Option<TileSize>("--tile") { Description = "Tile edge in input pixels (32–4096), or auto.", HelpName = "N|auto", DefaultValueFactory = _ => TileSize.Auto };
        var alpha = new Option<string>("--alpha") { Description = "How alpha is enlarged: classical or model.", DefaultValueFactory = _ => "classical" };
        var device = new Option<string>("--device") { Description = "cpu, or cuda with the GPU build of ONNX Runtime.", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int?>("--threads") { Description = "Inference threads (default: one per core)." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing output file." };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("upscale", "Upscale one image with an AI model over seamless tiles; the output streams to disk, so it may be far larger than memory.")
        {
            input, output, model, scale, longEdge, passes, tile, alpha, device, threads, force, maxPixels,
        };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            if (Path.GetFullPath(inPath) == Path.GetFullPath(outPath)) throw new BurnishException($"{outPath}: would overwrite the input");
            if (File.Exists(outPath) && !parse.GetValue(force)) throw new BurnishException($"{outPath}: already exists (use --force to overwrite)");
            var settings = new List<string> { $"model={ImageOutput.Quote(parse.GetValue(model)!)}", $"tile={parse.GetValue(tile)}", $"alpha={parse.GetValue(alpha)}", $"device={parse.GetValue(device)}" };
            if (parse.GetValue(scale) is { } s) settings.Add($"scale={s.ToString(CultureInfo.InvariantCulture)}");
            if (parse.GetValue(longEdge) is { } e) settings.Add($"target.long_edge={e}");
            if (parse.GetValue(passes) is { } p) settings.Add($"passes=[{p}]");
            if (parse.GetValue(threads) is { } t) settings.Add($"threads={t}");
            var upscale = CommonOptions.ParseSettings<UpscaleParams>(null, settings, CommonOptions.OptionFor);
            var kind = ImageOutput.For(outPath);

            var loaded = ImageLoader.Load(inPath, new LoadLimits(parse.GetValue(maxPixels)));
            using var models = new UpscaleModels(new ModelCache(ModelCache.DefaultRoot()), upscale.Device, upscale.Threads,
                new SyncProgress<string>(m => Console.Error.WriteLine(m)));
            var meta = loaded.Metadata;
            var fileMeta = ImageOutput.Keeping(meta);
            using var transaction = new OutputTransaction(parse.GetValue(force));
            WorkImage written = loaded.Image;
            WithProgress(progress =>
            {
                using var upscaled = Upscale.Apply(loaded.Image, upscale, models, progress, cancel);
                transaction.Stage(outPath, temp => Write(upscaled, loaded.Image.Profile, kind, fileMeta, temp, out written));
                foreach (var w in upscaled.Report.Warnings) Console.Error.WriteLine($"warning: {w}");
            });
            transaction.Commit(cancel);
            Console.WriteLine($"wrote {outPath} ({written.Width}×{written.Height})");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    // 16-bit sRGB output streams straight from the models into the encoder; another profile needs the whole image to convert.
    private static void Write(UpscaledImage upscaled, ColourProfile profile, ImageOutput kind, OutputMetadata meta, string path, out WorkImage written)
    {
        if (kind.Lossless is { } master && profile.SameAs(ShippedProfiles.Srgb))
        {
            upscaled.Consume(image => ImageFiles.Save16(image, master, meta, path));
            written = upscaled.Image;
            return;
        }
        written = kind.Lossless is null ? upscaled.Materialise() : ColourSpaces.Convert(upscaled.Materialise(), profile);
        kind.Write(written, meta, path);
    }

    private static void WithProgress(Action<IProgress<TileProgress>> run)
    {
        if (Console.IsErrorRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var last = -1;
            run(new SyncProgress<TileProgress>(p =>
            {
                var percent = 100 * p.Done / p.Total;
                if (percent / 10 == last / 10 && p.Done != p.Total) return;
                last = percent;
                Console.Error.WriteLine($"pass {p.Pass}/{p.Passes}: {p.Done}/{p.Total} tiles");
            }));
            return;
        }
        AnsiConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                var pass = 0;
                run(new SyncProgress<TileProgress>(p =>
                {
                    if (task is null || pass != p.Pass)
                    {
                        task?.StopTask();
                        pass = p.Pass;
                        task = ctx.AddTask($"pass {p.Pass}/{p.Passes}", maxValue: p.Total);
                    }
                    task.Value = p.Done;
                }));
            });
    }
}
