using Burnish.Imaging;
using Burnish.Recipes;
using Burnish.Stages.Grade;
using NetVips;

namespace Burnish.Core.Tests.Stages.Grade;

using Grade = Burnish.Stages.Grade.Grade;

public class WhiteBalanceTests
{
    [Fact]
    public void Bradford_d65_to_d50_matches_the_published_matrix()
    {
        // Lindbloom's published Bradford matrix for D65 → D50 (XYZ scaling, whites X/Y, 1, Z/Y).
        var published = new Matrix3(1.0478112, 0.0228866, -0.0501270, 0.0295424, 0.9904844, -0.0170491, -0.0092345, 0.0150436, 0.7521316);
        var ours = WhiteBalance.Adaptation((0.31271, 0.32902), (0.34567, 0.35850));
        foreach (var (a, b) in Pairs(ours, published))
            Assert.True(Math.Abs(a - b) < 2e-4, $"{a} vs {b}"); // the published whites carry 4–5 digits
    }

    [Fact]
    public void A_grey_ramp_stays_neutral_at_zero_and_moves_to_d50_at_its_temperature()
    {
        var ramp = GreyRamp();
        var neutral = Grade.Apply(ramp, new GradeParams { Exposure = 0.0001 }).Image; // forces the full path
        Assert.All(Chroma(neutral), c => Assert.True(c < 0.5, $"chroma {c}")); // issue bar: < 0.5 ΔE

        // 5003 K is CIE D50 on the daylight locus: 10⁶/5003 − 10⁶/6504 mireds warmer than D65.
        var shift = 1e6 / 5003 - 1e6 / WhiteBalance.D65Kelvin;
        var warm = Grade.Apply(ramp, new GradeParams { WhiteBalance = new() { Temperature = shift } }).Image;
        var buffer = PixelBuffer.From(warm.Colour);
        for (var i = 4; i < buffer.Width; i += 8)
        {
            var (x, y) = Chromaticity(buffer.Data[i * 3], buffer.Data[i * 3 + 1], buffer.Data[i * 3 + 2]);
            Assert.InRange(x, 0.3457 - 0.0005, 0.3457 + 0.0005); // CIE D50 (0.3457, 0.3585); locus formula fit ±0.0005
            Assert.InRange(y, 0.3585 - 0.0005, 0.3585 + 0.0005);
        }
    }

    [Fact]
    public void Tint_moves_greys_towards_magenta_or_green()
    {
        var ramp = GreyRamp();
        static double Green(WorkImage image) { var b = PixelBuffer.From(image.Colour); return b.Data[100 * 3 + 1] - (b.Data[100 * 3] + b.Data[100 * 3 + 2]) / 2; }
        Assert.True(Green(Grade.Apply(ramp, new GradeParams { WhiteBalance = new() { Tint = 10 } }).Image) < 0);
        Assert.True(Green(Grade.Apply(ramp, new GradeParams { WhiteBalance = new() { Tint = -10 } }).Image) > 0);
    }

    internal static WorkImage GreyRamp()
    {
        var values = new float[256 * 3];
        for (var i = 0; i < 256; i++) values[i * 3] = values[i * 3 + 1] = values[i * 3 + 2] = i / 255f;
        return new WorkImage(Image.NewFromMemory(values, 256, 1, 3, Enums.BandFormat.Float), ShippedProfiles.Srgb);
    }

    private static IEnumerable<double> Chroma(WorkImage image)
    {
        var lab = PixelBuffer.From(ColourSpaces.ToLab(image));
        for (var i = 0; i < lab.Width; i++) yield return Math.Sqrt(lab.Data[i * 3 + 1] * lab.Data[i * 3 + 1] + lab.Data[i * 3 + 2] * lab.Data[i * 3 + 2]);
    }

    private static (double x, double y) Chromaticity(double r, double g, double b)
    {
        var (X, Y, Z) = WhiteBalance.Rec2020ToXyz.Apply(r, g, b);
        return (X / (X + Y + Z), Y / (X + Y + Z));
    }

    private static IEnumerable<(double, double)> Pairs(Matrix3 a, Matrix3 b) =>
        [(a.M00, b.M00), (a.M01, b.M01), (a.M02, b.M02), (a.M10, b.M10), (a.M11, b.M11), (a.M12, b.M12), (a.M20, b.M20), (a.M21, b.M21), (a.M22, b.M22)];
}

