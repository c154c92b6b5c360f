using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages.Export;

namespace Burnish.Core.Tests.Recipes;

public class RecipeValidationTests
{
    private static RecipeException Problems(string yaml) => Assert.Throws<RecipeException>(() => RecipeReader.Parse(yaml, "r.yaml"));

    [Fact]
    public void Unknown_key_is_located_and_gets_a_suggestion()
    {
        var e = Problems("version: 1\nexport:\n  mastr:\n    format: png\n");
        var p = Assert.Single(e.Problems);
        Assert.Equal(("r.yaml", 3, 3), (p.File, p.Line, p.Column));
        Assert.Contains("unknown key 'export.mastr'", p.Message);
        Assert.Contains("did you mean 'master'?", p.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_position()
    {
        var e = Problems("""
            version: 1
            export:
              master:
                space: display-p4
              copies:
                - destination: web-2084
                  quality: 140
                - long_edge: big
                  format: jpgg
              on_conflict: 3
            """);
        Assert.Equal(e.Problems.OrderBy(p => p.Line).ThenBy(p => p.Column), e.Problems);
        Assert.Equal(6, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Line == 4 && p.Message.Contains("did you mean 'display-p3'"));
        Assert.Contains(e.Problems, p => p.Line == 6 && p.Column == 20 && p.Message.Contains("did you mean 'web-2048'"));
        Assert.Contains(e.Problems, p => p.Line == 7 && p.Column == 16 && p.Message.Contains("out of range 1..100"));
        Assert.Contains(e.Problems, p => p.Line == 8 && p.Message.Contains("expected a whole number, got 'big'"));
        Assert.Contains(e.Problems, p => p.Line == 9 && p.Message.Contains("did you mean 'jpeg'"));
        Assert.Contains(e.Problems, p => p.Line == 10 && p.Message.Contains("not one of rename, skip, overwrite"));
    }

    [Fact]
    public void Version_is_required_and_checked()
    {
        Assert.Contains("'version: 1' is required", Problems("export: {}\n").Message);
        var p = Assert.Single(Problems("version: 2\n").Problems);
        Assert.Contains("version 2 is not supported", p.Message);
        Assert.Equal(1, p.Line);
    }

    [Fact]
    public void Upscale_keys_are_validated_with_their_place()
    {
        Assert.NotNull(RecipeReader.Parse("version: 1\nupscale: {}\ngrade:\n", "r.yaml"));
        var e = Problems("version: 1\nupscale:\n  scal: 4\n  tile: 10\n  passes: [2, 5]\n  target: {long_edge: 900}\n");
        Assert.Contains(e.Problems, p => (p.Line, p.Column) == (3, 3) && p.Message.Contains("did you mean 'scale'"));
        Assert.Contains(e.Problems, p => p.Line == 4 && p.Message.Contains("tile must be auto or a whole number from 32 to 4096"));
        Assert.Contains(e.Problems, p => p.Line == 5 && p.Message.Contains("each pass is a model scale"));
        var both = Assert.Single(Problems("version: 1\nupscale:\n  scale: 2\n  target: {long_edge: 900}\n").Problems);
        Assert.Contains("give scale or target, not both", both.Message);
    }

    [Fact]
    public void Copies_need_exactly_one_way_to_size()
    {
        var e = Problems("version: 1\nexport:\n  copies:\n    - format: webp\n    - destination: x-post\n      long_edge: 900\n    - width: 800\n");
        Assert.Equal(3, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Message.Contains("needs a destination or a custom size"));
        Assert.Contains(e.Problems, p => p.Message.Contains("either destination or a custom size"));
        Assert.Contains(e.Problems, p => p.Message.Contains("width and height go together"));
    }

    [Fact]
    public void Byte_budgets_need_a_lossy_format_and_copy_names_must_differ()
    {
        var e = Problems("version: 1\nexport:\n  copies:\n    - {long_edge: 512, format: png, max_kb: 100}\n    - {destination: x-post, format: webp}\n    - {destination: x-post, format: webp, quality: 70}\n    - {destination: x-post}\n");
        Assert.Contains(e.Problems, p => p.Message.Contains("max_kb needs a lossy format"));
        Assert.Contains(e.Problems, p => p.Message.Contains("both be written as NAME.x-post.webp"));
    }

    [Fact]
    public void Wrong_types_and_malformed_yaml_are_located()
    {
        var e = Problems("version: 1\nexport:\n  copies: web-2048\n");
        Assert.Contains("expected a list", Assert.Single(e.Problems).Message);
        var syntax = Assert.Single(Problems("version: 1\nexport: [\n").Problems);
        Assert.Contains("not valid YAML or JSON", syntax.Message);
        Assert.True(syntax.Line >= 2);
    }

    [Fact]
    public void Json_recipes_read_the_same_and_hash_the_same()
    {
        var yaml = RecipeReader.Parse("version: 1\nexport:\n  master: {space: adobe-rgb}\n  copies:\n    - destination: web-2048\n", "a.yaml");
        var json = RecipeReader.Parse("""{"version": 1, "export": {"master": {"space": "adobe-rgb", "format": "png"}, "copies": [{"destination": "web-2048", "quality": 88}]}}""", "a.json");
        Assert.Equal(MasterSpace.AdobeRgb, json.Export.Master.Space);
        Assert.Equal(RecipeReader.Hash(yaml), RecipeReader.Hash(json));
        var bad = Assert.Single(Problems("""{"version": 1, "export": {"copies": [{"destination": "web-2048", "qualty": 88}]}}""").Problems);
        Assert.Equal(1, bad.Line);
        Assert.Contains("did you mean 'quality'", bad.Message);
    }

    [Theory]
    [InlineData("web-and-print")]
    [InlineData("web-only")]
    [InlineData("print-master")]
    [InlineData("draft")]
    public void Shipped_presets_are_valid_and_their_commented_template_reads_back_identically(string preset)
    {
        var recipe = RecipePresets.Load(preset);
        Assert.NotEmpty(recipe.Export.Copies);
        var template = RecipeTemplate.Write(recipe);
        Assert.Contains("# Lossless 16-bit container", template);
        Assert.Equal(RecipeReader.Hash(recipe), RecipeReader.Hash(RecipeReader.Parse(template, "template.yaml")));
    }

    [Fact]
    public void Unknown_presets_get_a_suggestion()
    {
        var e = Assert.Throws<BurnishException>(() => RecipePresets.Load("web-and-prnt"));
        Assert.Contains("did you mean 'web-and-print'", e.Message);
    }

    [Fact]
    public void The_canonical_order_is_fixed()
    {
        Assert.Equal(["repair", "outpaint", "upscale", "cleanup", "grade", "sharpen", "export"], StageCatalogue.Canonical.Select(s => s.Key));
    }

    [Fact]
    public void Every_recipe_key_is_documented_and_reachable()
    {
        // The schema catalogue: each section's keys have docs and their snake_case names round-trip through the binder.
        foreach (var type in new[] { typeof(Recipe), typeof(ExportParams), typeof(MasterParams), typeof(CopyParams) })
        {
            var keys = RecipeKeys.Of(type);
            var settable = type.GetProperties().Count(p => p.CanWrite);
            Assert.Equal(settable, keys.Count);
            Assert.All(keys.Keys, k => Assert.Matches("^[a-z][a-z0-9_]*$", k));
        }
    }
}
