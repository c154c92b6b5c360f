using Burnish.Imaging;
using Burnish.Recipes;
using Burnish.Stages.Repair;
using RepairStage = Burnish.Stages.Repair.Repair;

namespace Burnish.Core.Tests.Stages.Repair;

public class RepairStageTests
{
    [Fact]
    public void Passes_run_in_order_and_each_is_recorded()
    {
        var image = RepairImages.Kodim15Crop();
        var passes = new[]
        {
            new RepairPass { Boxes = [[20, 20, 30, 30]], Seed = 4 },
            new RepairPass { Ellipses = [[Length.Percent(50), Length.Percent(50), 10, 4]], Method = RepairMethod.Telea, Grow = 1 },
        };
        var (result, report) = RepairStage.Apply(image, RepairPlan.Load(passes));
        Assert.Equal(2, report.Passes.Count);
        var (fill, telea) = (report.Passes[0], report.Passes[1]);
        Assert.Equal((1, RepairMethod.Fill, 4), (fill.Pass, fill.Method, fill.Seed));
        Assert.Equal(100.0 * 900 / (256 * 192), fill.MaskCoveragePercent, 2);
        Assert.Equal((2, RepairMethod.Telea, (int?)null), (telea.Pass, telea.Method, telea.Seed));
        Assert.Equal("1 ellipse", telea.Source);
        Assert.True(telea.HolePercent > 0 && fill.Ms >= 0);
        var measurements = report.ToStageReport().Measurements;
        Assert.Equal(4, measurements["pass1.seed"]);
        Assert.False(measurements.ContainsKey("pass2.seed"));
        Assert.NotEqual(RepairImages.Pixels(image), RepairImages.Pixels(result));
    }

    [Fact]
    public void A_pass_whose_mask_ends_up_empty_names_the_pass()
    {
        var image = RepairImages.Kodim15Crop();
        // A 4×4 box shrunk by 3 leaves nothing.
        var plan = RepairPlan.Load([new RepairPass { Boxes = [[10, 10, 4, 4]], Shrink = 3 }]);
        var e = Assert.Throws<BurnishException>(() => RepairStage.Apply(image, plan));
        Assert.StartsWith("repair pass 1 (1 box): the mask is empty", e.Message);
        var outside = RepairPlan.Load([new RepairPass { Boxes = [[250, 10, 40, 4]] }]);
        Assert.Contains("reaches outside the 256×192 image", Assert.Throws<BurnishException>(() => RepairStage.Apply(image, outside)).Message);
        var noAlpha = RepairPlan.Load([new RepairPass { Alpha = true }]);
        Assert.Contains("no alpha channel", Assert.Throws<BurnishException>(() => RepairStage.Apply(image, noAlpha)).Message);
    }

    [Fact]
    public void A_missing_mask_file_fails_when_the_plan_is_made()
    {
        var e = Assert.Throws<ImageInputException>(() => RepairPlan.Load([new RepairPass { Mask = "no-such-mask.png" }]));
        Assert.Contains("no-such-mask.png: file not found", e.Message);
    }

    [Fact]
    public void The_recipe_takes_a_list_of_passes_and_checks_each()
    {
        var recipe = RecipeReader.Parse("""
            version: 1
            repair:
              - boxes: [[10, 20, 30, 40], [5%, 5%, 10%, 10%]]
                feather: 2
              - mask: hand-mask.png
                invert: true
                method: telea
            """, "r.yaml");
        Assert.Equal(2, recipe.Repair!.Count);
        Assert.Equal(["10", "20", "30", "40"], recipe.Repair[0].Boxes![0].Select(l => l.ToString()));
        Assert.Equal(2, recipe.Repair[0].Feather);
        Assert.Equal(RepairMethod.Telea, recipe.Repair[1].Method);
        Assert.Contains("\"repair\":[{", RecipeReader.Normalise(recipe).GetRawText());

        var bad = Assert.Throws<RecipeException>(() => RecipeReader.Parse("""
            version: 1
            repair:
              - boxes: [[10, 20, 30]]
              - invert: true
                mask: m.png
                grow: 2
                shrink: 1
              - method: patchmatch
                boxes: [[0, 0, 5, 5]]
              - feather: 500
                alpha: true
              - {}
            """, "r.yaml"));
        var messages = bad.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains(messages, m => m.StartsWith("r.yaml:3:") && m.Contains("expected 4 numbers x,y,width,height"));
        Assert.Contains(messages, m => m.StartsWith("r.yaml:7:") && m.Contains("give grow or shrink, not both"));
        Assert.Contains(messages, m => m.StartsWith("r.yaml:8:") && m.Contains("'patchmatch' is not one of fill, telea"));
        Assert.Contains(messages, m => m.StartsWith("r.yaml:10:") && m.Contains("500 is out of range 0..128"));
        Assert.Contains(messages, m => m.StartsWith("r.yaml:12:") && m.Contains("a repair pass needs a mask"));
        Assert.Equal(5, messages.Count);
    }

    [Fact]
    public void Invert_without_a_mask_image_is_refused()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse("version: 1\nrepair:\n  - {invert: true, boxes: [[0, 0, 4, 4]]}\n", "r.yaml"));
        Assert.Contains("invert reads a mask image the other way round; give mask too", e.Message);
    }
}