public class ToneCurveTests
{
    [Fact]
    public void Free_points_never_overshoot()
    {
        var curve = MonotoneCubic.Through([(0, 0), (0.2, 0.05), (0.25, 0.6), (0.6, 0.65), (1, 1)]);
        var previous = -1.0;
        for (var x = 0.0; x <= 1; x += 0.0005)
        {
            var y = curve.Evaluate(x);
            Assert.True(y >= previous - 1e-12, $"not monotone at {x}");
            Assert.InRange(y, 0, 1);
            previous = y;
        }
        Assert.Equal(0.6, curve.Evaluate(0.25), 12);
    }

    [Fact]
    public void Contrast_pivots_on_mid_grey_and_keeps_the_ends()
    {
        var p = new ToneParams { Contrast = 0.3 };
        Assert.Equal(ToneCurve.Pivot, ToneCurve.Shape(ToneCurve.Pivot, p), 9);
        Assert.Equal(0, ToneCurve.Shape(0, p), 9);
        Assert.Equal(1, ToneCurve.Shape(1, p), 9);
        Assert.True(ToneCurve.Shape(0.3, p) < 0.3 && ToneCurve.Shape(0.7, p) > 0.7, "an S: darker below, brighter above");
    }

    [Fact]
    public void The_vector_path_matches_the_curve_everywhere()
    {
        var p = new ToneParams { Contrast = 0.25, BlackLift = 0.02, Curve = [[0.3, 0.25], [0.7, 0.8]] };
        var curve = ToneCurve.Build(p);
        var random = new Random(3);
        var samples = new float[10_003]; // not a multiple of 8: the scalar tail runs too
        for (var i = 0; i < samples.Length; i++) samples[i] = (float)(random.NextDouble() * 1.2 - 0.1);
        samples[0] = 0; samples[1] = 1; samples[2] = -0.5f; samples[3] = 3f; samples[4] = float.NaN;
        var applied = (float[])samples.Clone();
        curve.Apply(applied);
        for (var i = 0; i < samples.Length; i++)
        {
            var x = float.IsNaN(samples[i]) ? 0 : Math.Clamp(samples[i], 0, 1);
            var expected = ToneCurve.Decode(ToneCurve.Shape(ToneCurve.Encode(x), p, MonotoneCubic.Through([(0, 0), (0.3, 0.25), (0.7, 0.8), (1, 1)])));
            // 65 536 table steps with linear interpolation: within 2e-5 of the exact curve (float32 table).
            Assert.True(Math.Abs(applied[i] - expected) < 2e-5, $"x={samples[i]}: {applied[i]} vs {expected}");
        }
    }

    [Fact]
    public void Black_lift_and_white_point_set_the_ends()
    {
        var p = new ToneParams { BlackLift = 0.05, WhitePoint = 0.95 };
        Assert.Equal(0.05, ToneCurve.Shape(0, p), 9);
        Assert.Equal(0.95, ToneCurve.Shape(1, p), 9);
    }
}

public class ColourTests
{
    [Fact]
    public void Split_toning_and_saturation_keep_luminance()
    {
        var image = GradeStageTests.Generation();
        var linear = PixelBuffer.From(ColourSpaces.Convert(image, ShippedProfiles.LinearRec2020).Colour);
        var graded = linear.Clone();
        ColourKernels.SplitToneAndSaturation(graded, new SplitToneParams { Shadows = new() { Hue = 200, Amount = 0.3 }, Highlights = new() { Hue = 40, Amount = 0.3 } }, 0.3, 0.4);
        var changed = 0;
        for (var i = 0; i < linear.Data.Length; i += 3)
        {
            var before = ColourKernels.Luminance(linear.Data[i], linear.Data[i + 1], linear.Data[i + 2]);
            var after = ColourKernels.Luminance(graded.Data[i], graded.Data[i + 1], graded.Data[i + 2]);
            Assert.True(Math.Abs(before - after) < 1e-5, $"Y {before} → {after}"); // float32 rounding only
            if (Math.Abs(graded.Data[i] - linear.Data[i]) > 1e-4) changed++;
        }
        Assert.True(changed > linear.Width * linear.Height / 2, "the grade must actually change colours");
    }

    [Fact]
    public void Vibrance_lifts_muted_colours_more_and_spares_skin()
    {
        static float ChromaGain(float r, float g, float b)
        {
            var buffer = new PixelBuffer(1, 1, 3, [r, g, b]);
            ColourKernels.SplitToneAndSaturation(buffer, new SplitToneParams(), 0, 0.5);
            var y = ColourKernels.Luminance(r, g, b);
            return (buffer.Data[2] - y) / (b - y);
        }
        var muted = ChromaGain(0.30f, 0.32f, 0.40f);     // a greyish blue
        var vivid = ChromaGain(0.05f, 0.10f, 0.60f);     // a saturated blue
        var skin = ChromaGain(0.60f, 0.30f, 0.20f);      // a skin tone (R > G > B, hue fraction 0.25)
        var notSkin = ChromaGain(0.20f, 0.30f, 0.60f);   // equally saturated, away from skin
        Assert.True(muted > vivid, $"muted {muted} vs vivid {vivid}");
        Assert.True(skin < notSkin, $"skin {skin} vs other {notSkin}");
    }
}

