using Burnish.Report;
using NetVips;

namespace Burnish.Core.Tests.Report;

public class CropPlannerTests
{
    /// <summary>Mid-grey with fine texture (a 1-px checkerboard at ±<paramref name="contrast"/>) in one square: a known place of most detail.</summary>
    private static Image GreyWithTexture(int width, int height, PixelRect patch, double contrast)
    {
        var grey = (Image.Black(width, height) + 0.5).Cast(Enums.BandFormat.Float);
        var x = Image.Xyz(patch.Width, patch.Height);
        var checker = ((x[0] + x[1]) % 2 * 2 - 1) * contrast + 0.5; // alternating 0.5 ± contrast
        var rgb = grey.Insert(checker.Cast(Enums.BandFormat.Float), patch.Left, patch.Top);
        return rgb.Bandjoin(rgb, rgb);
    }

    [Fact]
    public void The_first_crop_covers_the_textured_patch_and_none_overlap()
    {
        var patch = new PixelRect(300, 180, 96, 96);
        var image = GreyWithTexture(640, 480, patch, 0.2);

        var crops = CropPlanner.Plan(image, 4, 128);

        Assert.Equal(4, crops.Count);
        Assert.All(crops, c => Assert.Equal((128, 128), (c.Region.Width, c.Region.Height)));
        var first = crops[0].Region;
        // The 128-px window on a 64-px grid that holds the 96-px patch best contains its centre.
        Assert.True(first.Left <= patch.Left + 48 && patch.Left + 48 < first.Left + 128 && first.Top <= patch.Top + 48 && patch.Top + 48 < first.Top + 128,
            $"crop 1 at {first} misses the patch centre");
        // Crop 1 holds 84×84 px of the patch; any crop clear of it can hold at most a 12-px strip (84×12), a seventh.
        Assert.True(crops[0].Detail > 4 * crops[1].Detail, $"detail {crops[0].Detail} vs {crops[1].Detail}");
        Assert.True(crops.Zip(crops.Skip(1)).All(p => p.First.Detail >= p.Second.Detail), "crops are numbered by detail, most first");
        for (var i = 0; i < crops.Count; i++)
            for (var j = i + 1; j < crops.Count; j++)
                Assert.False(crops[i].Region.Overlaps(crops[j].Region), $"crops {i + 1} and {j + 1} overlap");
        Assert.Equal([1, 2, 3, 4], crops.Select(c => c.Number));
    }

    [Fact]
    public void A_smooth_gradient_scores_far_below_fine_texture()
    {
        // Local variance around a σ=2 local mean: a ramp across the whole image is nearly flat at that scale.
        var ramp = (Image.Xyz(512, 256)[0] / 511.0).Cast(Enums.BandFormat.Float);
        var patch = new PixelRect(384, 128, 128, 128);
        var textured = GreyWithTexture(512, 256, patch, 0.05)[0];
        var image = ramp.ExtractArea(0, 0, 384, 256).Join(textured.ExtractArea(384, 0, 128, 256), Enums.Direction.Horizontal);

        var crops = CropPlanner.Plan(image.Bandjoin(image, image), 1, 128);

        Assert.Single(crops);
        Assert.Equal((384, 128), (crops[0].Region.Left, crops[0].Region.Top));
    }

    [Fact]
    public void A_crop_larger_than_half_the_image_is_shrunk_so_several_fit()
    {
        var image = GreyWithTexture(200, 90, new PixelRect(10, 10, 40, 40), 0.2);
        var crops = CropPlanner.Plan(image, 4, 256);
        // 90 px high: the side becomes half of it, made even (44), and windows step by half of that.
        Assert.Equal(4, crops.Count);
        Assert.All(crops, c => Assert.Equal((44, 44), (c.Region.Width, c.Region.Height)));
        Assert.All(crops, c => Assert.True(c.Region.Left + c.Region.Width <= 200 && c.Region.Top + c.Region.Height <= 90));
    }

    [Fact]
    public void No_crops_when_none_are_asked_for_or_the_image_is_tiny()
    {
        Assert.Empty(CropPlanner.Plan(GreyWithTexture(64, 64, new PixelRect(0, 0, 8, 8), 0.2), 0, 32));
        Assert.Empty(CropPlanner.Plan(GreyWithTexture(6, 6, new PixelRect(0, 0, 2, 2), 0.2), 4, 32));
    }

    [Fact]
    public void Greedy_pick_takes_the_best_window_then_the_best_that_does_not_overlap()
    {
        // 4×3 grid of block means; windows are 2×2 blocks. Best window (1,0): (5+9+1+1)/4 = 4.
        float[] means =
        [
            0, 5, 9, 0,
            0, 1, 1, 0,
            3, 3, 0, 0,
        ];
        var picked = CropPlanner.Pick(means, 4, 3, 3);
        Assert.Equal((1, 0), (picked[0].X, picked[0].Y));
        Assert.Equal(4.0, picked[0].Score, 6);
        // Every other window touches (1,0) except none: x in 0..2, y in 0..1 all overlap it, so only one is possible.
        Assert.Single(picked);

        var wide = CropPlanner.Pick([1, 1, 0, 8, 8, 1, 1, 0, 8, 8], 5, 2, 2);
        Assert.Equal([(3, 0), (0, 0)], wide.Select(w => (w.X, w.Y)));
    }

    [Fact]
    public void Crops_spread_out_unless_that_would_settle_for_much_less_detail()
    {
        // 10×2 blocks: a busy run at x 0–3 (windows 0, 1, 2 score 9) and a second spot at x 8–9.
        static float[] Grid(float spot) { float[] row = [9, 9, 9, 9, 0, 0, 0, 0, spot, spot]; return [.. row, .. row]; }

        // The spot (6) is at least half as good as the next busy window (9): it comes second, the crowded one third.
        Assert.Equal([(0, 0), (8, 0)], CropPlanner.Pick(Grid(6), 10, 2, 2).Select(w => (w.X, w.Y)));
        Assert.Equal([(0, 0), (2, 0), (8, 0)], CropPlanner.Pick(Grid(6), 10, 2, 3).Select(w => (w.X, w.Y)));
        // A weak spot (2 < 9/2) loses to the busy window beside the first.
        Assert.Equal([(0, 0), (2, 0)], CropPlanner.Pick(Grid(2), 10, 2, 2).Select(w => (w.X, w.Y)));
    }

    [Fact]
    public void Regions_map_between_sizes_with_the_same_framing()
    {
        var inLarge = new PixelRect(256, 128, 256, 256);
        Assert.Equal(new PixelRect(64, 32, 64, 64), inLarge.Scale(1024, 768, 256, 192));
        Assert.Equal(inLarge, inLarge.Scale(1024, 768, 1024, 768));
        // 1000 → 333 wide: edges are rounded separately, and the region stays inside the image.
        var edge = new PixelRect(900, 0, 100, 100).Scale(1000, 1000, 333, 333);
        Assert.Equal((300, 0, 33, 33), (edge.Left, edge.Top, edge.Width, edge.Height));
    }
}
