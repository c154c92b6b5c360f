using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Imaging;

public class CieLabTests
{
    [Theory]
    [InlineData("srgb")]
    [InlineData("display-p3")]
    [InlineData("prophoto")]
    public void Lab_through_the_XYZ_shortcut_matches_littlecms_own_float_transform(string space)
    {
        // In-gamut and out-of-gamut values (−0.2…1.3, as unbounded float pipelines carry them), near black and near white.
        var random = new Random(7);
        var rows = Enumerable.Range(0, 4096).Select(i => i < 8
            ? (i * 0.001 * 65535, i * 0.001 * 65535, i * 0.001 * 65535)
            : ((random.NextDouble() * 1.5 - 0.2) * 65535, (random.NextDouble() * 1.5 - 0.2) * 65535, (random.NextDouble() * 1.5 - 0.2) * 65535)).ToList();
        var profile = ShippedProfiles.ById(space);
        var image = new WorkImage(Fixtures.Row16(rows), profile);
        using var toLab = LittleCms.Create(profile, LittleCms.PixelFormat.RgbFloat, null, LittleCms.PixelFormat.LabFloat);
        var expected = Fixtures.Pixels(toLab.Apply(image.Pixels));
        var lab = ColourSpaces.ToLab(image);
        var actual = Fixtures.Pixels(lab);
        // Sampled curves (the shortcut, within 0.5/65535 of LittleCMS) and float32 cube roots: measured up to 5e-4;
        // 2e-3 in L*, a*, b* is a thousandth of a just-noticeable difference.
        var worst = actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max();
        Assert.True(worst <= 2e-3, $"worst Lab difference {worst}");

        using var fromLab = LittleCms.Create(null, LittleCms.PixelFormat.LabFloat, profile, LittleCms.PixelFormat.RgbFloat);
        var back = Fixtures.Pixels(ColourSpaces.FromLab(lab, profile));
        var reference = Fixtures.Pixels(fromLab.Apply(lab));
        var worstBack = back.Zip(reference, (a, e) => Math.Abs(a - e) * 65535).Max();
        Assert.True(worstBack <= 1.0, $"worst code-value difference {worstBack:0.000} of 65535");
        var roundTrip = back.Zip(Fixtures.Pixels(image.Pixels), (a, e) => Math.Abs(a - e) * 65535).Max();
        Assert.True(roundTrip <= 1.0, $"worst round trip {roundTrip:0.000} of 65535"); // measured 0.8 (P3, out of gamut)
    }

    [Fact]
    public void Lab_of_an_untagged_grey_image_is_that_of_srgb_grey()
    {
        var grey = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image; // its green channel serves as a grey image
        var plane = grey.Colour[1];
        using var toLab = LittleCms.Create(ShippedProfiles.Srgb, LittleCms.PixelFormat.RgbFloat, null, LittleCms.PixelFormat.LabFloat);
        var rgb = new WorkImage(plane.Bandjoin(plane, plane).Copy(interpretation: Enums.Interpretation.Rgb), ShippedProfiles.Srgb);
        var untaggedGrey = new WorkImage(plane.Copy(interpretation: Enums.Interpretation.Bw), ShippedProfiles.Srgb);
        var worst = Fixtures.Pixels(ColourSpaces.ToLab(untaggedGrey)).Zip(Fixtures.Pixels(toLab.Apply(rgb.Pixels)), (a, e) => Math.Abs(a - e)).Max();
        Assert.True(worst <= 2e-3, $"worst Lab difference {worst}");
    }
}
