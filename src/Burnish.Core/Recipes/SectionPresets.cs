using System.Reflection;
using Burnish.IO;
using Burnish.Schema;

namespace Burnish.Recipes;

/// <summary>
/// Loads the presets a section declares with <see cref="PresetsAttribute"/> (the grade's looks): a shipped name, read
/// from the stage's embedded YAML, or a path to a user's YAML file; either is validated like a recipe.
/// </summary>
public static class SectionPresets
{
    public static IReadOnlyList<string> Names<T>() => Declared(typeof(T)).Names;

    public static T Load<T>(string name) where T : class => (T)Load(typeof(T), name);

    public static object Load(Type section, string name) => Load(section, name, []);

    /// <summary>Loads a preset inside <paramref name="chain"/>, the preset files already being loaded (outermost first).</summary>
    internal static object Load(Type section, string name, IReadOnlyList<string> chain)
    {
        if (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(name) && !Directory.Exists(name)) throw new BurnishException($"preset file '{PathText.Show(name)}' not found");
            // A look may start from another look; one that comes back to itself would recurse until the stack overflowed.
            var key = Path.GetFullPath(name);
            if (chain.Contains(key))
                throw new BurnishException($"look presets form a cycle: {string.Join(" → ", chain.Append(key).Select(PathText.Show))}");
            if (chain.Count >= InputLimits.Default.MaxPresetChain)
                throw new BurnishException($"looks nested more than {InputLimits.Default.MaxPresetChain} deep through 'preset:'");
            return RecipeReader.ParseSection(section, TextFiles.ReadAllText(name, InputLimits.Default.MaxTextFileBytes), name, [.. chain, key]);
        }
        return RecipeReader.ParseSection(section, Text(section, name), $"preset:{name}", chain);
    }

    /// <summary>The YAML of a shipped preset; its first line is a comment that says what the preset does.</summary>
    public static string Text<T>(string name) => Text(typeof(T), name);

    private static string Text(Type section, string name)
    {
        var declared = Declared(section);
        if (!declared.Names.Contains(name))
        {
            var hint = Schema.Names.Closest(name, declared.Names);
            throw new BurnishException($"unknown preset '{name}'" + (hint is null ? $"; presets: {string.Join(", ", declared.Names)}" : $"; did you mean '{hint}'?"));
        }
        using var stream = section.Assembly.GetManifestResourceStream($"{declared.ResourcePrefix}.{name}.yaml")
            ?? throw new InvalidOperationException($"preset resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static PresetsAttribute Declared(Type section) =>
        section.GetCustomAttribute<PresetsAttribute>() ?? throw new ArgumentException($"{section.Name} declares no presets", nameof(section));
}
