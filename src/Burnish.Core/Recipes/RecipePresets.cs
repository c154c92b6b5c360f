using Burnish.Schema;
namespace Burnish.Recipes;

/// <summary>Recipes that ship with Burnish, embedded as YAML and read through the same validation as a user's file.</summary>
public static class RecipePresets
{
    /// <summary>The preset <c>finish</c> and <c>demo</c> use when no recipe is given.</summary>
    public const string Default = "web-and-print";

    public static IReadOnlyList<string> Names { get; } = ["web-and-print", "web-only", "print-master", "draft"];

    public static string Text(string name)
    {
        if (!Names.Contains(name))
        {
            var hint = Schema.Names.Closest(name, Names);
            throw new BurnishException($"unknown preset '{name}'" + (hint is null ? $"; presets: {string.Join(", ", Names)}" : $"; did you mean '{hint}'?"));
        }
        using var stream = typeof(RecipePresets).Assembly.GetManifestResourceStream($"Burnish.Recipes.Presets.{name}.yaml")
            ?? throw new InvalidOperationException($"preset resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static Recipe Load(string name) => RecipeReader.Parse(Text(name), $"preset:{name}");
}
