using System.CommandLine;
using System.Globalization;
using Burnish.Backends;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages.Repair;
using Burnish.Stages.Repair.Diffusion;
using Burnish.Schema;

namespace Burnish.Cli.Commands;

/// <summary><c>burnish repair</c>: one repair pass on one image, written beside it as a new file.</summary>
public static class RepairCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The image to repair." };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Output file: .png (16-bit, the default choice) or .tif keep full precision; .jpg/.webp/.avif are 8-bit. The input's colour profile and metadata are kept.",
            Required = true,
        };
        var keys = new RecordOptions<RepairPass>();
        var mask = keys.Add("mask", "--mask", "A mask image, white = repair (any size: it is stretched to the image).");
        var alpha = keys.Add("alpha", "--alpha", "Take the mask from the image's transparency: transparent = repair.");
        var box = keys.Add("boxes", "--box", "A box to repair, x,y,width,height in pixels or percentages (10%); repeatable.");
        box.HelpName = "X,Y,W,H";
        var ellipse = keys.Add("ellipses", "--ellipse", "An ellipse to repair, centre-x,centre-y,radius-x,radius-y in pixels or percentages; repeatable.");
        ellipse.HelpName = "CX,CY,RX,RY";
        var invert = keys.Add("invert", "--invert", "Read the mask image the other way round: black = repair.");
        var method = keys.Add<RepairMethod>("method", "--method", "fill (content-aware), telea (thin scratches), onnx (a learned inpainting model, --model), diffusion (your own Stable Diffusion server, --backend) or restore (your own A1111 server's face restorer, --model gfpgan|codeformer, --backend).");
        var auto = keys.Add("auto", "--auto", $"Find the mask automatically: {AutoMasks(", ")}. Text covers captions, signatures and known visible watermarks, faces kept out.");
        var model = keys.Add("model", "--model", "With --method onnx: a LaMa or MI-GAN ONNX export; with --method restore: gfpgan or codeformer.");
        var feather = keys.Add("feather", "--feather", "Soften the mask's edge outwards, Gaussian sigma in pixels.");
        var grow = keys.Add("grow", "--grow", "Grow the mask by this many pixels.");
        var shrink = keys.Add("shrink", "--shrink", "Shrink the mask by this many pixels.");
        // The fill's seed is a key of the pass, the diffusion noise seed one of its diffusion settings: set by --method.
        var seed = new Option<int?>("--seed") { Description = "Seed of the fill (the same seed gives the same pixels), or with --method diffusion the noise seed (default: the image's own)." };
        var backend = new Option<string?>("--backend") { Description = "With --method diffusion or restore: the server, KIND=URL or NAME=KIND=URL, such as a1111=http://127.0.0.1:7860 (docs/diffusion.md)." };
        var prompt = keys.Add("prompt", "--prompt", "With --method diffusion: what the region should show; it comes before the image's own prompt.");
        var negative = keys.Add("negative", "--negative", "With --method diffusion: what the region should not show; before the image's own negative prompt.");
        var denoise = keys.Add("denoise", "--denoise", $"With --method diffusion: denoising strength, 0.5–0.8 for a fix; left out, {DiffusionMethod.DefaultDenoise}.");
        var force = new Option<bool>("--force") { Description = "Overwrite an existing output file (never the input)." };
        var maxPixels = CommonOptions.MaxPixels();

        var command = new Command("repair", "Repair one image: fill what a mask, boxes, ellipses or the automatic text mask cover, from the image's own content or a learned model.")
        {
            input, output, mask, alpha, auto, box, ellipse, invert, method, model, feather, grow, shrink, seed, backend, prompt, negative, denoise, force, maxPixels,
        };
        Require(command, mask, alpha, auto, box, ellipse, method, backend);
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            OutputKind.For(outPath);
            var server = parse.GetValue(backend) is { } b ? BackendSpec.Parse(b) : null;
            var diffusion = parse.GetValue(method) == RepairMethod.Diffusion;
            var more = new List<Setting>();
            if (parse.GetValue(seed) is { } s) more.Add(Setting.Given(diffusion ? "diffusion.seed" : "seed", s, "option --seed"));
            if (server is not null) more.Add(Setting.Text("backend", server.Name, "option --backend"));
            var pass = keys.Bind(parse, more);
            var limits = new LoadLimits(parse.GetValue(maxPixels));
            var written = SingleImage.Run(inPath, outPath, new Recipe { Version = Recipe.CurrentVersion, Backends = server is null ? null : [server], Repair = [pass] },
                new SingleImageOptions(parse.GetValue(force), limits), cancel: cancel)[0];
            foreach (var w in written.Warnings) Console.Error.WriteLine($"warning: {w}");
            var m = written.Stage("repair").Report.Measurements;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {written.Path} ({written.Width}×{written.Height}): {Names.EnumValue(pass.Method)}, {m["pass1.hole_percent"]:0.##} % of the image, {m["pass1.ms"] / 1000:0.00} s"));
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    // What the command line needs before anything runs: a mask source, and a server for diffusion and restore.
    private static void Require(Command command, Option mask, Option alpha, Option auto, Option box, Option ellipse, Option<RepairMethod> method, Option backend) =>
        command.Validators.Add(result =>
        {
            if (new[] { mask, alpha, auto, box, ellipse }.All(o => result.GetResult(o) is null))
                result.AddError($"a repair pass needs a mask: --mask, --alpha, --auto {AutoMasks(" or ")}, --box or --ellipse");
            if (CommandLine.ValueOrDefault(result, method) is RepairMethod.Diffusion or RepairMethod.Restore && result.GetResult(backend) is null)
                result.AddError($"method {Names.EnumValue(CommandLine.ValueOrDefault(result, method))} needs --backend KIND=URL");
        });

    private static string AutoMasks(string last)
    {
        var names = Values.EnumNames(typeof(AutoMask));
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))}{last}{names[^1]}";
    }
}
