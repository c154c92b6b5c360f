using Burnish.Imaging;
using Burnish.Stages.Repair;
using NetVips;

namespace Burnish.Core.Tests.Stages.Repair;

public class MaskTests
{
    private static MaskShape Box(string spec) => MaskShape.Parse(ShapeKind.Box, spec);
    private static MaskShape Ellipse(string spec) => MaskShape.Parse(ShapeKind.Ellipse, spec);

    private static int Count(Mask m, Func<float, bool> test)
    {
        var n = 0;
        for (var y = 0; y < m.Height; y++)
            for (var x = 0; x < m.Width; x++)
                if (test(m[x, y])) n++;
        return n;
    }

    [Fact]
    public void A_box_covers_exactly_its_pixels_and_percentages_scale_with_the_image()
    {
        var m = Mask.FromShapes(100, 80, [Box("10,20,30,15")]);
        Assert.Equal((10, 20, 30, 15), m.Bounds());
        Assert.Equal(30 * 15, Count(m, v => v == 1f));
        Assert.Equal(30 * 15, Count(m, v => v > 0)); // hard-edged
        Assert.Equal(30.0 * 15 / (100 * 80), m.Coverage, 12);

        // 10 % of 200 = 20 px, 25 % of 80 = 20 px.
        var p = Mask.FromShapes(200, 80, [Box("10%,25%,10%,25%")]);
        Assert.Equal((20, 20, 20, 20), p.Bounds());
    }

    [Fact]
    public void An_ellipse_covers_the_pixels_whose_centres_are_inside_and_is_clipped_at_the_edge()
    {
        var m = Mask.FromShapes(64, 64, [Ellipse("32,32,10,5")]);
        var expected = 0;
        for (var y = 0; y < 64; y++)
            for (var x = 0; x < 64; x++)
            {
                double dx = (x + 0.5 - 32) / 10, dy = (y + 0.5 - 32) / 5;
                if (dx * dx + dy * dy <= 1) expected++;
            }
        Assert.Equal(expected, Count(m, v => v == 1f));
        Assert.Equal((22, 27, 20, 10), m.Bounds());

        // Centred on the left edge: half of it is in the image.
        var edge = Mask.FromShapes(64, 64, [Ellipse("0,32,10,10")]);
        Assert.Equal(0, edge.Bounds()!.Value.X);
        Assert.InRange(Count(edge, v => v > 0), (int)(Math.PI * 100 / 2 * 0.9), (int)(Math.PI * 100 / 2 * 1.1));
    }

