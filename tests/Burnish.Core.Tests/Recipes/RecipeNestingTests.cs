using Burnish.Recipes;
using Burnish.Stages.Grade;

namespace Burnish.Core.Tests.Recipes;

/// <summary>
/// Issue 11, defect 4: a look whose <c>preset:</c> names itself, and a recipe nested 50,000 levels deep, overflowed the
/// stack (exit 134) in <c>recipe validate</c> and <c>finish</c>. Both are now one clear problem.
/// </summary>
public sealed class RecipeNestingTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Look_that_names_itself_as_preset_is_a_cycle()
    {
        var look = dir.File("self.yaml");
        File.WriteAllText(look, $"preset: {look}\nexposure: 0.1\n");

        var e = Assert.ThrowsAny<BurnishException>(() => SectionPresets.Load<GradeParams>(look));

        Assert.Contains($"look presets form a cycle: {look} → {look}", e.Message);
    }

    [Fact]
    public void Recipe_whose_look_cycles_through_another_is_a_problem_at_the_preset_key()
    {
        var a = dir.File("a.yaml");
        var b = dir.File("b.yaml");
        File.WriteAllText(a, $"preset: {b}\n");
        File.WriteAllText(b, $"preset: {a}\n");

        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse($"version: 1\ngrade:\n  preset: {a}\n", "r.yaml"));

        var p = Assert.Single(e.Problems);
        Assert.Equal(("r.yaml", 3, 11), (p.File, p.Line, p.Column));
        Assert.Contains($"look presets form a cycle: {a} → {b} → {a}", p.Message);
    }

    [Fact]
    public void Look_chain_within_the_limit_still_binds()
    {
        var inner = dir.File("inner.yaml");
        var outer = dir.File("outer.yaml");
        File.WriteAllText(inner, "exposure: 0.25\n");
        File.WriteAllText(outer, $"preset: {inner}\ntone:\n  contrast: 0.1\n");

        var look = SectionPresets.Load<GradeParams>(outer);

        Assert.Equal(0.25, look.Exposure);
        Assert.Equal(0.1, look.Tone.Contrast);
    }

    [Theory]
    [InlineData("flow")]
    [InlineData("block")]
    public void Recipe_nested_50000_levels_deep_is_one_problem(string style)
    {
        const int levels = 50_000;
        // Flow lists [[[…]]], or block lists "- - - … x" (each "- " opens a list inside the last).
        var text = style == "flow"
            ? "version: 1\nexport: " + new string('[', levels) + new string(']', levels) + "\n"
            : "version: 1\nexport:\n" + string.Concat(Enumerable.Repeat("- ", levels)) + "x\n";

        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse(text, "deep.yaml"));

        var p = Assert.Single(e.Problems);
        Assert.Equal("nested deeper than 64 levels of mappings and lists", p.Message);
    }
}
