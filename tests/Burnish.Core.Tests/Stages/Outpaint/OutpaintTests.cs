using Burnish.Imaging;
using Burnish.Metrics;
using Burnish.Stages.Outpaint;
using NetVips;
using static Burnish.Core.Tests.Stages.Outpaint.OutpaintImages;

namespace Burnish.Core.Tests.Stages.Outpaint;

using Outpaint = Burnish.Stages.Outpaint.Outpaint;

public class OutpaintTests
{
    private static OutpaintParams Params(string aspect, OutpaintAnchor anchor = OutpaintAnchor.Center) => new() { Aspect = AspectRatio.Parse(aspect), Anchor = anchor };

    // ── geometry ────────────────────────────────────────────────────────────────────────────────────────────

    [Theory]
    [InlineData("16:9", OutpaintAnchor.Center, 137, 77)] // 77 × 16/9 = 136.9
    [InlineData("16:9", OutpaintAnchor.Right, 137, 77)]
    [InlineData("4:5", OutpaintAnchor.Top, 101, 126)] // 101 × 5/4 = 126.25
    [InlineData("4:5", OutpaintAnchor.BottomRight, 101, 126)]
    [InlineData("1:1", OutpaintAnchor.Center, 101, 101)]
    public void An_odd_sized_image_gets_the_exact_canvas_and_keeps_its_pixels_outside_the_seam(string aspect, OutpaintAnchor anchor, int w, int h)
    {
        var original = Crop(Field(), 150, 280, 101, 77); // rice, odd on both sides
        var p = Params(aspect, anchor);
        var (result, report) = Outpaint.Extend(original, AspectRatio.Parse(aspect), p);
        Assert.Equal((w, h), (result.Width, result.Height));
        Assert.Equal(original.Pixels.Bands, result.Pixels.Bands);
        var plan = OutpaintPlan.For(original.Width, original.Height, AspectRatio.Parse(aspect), anchor, p.Step);
        Assert.Equal(plan.Steps.Count, (int)report.Measurements["steps"]);
        var (first, second) = plan.Axis == GrowthAxis.Horizontal ? ("left", "right") : ("top", "bottom");
        foreach (var s in plan.Steps)
        {
            Assert.Equal(s.Before > 0, report.Measurements.ContainsKey($"step{s.Number}.{first}.dE"));
            Assert.Equal(s.After > 0, report.Measurements.ContainsKey($"step{s.Number}.{second}.dE"));
        }

        // Outside the seam strips (seam/2 = 8 pixels into the original on each grown side), every sample is bit for bit.
        var before = Samples(original);
        var after = Samples(result);
        var horizontal = plan.Axis == GrowthAxis.Horizontal;
        int seamIn = p.Seam / 2, bands = original.Pixels.Bands;
        var growsBefore = plan.Steps.Any(s => s.Before > 0);
        var growsAfter = plan.Steps.Any(s => s.After > 0);
        int compared = 0, seamChanged = 0;
        for (var y = 0; y < original.Height; y++)
            for (var x = 0; x < original.Width; x++)
            {
                var along = horizontal ? x : y;
                var size = horizontal ? original.Width : original.Height;
                var inSeam = (growsBefore && along < seamIn) || (growsAfter && along >= size - seamIn);
                for (var c = 0; c < bands; c++)
                {
                    var a = before[(y * original.Width + x) * bands + c];
                    var b = after[((y + plan.OriginY) * w + x + plan.OriginX) * bands + c];
                    if (inSeam) { if (a != b) seamChanged++; continue; }
                    Assert.True(a == b, $"({x}, {y}) band {c}: {a} → {b}");
                    compared++;
                }
            }
        Assert.True(compared > 0);
        Assert.True(seamChanged > 0, "the seam strip was not re-blended");
    }

    [Fact]
    public void The_seam_strip_is_refilled_on_the_new_side_and_fades_to_the_original_on_the_old()
    {
        // Band of 20 pixels (t < 20 is new), 8 re-filled inside it, 8 fading out in the existing image.
        var coverage = Enumerable.Range(0, 40).Select(t => Outpaint.SeamCoverage(t, 20, 8, 8)).ToArray();
        Assert.All(coverage[..12], c => Assert.Equal(0f, c)); // the band's outer part keeps its fill
        Assert.All(coverage[12..20], c => Assert.Equal(1f, c));
        for (var t = 20; t < 28; t++) Assert.True(coverage[t] < coverage[t - 1] && coverage[t] > 0, $"t = {t}: {coverage[t]}");
        Assert.All(coverage[28..], c => Assert.Equal(0f, c)); // the original from 8 pixels in
    }

