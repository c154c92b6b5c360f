using Burnish.Core.Tests.Metrics;
using Burnish.Imaging;
using Burnish.Metrics;
using Burnish.Recipes;
using Burnish.Stages.Cleanup;
using NetVips;
using Burnish.Schema;

namespace Burnish.Core.Tests.Stages.Cleanup;

using Cleanup = Burnish.Stages.Cleanup.Cleanup;

public class CleanupTests
{
    // LittleCMS float Lab → sRGB → Lab moves encoded values by ~1e-6; 1e-4 is "unchanged" after a Lab round trip.
    private const double RoundTrip = 1e-4;

    /// <summary>
    /// What a careless AI upscale does, made on purpose: Lanczos ×2 of a real generation, then a strong unsharp mask on
    /// L* (σ 1.5, amount 1.5: halos) and a colour cast (a* +4, b* −3).
    /// </summary>
    private static (WorkImage Source, WorkImage StandIn, WorkImage Lanczos) Case()
    {
        var source = MetricTargets.Face();
        var lanczos = ImageMetrics.ClassicalResize(source, 2 * source.Width, 2 * source.Height);
        var lab = ColourSpaces.ToLab(lanczos);
        var l = lab[0];
        var sharpened = l + (l - l.Gaussblur(1.5, minAmpl: 0.001, precision: Enums.Precision.Float)) * 1.5;
        var standIn = MetricTargets.FromLab(sharpened.Bandjoin(lab[1] + 4.0, lab[2] - 3.0).Cast(Enums.BandFormat.Float));
        return (source, standIn, lanczos);
    }

    [Fact]
    public void The_defaults_lower_the_halo_and_the_colour_drift_and_keep_sharpness_above_the_Lanczos_baseline()
    {
        var (source, standIn, lanczos) = Case();
        var (result, report) = Cleanup.Apply(standIn, source, CleanupParams.Default);
        var m = report.Measurements;

        // Independent measurements (the metrics module, from the files' pixels) agree with the report and show the claim.
        var haloBefore = ImageMetrics.HaloScore(standIn, source);
        var haloAfter = ImageMetrics.HaloScore(result, source);
        var driftBefore = ImageMetrics.DeltaE2000Mean(standIn, source);
        var driftAfter = ImageMetrics.DeltaE2000Mean(result, source);
        var sharpAfter = ImageMetrics.LaplacianVariance(result);
        var sharpLanczos = ImageMetrics.LaplacianVariance(lanczos);

        Assert.True(haloAfter < 0.7 * haloBefore, $"halo {haloBefore} → {haloAfter}");
        Assert.True(driftAfter < 0.5 * driftBefore, $"drift {driftBefore} → {driftAfter}");
        Assert.True(sharpAfter > sharpLanczos, $"sharpness {sharpAfter} vs Lanczos {sharpLanczos}");
        Assert.Empty(report.Warnings);

        // The report's figures are the same measurements (its halo and sharpness come from the L* planes before the
        // final Lab → sRGB conversion, hence the small tolerances).
        Assert.Equal(haloBefore, m["halo_before"], 0.01);
        Assert.Equal(haloAfter, m["halo_after"], 0.05);
        Assert.Equal(driftBefore, m["colour_drift_de00_before"], 1e-3);
        Assert.Equal(driftAfter, m["colour_drift_de00_after"], 1e-3);
        Assert.Equal(sharpAfter, m["sharpness_after"], sharpAfter * 1e-3);
        Assert.Equal(sharpLanczos, m["sharpness_lanczos"], sharpLanczos * 1e-3);
        Assert.Equal(2, m["scale"]);
    }