public class GradeStageTests
{
    // A real photo with sky, foliage and shadow (colour only; its alpha is not what these tests are about).
    internal static WorkImage Generation()
    {
        var image = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;
        return image.WithPixels(image.Colour);
    }

    [Fact]
    public void An_empty_grade_is_the_identity()
    {
        var image = Generation();
        var (result, report) = Grade.Apply(image, new GradeParams());
        Assert.Same(image, result);
        Assert.Empty(report.Warnings);
    }

    [Theory]
    [InlineData("polished")]
    [InlineData("warm-golden")]
    [InlineData("cool-moody")]
    [InlineData("cinematic-split")]
    [InlineData("soft-film")]
    public void Shipped_looks_are_visible_but_subtle(string preset)
    {
        var image = Generation();
        var graded = Grade.Apply(image, SectionPresets.Load<GradeParams>(preset)).Image;
        var dE = Fixtures.DeltaE00(ColourSpaces.Convert(graded, ShippedProfiles.Srgb).Colour, image.Colour, ShippedProfiles.Srgb);
        var mean = dE.Average();
        // Subtle: on average a visible but small change (ΔE00 1 is a just-noticeable difference; 6 is a clear shift).
        Assert.True(mean is >= 1.0 and <= 6.0, $"{preset}: mean ΔE00 {mean:0.00}");
    }

    [Fact]
    public void An_identity_lut_leaves_the_grade_unchanged_through_its_srgb_detour()
    {
        // An sRGB generation darkened a little: every value stays inside the LUT's 0–1 domain, which a LUT clamps to.
        var image = ImageLoader.Load(Fixtures.PathOf("metadata", "automatic1111_stealth.png"), LoadLimits.Default).Image;
        image = image.WithPixels(image.Colour);
        var look = new GradeParams { Exposure = -0.3 };
        var without = PixelBuffer.From(Grade.Apply(image, look).Image.Pixels);
        var with = PixelBuffer.From(Grade.Apply(image, look with { Lut = new() { File = "identity.cube" } }, Burnish.Stages.Grade.Lut.CubeLut.Identity(33)).Image.Pixels);
        var worst = without.Data.Zip(with.Data, (a, b) => Math.Abs(a - b)).Max();
        // Linear → sRGB → linear with sampled curves, and tetrahedral interpolation of an identity grid (exact): 1e-4 linear.
        Assert.True(worst < 1e-4, $"worst {worst}");
    }

    [Fact]
    public void A_heavy_grade_that_clips_is_warned_about_with_measurements()
    {
        var (_, report) = Grade.Apply(Generation(), new GradeParams { Exposure = 2.5 });
        Assert.Contains(report.Warnings, w => w.Contains("grade clips"));
        Assert.True(report.Measurements["clipped_highlights_after"] > report.Measurements["clipped_highlights_before"]);
    }

    [Fact]
    public void A_preset_in_a_recipe_is_the_base_and_keys_override_it()
    {
        var recipe = RecipeReader.Parse("version: 1\ngrade:\n  preset: warm-golden\n  exposure: 0.3\n  tone: {black_lift: 0.02}\n", "r.yaml");
        var warm = SectionPresets.Load<GradeParams>("warm-golden");
        Assert.Equal(0.3, recipe.Grade!.Exposure);
        Assert.Equal(warm.WhiteBalance.Temperature, recipe.Grade.WhiteBalance.Temperature);
        Assert.Equal(warm.Tone.Contrast, recipe.Grade.Tone.Contrast); // nested sections merge key by key
        Assert.Equal(0.02, recipe.Grade.Tone.BlackLift);
        Assert.Equal(0.08, SectionPresets.Load<GradeParams>("warm-golden").Tone.Contrast); // the shipped preset itself is untouched
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse("version: 1\ngrade: {preset: warm-gold}\n", "r.yaml"));
        Assert.Contains("did you mean 'warm-golden'", e.Message);
    }

    [Fact]
    public void Curve_points_are_validated_with_their_position()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse("version: 1\ngrade:\n  tone:\n    curve: [[0.5, 0.4], [0.3, 0.9], [0.7]]\n", "r.yaml"));
        Assert.Contains(e.Problems, p => p.Message.Contains("x must increase"));
        Assert.Contains(e.Problems, p => p.Message.Contains("has 1 numbers"));
        Assert.All(e.Problems, p => Assert.Equal(4, p.Line));
    }
}
