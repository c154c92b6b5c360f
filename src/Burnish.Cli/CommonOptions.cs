using System.Text;
using System.CommandLine;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;

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

    public static Option<string?> Recipe() => new("--recipe", "-r") { Description = "Recipe file (YAML or JSON)." };

    public static Option<string?> Preset() => new("--preset")
    {
        Description = $"A shipped recipe: {string.Join(", ", RecipePresets.Names)}.",
    };

    /// <summary>The recipe a run uses: the file, else the preset, else the default preset.</summary>
    public static RecipeSource LoadRecipe(string? file, string? preset)
    {
        if (file is not null && preset is not null)
            throw new BurnishException("give either --recipe or --preset, not both");
        if (file is not null) return new RecipeSource(RecipeReader.Read(file), Path.GetFullPath(file));
        var name = preset ?? RecipePresets.Default;
        return new RecipeSource(RecipePresets.Load(name), $"preset:{name}");
    }

    /// <summary>Turns key=value settings into a YAML mapping, so they are validated exactly like a recipe's grade section.</summary>
    public static string SettingsYaml(string? preset, IEnumerable<string> settings)
    {
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        if (preset is not null) root["preset"] = preset;
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
            node[path[^1]] = setting[(eq + 1)..];
        }
        var yaml = new StringBuilder();
        void Write(SortedDictionary<string, object> map, int indent)
        {
            foreach (var (key, value) in map)
            {
                yaml.Append(' ', indent).Append(key).Append(':');
                if (value is SortedDictionary<string, object> child) { yaml.AppendLine(); Write(child, indent + 2); }
                else yaml.Append(' ').AppendLine((string)value);
            }
        }
        Write(root, 0);
        return yaml.ToString();
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
