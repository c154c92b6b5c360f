using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Schema;
using Burnish.Stages;
using Burnish.Stages.Cleanup;
using Burnish.Stages.Export;
using Burnish.Stages.Grade;
using Burnish.Stages.Outpaint;
using Burnish.Stages.Repair;
using Burnish.Stages.Sharpen;
using Burnish.Stages.Upscale;

namespace Burnish.Core.Tests.Pipeline;

/// <summary>Every stage is in the four places a stage must be: the catalogue, the recipe, the recipe template and the docs.</summary>
public class StageCatalogueTests
{
    private static string Template => RecipeTemplate.Write(new Recipe { Version = Recipe.CurrentVersion });

    private static IReadOnlyDictionary<string, string> Docs()
    {
        var root = Fixtures.RepositoryRoot() ?? throw new InvalidOperationException("the tests run from a checkout");
        return new[] { Path.Combine(root, "README.md") }.Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md"))
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllText);
    }

    [Fact]
    public void Every_stage_is_in_the_catalogue_the_recipe_the_template_and_the_docs()
    {
        var gaps = StageCatalogue.Gaps(StageCatalogue.Canonical, typeof(Recipe), Template, Docs());
        Assert.True(gaps.Count == 0, string.Join("\n", gaps));
    }

    [Fact]
    public void A_stage_left_out_of_the_catalogue_is_found()
    {
        var withoutGrade = StageCatalogue.Canonical.Where(s => s.Key != "grade").ToList();
        Assert.Equal(["recipe section 'grade' has no stage in the catalogue"], StageCatalogue.Gaps(withoutGrade, typeof(Recipe), Template, Docs()));
    }

    [Fact]
    public void A_stage_without_its_recipe_section_is_found()
    {
        Assert.Equal(["stage 'grade' has no recipe section"], StageCatalogue.Gaps(StageCatalogue.Canonical, typeof(RecipeWithoutGrade), Template, Docs()));
        var wrongType = StageCatalogue.Gaps(StageCatalogue.Canonical, typeof(RecipeWithSharpenAsGrade), Template, Docs());
        Assert.Equal(["stage 'grade' takes GradeParams but the recipe section is SharpenParams"], wrongType);
    }

    [Fact]
    public void A_stage_missing_from_the_template_or_the_docs_is_found()
    {
        var template = string.Join("\n", Template.Split('\n').Where(l => !l.TrimStart('#', ' ').StartsWith("upscale:", StringComparison.Ordinal)));
        Assert.Equal(["stage 'upscale' is not in the recipe template"], StageCatalogue.Gaps(StageCatalogue.Canonical, typeof(Recipe), template, Docs()));

        var docs = new Dictionary<string, string> { ["README.md"] = "repair: outpaint: upscale: cleanup: `sharpen` export:" };
        Assert.Equal(["stage 'grade' is not mentioned in the docs (README.md)"], StageCatalogue.Gaps(StageCatalogue.Canonical, typeof(Recipe), Template, docs));
    }

    [Fact]
    public void The_recipe_section_of_each_stage_is_found_by_its_key()
    {
        var recipe = RecipeReader.Parse("version: 1\ngrade: {exposure: 0.5}\n", "test.yaml");
        var grade = StageCatalogue.Canonical.Single(s => s.Key == "grade");
        Assert.Equal(0.5, Assert.IsType<GradeParams>(StageCatalogue.Section(recipe, grade)).Exposure);
        Assert.Null(StageCatalogue.Section(recipe, StageCatalogue.Canonical.Single(s => s.Key == "upscale")));
        Assert.Equal(5, StageCatalogue.Position("grade"));
    }

    // Recipes as they would be if a stage's section were forgotten, or declared with another stage's parameters.
    private sealed record RecipeWithoutGrade
    {
        [Doc("d")] public int Version { get; init; }
        [Doc("d")] public IReadOnlyList<RepairPass>? Repair { get; init; }
        [Doc("d")] public OutpaintParams? Outpaint { get; init; }
        [Doc("d")] public UpscaleParams? Upscale { get; init; }
        [Doc("d")] public CleanupParams? Cleanup { get; init; }
        [Doc("d")] public SharpenParams? Sharpen { get; init; }
        [Doc("d")] public ExportParams Export { get; init; } = new();
    }

    private sealed record RecipeWithSharpenAsGrade
    {
        [Doc("d")] public int Version { get; init; }
        [Doc("d")] public IReadOnlyList<RepairPass>? Repair { get; init; }
        [Doc("d")] public OutpaintParams? Outpaint { get; init; }
        [Doc("d")] public UpscaleParams? Upscale { get; init; }
        [Doc("d")] public CleanupParams? Cleanup { get; init; }
        [Doc("d")] public SharpenParams? Grade { get; init; }
        [Doc("d")] public SharpenParams? Sharpen { get; init; }
        [Doc("d")] public ExportParams Export { get; init; } = new();
    }
}
