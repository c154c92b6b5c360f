using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages.Grade;
using Burnish.Stages.Outpaint;

namespace Burnish.Core.Tests.Pipeline;

/// <summary>The one-image entry: the input is never overwritten, an existing output is kept unless forced, and .png keeps the input's profile.</summary>
public class SingleImageTests
{
    private static readonly Recipe Brighter = new() { Version = Recipe.CurrentVersion, Grade = new GradeParams { Exposure = 0.3 } };

    // tree_alpha_16bit.png carries an Adobe RGB (1998) profile: anything other than keeping it shows.
    private static string AdobeInput(TempDir dir)
    {
        var path = dir.File("tree.png");
        File.Copy(Fixtures.PathOf("tree_alpha_16bit.png"), path);
        return path;
    }

    [Fact]
    public void An_existing_output_is_kept_unless_forced()
    {
        using var dir = new TempDir();
        var input = AdobeInput(dir);
        var output = dir.File("out.png");
        File.WriteAllText(output, "precious");

        var refused = Assert.Throws<OutputException>(() => SingleImage.Run(input, output, Brighter, SingleImageOptions.Default));
        Assert.Contains("already exists (use --force to overwrite)", refused.Message);
        Assert.Equal("precious", File.ReadAllText(output));

        var written = SingleImage.Run(input, output, Brighter, SingleImageOptions.Default with { Force = true });
        Assert.Equal((342, 256), (written[0].Width, written[0].Height));
        Assert.NotEqual("precious"u8.ToArray(), File.ReadAllBytes(output));
    }

    [Fact]
    public void The_input_is_never_overwritten_even_when_forced()
    {
        using var dir = new TempDir();
        var input = AdobeInput(dir);
        var before = File.ReadAllBytes(input);
        var e = Assert.Throws<OutputException>(() => SingleImage.Run(input, input, Brighter, SingleImageOptions.Default with { Force = true }));
        Assert.Contains("would overwrite the input", e.Message);
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void A_graded_png_keeps_the_input_profile_and_an_8bit_file_is_srgb()
    {
        using var dir = new TempDir();
        var input = AdobeInput(dir);
        SingleImage.Run(input, dir.File("graded.png"), Brighter, SingleImageOptions.Default);
        SingleImage.Run(input, dir.File("graded.webp"), Brighter, SingleImageOptions.Default);
        SingleImage.Run(input, dir.File("p3.png"), Brighter, SingleImageOptions.Default with { Profile = ShippedProfiles.DisplayP3 });

        var inputProfile = ImageLoader.Load(input, LoadLimits.Default).Image.Profile;
        var graded = ImageLoader.Load(dir.File("graded.png"), LoadLimits.Default).Image.Profile;
        Assert.Contains("Adobe RGB", inputProfile.Description);
        Assert.True(graded.SameAs(inputProfile), $"graded.png is in {graded.Description}, not the input's {inputProfile.Description}");
        Assert.True(ImageLoader.Load(dir.File("graded.webp"), LoadLimits.Default).Image.Profile.SameAs(ShippedProfiles.Srgb));
        Assert.True(ImageLoader.Load(dir.File("p3.png"), LoadLimits.Default).Image.Profile.SameAs(ShippedProfiles.DisplayP3));
    }

    [Fact]
    public void Several_aspects_are_written_all_or_none()
    {
        using var dir = new TempDir();
        var input = AdobeInput(dir);
        var recipe = new Recipe { Version = Recipe.CurrentVersion, Outpaint = new OutpaintParams { Aspects = [AspectRatio.Parse("1:1"), AspectRatio.Parse("16:9")] } };
        File.WriteAllText(dir.File("wide.16x9.png"), "precious");

        Assert.Throws<OutputException>(() => SingleImage.Run(input, dir.File("wide.png"), recipe, SingleImageOptions.Default));
        Assert.False(File.Exists(dir.File("wide.1x1.png")));

        var written = SingleImage.Run(input, dir.File("wide.png"), recipe, SingleImageOptions.Default with { Force = true });
        Assert.Equal([dir.File("wide.1x1.png"), dir.File("wide.16x9.png")], written.Select(w => w.Path));
        Assert.Equal(["1:1", "16:9"], written.Select(w => w.Variant));
        Assert.Equal((342, 342), (written[0].Width, written[0].Height));
        Assert.Equal("done: 16:9", written[1].Stage("outpaint").Status);
    }
}
