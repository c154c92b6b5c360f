using System.CommandLine;
using Burnish.IO;
using Burnish.Recipes;

namespace Burnish.Cli.Commands;

public static class RecipeCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Where to write the recipe ('-' for standard output).", DefaultValueFactory = _ => "burnish.yaml" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        var preset = CommonOptions.Preset();
        var init = new Command("init", "Write a commented recipe (the default preset, or --preset) with every key explained.") { file, force, preset };
        init.SetAction((parse, _) => CommonOptions.Guard(parse, () =>
        {
            var text = RecipeTemplate.Write(RecipePresets.Load(parse.GetValue(preset) ?? RecipePresets.Default));
            var path = parse.GetValue(file)!;
            if (path == "-")
            {
                Console.Write(text);
                return Task.FromResult(ExitCodes.Ok);
            }
            if (File.Exists(path) && !parse.GetValue(force))
                throw new BurnishException($"{path}: already exists (use --force to overwrite)");
            AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), overwrite: true);
            Console.WriteLine($"wrote {path}");
            return Task.FromResult(ExitCodes.Ok);
        }));

        var target = new Argument<string>("file") { Description = "The recipe to check." };
        var validate = new Command("validate", "Check a recipe; print every problem with its line and column.") { target };
        validate.SetAction((parse, _) => CommonOptions.Guard(parse, () =>
        {
            var path = parse.GetValue(target)!;
            try
            {
                var recipe = RecipeReader.Read(path);
                // The recipe reads; now what it names (model, LUT, masks) must resolve too, as finish needs them.
                var unresolved = RecipeResources.Problems(recipe);
                if (unresolved.Count > 0)
                {
                    foreach (var p in unresolved) Console.Error.WriteLine($"{path}: {p}");
                    Console.Error.WriteLine($"{path}: {unresolved.Count} problem(s)");
                    return Task.FromResult(ExitCodes.BadInput);
                }
                Console.WriteLine($"{path}: valid (recipe sha256 {RecipeReader.Hash(recipe)[..12]}, {recipe.Export.Copies.Count} copies)");
                return Task.FromResult(ExitCodes.Ok);
            }
            catch (RecipeException e)
            {
                foreach (var p in e.Problems) Console.Error.WriteLine(p);
                Console.Error.WriteLine($"{path}: {e.Problems.Count} problem(s)");
                return Task.FromResult(ExitCodes.BadInput);
            }
        }));
        var markdown = new Option<string?>("--markdown") { Description = $"Write the Markdown reference to this file ('-' for standard output), as {RecipeReference.DocPath} is made." };
        var keys = new Command("keys", "List every recipe key with its values, default and meaning.") { markdown };
        keys.SetAction((parse, _) => CommonOptions.Guard(parse, () =>
        {
            var path = parse.GetValue(markdown);
            if (path is null) Console.Write(RecipeReference.WriteText());
            else if (path == "-") Console.Write(RecipeReference.WriteMarkdown());
            else
            {
                // The reference is regenerated in place, so an existing file is replaced.
                AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(RecipeReference.WriteMarkdown()), overwrite: true);
                Console.WriteLine($"wrote {path}");
            }
            return Task.FromResult(ExitCodes.Ok);
        }));
        return new Command("recipe", "Write or check recipes, or list their keys.") { init, validate, keys };
    }
}
