using Burnish.Imaging;
using Burnish.Recipes;
using Burnish.Stages.Outpaint;

namespace Burnish.Core.Tests.Stages.Outpaint;

/// <summary>Aspect ratios, recipe binding and the step plan: sizes only, no pixels.</summary>
public class OutpaintPlanTests
{
    [Theory]
    [InlineData("16:9", 16, 9, "16x9")]
    [InlineData(" 4:5 ", 4, 5, "4x5")]
    [InlineData("1.91:1", 1.91, 1, "1.91x1")]
    [InlineData("9 : 16", 9, 16, "9x16")]
    public void Aspect_ratios_parse_from_w_colon_h(string text, double w, double h, string tag)
    {
        var aspect = AspectRatio.Parse(text);
        Assert.Equal((w, h), (aspect.Width, aspect.Height));
        Assert.Equal(tag, aspect.FileTag);
        Assert.Equal(tag.Replace('x', ':'), aspect.ToString());
    }

    [Theory]
    [InlineData("0:1", "must be greater than 0")]
    [InlineData("4:0", "must be greater than 0")]
    [InlineData("abc", "'abc' is not an aspect ratio; write it as W:H")]
    [InlineData("16/9", "'16/9' is not an aspect ratio; write it as W:H")]
    [InlineData("16:9:1", "is not an aspect ratio")]
    [InlineData("-16:9", "is not an aspect ratio")]
    [InlineData("", "an aspect ratio is needed")]
    [InlineData("20:1", "too extreme")]
    [InlineData("1:11", "too extreme")]
    public void Bad_aspect_ratios_are_refused_with_a_clear_message(string text, string message)
    {
        var e = Assert.Throws<BurnishException>(() => AspectRatio.Parse(text));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    // Odd sizes on purpose: the grown side is the nearest whole pixel of the ratio, and the other side never changes.
    [InlineData(1023, 767, "16:9", 1364, 767)] // 767 × 16/9 = 1363.6
    [InlineData(1023, 767, "1:1", 1023, 1023)]
    [InlineData(1023, 767, "4:5", 1023, 1279)] // 1023 × 5/4 = 1278.75
    [InlineData(1023, 767, "9:16", 1023, 1819)] // 1023 × 16/9 = 1818.7
    [InlineData(511, 511, "16:9", 908, 511)] // 908.4
    [InlineData(511, 511, "1.91:1", 976, 511)] // 976.0
    [InlineData(333, 601, "4:5", 481, 601)] // 480.8
    [InlineData(1024, 576, "16:9", 1024, 576)] // already 16:9
    [InlineData(1000, 563, "16:9", 1001, 563)] // 1000.9: not quite 16:9, so one column is added
    public void The_canvas_grows_one_side_to_the_nearest_whole_pixel_and_never_crops(int w, int h, string aspect, int cw, int ch)
    {
        Assert.Equal((cw, ch), AspectRatio.Parse(aspect).Canvas(w, h));
        var plan = OutpaintPlan.For(w, h, AspectRatio.Parse(aspect), OutpaintAnchor.Center, 0.3);
        Assert.Equal((cw, ch), (plan.CanvasWidth, plan.CanvasHeight));
        if (plan.IsIdentity) return;
        var last = plan.Steps[^1];
        Assert.Equal((cw, ch), (last.WidthAfter, last.HeightAfter));
    }

    [Theory]
    [InlineData(1023, 767, "16:9", OutpaintAnchor.Center, 170, 0)] // 341 added: 170 left, 171 right
    [InlineData(1023, 767, "16:9", OutpaintAnchor.Left, 0, 0)]
    [InlineData(1023, 767, "16:9", OutpaintAnchor.TopLeft, 0, 0)]
    [InlineData(1023, 767, "16:9", OutpaintAnchor.Right, 341, 0)]
    [InlineData(1023, 767, "16:9", OutpaintAnchor.BottomRight, 341, 0)]
    [InlineData(1023, 767, "16:9", OutpaintAnchor.Top, 170, 0)] // a vertical anchor on a horizontal growth centres it
    [InlineData(1023, 767, "4:5", OutpaintAnchor.Center, 0, 256)] // 512 added: 256 above, 256 below
    [InlineData(1023, 767, "4:5", OutpaintAnchor.Top, 0, 0)]
    [InlineData(1023, 767, "4:5", OutpaintAnchor.BottomLeft, 0, 512)]
    [InlineData(1023, 767, "4:5", OutpaintAnchor.Left, 0, 256)]
    public void The_anchor_decides_where_the_original_sits(int w, int h, string aspect, OutpaintAnchor anchor, int x, int y)
    {
        var plan = OutpaintPlan.For(w, h, AspectRatio.Parse(aspect), anchor, 0.3);
        Assert.Equal((x, y), (plan.OriginX, plan.OriginY));
        // The steps add up to exactly that split.
        Assert.Equal(plan.Axis == GrowthAxis.Horizontal ? x : y, plan.Steps.Sum(s => s.Before));
        Assert.Equal(plan.Axis == GrowthAxis.Horizontal ? plan.CanvasWidth - w - x : plan.CanvasHeight - h - y, plan.Steps.Sum(s => s.After));
    }

    [Theory]
    [InlineData(1024, 1024, "16:9", 0.3, 3)]
    [InlineData(1024, 1024, "9:16", 0.3, 3)]
    [InlineData(1024, 1024, "4:5", 0.3, 1)]
    [InlineData(512, 768, "16:9", 0.3, 4)]
    [InlineData(512, 768, "16:9", 0.1, 11)]
    [InlineData(512, 768, "16:9", 1, 2)]
    [InlineData(201, 333, "21:9", 0.05, 29)]
    [InlineData(17, 16, "10:1", 0.3, 9)]
    public void No_step_adds_more_than_step_times_the_current_size(int w, int h, string aspect, double step, int count)
    {
        var plan = OutpaintPlan.For(w, h, AspectRatio.Parse(aspect), OutpaintAnchor.Center, step);
        Assert.Equal(count, plan.Steps.Count);
        var size = plan.Axis == GrowthAxis.Horizontal ? w : h;
        foreach (var s in plan.Steps)
        {
            Assert.Equal(size, s.SizeBefore);
            Assert.True(s.Growth >= 1, $"step {s.Number} adds nothing");
            Assert.True(s.Growth <= Math.Max(1, Math.Floor(step * s.SizeBefore)), $"step {s.Number} adds {s.Growth} to {s.SizeBefore} (limit {step})");
            size += s.Growth;
        }
        Assert.Equal(plan.Axis == GrowthAxis.Horizontal ? plan.CanvasWidth : plan.CanvasHeight, size);
        // The fewest steps: one fewer could not get there even at the limit every time.
        double reach = plan.Axis == GrowthAxis.Horizontal ? w : h;
        for (var k = 0; k < count - 1; k++) reach += Math.Max(1, Math.Floor(step * reach));
        Assert.True(reach < size, $"{count - 1} steps would reach {reach} ≥ {size}");
    }

    [Fact]
    public void Steps_are_even_and_both_sides_grow_together()
    {
        // 1024² → 16:9 (1820): 796 added in 3 steps of ratio (1820/1024)^(1/3) ≈ 1.211, so 1240, 1502, 1820.
        var plan = OutpaintPlan.For(1024, 1024, AspectRatio.Parse("16:9"), OutpaintAnchor.Center, 0.3);
        Assert.Equal([1024, 1240, 1502], plan.Steps.Select(s => s.WidthBefore));
        Assert.Equal([(108, 108), (131, 131), (159, 159)], plan.Steps.Select(s => (s.Before, s.After)));
    }

    [Fact]
    public void An_image_that_already_has_the_ratio_needs_no_step()
    {
        Assert.True(OutpaintPlan.For(1920, 1080, AspectRatio.Parse("16:9"), OutpaintAnchor.Center, 0.3).IsIdentity);
        Assert.True(OutpaintPlan.For(800, 1000, AspectRatio.Parse("4:5"), OutpaintAnchor.Left, 0.3).IsIdentity);
        Assert.False(OutpaintPlan.For(800, 1001, AspectRatio.Parse("4:5"), OutpaintAnchor.Left, 0.3).IsIdentity);
    }

    // ── recipe binding ──────────────────────────────────────────────────────────────────────────────────────

    private static OutpaintParams Bind(string yaml) => RecipeReader.ParseSection<OutpaintParams>(yaml, "o.yaml");

    [Theory]
    [InlineData("aspect: 16:9", "16:9")]
    [InlineData("aspect: 1:1", "1:1")] // YAML 1.1 would read 1:1 as a base-60 number (61); YamlDotNet's core schema does not
    [InlineData("aspect: 4:5", "4:5")]
    [InlineData("aspect: '9:16'", "9:16")]
    [InlineData("aspect: 1.91:1", "1.91:1")]
    [InlineData("aspect: 60:1", null)] // 60:1 is too extreme, but it must reach the ratio check as text, not as 3601
    public void An_aspect_binds_as_text_however_yaml_would_read_it(string yaml, string? expected)
    {
        if (expected is null)
        {
            var e = Assert.Throws<RecipeException>(() => Bind(yaml));
            Assert.Contains("'60:1' is too extreme", e.Message);
            return;
        }
        Assert.Equal(expected, Assert.Single(Bind(yaml).Targets()).ToString());
    }

    [Fact]
    public void A_list_of_aspects_binds_in_flow_and_block_style()
    {
        var flow = Bind("aspects: [1:1, 4:5, 9:16, 16:9]");
        Assert.Equal(["1:1", "4:5", "9:16", "16:9"], flow.Targets().Select(a => a.ToString()));
        var block = Bind("aspects:\n  - 1:1\n  - 16:9\nanchor: top-left\nstep: 0.2\nseed: 7\n");
        Assert.Equal(["1:1", "16:9"], block.Targets().Select(a => a.ToString()));
        Assert.Equal((OutpaintAnchor.TopLeft, 0.2, 7), (block.Anchor, block.Step, block.Seed));
        // JSON is read as YAML too.
        Assert.Equal(["16:9"], Bind("""{"aspects": ["16:9"], "anchor": "bottom-right"}""").Targets().Select(a => a.ToString()));
    }

    [Fact]
    public void The_defaults_are_the_light_touch()
    {
        var p = Bind("aspect: 16:9");
        Assert.Equal((OutpaintAnchor.Center, 0.3, 3.0, 16, 0), (p.Anchor, p.Step, p.Context, p.Seam, p.Seed));
    }

    [Theory]
    [InlineData("aspect: 16/9", "o.yaml:1:9: aspect: '16/9' is not an aspect ratio; write it as W:H")]
    [InlineData("aspect: abc", "'abc' is not an aspect ratio")]
    [InlineData("aspect: 0:1", "both sides of an aspect ratio must be greater than 0")]
    [InlineData("aspects: [1:1, 16/9]", "o.yaml:1:10: aspects[1]: '16/9' is not an aspect ratio")]
    [InlineData("aspects: [16:9, 32:18]", "aspects[1]: 32:18 is the same ratio as 16:9")]
    [InlineData("aspects: []", "a target is needed: aspect (such as 16:9) or aspects")]
    [InlineData("anchor: left", "a target is needed")]
    [InlineData("aspect: 16:9\naspects: [1:1]", "give aspect or aspects, not both")]
    [InlineData("aspect: 16:9\nanchor: middle", "'middle' is not one of center, left, right, top, bottom, top-left")]
    [InlineData("aspect: 16:9\nanchor: cnter", "did you mean 'center'?")] // centre is accepted too (TypedValueTests)
    [InlineData("aspect: 16:9\nstep: 1.5", "step: 1.5 is out of range 0.05..1")]
    [InlineData("aspect: 16:9\nstep: 0", "step: 0 is out of range 0.05..1")]
    [InlineData("aspect: 16:9\nseam: -1", "seam: -1 is out of range 0..256")]
    [InlineData("aspect: 16:9\nratio: 2", "unknown key 'ratio'")]
    public void Bad_settings_are_located_and_explained(string yaml, string message)
    {
        var e = Assert.Throws<RecipeException>(() => Bind(yaml));
        Assert.Contains(message, e.Message);
    }
}
