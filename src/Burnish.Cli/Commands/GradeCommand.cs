using System.CommandLine;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Schema;
using Burnish.Stages.Export;
using Burnish.Stages.Grade;

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
        var output = new Option<string>("--output", "-o") { Description = "Output file: .png/.tif are 16-bit in the input's colour space (or --space), .jpg/.webp/.avif 8-bit sRGB; the input's metadata is kept.", Required = true };
        var space = new Option<MasterSpace?>("--space") { Description = $"Colour space of a .png/.tif result instead of the input's: {string.Join(", ", Values.EnumNames(typeof(MasterSpace)))}." };
        var lut = new Option<string?>("--lut") { Description = "A creative LUT (.cube or HaldCLUT .png/.tif); same as lut.file=FILE." };
        var preset = new Option<string?>("--preset") { Description = $"A look to start from: {string.Join(", ", SectionPresets.Names<GradeParams>())}, or a YAML file of grade keys." };
        var sheet = new Option<bool>("--contact-sheet") { Description = "Write the input under every shipped look, labelled, instead of grading." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing output file." };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("grade", "Grade one image (or make a contact sheet of the looks).") { input, settings, output, space, preset, lut, sheet, force, maxPixels };
        command.SetAction((parse, cancel) => CommonOptions.Guard(parse, () =>
        {
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            var profile = parse.GetValue(space) is { } chosen ? Export.MasterProfile(chosen) : null;
            var limits = new LoadLimits(parse.GetValue(maxPixels));
            if (parse.GetValue(sheet))
            {
                if (Path.GetFullPath(inPath) == Path.GetFullPath(outPath)) throw new BurnishException($"{outPath}: would overwrite the input");
                var image = ImageLoader.Load(inPath, limits).Image;
                var looks = SectionPresets.Names<GradeParams>().Where(n => n != "neutral").Select(n => (n, SectionPresets.Load<GradeParams>(n)));
                var contact = ContactSheet.Render(image, [.. looks], cancel: cancel);
                SingleImage.Write(contact, outPath, profile ?? image.Profile, parse.GetValue(force), cancel);
                Console.WriteLine($"wrote {outPath} ({contact.Width}×{contact.Height})");
                return Task.FromResult(ExitCodes.Ok);
            }
            var keys = CommonOptions.KeyValues(parse.GetValue(settings) ?? [], s => $"setting {s}").ToList();
            if (parse.GetValue(preset) is { } look) keys.Add(Setting.Text("preset", look, "option --preset"));
            if (parse.GetValue(lut) is { } file) keys.Add(Setting.Text("lut.file", file, "option --lut"));
            var grade = RecipeSettings.Bind<GradeParams>(keys);
            var written = SingleImage.Run(inPath, outPath, new Recipe { Version = Recipe.CurrentVersion, Grade = grade },
                new SingleImageOptions(parse.GetValue(force), limits, profile), cancel: cancel)[0];
            foreach (var w in written.Warnings) Console.Error.WriteLine($"warning: {w}");
            Console.WriteLine($"wrote {written.Path} ({written.Width}×{written.Height})");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
