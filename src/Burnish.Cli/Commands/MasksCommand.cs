using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Burnish.Detection;
using Burnish.Detection.Hands;
using Burnish.Imaging;
using Burnish.Models;
using Burnish.Pipeline;
using Burnish.Schema;
using Burnish.Stages.Repair.TextMask;

namespace Burnish.Cli.Commands;

/// <summary><c>burnish masks</c>: writes the automatic masks of one image, and a preview, before anything is repaired.</summary>
public static class MasksCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("image") { Description = "The image to look at." };
        var auto = new Option<string>("--auto")
        {
            Description = "What to find, comma-separated: face, text (text as repair --auto text would mask it, faces kept out), hands, person, subject, background (ISNet, opt-in: burnish models fetch isnet).",
            Required = true,
        };
        var output = new Option<string>("--output", "-o") { Description = "The mask, a grey PNG: white = masked.", Required = true };
        var overlay = new Option<string?>("--overlay") { Description = "Also write a preview (.jpg or .png): the image with the mask tinted red and each region's box drawn." };
        var part = new Option<string>("--part") { Description = "Which part of each face: face, eyes, mouth or skin.", DefaultValueFactory = _ => "face" };
        var minScore = new Option<double>("--min-score") { Description = "Score a face needs (0.3–0.99).", DefaultValueFactory = _ => FaceMaskParams.Default.MinScore };
        var flip = new Option<bool>("--flip") { Description = "Also look at the mirrored image (finds more drawn faces; twice the time)." };
        var noMesh = new Option<bool>("--no-mesh") { Description = "Outline faces by BlazeFace's ellipses, without fitting the face mesh." };
        var meshScore = new Option<double>("--mesh-score") { Description = "Face confidence (0–1) the face mesh needs for its outline to be used (else the ellipse).", DefaultValueFactory = _ => FaceMaskParams.Default.MeshScore };
        var handScore = new Option<double>("--hand-score") { Description = "Score a palm needs before its landmarks are checked (0.1–0.99).", DefaultValueFactory = _ => HandMaskParams.Default.MinScore };
        var textOnFaces = new Option<bool>("--text-on-faces") { Description = "With --auto text: let the text mask cover faces too (by default faces are kept out)." };
        var json = new Option<bool>("--json") { Description = "Print the regions as JSON." };
        var force = new Option<bool>("--force") { Description = "Overwrite existing output files (never the input)." };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("masks", "Find faces, hands, people, text, the subject or the background and write the mask (and a preview), to check what a repair or cleanup would touch.")
        {
            input, auto, output, overlay, part, minScore, flip, noMesh, meshScore, handScore, textOnFaces, json, force, maxPixels,
        };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var kinds = Kinds(parse.GetValue(auto)!);
            var outPath = parse.GetValue(output)!;
            if (!outPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new BurnishException($"-o {outPath}: the mask is written as PNG; name it .png");
            var preview = parse.GetValue(overlay);
            if (preview is not null && Path.GetExtension(preview).ToLowerInvariant() is not (".jpg" or ".jpeg" or ".png"))
                throw new BurnishException($"--overlay {preview}: the preview is a .jpg or .png");
            var score = parse.GetValue(minScore);
            if (score is < 0.3 or > 0.99) throw new BurnishException(string.Create(CultureInfo.InvariantCulture, $"--min-score must be a number in 0.3..0.99, got {score}"));
            var fitScore = parse.GetValue(meshScore);
            if (fitScore is < 0 or > 1) throw new BurnishException(string.Create(CultureInfo.InvariantCulture, $"--mesh-score must be a number in 0..1, got {fitScore}"));
            var face = new FaceMaskParams { Part = Part(parse.GetValue(part)!), MinScore = score, Flip = parse.GetValue(flip), Mesh = !parse.GetValue(noMesh), MeshScore = fitScore };
            var palmScore = parse.GetValue(handScore);
            if (palmScore is < 0.1 or > 0.99) throw new BurnishException(string.Create(CultureInfo.InvariantCulture, $"--hand-score must be a number in 0.1..0.99, got {palmScore}"));
            var text = TextMaskParams.Default with { ProtectFaces = !parse.GetValue(textOnFaces) };
            var notices = new SyncProgress<string>(m => Console.Error.WriteLine(m));
            var result = MaskPreview.Run(parse.GetValue(input)!, outPath, preview, kinds, face, text, new ModelCache(ModelCache.DefaultRoot()),
                new LoadLimits(parse.GetValue(maxPixels)), parse.GetValue(force), notices, cancel, HandMaskParams.Default with { MinScore = palmScore });
            foreach (var w in result.Warnings) Console.Error.WriteLine($"warning: {w}");
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { width = result.Width, height = result.Height, masked_pixels = result.MaskedPixels, ms = result.Ms, face_ms = result.FaceMs, hand_ms = result.HandMs, subject_ms = result.SubjectMs, subject_cpu_ms = result.SubjectCpuMs, regions = result.Regions, models = result.Models }, Lineage.Json));
                return Task.FromResult(ExitCodes.Ok);
            }
            foreach (var r in result.Regions)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Kind,-9} box {r.Box[0]},{r.Box[1]},{r.Box[2]},{r.Box[3]}  score {r.Score:0.000}  {r.Pixels} px{(r.Outline is null ? "" : $"  outline {r.Outline}")}{(r.MeshScore is { } m ? $" (mesh {m:0.000})" : "")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {outPath}{(preview is null ? "" : $" and {preview}")} ({result.Width}×{result.Height}): {result.Regions.Count} regions, {100.0 * result.MaskedPixels / ((double)result.Width * result.Height):0.##} % masked, {result.Ms / 1000:0.00} s"));
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static List<MaskKind> Kinds(string text)
    {
        var known = Enum.GetValues<MaskKind>().ToDictionary(k => Names.EnumValue(k), k => k);
        var kinds = new List<MaskKind>();
        foreach (var word in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (known.TryGetValue(word, out var k)) { if (!kinds.Contains(k)) kinds.Add(k); continue; }
            var hint = Names.Closest(word, known.Keys);
            throw new BurnishException($"--auto '{word}' is not one of {string.Join(", ", known.Keys)}" + (hint is null ? "" : $"; did you mean '{hint}'?"));
        }
        return kinds.Count > 0 ? kinds : throw new BurnishException($"--auto is empty; give one or more of {string.Join(", ", known.Keys)}");
    }

    private static FacePart Part(string text)
    {
        var known = Enum.GetValues<FacePart>().ToDictionary(k => Names.EnumValue(k), k => k);
        if (known.TryGetValue(text, out var p)) return p;
        var hint = Names.Closest(text, known.Keys);
        throw new BurnishException($"--part '{text}' is not one of {string.Join(", ", known.Keys)}" + (hint is null ? "" : $"; did you mean '{hint}'?"));
    }
}
