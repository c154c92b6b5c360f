using Burnish.Imaging;
using Burnish.Stages.Repair;
using Burnish.Synthesis;
using Burnish.Core.Tests.Stages.Repair;

namespace Burnish.Core.Tests.Synthesis;

public class ContentAwareFillTests
{
    private static Mask Box(int w, int h, string spec) => Mask.FromShapes(w, h, [MaskShape.Parse(ShapeKind.Box, spec)]);

    [Fact]
    public void The_same_seed_gives_the_same_pixels_and_another_seed_differs()
    {
        var image = RepairImages.Kodim15Crop();
        var hole = Box(image.Width, image.Height, "90,60,60,50");
        var input = RepairImages.Destroy(image, hole);
        var a = RepairImages.Pixels(ContentAwareFill.Fill(input, hole, FillParams.Default));
        var b = RepairImages.Pixels(ContentAwareFill.Fill(input, hole, FillParams.Default));
        Assert.Equal(a, b); // thread scheduling differs run to run; the CLI tests also compare one core against two
        var other = RepairImages.Pixels(ContentAwareFill.Fill(input, hole, FillParams.Default with { Seed = 1 }));
        Assert.NotEqual(a, other);
    }

    [Fact]
    public void Pixels_outside_the_mask_come_back_bit_for_bit()
    {
        var image = RepairImages.Kodim15Crop();
        var hole = Box(image.Width, image.Height, "40,30,50,40");
        var before = RepairImages.Pixels(image);
        var after = RepairImages.Pixels(ContentAwareFill.Fill(image, hole, FillParams.Default));
        var changed = 0;
        for (var i = 0; i < before.Length; i++)
        {
            int p = i / 3, x = p % image.Width, y = p / image.Width;
            if (hole[x, y] > 0) { if (before[i] != after[i]) changed++; continue; }
            Assert.Equal(before[i], after[i]);
        }
        Assert.True(changed > 0, "the hole was not filled");
    }

    [Fact]
    public void A_hole_in_a_periodic_texture_is_filled_with_that_texture()
    {
        var truth = RepairImages.Periodic(192, 144);
        var hole = Box(192, 144, "70,50,48,40");
        var filled = ContentAwareFill.Fill(RepairImages.Destroy(truth, hole), hole, FillParams.Default);
        var error = RepairImages.RmsDeltaE(filled, truth, (x, y) => hole[x, y] > 0);

        // A flat fill with the texture's mean colour: what a blur converges to.
        var mean = Enumerable.Range(0, 3).Select(c => (float)truth.Pixels[c].Avg()).ToArray();
        var flatRgb = new float[192 * 144 * 3];
        for (var i = 0; i < 192 * 144; i++)
            for (var c = 0; c < 3; c++) flatRgb[i * 3 + c] = mean[c];
        var flatError = RepairImages.RmsDeltaE(RepairImages.Srgb(flatRgb, 192, 144), truth, (x, y) => hole[x, y] > 0);

        // A copy one period away differs only by the dither (±0.005, about 0.5 ΔE RMS between two pixels): measured 0.40.
        Assert.True(error < 1, $"RMS ΔE in the hole {error:0.00}");
        Assert.True(error < flatError / 5, $"fill {error:0.00} against a flat fill {flatError:0.00}");
    }

    [Fact]
    public void A_hole_touching_the_border_and_the_corner_is_filled()
    {
        var truth = RepairImages.Periodic(160, 120);
        var hole = Box(160, 120, "0,0,40,30").Union(Box(160, 120, "120,50,40,30"));
        var filled = ContentAwareFill.Fill(RepairImages.Destroy(truth, hole), hole, FillParams.Default);
        var error = RepairImages.RmsDeltaE(filled, truth, (x, y) => hole[x, y] > 0);
        Assert.True(error < 1, $"RMS ΔE in the border holes {error:0.00}"); // measured 0.41, as in the middle
        foreach (var v in RepairImages.Pixels(filled)) Assert.True(float.IsFinite(v));
    }

