using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages.Export;
using NetVips;

namespace Burnish.Core.Tests.Pipeline;

/// <summary>16-bit precision through the whole pipeline with identity stages (issue bar: max error ≤ 1 LSB at 16 bits).</summary>
public class PrecisionTests
{
    private static RecipeSource MasterOnly(string space, string format = "png") =>
        new(RecipeReader.Parse($"version: 1\nexport:\n  master:\n    space: {space}\n    format: {format}\n", "test.yaml"), "test");

    [Theory]
    [InlineData("png")]
    [InlineData("tiff")]
    public void A_16bit_p3_input_reaches_the_p3_master_within_one_lsb(string format)
    {
        using var dir = new TempDir();
        // A real 16-bit photo, put into Display P3 and tagged, so the master space matches the input's.
        var photo = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;
        var p3 = ColourSpaces.Convert(photo, ShippedProfiles.DisplayP3);
        var input = dir.File("p3-16bit.png");
        ImageFiles.Save16(p3, MasterFormat.Png, OutputMetadata.Bare(72), input);

        var result = Finisher.Finish(input, new OutputNames(dir.File("out/p3")), MasterOnly("display-p3", format), FinishOptions.Default);

        Assert.Equal(FinishStatus.Finished, result.Status);
        var master = Image.NewFromFile(Path.Combine(dir.Path, "out", result.Lineage!.Outputs[0].Path));
        var original = Image.NewFromFile(input);
        Assert.Equal(Enums.BandFormat.Ushort, master.Format);
        Assert.Equal(original.Bands, master.Bands);
        var maxError = (master.Cast(Enums.BandFormat.Int) - original.Cast(Enums.BandFormat.Int)).Abs().Max();
        Assert.True(maxError <= 1, $"max error {maxError} LSB at 16 bits");
    }

    [Fact]
    public void A_16bit_srgb_input_survives_the_trip_to_a_p3_master_and_back_within_three_lsb()
    {
        using var dir = new TempDir();
        var photo = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;
        var srgb = ColourSpaces.Convert(photo, ShippedProfiles.Srgb);
        // Keep sRGB's gamut: out-of-gamut values would clip at 16 bits and could not come back.
        srgb = srgb.WithPixels(srgb.Pixels.Clamp(min: 0.0, max: 1.0));
        var input = dir.File("srgb-16bit.png");
        ImageFiles.Save16(srgb, MasterFormat.Png, OutputMetadata.Bare(72), input);

        var result = Finisher.Finish(input, new OutputNames(dir.File("out/s")), MasterOnly("display-p3"), FinishOptions.Default);

        var master = ImageLoader.Load(Path.Combine(dir.Path, "out", result.Lineage!.Outputs[0].Path), LoadLimits.Default).Image;
        var back = ColourSpaces.Quantise16(ColourSpaces.Convert(master, ShippedProfiles.Srgb).Pixels);
        var original = Image.NewFromFile(input);
        var maxError = (back.Cast(Enums.BandFormat.Int) - original.Cast(Enums.BandFormat.Int)).Abs().Max();
        // P3 contains sRGB, so the only loss is the master's 16-bit rounding. One P3 level spans more than one sRGB
        // level for saturated colours (P3 is wider), and both ends round: 3 levels of 65535 is that bound, measured 3.
        Assert.True(maxError <= 3, $"max error {maxError} LSB at 16 bits");
    }
}
