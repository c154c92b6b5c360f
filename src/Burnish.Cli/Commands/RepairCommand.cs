using System.CommandLine;
using System.Globalization;
using System.Reflection;
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
        var mask = new Option<string?>("--mask") { Description = "A mask image, white = repair (any size: it is stretched to the image)." };
        var alpha = new Option<bool>("--alpha") { Description = "Take the mask from the image's transparency: transparent = repair." };
        var box = new Option<string[]>("--box") { Description = "A box to repair, x,y,width,height in pixels or percentages (10%); repeatable.", AllowMultipleArgumentsPerToken = false };
        var ellipse = new Option<string[]>("--ellipse") { Description = "An ellipse to repair, centre-x,centre-y,radius-x,radius-y in pixels or percentages; repeatable." };
        var invert = new Option<bool>("--invert") { Description = "Read the mask image the other way round: black = repair." };
        var method = new Option<string>("--method") { Description = "fill (content-aware, the default), telea (thin scratches), onnx (a learned inpainting model, --model) diffusion (your own Stable Diffusion server, --backend) or restore (your own A1111 server's face restorer, --model gfpgan|codeformer, --backend).", DefaultValueFactory = _ => "fill" };
        var auto = new Option<string?>("--auto") { Description = "Find the mask automatically: text (captions, signatures and known visible watermarks; faces are kept out) face (every face found) hands (every hand found, the hull of its landmarks grown), person (the people, soft-edged), subject or background (ISNet, opt-in: burnish models fetch isnet)." };
        var model = new Option<string?>("--model") { Description = "With --method onnx: a LaMa or MI-GAN ONNX export; with --method restore: gfpgan or codeformer." };
        var feather = new Option<double>("--feather") { Description = "Soften the mask's edge outwards, Gaussian sigma in pixels." };
        var grow = new Option<double>("--grow") { Description = "Grow the mask by this many pixels." };
        var shrink = new Option<double>("--shrink") { Description = "Shrink the mask by this many pixels." };
        var seed = new Option<int>("--seed") { Description = "Seed of the fill (the same seed gives the same pixels), or with --method diffusion the noise seed (default: the image's own)." };
        var backend = new Option<string?>("--backend") { Description = "With --method diffusion: the server, KIND=URL or NAME=KIND=URL, such as a1111=http://127.0.0.1:7860 (docs/diffusion.md)." };
        var prompt = new Option<string?>("--prompt") { Description = "With --method diffusion: what the region should show; it comes before the image's own prompt." };
        var negative = new Option<string?>("--negative") { Description = "With --method diffusion: what the region should not show; before the image's own negative prompt." };
        var denoise = new Option<double?>("--denoise") { Description = $"With --method diffusion: denoising strength 0–1 (0.5–0.8 for a fix; default {DiffusionMethod.DefaultDenoise})." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing output file (never the input)." };
        var maxPixels = CommonOptions.MaxPixels();

        var command = new Command("repair", "Repair one image: fill what a mask, boxes, ellipses or the automatic text mask cover, from the image's own content or a learned model.")
        {
            input, output, mask, alpha, auto, box, ellipse, invert, method, model, feather, grow, shrink, seed, backend, prompt, negative, denoise, force, maxPixels,
        };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            OutputKind.For(outPath);
            foreach (var (name, key, value) in new[] { ("--feather", "feather", parse.GetValue(feather)), ("--grow", "grow", parse.GetValue(grow)),
                         ("--shrink", "shrink", parse.GetValue(shrink)), ("--seed", "seed", parse.GetValue(seed)) })
                CheckRange(name, key, value);
            if (parse.GetValue(denoise) is { } d) CheckRange("--denoise", "denoise", d);
            var chosen = Method(parse.GetValue(method)!);
            var server = parse.GetValue(backend) is { } b ? BackendSpec.Parse(b) : null;
            var diffusion = chosen == RepairMethod.Diffusion;
            var pass = new RepairPass
            {
                Mask = parse.GetValue(mask),
                Invert = parse.GetValue(invert),
                Alpha = parse.GetValue(alpha),
                Boxes = Shapes("--box", parse.GetValue(box)),
                Ellipses = Shapes("--ellipse", parse.GetValue(ellipse)),
                Feather = parse.GetValue(feather),
                Grow = parse.GetValue(grow),
                Shrink = parse.GetValue(shrink),
                Method = chosen,
                Auto = parse.GetValue(auto) switch
                {
                    null => null,
                    "text" => AutoMask.Text,
                    "face" => AutoMask.Face,
                    "hands" => AutoMask.Hands,
                    "person" => AutoMask.Person,
                    "subject" => AutoMask.Subject,
                    "background" => AutoMask.Background,
                    var other => throw new BurnishException($"--auto '{other}' is not known; the automatic masks are text, face, hands, person, subject and background"),
                },
                Model = parse.GetValue(model),
                // The diffusion seed is the image's own unless given; the fill's is 0 unless given.
                Seed = diffusion ? 0 : parse.GetValue(seed),
                Backend = server?.Name,
                Prompt = parse.GetValue(prompt),
                Negative = parse.GetValue(negative),
                Denoise = parse.GetValue(denoise),
                Diffusion = diffusion && parse.GetResult(seed) is not null ? new DiffusionParams { Seed = parse.GetValue(seed) } : null,
            };
            var limits = new LoadLimits(parse.GetValue(maxPixels));
            var problems = pass.Problems().Select(p => p.Message.Replace("backend: the name of one of the recipe's backends", "--backend KIND=URL", StringComparison.Ordinal)).ToList();
            if (problems.Count > 0)
                throw new BurnishException(string.Join("; ", problems).Replace("a mask: mask (an image file), alpha: true, auto: text, face, hands, person, subject or background, boxes or ellipses", "a mask: --mask, --alpha, --auto text, face, hands, person, subject or background, --box or --ellipse", StringComparison.Ordinal));
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

    // Each comma-separated part is a Length, parsed here once; the count and signs are checked with the pass.
    private static List<IReadOnlyList<Length>>? Shapes(string option, string[]? specs) =>
        specs is null || specs.Length == 0 ? null : [.. specs.Select(s => (IReadOnlyList<Length>)[.. s.Split(',').Select(part =>
            Length.TryParse(part, out var length, out var problem) ? length : throw new BurnishException($"{option} '{s}': {problem}"))])];

    // The option's bounds are the recipe key's, declared once on RepairPass.
    private static void CheckRange(string option, string key, double value)
    {
        var range = RecipeKeys.Of(typeof(RepairPass))[key].GetCustomAttribute<RangeAttribute>()!;
        if (value < range.Min || value > range.Max)
            throw new BurnishException(string.Create(CultureInfo.InvariantCulture, $"{option} must be a number in {range.Min}..{range.Max}, got {value}"));
    }

    private static RepairMethod Method(string text)
    {
        var options = Enum.GetValues<RepairMethod>().ToDictionary(m => Names.EnumValue(m), m => m);
        if (options.TryGetValue(text, out var m)) return m;
        var hint = Names.Closest(text, options.Keys);
        throw new BurnishException($"--method '{text}' is not one of {string.Join(", ", options.Keys)}" + (hint is null ? "" : $"; did you mean '{hint}'?"));
    }
}
