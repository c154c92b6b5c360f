using Burnish.IO;
using Burnish.Recipes;

namespace Burnish.Stages.Grade;

/// <summary>
/// Named looks that ship with Burnish (embedded YAML of grade keys, validated like a recipe), and user presets:
/// any path to a YAML file of grade keys.
/// </summary>
public sealed class GradePresets : IPresetSource
{
    public static IReadOnlyList<string> Names { get; } = ["neutral", "warm-golden", "cool-moody", "cinematic-split", "soft-film"];

    object IPresetSource.Load(string name, IReadOnlyList<string> chain) => Load(name, chain);

    public static GradeParams Load(string name) => Load(name, []);

    private static GradeParams Load(string name, IReadOnlyList<string> chain)
    {
        if (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(name) && !Directory.Exists(name)) throw new BurnishException($"grade preset file '{PathText.Show(name)}' not found");
            // A look may start from another look; one that comes back to itself would recurse until the stack overflowed.
            var key = Path.GetFullPath(name);
            if (chain.Contains(key))
                throw new BurnishException($"look presets form a cycle: {string.Join(" → ", chain.Append(key).Select(PathText.Show))}");
            if (chain.Count >= InputLimits.Default.MaxPresetChain)
                throw new BurnishException($"looks nested more than {InputLimits.Default.MaxPresetChain} deep through 'preset:'");
            return RecipeReader.ParseSection<GradeParams>(TextFiles.ReadAllText(name, InputLimits.Default.MaxTextFileBytes), name, [.. chain, key]);
        }
        if (!Names.Contains(name))
        {
            var hint = Recipes.Names.Closest(name, Names);
            throw new BurnishException($"unknown grade preset '{name}'" + (hint is null ? $"; presets: {string.Join(", ", Names)}" : $"; did you mean '{hint}'?"));
        }
        using var stream = typeof(GradePresets).Assembly.GetManifestResourceStream($"Burnish.Grade.Presets.{name}.yaml")
            ?? throw new InvalidOperationException($"grade preset resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return RecipeReader.ParseSection<GradeParams>(reader.ReadToEnd(), $"grade-preset:{name}");
    }
}
