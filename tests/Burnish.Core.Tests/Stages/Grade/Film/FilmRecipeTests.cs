using Burnish.Imaging;
using Burnish.Recipes;
using Burnish.Stages.Grade;
using Burnish.Stages.Grade.Film;
using NetVips;

namespace Burnish.Core.Tests.Stages.Grade.Film;

public class FilmRecipeTests
{
    [Fact]
    public void Grain_and_halation_bind_from_a_recipe()
    {
        var recipe = RecipeReader.Parse("""
            version: 1
            grade:
              grain: {amount: 0.03, size: 2, colour: true, seed: 42}
              halation: {threshold: 0.9, tint: {r: 1, g: 0.4, b: 0.1}}
            """, "film.yaml");
        Assert.Equal(new GrainParams { Amount = 0.03, Size = 2, Colour = true, Seed = 42 }, recipe.Grade!.Grain);
        Assert.Equal(new HalationParams { Threshold = 0.9, Tint = new HalationTint { R = 1, G = 0.4, B = 0.1 } }, recipe.Grade.Halation);
    }

    [Fact]
    public void Out_of_range_keys_typos_and_a_black_tint_are_all_reported()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse("""
            version: 1
            grade:
              grain: {amount: 0.5, roughnes: 0.2}
              halation: {tint: {r: 0, g: 0, b: 0}}
            """, "film.yaml"));
        Assert.Contains(e.Problems, p => p.Message.Contains("grade.grain.amount") && p.Message.Contains("out of range"));
        Assert.Contains(e.Problems, p => p.Message.Contains("did you mean 'roughness'"));
        Assert.Contains(e.Problems, p => p.Message.Contains("tint needs some light"));
    }

    [Fact]
    public void Grain_alone_makes_the_grade_act_and_off_keeps_it_the_identity()
    {
        var grey = new WorkImage(Image.Black(64, 64, bands: 3).Cast(Enums.BandFormat.Float).Linear(new[] { 0.0 }, new[] { 0.46 }).Copy(interpretation: Enums.Interpretation.Srgb), ShippedProfiles.Srgb);
        Assert.True(Burnish.Stages.Grade.Grade.IsIdentity(new GradeParams { Grain = GrainParams.Off, Halation = HalationParams.Off }));
        var (graded, _) = Burnish.Stages.Grade.Grade.Apply(grey, new GradeParams { Grain = new GrainParams() }, cancel: default);
        Assert.True(graded.Pixels.Deviate() > 0, "grain: {} should show");
    }
}
