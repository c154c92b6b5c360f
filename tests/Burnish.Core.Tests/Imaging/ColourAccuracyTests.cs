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
        // Beyond ΔE: the same float pipeline, so code values agree to float32 rounding and the goldens' 4 printed decimals.
        var worst = Fixtures.Pixels(actual.Pixels).Zip(Fixtures.Pixels(expected), (a, e) => Math.Abs(a - e) * 65535).Max();
        Assert.True(worst <= 0.5, $"worst code-value difference {worst:0.000} of 65535");
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
    public void Srgb_to_p3_and_back_is_exact_to_a_tenth_of_a_16bit_level_on_a_real_generation()
    {
        // Float in, float out: only float32 rounding in two LittleCMS pipelines separates the result from the input.
        var image = ImageLoader.Load(Fixtures.PathOf("metadata", "automatic1111_stealth.png"), LoadLimits.Default).Image;
        var back = ColourSpaces.Convert(ColourSpaces.Convert(image, ShippedProfiles.DisplayP3), ShippedProfiles.Srgb);
        var worst = Fixtures.Pixels(back.Colour).Zip(Fixtures.Pixels(image.Colour), (a, b) => Math.Abs(a - b) * 65535).Max();
        Assert.True(worst <= 0.1, $"worst round-trip error {worst:0.00} levels of 65535");
    }
}
