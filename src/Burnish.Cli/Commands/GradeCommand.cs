using System.CommandLine;
using Burnish.Imaging;
using Burnish.IO;
using Burnish.Recipes;
using Burnish.Stages.Export;
using Burnish.Stages.Grade;
using Burnish.Stages.Grade.Lut;

namespace Burnish.Cli.Commands;

public static class GradeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The image to grade." };
        var settings = new Argument<string[]>("settings")
        {
            Description = "Grade keys as key=value, dotted for nested keys: exposure=0.3 tone.contrast=0.1 split_tone.shadows.hue=200",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var output = new Option<string>("--output", "-o") { Description = "Output file: .png/.tif are 16-bit Display P3, .jpg/.webp/.avif 8-bit sRGB.", Required = true };
        var lut = new Option<string?>("--lut") { Description = "A creative LUT (.cube or HaldCLUT .png/.tif); same as lut.file=FILE." };
        var preset = new Option<string?>("--preset") { Description = $"A look to start from: {string.Join(", ", SectionPresets.Names<GradeParams>())}, or a YAML file of grade keys." };
        var sheet = new Option<bool>("--contact-sheet") { Description = "Write the input under every shipped look, labelled, instead of grading." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing output file." };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("grade", "Grade one image (or make a contact sheet of the looks).") { input, settings, output, preset, lut, sheet, force, maxPixels };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            if (Path.GetFullPath(inPath) == Path.GetFullPath(outPath)) throw new BurnishException($"{outPath}: would overwrite the input");
            if (File.Exists(outPath) && !parse.GetValue(force)) throw new BurnishException($"{outPath}: already exists (use --force to overwrite)");
            var keys = (parse.GetValue(settings) ?? []).Concat(parse.GetValue(lut) is { } file ? [$"lut.file={file}"] : []).ToList();
            var grade = CommonOptions.ParseSettings<GradeParams>(parse.GetValue(preset), keys, s => s.StartsWith("lut.file=", StringComparison.Ordinal) ? "option --lut" : $"setting {s}");
            var look = grade.Lut is { } l ? LutFile.Load(l.File) : null;
            var image = ImageLoader.Load(inPath, new LoadLimits(parse.GetValue(maxPixels))).Image;
            WorkImage result;
            if (parse.GetValue(sheet))
                result = ContactSheet.Render(image, [.. SectionPresets.Names<GradeParams>().Where(n => n != "neutral").Select(n => (n, SectionPresets.Load<GradeParams>(n)))], cancel: cancel);
            else
            {
                var (graded, report) = Grade.Apply(image, grade, look, cancel);
                foreach (var w in report.Warnings) Console.Error.WriteLine($"warning: {w}");
                result = graded;
            }
            Write(result, outPath, parse.GetValue(force));
            Console.WriteLine($"wrote {outPath} ({result.Width}×{result.Height})");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static void Write(WorkImage image, string path, bool overwrite)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        using var transaction = new IO.OutputTransaction(overwrite);
        switch (ext)
        {
            case ".png" or ".tif" or ".tiff":
                var p3 = ColourSpaces.Convert(image, ShippedProfiles.DisplayP3);
                transaction.Stage(path, temp => ImageFiles.Save16(p3, ext == ".png" ? MasterFormat.Png : MasterFormat.Tiff, OutputMetadata.Bare(72), temp));
                break;
            case ".jpg" or ".jpeg" or ".webp" or ".avif":
                var format = ext switch { ".webp" => CopyFormat.Webp, ".avif" => CopyFormat.Avif, _ => CopyFormat.Jpeg };
                var srgb = ColourSpaces.Convert(image, ShippedProfiles.Srgb);
                transaction.StageBytes(path, ImageFiles.Encode8(srgb, format, 92, 4, OutputMetadata.Bare(72)));
                break;
            default:
                throw new BurnishException($"{path}: unsupported output type '{ext}' (png, tif, jpg, webp or avif)");
        }
        transaction.Commit(CancellationToken.None);
    }
}
