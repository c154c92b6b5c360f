using Burnish.Stages.Upscale;
using Xunit;

namespace Burnish.Core.Tests.Stages.Upscale;

public class TilePlanTests
{
    [Theory]
    [InlineData(256, 256, 96, 20)]
    [InlineData(1000, 333, 128, 12)]
    [InlineData(4096, 4096, 320, 40)]
    [InlineData(97, 515, 64, 8)]
    public void Cores_partition_the_image_and_every_window_covers_its_core_plus_the_receptive_field(int w, int h, int tile, int radius)
    {
        var plan = TilePlan.Make(w, h, tile, radius);
        Assert.True(plan.Exact);
        foreach (var (axis, length) in new[] { (plan.Columns, w), (plan.Rows, h) })
        {
            // Cores butt end to end from 0 to the edge: every output pixel comes from exactly one tile.
            Assert.Equal(0, axis[0].CoreStart);
            Assert.Equal(length, axis[^1].CoreEnd);
            for (var i = 1; i < axis.Count; i++) Assert.Equal(axis[i - 1].CoreEnd, axis[i].CoreStart);
            foreach (var span in axis)
            {
                // One tensor shape for the whole run: windows slide inward at the edges instead of shrinking.
                Assert.Equal(Math.Min(tile, length), span.Window);
                Assert.InRange(span.WindowStart, 0, length - span.Window);
                // Where a core is not at the image edge, the window reaches the receptive radius beyond it.
                if (span.CoreStart > 0) Assert.True(span.CoreStart - span.WindowStart >= radius, $"left context {span.CoreStart - span.WindowStart} < {radius}");
                if (span.CoreEnd < length) Assert.True(span.WindowEnd - span.CoreEnd >= radius, $"right context {span.WindowEnd - span.CoreEnd} < {radius}");
            }
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(18)]
    [InlineData(56)]
    [InlineData(88)]
    public void The_exact_tile_is_the_smallest_tile_whose_plan_is_exact(int radius)
    {
        var tile = TilePlan.ExactTile(radius);
        Assert.True(TilePlan.Make(4000, 4000, tile, radius).Exact);
        Assert.False(TilePlan.Make(4000, 4000, tile - 1, radius).Exact);
    }

    [Theory]
    [InlineData(512, 320, 18, 292)]
    [InlineData(1000, 333, 12, 274)]
    [InlineData(777, 235, 88, 232)]
    public void Tightened_windows_are_the_largest_core_plus_the_radius_either_side(int length, int tile, int radius, int expected)
    {
        var loose = TilePlan.Make(length, 300, tile, radius);
        var plan = loose.Tightened();
        Assert.Equal(loose.Columns.Select(c => (c.CoreStart, c.CoreEnd)), plan.Columns.Select(c => (c.CoreStart, c.CoreEnd)));
        var window = plan.Columns[0].Window;
        Assert.Equal(expected, window);
        foreach (var span in plan.Columns)
        {
            Assert.Equal(window, span.Window);
            Assert.InRange(span.WindowStart, 0, length - window);
            // The radius beyond an inner cut, or all there is up to the image edge (which the whole image has too).
            Assert.True(span.WindowStart == 0 || span.CoreStart - span.WindowStart >= radius);
            Assert.True(span.WindowEnd == length || span.WindowEnd - span.CoreEnd >= radius);
        }
    }

    [Fact]
    public void An_image_that_fits_one_window_is_one_tile()
    {
        var plan = TilePlan.Make(200, 150, 256, 40);
        Assert.Equal(1, plan.Count);
        Assert.Equal(new TileSpan(0, 200, 0, 200, 0), plan.Columns[0]);
    }

    [Theory]
    [InlineData(1000, 64, 150)]
    [InlineData(777, 96, 60)]
    public void A_short_margin_cross_fades_and_the_weights_sum_to_one_everywhere(int length, int tile, int radius)
    {
        var plan = TilePlan.Make(length, length, tile, radius);
        Assert.False(plan.Exact);
        Assert.True(plan.Feather >= 1);
        // Sampled at output pixel centres of a ×4 model: the partition of unity is what keeps flat areas flat.
        for (var ox = 0; ox < length * 4; ox++)
        {
            var x = (ox + 0.5) / 4;
            var sum = plan.Columns.Sum(span => TilePlan.Weight(span, x, length));
            Assert.Equal(1.0, sum, 9);
            // At most two tiles share a pixel, and only where both have context beyond the kept band.
            Assert.True(plan.Columns.Count(span => TilePlan.Weight(span, x, length) > 0) <= 2);
        }
        foreach (var span in plan.Columns)
        {
            var (start, end) = TilePlan.Kept(span, length);
            Assert.True(start >= span.WindowStart && end <= span.WindowEnd);
        }
    }
}

public class ScaleChoiceTests
{
    [Theory]
    [InlineData(4, new[] { 4 })]
    [InlineData(3.2, new[] { 4 })]
    [InlineData(3, new[] { 3 })]
    [InlineData(2.5, new[] { 3 })]
    [InlineData(6, new[] { 2, 3 })]
    [InlineData(16, new[] { 2, 8 })]
    [InlineData(1.2, new[] { 2 })]
    public void The_variant_that_wastes_least_wins(double scale, int[] expected)
    {
        Assert.Equal(expected, Burnish.Stages.Upscale.Upscale.ChoosePasses(scale, [2, 3, 4, 8]));
    }

    [Fact]
    public void A_single_scale_model_repeats_itself()
    {
        Assert.Equal([4, 4], Burnish.Stages.Upscale.Upscale.ChoosePasses(10, [4]));
        Assert.Equal([4], Burnish.Stages.Upscale.Upscale.ChoosePasses(2, [4]));
    }

    [Fact]
    public void Target_sizes_keep_the_aspect()
    {
        Assert.Equal((6000, 4500), new TargetSize { LongEdge = 6000 }.For(1024, 768));
        Assert.Equal((4500, 6000), new TargetSize { LongEdge = 6000 }.For(768, 1024));
        Assert.Equal((2000, 1500), new TargetSize { Width = 2000 }.For(1024, 768));
    }
}