    [Fact]
    public void Detail_zero_gives_the_Lanczos_upscale_and_one_gives_the_input()
    {
        var (source, standIn, lanczos) = Case();
        var (zero, _) = Cleanup.Apply(standIn, source, CleanupParams.Off with { Detail = 0 });
        Assert.InRange(MaxDifference(zero, lanczos), 0, RoundTrip); // the pyramid rebuilds exactly; only the Lab round trip is left

        var (one, report) = Cleanup.Apply(standIn, source, CleanupParams.Off);
        Assert.Same(standIn, one);
        Assert.Empty(report.Measurements);

        // In between, the result moves steadily from the Lanczos upscale toward the input.
        var distances = new[] { 0.25, 0.5, 0.75 }.Select(d => Rms(Cleanup.Apply(standIn, source, CleanupParams.Off with { Detail = d }).Image, lanczos)).ToArray();
        var full = Rms(standIn, lanczos);
        Assert.True(distances[0] < distances[1] && distances[1] < distances[2] && distances[2] < full, string.Join(", ", distances) + $", {full}");
    }

    [Fact]
    public void Detail_dials_back_fine_bands_more_than_coarse_ones()
    {
        var (source, standIn, lanczos) = Case();
        var (half, _) = Cleanup.Apply(standIn, source, CleanupParams.Off with { Detail = 0.5 });
        // Split each difference from the Lanczos upscale at σ 2 px: below it are the bands finer than a source pixel.
        var (fineIn, coarseIn) = Bands(standIn, lanczos);
        var (fineOut, coarseOut) = Bands(half, lanczos);
        var fineKept = fineOut / fineIn;
        var coarseKept = coarseOut / coarseIn;
        Assert.InRange(fineKept, 0.4, 0.7); // weight 0.5 on the finest octave, √0.5 on the next: a mix
        Assert.True(coarseKept > fineKept + 0.1, $"fine {fineKept}, coarse {coarseKept}");
    }

    [Fact]
    public void Soften_changes_only_the_box_and_smooths_what_is_inside()
    {
        var (source, standIn, _) = Case();
        var noisy = MetricTargets.WithLightnessNoise(standIn, 3, seed: 9);
        var p = CleanupParams.Off with { Soften = [new SoftenRegion { Box = "100,120,120,90", Amount = 1, Feather = 2 }] };
        var (result, report) = Cleanup.Apply(noisy, source, p);
        Assert.True(report.Measurements["softened_percent"] > 0);

        var before = Fixtures.Pixels(noisy.Pixels);
        var after = Fixtures.Pixels(result.Pixels);
        var w = noisy.Width;
        // Outside the box grown by the feather's reach (3σ = 6 px), nothing moves beyond the Lab round trip.
        double outside = 0, insideBefore = 0, insideAfter = 0;
        for (var y = 0; y < noisy.Height; y++)
            for (var x = 0; x < w; x++)
            {
                var inBox = x >= 100 && x < 220 && y >= 120 && y < 210;
                var nearBox = x >= 94 && x < 226 && y >= 114 && y < 216;
                for (var c = 0; c < 3; c++)
                {
                    var i = (y * w + x) * 3 + c;
                    if (!nearBox) outside = Math.Max(outside, Math.Abs(after[i] - before[i]));
                }
                if (inBox && x > 100 && y > 120)
                {
                    // Roughness: the difference to the left neighbour, in the green channel.
                    insideBefore += Math.Abs(before[(y * w + x) * 3 + 1] - before[(y * w + x - 1) * 3 + 1]);
                    insideAfter += Math.Abs(after[(y * w + x) * 3 + 1] - after[(y * w + x - 1) * 3 + 1]);
                }
            }
        Assert.InRange(outside, 0, RoundTrip);
        Assert.True(insideAfter < 0.6 * insideBefore, $"pixel-to-pixel variation {insideBefore} → {insideAfter}");
    }

