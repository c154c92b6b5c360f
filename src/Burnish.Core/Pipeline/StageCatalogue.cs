using System.Reflection;
using System.Text.RegularExpressions;
using Burnish.Schema;
using Burnish.Recipes;
using Burnish.Stages;
using Burnish.Stages.Cleanup;
using Burnish.Stages.Export;
using Burnish.Stages.Grade;
using Burnish.Stages.Outpaint;
using Burnish.Stages.Repair;
using Burnish.Stages.Sharpen;
using Burnish.Stages.Upscale;

namespace Burnish.Pipeline;

/// <summary>Every stage, in the one canonical order that every run follows. No recipe can change it.</summary>
public static partial class StageCatalogue
{
    /// <summary>repair → outpaint → upscale → cleanup → grade → sharpen → export.</summary>
    public static IReadOnlyList<IStage> Canonical { get; } =
    [
        new RepairStage(), new OutpaintStage(), new UpscaleStage(), new CleanupStage(), new GradeStage(), new SharpenStage(), new ExportStage(),
    ];

    /// <summary>The stage's 1-based place in the canonical order (the NN of an intermediate's name).</summary>
    public static int Position(string key)
    {
        for (var i = 0; i < Canonical.Count; i++)
            if (Canonical[i].Key == key) return i + 1;
        throw new ArgumentException($"no stage '{key}' in the catalogue", nameof(key));
    }

    /// <summary>The recipe's section for <paramref name="stage"/> (null when the recipe leaves it out).</summary>
    public static object? Section(Recipe recipe, IStage stage)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(stage);
        return RecipeKeys.Of(typeof(Recipe)).TryGetValue(stage.Key, out var property)
            ? property.GetValue(recipe)
            : throw new InvalidOperationException($"the recipe has no section '{stage.Key}' for stage {stage.GetType().Name}");
    }

    /// <summary>
    /// The section <paramref name="stage"/> runs with, or null when the stage does not run: the recipe leaves it out,
    /// or it is an empty list (no repair passes repair nothing).
    /// </summary>
    public static object? RunSection(Recipe recipe, IStage stage) =>
        Section(recipe, stage) is { } section and not System.Collections.ICollection { Count: 0 } ? section : null;

    /// <summary>The opt-in models <paramref name="recipe"/> needs (sorted, each once): a machine without them cannot run it.</summary>
    public static IReadOnlyList<string> RequiredOptInModels(Recipe recipe) =>
        [.. Canonical.Select(stage => (stage, section: RunSection(recipe, stage)))
            .Where(s => s.section is not null)
            .SelectMany(s => s.stage.RequiredOptInModels(s.section!))
            .Distinct().Order(StringComparer.Ordinal)];

    /// <summary>
    /// What is missing for <paramref name="catalogue"/> to be complete: a recipe section with no stage, a stage with no
    /// section of its key and parameters type in <paramref name="recipeType"/>, or a stage the recipe
    /// <paramref name="template"/> or the <paramref name="docs"/> (name → text) never mention. Empty when complete.
    /// </summary>
    public static IReadOnlyList<string> Gaps(IReadOnlyList<IStage> catalogue, Type recipeType, string template, IReadOnlyDictionary<string, string> docs)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(docs);
        var gaps = new List<string>();
        var sections = RecipeKeys.Of(recipeType)
            .Where(kv => RecipeKeys.IsSection(SectionType(kv.Value.PropertyType)) && kv.Value.GetCustomAttribute<SharedSectionAttribute>() is null)
            .ToDictionary(kv => kv.Key, kv => kv.Value.PropertyType);
        foreach (var key in sections.Keys.Where(k => catalogue.All(s => s.Key != k)))
            gaps.Add($"recipe section '{key}' has no stage in the catalogue");
        foreach (var stage in catalogue)
        {
            if (!sections.TryGetValue(stage.Key, out var type))
                gaps.Add($"stage '{stage.Key}' has no recipe section");
            else if (type != stage.ParametersType)
                gaps.Add($"stage '{stage.Key}' takes {stage.ParametersType.Name} but the recipe section is {type.Name}");
            if (!TemplateKey(stage.Key).IsMatch(template))
                gaps.Add($"stage '{stage.Key}' is not in the recipe template");
            if (!docs.Values.Any(text => text.Contains($"{stage.Key}:", StringComparison.Ordinal) || text.Contains($"`{stage.Key}`", StringComparison.Ordinal)))
                gaps.Add($"stage '{stage.Key}' is not mentioned in the docs ({string.Join(", ", docs.Keys)})");
        }
        return gaps;
    }

    // A list of records (repair's passes) is a section as much as one record is.
    private static Type SectionType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : type;

    // "grade:" at the start of a line, written or commented out ("# grade:").
    private static Regex TemplateKey(string key) => new($@"^\s*(#\s*)?{Regex.Escape(key)}:", RegexOptions.Multiline);
}
