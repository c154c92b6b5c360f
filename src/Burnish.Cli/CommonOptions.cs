using System.Text;
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

    /// <summary>The settings a run lays over its recipe: the look as grade.preset, then the --set keys.</summary>
    public static IReadOnlyList<string> Overrides(string? look, IReadOnlyList<string>? sets) =>
        look is null ? sets ?? [] : [$"grade.preset={ImageOutput.Quote(look)}", .. sets ?? []];

    /// <summary>The recipe a run uses: the file, else the preset, else the default preset.</summary>
    public static RecipeSource LoadRecipe(string? file, string? preset) => LoadRecipe(file, preset, []);

    /// <param name="sets">Recipe keys set on top, as --set KEY=VALUE (dotted keys, YAML values).</param>
    public static RecipeSource LoadRecipe(string? file, string? preset, IReadOnlyList<string> sets)
    {
        if (file is not null && preset is not null)
            throw new BurnishException("give either --recipe or --preset, not both");
        var (recipe, origin, shown) = file is not null
            ? (RecipeReader.Read(file), Path.GetFullPath(file), file)
            : (RecipePresets.Load(preset ?? RecipePresets.Default), $"preset:{preset ?? RecipePresets.Default}", $"preset {preset ?? RecipePresets.Default}");
        if (sets.Count > 0)
        {
            var based = recipe;
            recipe = ParseSettings(null, sets, s => $"--set {s}", yaml => RecipeReader.Override(based, yaml, "command line"));
            origin += " " + string.Join(' ', sets.Select(s => $"--set {s}"));
        }
        // Everything the recipe names outside itself resolves now, in one line, before any image is touched.
        var problems = RecipeResources.Problems(recipe);
        if (problems.Count > 0) throw new BurnishException($"{shown}: {string.Join("; ", problems)}");
        return new RecipeSource(recipe, origin);
    }

    /// <summary>Turns key=value settings into a YAML mapping, so they are validated exactly like a recipe's section.</summary>
    public static string SettingsYaml(string? preset, IEnumerable<string> settings) => SettingsDocument(preset, settings).Yaml;

    /// <summary>
    /// Reads key=value settings (dotted for nested keys) as a recipe section of type <typeparamref name="T"/>, validated
    /// like a recipe. A problem is labelled with the setting it came from (<paramref name="source"/> of "key=value":
    /// "option --crops", "setting exposure=9"), never with a line of the YAML text the user did not write.
    /// </summary>
    public static T ParseSettings<T>(string? preset, IReadOnlyList<string> settings, Func<string, string> source) where T : class =>
        ParseSettings(preset, settings, source, yaml => RecipeReader.ParseSection<T>(yaml, "command line"));

    /// <summary>As above, with the YAML read by <paramref name="read"/> (recipe overrides, say).</summary>
    public static T ParseSettings<T>(string? preset, IReadOnlyList<string> settings, Func<string, string> source, Func<string, T> read)
    {
        var document = SettingsDocument(preset, settings);
        try
        {
            return read(document.Yaml);
        }
        catch (RecipeException e)
        {
            throw new BurnishException(string.Join("; ", e.Problems.Select(p => Locate(p, document, source))));
        }
    }

    /// <summary>The option a setting came from: the key's last part, snake_case as kebab (target.long_edge → option --long-edge).</summary>
    public static string OptionFor(string setting) => "option --" + setting[..setting.IndexOf('=')].Split('.')[^1].Replace('_', '-');

    private static string Locate(RecipeProblem problem, SettingsText document, Func<string, string> source)
    {
        if (problem.Line < 1 || problem.Line > document.Lines.Count) return problem.Message;
        var (setting, key) = document.Lines[problem.Line - 1];
        var label = setting is null ? (key == "preset" ? "option --preset" : $"settings under '{key}'") : source(setting);
        // The binder starts a value's message with its key path, which the label already names.
        var message = problem.Message.StartsWith(key + ": ", StringComparison.Ordinal) ? problem.Message[(key.Length + 2)..] : problem.Message;
        return $"{label}: {message}";
    }

    /// <summary>The YAML text and, per line, the setting written on it (null for a mapping line) and its dotted key.</summary>
    private sealed record SettingsText(string Yaml, IReadOnlyList<(string? Setting, string Key)> Lines);

    private static SettingsText SettingsDocument(string? preset, IEnumerable<string> settings)
    {
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        if (preset is not null) root["preset"] = ("preset=" + preset, preset);
        foreach (var setting in settings)
        {
            var eq = setting.IndexOf('=');
            if (eq <= 0) throw new BurnishException($"'{setting}' is not key=value");
            var path = setting[..eq].Split('.');
            var node = root;
            foreach (var part in path[..^1])
            {
                if (!node.TryGetValue(part, out var child) || child is not SortedDictionary<string, object> dict)
                    node[part] = dict = new SortedDictionary<string, object>(StringComparer.Ordinal);
                node = dict;
            }
            node[path[^1]] = (setting, setting[(eq + 1)..]);
        }
        var yaml = new StringBuilder();
        var lines = new List<(string?, string)>();
        void Write(SortedDictionary<string, object> map, int indent, string prefix)
        {
            foreach (var (key, value) in map)
            {
                yaml.Append(' ', indent).Append(key).Append(':');
                if (value is SortedDictionary<string, object> child)
                {
                    yaml.AppendLine();
                    lines.Add((null, prefix + key));
                    Write(child, indent + 2, prefix + key + ".");
                }
                else
                {
                    var (setting, text) = ((string, string))value;
                    yaml.Append(' ').AppendLine(text);
                    lines.Add((key == "preset" && prefix.Length == 0 ? null : setting, prefix + key));
                }
            }
        }
        Write(root, 0, "");
        return new SettingsText(yaml.ToString(), lines);
    }

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
