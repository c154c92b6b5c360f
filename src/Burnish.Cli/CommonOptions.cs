using System.CommandLine;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Schema;
using Burnish.Stages.Grade;

namespace Burnish.Cli;

/// <summary>Options shared by several commands, and the one place that turns them into core objects.</summary>
public static class CommonOptions
{
    public static Option<bool> Verbose { get; } = new("--verbose") { Description = "Show stack traces for unexpected errors.", Recursive = true };

    public static Option<long> MaxPixels() => new("--max-pixels")
    {
        Description = "Refuse inputs with more pixels than this (default 16384×16384).",
        DefaultValueFactory = _ => LoadLimits.Default.MaxPixels,
    };

    public static Option<double?> StageTimeout() => new("--stage-timeout")
    {
        Description = $"Seconds one stage may take on one image; past it that image fails and the others go on (default {ImageBudget.DefaultStageTime.TotalSeconds:0}).",
        HelpName = "SECONDS",
    };

    public static Option<long?> MaxMemoryMb() => new("--max-memory-mb")
    {
        Description = "Working memory one image may need, estimated from its size and the recipe before decoding; a larger one is refused (default: 3/4 of the machine's memory shared by the images running at once).",
        HelpName = "MB",
    };

    /// <summary>The per-image budget for <paramref name="parallel"/> images at once, from the two options above.</summary>
    public static ImageBudget Budget(ParseResult parse, Option<double?> stageTimeout, Option<long?> maxMemory, int parallel)
    {
        var seconds = parse.GetValue(stageTimeout);
        var mb = parse.GetValue(maxMemory);
        if (seconds is <= 0) throw new BurnishException($"--stage-timeout must be more than 0 seconds, got {seconds}");
        if (mb is <= 0) throw new BurnishException($"--max-memory-mb must be at least 1, got {mb}");
        return ImageBudget.For(parallel, seconds is { } s ? TimeSpan.FromSeconds(s) : null, mb is { } m ? m << 20 : null);
    }

    public static Option<string?> Recipe() => new("--recipe", "-r") { Description = "Recipe file (YAML or JSON)." };

    public static Option<string?> Preset() => new("--preset")
    {
        Description = $"A shipped recipe: {string.Join(", ", RecipePresets.Names)}.",
    };

    /// <summary>The grade's look over the recipe; an unknown name is refused as the option's, before anything runs.</summary>
    public static Option<string?> Look()
    {
        var looks = SectionPresets.Names<GradeParams>();
        var look = new Option<string?>("--look")
        {
            Description = $"The grade's look on top of the recipe or preset (sets grade.preset): {string.Join(", ", looks)}, or a YAML file of grade keys.",
            HelpName = "NAME",
        };
        look.Check(name =>
        {
            if (name is null) return null;
            if (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                return File.Exists(name) ? null : $"look file '{name}' not found";
            if (looks.Contains(name)) return null;
            var hint = Names.Closest(name, looks);
            return $"unknown look '{name}'" + (hint is null ? $"; looks: {string.Join(", ", looks)}" : $"; did you mean '{hint}'?");
        });
        return look;
    }

    /// <summary>The recipe a run uses: the file, else the preset, else the default preset.</summary>
    public static RecipeSource LoadRecipe(string? file, string? preset) => LoadRecipe(file, preset, null, null);

    /// <param name="look">The grade's look over the recipe (grade.preset), from --look.</param>
    /// <param name="sets">Recipe keys set on top, as --set KEY=VALUE (dotted keys, each value a YAML scalar or flow list or mapping).</param>
    public static RecipeSource LoadRecipe(string? file, string? preset, string? look, IReadOnlyList<string>? sets)
    {
        if (file is not null && preset is not null)
            throw new BurnishException("give either --recipe or --preset, not both");
        var (recipe, origin, shown) = file is not null
            ? (RecipeReader.Read(file), Path.GetFullPath(file), file)
            : (RecipePresets.Load(preset ?? RecipePresets.Default), $"preset:{preset ?? RecipePresets.Default}", $"preset {preset ?? RecipePresets.Default}");
        var settings = new List<Setting>();
        if (look is not null) settings.Add(Setting.Text("grade.preset", look, "option --look"));
        settings.AddRange((sets ?? []).Select(s => Setting.FromKeyValue(s, (key, value) => Setting.Yaml(key, value, $"--set {s}"))));
        if (settings.Count > 0)
        {
            recipe = RecipeSettings.Override(recipe, settings);
            origin += (look is null ? "" : $" --look {look}") + string.Concat((sets ?? []).Select(s => $" --set {s}"));
        }
        // Everything the recipe names outside itself resolves now, in one line, before any image is touched.
        var problems = RecipeResources.Problems(recipe);
        if (problems.Count > 0) throw new BurnishException($"{shown}: {string.Join("; ", problems)}");
        return new RecipeSource(recipe, origin);
    }

    /// <summary>key=value arguments (dotted keys, YAML values), each named by itself in a problem: "setting exposure=9: …".</summary>
    public static IEnumerable<Setting> KeyValues(IEnumerable<string> arguments, Func<string, string> source) =>
        arguments.Select(a => Setting.FromKeyValue(a, (key, value) => Setting.Yaml(key, value, source(a))));

    /// <summary>Runs <paramref name="body"/>, turning expected failures into one line on stderr and an exit code.</summary>
    public static async Task<int> Guard(ParseResult parse, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (BurnishException e)
        {
            Console.Error.WriteLine($"burnish: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("burnish: cancelled; no partial files were left");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (!parse.GetValue(Verbose))
        {
            Console.Error.WriteLine($"burnish: unexpected error: {e.Message} (run with --verbose for details)");
            return ExitCodes.BadInput;
        }
    }
}
