using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Stages.Export;
using Burnish.Stages.Sharpen;
using NetVips;
using Burnish.Stages;

namespace Burnish.Core.Tests.Stages.Export;

using Export = Burnish.Stages.Export.Export;

public class ResizeTests
{
    [Fact]
    public void Downsampling_averages_light_not_code_values()
    {
        // A 1-pixel black/white checkerboard averages to 50 % light, which sRGB encodes as 0.7354 (188/255),
        // not the 0.5 that averaging code values would give.
        var image = new WorkImage(Checker(64), ShippedProfiles.Srgb);
        var small = LinearImage.Of(image).Resize(16, 16);
        var mean = small.Pixels.Crop(4, 4, 8, 8).Avg();
        Assert.InRange(mean, 0.7354 - 0.01, 0.7354 + 0.01); // ±0.01: lanczos ringing at the tile's own scale
    }

    [Fact]
    public void Copies_have_the_exact_size_and_an_srgb_profile()
    {
        var image = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image; // 342×256 with alpha
        foreach (var (copy, size, enlarged) in new (CopyParams, (int, int), bool)[]
        {
            (new CopyParams { Destination = "instagram-portrait" }, (1080, 1350), true),
            (new CopyParams { Destination = "print-a4-300ppi" }, (3508, 2480), true),
            (new CopyParams { Width = 301, Height = 97 }, (301, 97), false),
        })
        {
            var rendered = Export.RenderCopy(image, LinearImage.Of(image), copy, OutputSharpening.None);
            Assert.Equal(size, (rendered.Image.Width, rendered.Image.Height));
            Assert.Equal("srgb", rendered.Image.Profile.Id);
            Assert.True(rendered.Image.HasAlpha);
            Assert.Equal(enlarged, rendered.Report.Warnings.Any(w => w.Contains("enlarged")));
        }
    }

    [Fact]
    public void A_byte_budget_is_met_by_lowering_quality()
    {
        var image = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;
        var srgb = ColourSpaces.Convert(image, ShippedProfiles.Srgb);
        var copy = new CopyParams { LongEdge = 342, Format = CopyFormat.Jpeg, Quality = 95, MaxKb = 12 };
        var unbounded = Export.Encode(srgb, copy with { MaxKb = null }, OutputMetadata.Bare(72));
        var budgeted = Export.Encode(srgb, copy, OutputMetadata.Bare(72));
        Assert.True(unbounded.Bytes.Length > 12_000, "the fixture must need the budget for this test to mean anything");
        Assert.True(budgeted.Bytes.Length <= 12_000);
        Assert.InRange(budgeted.Quality, Export.MinBudgetQuality, 94);
        // The search keeps the highest quality that fits: one step up must not fit.
        Assert.True(Export.Encode(srgb, copy with { MaxKb = null, Quality = budgeted.Quality + 1 }, OutputMetadata.Bare(72)).Bytes.Length > 12_000);
    }

    private static Image Checker(int n)
    {
        var values = new float[n * n * 3];
        for (var y = 0; y < n; y++)
            for (var x = 0; x < n; x++)
                for (var b = 0; b < 3; b++)
                    values[(y * n + x) * 3 + b] = (x + y) % 2;
        return Image.NewFromMemory(values, n, n, 3, Enums.BandFormat.Float);
    }
}