    [Theory]
    [InlineData("box", "90,10,20,20", "reaches outside the 100×80 image")]
    [InlineData("box", "-1,10,20,20", "reaches outside the 100×80 image")]
    [InlineData("box", "10,70,20,20", "reaches outside the 100×80 image")]
    [InlineData("box", "0,0,101%,10", "reaches outside the 100×80 image")]
    [InlineData("ellipse", "120,40,5,5", "centre (120, 40) is outside the 100×80 image")]
    public void A_shape_out_of_the_image_is_refused_with_the_image_size(string kind, string spec, string message)
    {
        var shape = MaskShape.Parse(kind == "box" ? ShapeKind.Box : ShapeKind.Ellipse, spec);
        var e = Assert.Throws<BurnishException>(() => Mask.FromShapes(100, 80, [shape]));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("10,20,30", "expected 4 numbers x,y,width,height")]
    [InlineData("10,20,abc,5", "'abc' is not a number")]
    [InlineData("10,20,0,5", "width and height must be positive")]
    [InlineData("10,20,-3,5", "width and height must be positive")]
    public void A_malformed_box_gets_a_clear_message(string spec, string message)
    {
        var e = Assert.Throws<BurnishException>(() => Box(spec));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Grow_is_a_dilation_by_a_disc_of_that_radius()
    {
        var m = Mask.FromShapes(60, 60, [Box("20,20,10,10")]).Grow(3);
        Assert.Equal((17, 17, 16, 16), m.Bounds());
        // Exactly the pixels within Euclidean distance 3 of the box: brute force.
        var expected = 0;
        for (var y = 0; y < 60; y++)
            for (var x = 0; x < 60; x++)
            {
                var dx = Math.Max(0, Math.Max(20 - x, x - 29));
                var dy = Math.Max(0, Math.Max(20 - y, y - 29));
                var covered = dx * dx + dy * dy <= 9;
                if (covered) expected++;
                Assert.True((m[x, y] == 1f) == covered, $"({x},{y})");
            }
        Assert.Equal(expected, Count(m, v => v == 1f));
        Assert.Equal(0f, m[17, 17]); // the corner is rounded: √18 > 3
        Assert.Equal(1f, m[18, 18]); // √8 ≤ 3
    }

    [Fact]
    public void Grow_by_a_large_radius_near_the_corner_is_still_exact()
    {
        // The distances are computed on the mask's bounds grown by the radius; clipped at the image's corner here.
        var m = Mask.FromShapes(80, 50, [MaskShape.Parse(ShapeKind.Box, "2,3,5,4")]).Grow(20.5);
        for (var y = 0; y < 50; y++)
            for (var x = 0; x < 80; x++)
            {
                var dx = Math.Max(0, Math.Max(2 - x, x - 6));
                var dy = Math.Max(0, Math.Max(3 - y, y - 6));
                Assert.True((m[x, y] == 1f) == (dx * dx + dy * dy <= 20.5 * 20.5), $"({x},{y})");
            }
    }

    [Fact]
    public void Shrink_erodes_a_box_to_a_smaller_box_and_the_image_edge_does_not_erode()
    {
        var m = Mask.FromShapes(60, 60, [Box("20,20,20,20")]).Shrink(3);
        Assert.Equal((23, 23, 14, 14), m.Bounds());
        Assert.Equal(14 * 14, Count(m, v => v == 1f));

        var corner = Mask.FromShapes(60, 60, [Box("0,0,20,20")]).Shrink(3);
        Assert.Equal((0, 0, 17, 17), corner.Bounds());
    }

    [Fact]
    public void Feather_keeps_the_mask_whole_and_fades_out_past_the_edge()
    {
        const double Sigma = 2;
        var hard = Mask.FromShapes(80, 40, [Box("30,0,20,40")]);
        var soft = hard.Feather(Sigma);
        for (var y = 0; y < 40; y++)
            for (var x = 30; x < 50; x++)
                Assert.Equal(1f, soft[x, y]); // nothing masked shows through
        // Along a row, leftwards from the edge at x = 30: coverage falls monotonically, about Φ((2σ − d)/σ) at distance d
        // (the disc grow is exact, the Gaussian is libvips' with its kernel cut at amplitude 0.002: ±0.03).
        for (var d = 1; d <= 6; d++)
        {
            var v = soft[30 - d, 20];
            Assert.True(v <= soft[30 - d + 1, 20], $"not monotone at d={d}");
            var expected = Phi((2 * Sigma - (d - 0.5)) / Sigma);
            Assert.InRange(v, expected - 0.06, expected + 0.06);
        }
        Assert.Equal(0f, soft[30 - 15, 20]); // 7.5σ out: nothing
        Assert.True(soft.Coverage > hard.Coverage);
    }

    [Fact]
    public void A_mask_image_of_another_size_is_stretched_and_invert_swaps_polarity()
    {
        // 64×32: left half white. Stretched to 256×128 it covers the left half.
        var px = new byte[64 * 32];
        for (var y = 0; y < 32; y++)
            for (var x = 0; x < 32; x++) px[y * 64 + x] = 255;
        using var image = Image.NewFromMemoryCopy<byte>(px, 64, 32, 1, Enums.BandFormat.Uchar);
        var m = Mask.FromImage(image, 256, 128);
        Assert.Equal((256, 128), (m.Width, m.Height));
        Assert.Equal(1f, m[0, 0]);
        Assert.Equal(1f, m[120, 64]);
        Assert.Equal(0f, m[136, 64]);
        Assert.Equal(0f, m[255, 127]);
        Assert.InRange(m.Coverage, 0.49, 0.51);

        var inverted = Mask.FromImage(image, 256, 128, invert: true);
        Assert.Equal(0f, inverted[0, 0]);
        Assert.Equal(1f, inverted[255, 127]);
        Assert.InRange(inverted.Coverage, 0.49, 0.51);
    }

    [Fact]
    public void A_mask_image_reads_colour_as_its_mean_transparency_as_black_and_snaps_jpeg_noise()
    {
        // Four pixels: white opaque, white transparent, RGB (255, 0, 0) opaque, near-black (2, 2, 2) opaque.
        byte[] rgba = [255, 255, 255, 255, 255, 255, 255, 0, 255, 0, 0, 255, 2, 2, 2, 255];
        using var image = Image.NewFromMemoryCopy<byte>(rgba, 4, 1, 4, Enums.BandFormat.Uchar);
        var m = Mask.FromImage(image, 4, 1);
        Assert.Equal(1f, m[0, 0]);
        Assert.Equal(0f, m[1, 0]);
        Assert.Equal(1f / 3, m[2, 0], 1e-6f);
        Assert.Equal(0f, m[3, 0]); // 2/255 is within 1 % of black
    }

    [Fact]
    public void The_alpha_source_covers_transparency()
    {
        float[] rgba = [0.5f, 0.5f, 0.5f, 1f, 0.5f, 0.5f, 0.5f, 0f, 0.5f, 0.5f, 0.5f, 0.25f];
        var image = RepairImages.Srgb(rgba, 3, 1, bands: 4);
        var m = Mask.FromAlpha(image);
        Assert.Equal([0f, 1f, 0.75f], m.ToArray());
        var opaque = RepairImages.Srgb([0.5f, 0.5f, 0.5f], 1, 1);
        Assert.Contains("no alpha channel", Assert.Throws<BurnishException>(() => Mask.FromAlpha(opaque)).Message);
    }

    [Fact]
    public void Sources_combine_as_a_union_and_an_empty_or_full_mask_is_refused()
    {
        var image = RepairImages.Periodic(40, 30);
        var pass = new RepairPass { Boxes = [[0, 0, 10, 10]], Ellipses = [[30, 20, 4, 4]] };
        var m = RepairMasks.Build(pass, image, null);
        Assert.Equal(100 + Count(Mask.FromShapes(40, 30, [Ellipse("30,20,4,4")]), v => v > 0), Count(m, v => v > 0));

        var empty = Assert.Throws<BurnishException>(() => Mask.Empty(40, 30).CheckFillable(image));
        Assert.Contains("the mask is empty", empty.Message);
        var full = Assert.Throws<BurnishException>(() => Mask.FromShapes(40, 30, [Box("0,0,40,30")]).CheckFillable(image));
        Assert.Contains("covers the whole image", full.Message);
    }

    private static double Phi(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

    // Abramowitz and Stegun 7.1.26, |error| < 1.5e-7.
    private static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + 0.3275911 * x);
        var y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }
}
