using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Imaging;

/// <summary>
/// Colour conversions against LittleCMS transicc goldens (fixtures/golden/make-golden.sh). Bar from the issue:
/// CIEDE2000 ≤ 0.5. Both sides are unbounded float, so out-of-gamut colours are compared too.
/// </summary>
public class ColourAccuracyTests
{
    private const double MaxDeltaE = 0.5;

    [Theory]
    [InlineData("srgb-to-p3.csv", "srgb", "display-p3")]
    [InlineData("p3-to-srgb.csv", "display-p3", "srgb")]
    public void Grid_conversion_matches_transicc(string golden, string from, string to)
    {
        var rows = Fixtures.Csv(golden);
        var input = Fixtures.Row16(rows.Select(r => (r[0], r[1], r[2])));
        var expected = Fixtures.Row16(rows.Select(r => (r[3], r[4], r[5])));

        var actual = ColourSpaces.Convert(new WorkImage(input, ShippedProfiles.ById(from)), ShippedProfiles.ById(to));

        var dE = Fixtures.DeltaE00(actual.Pixels, expected, ShippedProfiles.ById(to));
        Assert.True(dE.Max() <= MaxDeltaE, $"worst ΔE00 {dE.Max():0.000} over {rows.Count} colours");
        // Beyond ΔE: the same matrix/TRC pipeline with the curves sampled into 16 385-entry tables (MatrixShaper), so
        // code values agree within one 16-bit level (measured 0.67/65535; the goldens themselves are ±0.013).
        var worst = Fixtures.Pixels(actual.Pixels).Zip(Fixtures.Pixels(expected), (a, e) => Math.Abs(a - e) * 65535).Max();
        Assert.True(worst <= 1.0, $"worst code-value difference {worst:0.000} of 65535");
    }

    [Fact]
    public void The_matrix_shaper_shortcut_agrees_with_littlecms_own_float_transform()
    {
        // Through Lab, LittleCMS always runs its full float pipeline: sRGB→Lab→P3 there is the reference for sRGB→P3.
        var random = new Random(5);
        var rows = Enumerable.Range(0, 4096).Select(_ => (random.NextDouble() * 65535, random.NextDouble() * 65535, random.NextDouble() * 65535)).ToList();
        var input = new WorkImage(Fixtures.Row16(rows), ShippedProfiles.Srgb);
        var shortcut = ColourSpaces.Convert(input, ShippedProfiles.DisplayP3).Pixels;
        using var toLab = LittleCms.Create(ShippedProfiles.Srgb, LittleCms.PixelFormat.RgbFloat, null, LittleCms.PixelFormat.LabFloat);
        using var fromLab = LittleCms.Create(null, LittleCms.PixelFormat.LabFloat, ShippedProfiles.DisplayP3, LittleCms.PixelFormat.RgbFloat);
        var lcmsLab = toLab.Apply(input.Pixels);
        var reference = fromLab.Apply(lcmsLab);
        var worst = Fixtures.Pixels(shortcut).Zip(Fixtures.Pixels(reference), (a, b) => Math.Abs(a - b) * 65535).Max();
        Assert.True(worst <= 0.5, $"worst difference {worst:0.000} of 65535"); // sampled curves: measured 0.27
    }

    [Fact]
    public void Adobe_rgb_photo_to_srgb_matches_transicc()
    {
        var rows = Fixtures.Csv("adobergb-photo-to-srgb.csv");
        var loaded = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default);
        Assert.Equal("embedded", loaded.Image.Profile.Id);

        var srgb = ColourSpaces.Convert(loaded.Image, ShippedProfiles.Srgb).Colour;
        var actual = Fixtures.Row16(rows.Select(r =>
        {
            var p = srgb.Getpoint((int)r[0], (int)r[1]);
            return (p[0] * 65535, p[1] * 65535, p[2] * 65535);
        }));
        var expected = Fixtures.Row16(rows.Select(r => (r[5], r[6], r[7])));

        var dE = Fixtures.DeltaE00(actual, expected, ShippedProfiles.Srgb);
        Assert.True(dE.Max() <= MaxDeltaE, $"worst ΔE00 {dE.Max():0.000} over {rows.Count} pixels");
    }

    [Fact]
    public void Srgb_to_p3_and_back_is_within_half_a_16bit_level_on_a_real_generation()
    {
        // Float in, float out, nothing quantised: only the sampled curves (and float32) separate result from input.
        var image = ImageLoader.Load(Fixtures.PathOf("metadata", "automatic1111_stealth.png"), LoadLimits.Default).Image;
        var back = ColourSpaces.Convert(ColourSpaces.Convert(image, ShippedProfiles.DisplayP3), ShippedProfiles.Srgb);
        var worst = Fixtures.Pixels(back.Colour).Zip(Fixtures.Pixels(image.Colour), (a, b) => Math.Abs(a - b) * 65535).Max();
        Assert.True(worst <= 0.5, $"worst round-trip error {worst:0.00} levels of 65535");
    }
}
