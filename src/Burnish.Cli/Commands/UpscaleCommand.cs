using System.CommandLine;
using System.Globalization;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages;
using Burnish.Stages.Upscale;
using Spectre.Console;

namespace Burnish.Cli.Commands;

public static class UpscaleCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The image to upscale." };
        var output = new Option<string>("--output", "-o") { Description = "Output file: .png/.tif are 16-bit in the input's colour space, .jpg/.webp/.avif 8-bit sRGB.", Required = true };
        var keys = new RecordOptions<UpscaleParams>();
        var model = keys.Add("model", "--model", "auto (chosen by the generation's metadata and --quality), a bundled model (`burnish models list`: esrgan-slim, realesr-general-x4v3, realcugan, … or a variant such as esrgan-slim-x2), or a path to an .onnx file.", "-m");
        var quality = keys.Add("quality", "--quality", "What auto chooses: fast, balanced or best.", "-q");
        var denoise = keys.Add("denoise", "--denoise", "Real-CUGAN's denoise level (with --model realcugan): conservative, none, 1, 2 or 3.");
        var scale = keys.Add("scale", "--scale", "Overall enlargement, e.g. 4 or 3.2; left out, the model's scale.", "-s");
        var longEdge = keys.Add("target.long_edge", "--long-edge", "Exact long edge of the result, in pixels, instead of --scale.");
        var passes = keys.Add("passes", "--passes", "Model passes, e.g. 2,2 for 2× then 2× again.");
        var tile = keys.Add("tile", "--tile", "Tile edge in input pixels (32–4096), or auto.");
        tile.HelpName = "N|auto";
        var alpha = keys.Add("alpha", "--alpha", "How alpha is enlarged: classical or model.");
        var device = keys.Add("device", "--device", "cpu, or cuda with the GPU build of ONNX Runtime.");
        var threads = keys.Add("threads", "--threads", "Inference threads; left out, one per core.");
        var server = new DiffusionOptions();
        var prompt = keys.Add("prompt", "--prompt", "With --backend: text put before the image's own prompt.");
        var negative = keys.Add("negative", "--negative", "With --backend: text put before the image's own negative prompt.");
        var diffusionDenoise = keys.Add("diffusion_denoise", "--diffusion-denoise", "With --backend: denoising strength of each tile's redraw; 0.2–0.35 keeps the composition.");
        var diffusionTile = keys.Add("diffusion.size", "--diffusion-tile", "With --backend: the redraw's tile edge in output pixels; 512–1024 is usual.");
        var seed = keys.Add("diffusion.seed", "--seed", "With --backend: the server's noise seed; left out, the image's own.");
        var force = new Option<bool>("--force") { Description = "Overwrite an existing output file." };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("upscale", "Upscale one image with an AI model over seamless tiles; the output streams to disk, so it may be far larger than memory.")
        {
            input, output, model, quality, denoise, scale, longEdge, passes, tile, alpha, device, threads, force, maxPixels,
        };
        foreach (var option in new[] { server.Backend, prompt, negative, diffusionDenoise, diffusionTile, seed }) command.Options.Add(option);
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var startUp = DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime;
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            var backend = server.Server(parse, prompt, negative, diffusionDenoise, diffusionTile, seed);
            var upscale = keys.Bind(parse, DiffusionOptions.Settings(backend));
            var options = new SingleImageOptions(parse.GetValue(force), new LoadLimits(parse.GetValue(maxPixels)),
                Notices: new SyncProgress<string>(m => Console.Error.WriteLine(m)));
            IReadOnlyList<SingleImageFile> written = [];
            WithProgress(progress => written = SingleImage.Run(inPath, outPath, new Recipe { Version = Recipe.CurrentVersion, Backends = backend is null ? null : [backend], Upscale = upscale }, options, progress, cancel));
            var file = written[0];
            foreach (var w in file.Warnings) Console.Error.WriteLine($"warning: {w}");
            Console.WriteLine($"wrote {file.Path} ({file.Width}×{file.Height})");
            if (parse.GetValue(CommonOptions.Verbose)) PrintTimings(startUp, file.Stage("upscale").Report.Measurements);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    // Where the seconds of a run went, for profiling the whole process from file to file.
    private static void PrintTimings(TimeSpan startUp, IReadOnlyDictionary<string, double> m)
    {
        var total = (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalSeconds;
        double stage = m["seconds"], model = m["model_seconds"], setup = m["setup_seconds"];
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"timing: {total:0.00} s in all: start-up {startUp.TotalSeconds:0.00} s, decode, recipe and commit {total - startUp.TotalSeconds - stage:0.00} s, " +
            $"model set-up and colour {setup:0.00} s, tiles {model:0.00} s, encode {stage - setup - model:0.00} s"));
        Console.Error.WriteLine(string.Join(" ", m.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:0.###}"))));
    }

    private static void WithProgress(Action<IProgress<StageProgress>> run)
    {
        if (Console.IsErrorRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var (lastTenth, lastStep) = (-1, "");
            run(new SyncProgress<StageProgress>(p =>
            {
                if (p.Step.Length == 0) return;
                // A line per tenth of the work and per pass, not per tile.
                var tenth = (int)(10 * p.Fraction);
                if (tenth == lastTenth && p.Step == lastStep) return;
                (lastTenth, lastStep) = (tenth, p.Step);
                Console.Error.WriteLine($"{p.Step}: {p.Detail}");
            }));
            return;
        }
        AnsiConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("upscale", maxValue: 1);
                run(new SyncProgress<StageProgress>(p =>
                {
                    if (p.Step.Length == 0) return;
                    task.Description = $"{p.Step}: {p.Detail}";
                    task.Value = p.Fraction;
                }));
            });
    }
}