    [Fact]
    public void Without_a_seam_pass_the_whole_original_is_untouched()
    {
        var original = Crop(Field(), 150, 280, 101, 77);
        var (result, _) = Outpaint.Extend(original, AspectRatio.Parse("16:9"), Params("16:9") with { Seam = 0 });
        var plan = OutpaintPlan.For(101, 77, AspectRatio.Parse("16:9"), OutpaintAnchor.Center, 0.3);
        Assert.Equal(Samples(original), Samples(Crop(result, plan.OriginX, plan.OriginY, 101, 77)));
    }

    [Fact]
    public void An_aspect_the_image_already_has_is_a_no_op()
    {
        var original = Crop(Field(), 0, 0, 320, 180);
        var (result, report) = Outpaint.Extend(original, AspectRatio.Parse("16:9"), Params("16:9"));
        Assert.Same(original, result);
        Assert.Equal(0, report.Measurements["steps"]);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void An_image_too_small_to_extend_is_refused_clearly()
    {
        var tiny = Crop(Field(), 0, 0, 12, 40);
        var e = Assert.Throws<BurnishException>(() => Outpaint.Extend(tiny, AspectRatio.Parse("1:1"), Params("1:1")));
        Assert.Contains("too small to outpaint", e.Message);
    }

    [Fact]
    public void A_cancelled_outpaint_stops()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Outpaint.Extend(Crop(Field(), 100, 250, 120, 90), AspectRatio.Parse("16:9"), Params("16:9"), cancel.Token));
    }

    [Fact]
    public void The_same_seed_gives_the_same_pixels_and_another_seed_differs()
    {
        var original = Crop(Field(), 100, 250, 120, 90);
        var a = Samples(Outpaint.Extend(original, AspectRatio.Parse("16:9"), Params("16:9")).Image);
        var b = Samples(Outpaint.Extend(original, AspectRatio.Parse("16:9"), Params("16:9")).Image);
        Assert.Equal(a, b); // the fill runs in parallel; its result must not depend on the thread schedule
        var other = Samples(Outpaint.Extend(original, AspectRatio.Parse("16:9"), Params("16:9") with { Seed = 1 }).Image);
        Assert.NotEqual(a, other);
    }

    [Fact]
    public void Alpha_is_extended_from_the_image_and_the_profile_is_kept()
    {
        var tree = Tree(); // a cut-out: its border strips are nearly all transparent (mean alpha ≈ 0.02)
        var (result, _) = Outpaint.Extend(tree, AspectRatio.Parse("16:9"), Params("16:9"));
        Assert.Equal((455, 256, 4), (result.Width, result.Height, result.Pixels.Bands));
        Assert.True(result.Profile.SameAs(tree.Profile), "the Adobe RGB profile must be kept");
        var plan = OutpaintPlan.For(342, 256, AspectRatio.Parse("16:9"), OutpaintAnchor.Center, 0.3);
        var alpha = result.Alpha!;
        var left = alpha.Crop(0, 0, plan.OriginX, 256).Avg();
        var right = alpha.Crop(plan.OriginX + 342, 0, 455 - 342 - plan.OriginX, 256).Avg();
        // Transparent ground continues transparent; an opaque fill would give 1. 0.1 leaves room for a leaf or two copied in.
        Assert.True(left < 0.1 && right < 0.1, $"mean alpha of the new bands: left {left:0.000}, right {right:0.000}");

        // An opaque image that carries an alpha channel stays exactly opaque.
        var field = Crop(Field(), 100, 250, 120, 90);
        var opaque = field.WithPixels(field.Pixels.Bandjoin(field.Pixels[0] * 0 + 1.0).Cast(Enums.BandFormat.Float).CopyMemory());
        var (extended, _) = Outpaint.Extend(opaque, AspectRatio.Parse("16:9"), Params("16:9"));
        Assert.Equal(1.0, extended.Alpha!.Min(), 5); // 1e-5: the fill works on alpha × 100 in float
    }

    // ── quality against the truth ──────────────────────────────────────────────────────────────────────────

    public static TheoryData<string, int> Truths => new() { { "yosemite", 216 }, { "field", 288 } };

    /// <summary>
    /// A real generation is cut to its narrower centre and outpainted back to its own aspect; what was cut away is the
    /// truth. A fill has only the image's own content to go on, so it cannot know what really lay beyond the edge; what
    /// it can do is continue the image without a seam, with texture, in colours that belong.
    /// </summary>
    [Theory]
    [MemberData(nameof(Truths))]
    public void Outpainting_a_cut_down_image_back_matches_what_was_cut_away(string name, int cropWidth)
    {
        var truth = name == "yosemite" ? Yosemite() : Field();
        int w = truth.Width, h = truth.Height, x0 = (w - cropWidth) / 2;
        var input = Crop(truth, x0, 0, cropWidth, h);
        var aspect = AspectRatio.Parse($"{w}:{h}");
        var (result, report) = Outpaint.Extend(input, aspect, Params(aspect.Text));
        Assert.Equal((w, h), (result.Width, result.Height));
        var plan = OutpaintPlan.For(cropWidth, h, aspect, OutpaintAnchor.Center, 0.3);
        Assert.Equal(x0, plan.OriginX); // the original lands where it was cut from
        Assert.True(plan.Steps.Count >= 2, "the test must cover more than one step");

        var lt = Lightness(truth);
        var lr = Lightness(result);
        // A gradient across a column pair, as the image's own columns vary: the truth's mean over all pairs.
        var typical = MeanColumnStep(lt, w, h, 1, w);
        foreach (var (from, to, side) in new[] { (0, x0, "left"), (x0 + cropWidth, w, "right") })
        {
            var bandTruth = Crop(truth, from, 0, to - from, h);
            var fill = BandDrift.Measure(Crop(result, from, 0, to - from, h), bandTruth);
            var borderX = side == "left" ? 0 : cropWidth - (to - from);
            var border = BandDrift.Measure(Crop(input, borderX, 0, to - from, h), bandTruth);
            // Colour: the fill may not be further from the truth than simply repeating the original's border strip
            // would be, give or take 2 ΔE00 (seeds 0–2 moved it by at most 0.5; measured: yosemite 8.5 against 12.6
            // on the left, 5.4 against 10.5 on the right; field 1.3 against 2.0 and 1.2 against 1.1).
            Assert.True(fill.DeltaE <= border.DeltaE + 2,
                $"{name} {side}: mean colour ΔE00 to the truth {fill.DeltaE:0.00}, the border strip's {border.DeltaE:0.00}");

            // Texture: a diffusion fill is smooth (well under half the truth's Laplacian); patches keep it (measured 0.85–1.36).
            var ratio = MeanLaplacian(lr, w, h, from, to) / MeanLaplacian(lt, w, h, from, to);
            Assert.True(ratio >= 0.6, $"{name} {side}: texture {ratio:0.00} of the truth's");
        }

        // Seams: every boundary the steps made (between the original and step 1, step 1 and 2, …) must not step
        // more than 1.5× a typical column pair of the image: a visible seam is a line of consistently larger steps,
        // while natural edges that cross it keep its mean near the typical one (measured 0.4–1.3×).
        var boundaries = new List<int>();
        int left = plan.OriginX, right = plan.OriginX + cropWidth;
        boundaries.Add(left);
        boundaries.Add(right);
        foreach (var s in plan.Steps.SkipLast(1))
        {
            left -= s.Before;
            right += s.After;
            boundaries.Add(left);
            boundaries.Add(right);
        }
        foreach (var x in boundaries)
        {
            var across = MeanColumnStep(lr, w, h, x, x + 1);
            Assert.True(across <= 1.5 * typical, $"{name}: seam at x = {x} steps {across:0.00} L*, typical {typical:0.00}");
            // A one-sided fill leaves its line a few pixels inside the band: no column pair within 8 pixels may step
            // more than 1.75× typical. Without the seam pass this reached 1.9–2.1× on Yosemite; with it, 1.5× (the
            // truth's own columns reach 1.45× in the same windows).
            var worst = Enumerable.Range(x - 8, 17).Where(c => c >= 1 && c < w).Max(c => MeanColumnStep(lr, w, h, c, c + 1));
            Assert.True(worst <= 1.75 * typical, $"{name}: a column within 8 pixels of x = {x} steps {worst:0.00} L*, typical {typical:0.00}");
        }
        // Six figures per band, two bands per step.
        Assert.Equal(2 * plan.Steps.Count * 6, report.Measurements.Keys.Count(k => k.StartsWith("step", StringComparison.Ordinal) && k.Contains('.')));
        // The field continues to both sides: its bands stay within a few ΔE00 of the border, far below the threshold.
        if (name == "field") Assert.Empty(report.Warnings);
    }

    // ── drift check ───────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public void Drift_is_the_difference_of_the_lab_statistics()
    {
        var strip = Crop(Field(), 336, 0, 48, 384);
        var same = BandDrift.Measure(strip, strip);
        Assert.Equal(new BandDrift(0, 0, 0, 0, 0), same);

        // The same strip 10 L* brighter, made in Lab and converted back: only L* and the ΔE of the means move.
        var lab = ColourSpaces.ToLab(strip);
        var brighter = strip.WithPixels(ColourSpaces.FromLab((lab + new[] { 10.0, 0, 0 }).Cast(Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Lab), strip.Profile));
        var d = BandDrift.Measure(brighter, strip);
        // 0.05: two float LittleCMS conversions each way; the spread is unchanged by a shift.
        Assert.Equal(10, d.DL, 0.05);
        Assert.Equal(0, d.Da, 0.05);
        Assert.Equal(0, d.Db, 0.05);
        Assert.Equal(0, d.Dsd, 0.05);
        // The combined figure is CIEDE2000 between the two mean colours.
        var mean = ColourSpaces.ToLab(strip);
        var (l, a, b) = (mean[0].Avg(), mean[1].Avg(), mean[2].Avg());
        Assert.Equal(ImageMetrics.DeltaE2000(l, a, b, l + d.DL, a + d.Da, b + d.Db), d.DeltaE, 1e-3); // 1e-3: libvips averages in double, the drift in double over float Lab
        Assert.True(d.DeltaE > 5, $"ΔE00 of a 10 L* shift is {d.DeltaE:0.00}");
    }

    [Fact]
    public void A_band_that_cannot_follow_its_border_strip_is_flagged()
    {
        // Blue rice-field texture with a flat red stripe along the right edge, half as wide as the band the single
        // step adds there: the fill continues the stripe it touches (red all across the band), while the strip of the
        // original that the band is compared with is half red and half blue. That must be flagged.
        var field = Crop(Field(), 0, 250, 200, 120);
        var band = OutpaintPlan.For(200, 120, AspectRatio.Parse("2:1"), OutpaintAnchor.Left, 0.3).Steps.Single().After; // 40
        var blueish = field.Pixels * new[] { 0.3, 0.5, 1.0 };
        var red = blueish.Crop(0, 0, band / 2, 120) * 0 + new[] { 0.85, 0.1, 0.1 };
        var image = field.WithPixels(blueish.Insert(red, 200 - band / 2, 0).Cast(Enums.BandFormat.Float).CopyMemory());
        var (_, report) = Outpaint.Extend(image, AspectRatio.Parse("2:1"), Params("2:1", OutpaintAnchor.Left));
        var warning = Assert.Single(report.Warnings);
        Assert.Contains("step 1 right band drifts ΔE00", warning);
        Assert.True(report.Measurements["step1.right.dE"] > new OutpaintParams().DriftWarn);
    }

    [Fact]
    public void Every_band_is_measured_and_flagged_exactly_when_it_drifts_past_the_threshold()
    {
        var input = Crop(Field(), 100, 250, 120, 90);
        var (_, report) = Outpaint.Extend(input, AspectRatio.Parse("16:9"), Params("16:9"));
        var plan = OutpaintPlan.For(120, 90, AspectRatio.Parse("16:9"), OutpaintAnchor.Center, 0.3);
        foreach (var s in plan.Steps)
            foreach (var side in new[] { "left", "right" })
                foreach (var figure in new[] { "px", "dL", "da", "db", "dsd", "dE" })
                    Assert.True(report.Measurements.ContainsKey($"step{s.Number}.{side}.{figure}"), $"step{s.Number}.{side}.{figure} missing");

        // A threshold between the smallest and the largest drift measured: the bands above it, and only those, are flagged.
        var drifts = report.Measurements.Where(kv => kv.Key.EndsWith(".dE", StringComparison.Ordinal)).OrderBy(kv => kv.Value).ToList();
        Assert.True(drifts[^1].Value > drifts[0].Value, "the bands must drift by different amounts for this test to mean anything");
        var threshold = (drifts[0].Value + drifts[^1].Value) / 2;
        var (_, strict) = Outpaint.Extend(input, AspectRatio.Parse("16:9"), Params("16:9") with { DriftWarn = threshold });
        var over = drifts.Where(kv => kv.Value > threshold).Select(kv => kv.Key[..^3]).ToList(); // "step2.right"
        Assert.Equal(over.Count, strict.Warnings.Count);
        foreach (var band in over)
        {
            var (step, side) = (band[4..band.IndexOf('.')], band[(band.IndexOf('.') + 1)..]);
            Assert.Contains(strict.Warnings, w => w.Contains($"step {step} {side} band drifts ΔE00", StringComparison.Ordinal));
        }
    }
}