    [Fact]
    public void A_mask_image_softens_where_it_is_white_and_is_resized_to_the_output()
    {
        var (source, standIn, _) = Case();
        var noisy = MetricTargets.WithLightnessNoise(standIn, 3, seed: 10);
        using var dir = new TempDir();
        // A mask at the source's size (192²): white on the right half.
        var maskPath = dir.File("mask.png");
        var xy = Image.Xyz(source.Width, source.Height);
        ((xy[0] >= source.Width / 2) & (Image.Black(source.Width, source.Height) + 255)).Cast(Enums.BandFormat.Uchar).Pngsave(maskPath);
        var p = CleanupParams.Off with { Soften = [new SoftenRegion { Mask = maskPath, Amount = 1, Feather = 0 }] };

        var (result, report) = Cleanup.Apply(noisy, source, p);
        Assert.Equal(50, report.Measurements["softened_percent"], 1.0); // half the image (resampling blurs the seam a little)
        var before = Fixtures.Pixels(noisy.Pixels);
        var after = Fixtures.Pixels(result.Pixels);
        var w = noisy.Width;
        double left = 0;
        for (var y = 0; y < noisy.Height; y++)
            for (var x = 0; x < w / 2 - 4; x++)
                for (var c = 0; c < 3; c++)
                    left = Math.Max(left, Math.Abs(after[(y * w + x) * 3 + c] - before[(y * w + x) * 3 + c]));
        Assert.InRange(left, 0, RoundTrip);
        Assert.True(Rms(result, noisy) > 0.005, "the right half changed");
    }

    [Fact]
    public void Alpha_passes_through_untouched()
    {
        var (source, standIn, _) = Case();
        var xy = Image.Xyz(standIn.Width, standIn.Height);
        var alpha = (xy[0] / (double)standIn.Width).Cast(Enums.BandFormat.Float);
        var withAlpha = standIn.WithPixels(standIn.Pixels.Bandjoin(alpha));
        var sourceAlpha = source.WithPixels(source.Pixels.Bandjoin(Image.Black(source.Width, source.Height) + 1.0).Cast(Enums.BandFormat.Float));
        var (result, _) = Cleanup.Apply(withAlpha, sourceAlpha, CleanupParams.Default);
        Assert.Equal(4, result.Pixels.Bands);
        Assert.Equal(Fixtures.Pixels(alpha), Fixtures.Pixels(result.Alpha!));
    }