    [Fact]
    public void The_poisson_blend_leaves_no_seam_where_the_fill_comes_from_brighter_or_darker_texture()
    {
        // The texture under a light that peaks in the hole and falls off around it: every patch the fill can copy is
        // darker than what belongs at the hole's edge, so an unblended fill steps there.
        var texture = RepairImages.Pixels(RepairImages.Periodic(192, 144));
        for (var y = 0; y < 144; y++)
            for (var x = 0; x < 192; x++)
            {
                var r = Math.Sqrt((x - 96.0) * (x - 96.0) + (y - 72.0) * (y - 72.0)) / 120;
                for (var c = 0; c < 3; c++) texture[(y * 192 + x) * 3 + c] *= (float)(1 - 0.6 * r);
            }
        var truth = RepairImages.Srgb(texture, 192, 144);
        var hole = Box(192, 144, "72,48,48,48");
        var input = RepairImages.Destroy(truth, hole);
        var blended = RepairImages.EdgeStepRatio(ContentAwareFill.Fill(input, hole, FillParams.Default), truth, hole);
        var unblended = RepairImages.EdgeStepRatio(ContentAwareFill.Fill(input, hole, FillParams.Default with { BlendBand = 0 }), truth, hole);
        // 1 is an edge exactly as continuous as the truth's. Measured: 0.96 blended, 1.42 without the blend.
        Assert.True(unblended > 1.25, $"the setup should make a seam without the blend; ratio {unblended:0.00}");
        Assert.InRange(blended, 0.85, 1.15);
    }

    [Fact]
    public void A_transparent_hole_is_filled_and_made_opaque()
    {
        var rgb = RepairImages.Pixels(RepairImages.Periodic(96, 96));
        var rgba = new float[96 * 96 * 4];
        for (var i = 0; i < 96 * 96; i++)
        {
            var inHole = i % 96 is >= 30 and < 60 && i / 96 is >= 30 and < 60;
            rgba[i * 4] = inHole ? 0 : rgb[i * 3];
            rgba[i * 4 + 1] = inHole ? 0 : rgb[i * 3 + 1];
            rgba[i * 4 + 2] = inHole ? 0 : rgb[i * 3 + 2];
            rgba[i * 4 + 3] = inHole ? 0 : 1;
        }
        var image = RepairImages.Srgb(rgba, 96, 96, bands: 4);
        var filled = ContentAwareFill.Fill(image, Mask.FromAlpha(image), FillParams.Default);
        var px = RepairImages.Pixels(filled);
        for (var i = 0; i < 96 * 96; i++) Assert.Equal(1f, px[i * 4 + 3], 1e-4f);
        var truth = RepairImages.Periodic(96, 96);
        Assert.True(RepairImages.RmsDeltaE(filled.WithPixels(filled.Colour), truth, (x, y) => x is >= 30 and < 60 && y is >= 30 and < 60) < 1);
    }

    [Fact]
    public void With_nothing_left_to_copy_from_the_fill_says_so()
    {
        var image = RepairImages.Periodic(64, 64);
        // Only a 5-pixel frame is known: no 9×9 patch fits in it.
        var hole = Box(64, 64, "5,5,54,54").Union(Box(64, 64, "0,0,64,3"));
        var e = Assert.Throws<BurnishException>(() => ContentAwareFill.Fill(image, hole, FillParams.Default));
        Assert.Contains("too little of the image is left to fill from", e.Message);
    }

    [Fact]
    public void The_vector_patch_distance_equals_the_plain_sum()
    {
        var random = new Random(3);
        const int W = 40, H = 30;
        var px = new float[W * H * 4];
        var weights = new float[W * H * 4];
        for (var i = 0; i < px.Length; i++) px[i] = (float)(random.NextDouble() * 100 - 20);
        for (var i = 0; i < W * H; i++) weights.AsSpan(i * 4, 4).Fill(random.NextDouble() < 0.5 ? 1f : 0.01f);
        foreach (var size in new[] { 5, 7, 9, 11 })
        {
            int a = 3 * W + 2, b = 15 * W + 20;
            var plain = PatchDistance.SsdScalar(px, W, size, a, b);
            // Float sums in another order: agree to 1e-5 relative.
            Assert.Equal(plain, PatchDistance.Ssd(px, W, size, a, b, float.PositiveInfinity), plain * 1e-5f);
            var weighted = PatchDistance.WeightedSsdScalar(px, weights, W, size, a, b);
            Assert.Equal(weighted, PatchDistance.WeightedSsd(px, weights, W, size, a, b, float.PositiveInfinity), weighted * 1e-5f);
            // Stopping early still returns at least the limit.
            Assert.True(PatchDistance.Ssd(px, W, size, a, b, plain / 10) >= plain / 10);
        }
    }
}
