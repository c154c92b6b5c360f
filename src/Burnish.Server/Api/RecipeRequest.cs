using Burnish.Recipes;
using Burnish.Stages.Grade;
using Burnish.Stages.Outpaint;
using YamlDotNet.RepresentationModel;
using Burnish.Imaging;

namespace Burnish.Server.Api;

/// <summary>A recipe as a client sends it: a preset name or recipe text, with an optional look and aspects laid over it.</summary>
public static class RecipeRequest
{
    /// <summary>Where problems in uploaded recipe text are located: line:col of the text as sent.</summary>
    public const string UploadedOrigin = "recipe";

    /// <summary>
    /// The recipe text that runs and where it came from. Throws <see cref="RecipeException"/> with every problem, or
    /// <see cref="BurnishException"/> for an unknown preset.
    /// </summary>
    public static (string Text, string Origin, Recipe Recipe) Resolve(string? preset, string? recipeText, string? look, IReadOnlyList<string> aspects)
    {
        if (preset is not null && recipeText is not null)
            throw new BurnishException("give either 'preset' or 'recipe', not both");
        var origin = recipeText is not null ? UploadedOrigin : $"preset:{preset ?? RecipePresets.Default}";
        var text = recipeText ?? RecipePresets.Text(preset ?? RecipePresets.Default);
        // Before anything reads the recipe: nothing it names is looked up on the server's disk.
        if (recipeText is not null && ServerFiles(recipeText) is { Count: > 0 } named) throw new RecipeException(named);
        // The text is validated as sent, so line:col point into what the client wrote.
        var recipe = RecipeReader.Parse(text, origin);
        if (look is null && aspects.Count == 0) return (text, origin, recipe);

        var problems = new List<RecipeProblem>();
        var looks = SectionPresets.Names<GradeParams>();
        if (look is not null && !looks.Contains(look))
            problems.Add(new RecipeProblem("look", 1, 1, $"unknown look '{look}'; looks: {string.Join(", ", looks)}"));
        var column = 1;
        foreach (var aspect in aspects)
        {
            if (!AspectRatio.TryParse(aspect, out _, out var problem))
                problems.Add(new RecipeProblem("aspects", 1, column, $"{aspect}: {problem}"));
            column += aspect.Length + 1;
        }
        if (problems.Count > 0) throw new RecipeException(problems);

        var overlaid = Overlay(text, look, aspects);
        var suffix = (look is null ? "" : $"+look:{look}") + (aspects.Count == 0 ? "" : $"+aspects:{string.Join(",", aspects)}");
        return (overlaid, origin + suffix, RecipeReader.Parse(overlaid, origin + suffix));
    }

    private static readonly string[] FileExtensions =
        [".yaml", ".yml", ".cube", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".avif", ".gif", ".onnx", ".param", ".bin", ".json"];

    /// <summary>
    /// Values in uploaded text that name a file (a LUT, a mask, a model, a look file): the service would read them from
    /// its own disk, so a client could probe the server's files. They are refused; shipped names still work.
    /// </summary>
    private static List<RecipeProblem> ServerFiles(string text)
    {
        // Through the recipe reader's shape checks: a tree built straight from the upload could be nested deep enough
        // to overflow the server's stack.
        var root = RecipeReader.Root(text, UploadedOrigin);
        var problems = new List<RecipeProblem>();
        void Walk(YamlNode node, string path)
        {
            switch (node)
            {
                case YamlMappingNode map:
                    foreach (var (key, value) in map.Children) Walk(value, path.Length == 0 ? $"{key}" : $"{path}.{key}");
                    break;
                case YamlSequenceNode list:
                    var i = 0;
                    foreach (var item in list.Children) Walk(item, $"{path}[{i++}]");
                    break;
                case YamlScalarNode { Value: { } value } scalar when value.Contains('/') || value.Contains('\\')
                    || FileExtensions.Any(e => value.EndsWith(e, StringComparison.OrdinalIgnoreCase)):
                    problems.Add(new RecipeProblem(UploadedOrigin, (int)scalar.Start.Line, (int)scalar.Start.Column,
                        $"{path}: '{value}' names a file on the server; a recipe sent to the service may use only shipped looks, models and presets"));
                    break;
            }
        }
        if (root is not null) Walk(root, "");
        return problems;
    }

    /// <summary>Sets grade.preset and outpaint.aspects in the recipe's YAML, so the binder applies them as if written there.</summary>
    private static string Overlay(string text, string? look, IReadOnlyList<string> aspects)
    {
        // Read as the recipe reader reads it (the text passed it already), so the same guards apply.
        var root = (YamlMappingNode)RecipeReader.Root(text, UploadedOrigin)!;
        if (look is not null)
            Section(root, "grade").Children[new YamlScalarNode("preset")] = new YamlScalarNode(look);
        if (aspects.Count > 0)
        {
            var outpaint = Section(root, "outpaint");
            outpaint.Children.Remove(new YamlScalarNode("aspect"));
            outpaint.Children[new YamlScalarNode("aspects")] = new YamlSequenceNode(aspects.Select(a => new YamlScalarNode(a)));
        }
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlMappingNode Section(YamlMappingNode root, string key)
    {
        if (root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlMappingNode map) return map;
        map = new YamlMappingNode();
        root.Children[new YamlScalarNode(key)] = map;
        return map;
    }
}