    [Fact]
    public void Mismatched_images_and_bad_regions_fail_with_clear_messages()
    {
        var (source, standIn, _) = Case();
        var wide = MetricTargets.Flat(400, 200, 50, 0, 0);
        Assert.Contains("do not have the same aspect ratio", Assert.Throws<BurnishException>(() => Cleanup.Apply(wide, source, CleanupParams.Default)).Message);
        Assert.Contains("smaller than its source", Assert.Throws<BurnishException>(() => Cleanup.Apply(source, standIn, CleanupParams.Default)).Message);

        var outside = CleanupParams.Off with { Soften = [new SoftenRegion { Box = "500,500,10,10" }] };
        Assert.Contains("lies outside the 384×384 image", Assert.Throws<BurnishException>(() => Cleanup.Apply(standIn, source, outside)).Message);

        var missing = CleanupParams.Off with { Soften = [new SoftenRegion { Mask = "/nonexistent/skin-mask.png" }] };
        var e = Assert.Throws<ImageInputException>(() => SoftenMasks.Load(missing));
        Assert.Contains("skin-mask.png", e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void The_recipe_section_validates_every_key()
    {
        var yaml = """
            version: 1
            cleanup:
              halo: 1.5
              detial: 0.5
              colour: maybe
              soften:
                - amount: 0.3
                - box: 10,20,30
                - box: 1,2,3,4
                  mask: skin.png
                - box: 0,0,64,64
                  radius: 0
            """;
        var problems = Assert.Throws<RecipeException>(() => RecipeReader.Parse(yaml, "r.yaml")).Problems;
        var messages = problems.Select(p => p.Message).ToList();
        Assert.Contains(messages, m => m.Contains("cleanup.halo: 1.5 is out of range 0..1"));
        Assert.Contains(messages, m => m.Contains("unknown key 'cleanup.detial'; did you mean 'detail'?"));
        Assert.Contains(messages, m => m.Contains("cleanup.colour: expected true or false, got 'maybe'"));
        Assert.Contains(messages, m => m.Contains("cleanup.soften[0]: a soften region needs a mask (an image path) or a box (x,y,w,h)"));
        Assert.Contains(messages, m => m.Contains("'10,20,30' is not a box"));
        Assert.Contains(messages, m => m.Contains("give either mask or box, not both"));
        Assert.Contains(messages, m => m.Contains("cleanup.soften[3].radius: 0 is out of range 1..64"));
        Assert.Equal(7, problems.Count);
    }

    [Fact]
    public void A_cleanup_section_reads_and_survives_the_commented_template()
    {
        var recipe = RecipeReader.Parse("""
            version: 1
            cleanup:
              halo: 0.8
              soften:
                - box: 10,20,30,40
                  amount: 0.3
            """, "r.yaml");
        var cleanup = recipe.Cleanup!;
        Assert.Equal(0.8, cleanup.Halo);
        Assert.Equal(CleanupParams.Default.Detail, cleanup.Detail);
        Assert.Equal(new PixelBox(10, 20, 30, 40), SoftenRegion.ParseBox(Assert.Single(cleanup.Soften).Box!));
        Assert.Equal(RecipeReader.Hash(recipe), RecipeReader.Hash(RecipeReader.Parse(RecipeTemplate.Write(recipe), "template.yaml")));

        var empty = RecipeReader.Parse("version: 1\ncleanup: {}\n", "r.yaml");
        Assert.Equal(CleanupParams.Default, empty.Cleanup! with { Soften = CleanupParams.Default.Soften });
        Assert.Empty(empty.Cleanup!.Soften);
        Assert.Equal(RecipeReader.Hash(empty), RecipeReader.Hash(RecipeReader.Parse(RecipeTemplate.Write(empty), "template.yaml")));
    }

    [Fact]
    public void Every_key_is_documented_ranged_where_numeric_and_its_default_is_in_range()
    {
        foreach (var (type, instance) in new (Type, object)[] { (typeof(CleanupParams), CleanupParams.Default), (typeof(SoftenRegion), new SoftenRegion()) })
        {
            var keys = RecipeKeys.Of(type);
            Assert.Equal(type.GetProperties().Count(p => p.CanWrite), keys.Count);
            foreach (var property in keys.Values)
            {
                Assert.False(string.IsNullOrWhiteSpace(((DocAttribute)Attribute.GetCustomAttribute(property, typeof(DocAttribute))!).Text));
                var value = property.GetValue(instance);
                if (value is double or int)
                {
                    var range = (RangeAttribute?)Attribute.GetCustomAttribute(property, typeof(RangeAttribute));
                    Assert.NotNull(range);
                    Assert.InRange(Convert.ToDouble(value), range.Min, range.Max);
                }
            }
        }
        Assert.Equal(["colour", "colour_lightness", "colour_radius", "detail", "detail_faces", "detail_faces_feather", "halo", "soften"], RecipeKeys.Of(typeof(CleanupParams)).Keys.Order());
        Assert.True(CleanupParams.Default.Colour); // on by default after any AI stage
    }

    private static double MaxDifference(WorkImage a, WorkImage b)
    {
        var pa = Fixtures.Pixels(a.Colour);
        var pb = Fixtures.Pixels(b.Colour);
        return pa.Zip(pb, (x, y) => Math.Abs((double)x - y)).Max();
    }

    private static double Rms(WorkImage a, WorkImage b)
    {
        var pa = Fixtures.Pixels(a.Colour);
        var pb = Fixtures.Pixels(b.Colour);
        return Math.Sqrt(pa.Zip(pb, (x, y) => ((double)x - y) * ((double)x - y)).Average());
    }

    // RMS of (image − reference) L* below and above a gaussian split at σ 2 px.
    private static (double Fine, double Coarse) Bands(WorkImage image, WorkImage reference)
    {
        var d = ColourSpaces.ToLab(image)[0] - ColourSpaces.ToLab(reference)[0];
        var coarse = d.Gaussblur(2, minAmpl: 0.001, precision: Enums.Precision.Float);
        var fine = d - coarse;
        return (Math.Sqrt((fine * fine).Avg()), Math.Sqrt((coarse * coarse).Avg()));
    }
}
