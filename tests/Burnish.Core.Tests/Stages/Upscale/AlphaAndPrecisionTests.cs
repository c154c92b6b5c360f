using Burnish.Imaging;
using Burnish.Stages.Upscale;
using NetVips;
using Xunit;

namespace Burnish.Core.Tests.Stages.Upscale;

[Collection("models")]
public class AlphaAndPrecisionTests(ModelsFixture models)
{
    public static TheoryData<string, AlphaPath> Cutouts => new()
    {
        { "children-alpha.png", AlphaPath.Classical },
        { "children-alpha.png", AlphaPath.Model },
        { "tree_alpha_16bit.png", AlphaPath.Classical },
    };

    private static WorkImage Load(string name) =>
        ImageLoader.Load(File.Exists(Fixtures.PathOf("upscale", name)) ? Fixtures.PathOf("upscale", name) : Fixtures.PathOf(name), LoadLimits.Default).Image;

    /// <summary>
    /// The cut-out's edge keeps its colour: at partly transparent output pixels, L* is compared with a premultiplied
    /// Lanczos3 enlargement in linear light (which cannot fringe). The input's transparent pixels are blackened first,
    /// as many exporters leave them, which is exactly what makes naive upscalers draw a dark outline.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cutouts))]
    public void Cutout_edges_get_no_dark_fringe(string file, AlphaPath alphaPath)
    {
        var source = Load(file);
        var alpha = source.Alpha!;
        var blackened = source.WithPixels((alpha > 0).Ifthenelse(source.Colour, 0).Bandjoin(alpha).Cast(Enums.BandFormat.Float));
        var result = models.Upscale(blackened, new UpscaleParams { Model = "esrgan-slim-x2", Alpha = alphaPath });
        Assert.Equal((source.Width * 2, source.Height * 2), (result.Width, result.Height));
        Assert.True(result.HasAlpha);

        var premultiplied = ColourSpaces.ToLinear(source).Bandjoin(alpha).Premultiply(maxAlpha: 1.0);
        var light = Resampling.Lanczos3(premultiplied, source.Width * 2, source.Height * 2).Unpremultiply(maxAlpha: 1.0);
        var reference = new WorkImage(ColourSpaces.FromLinear(light.ExtractBand(0, 3).Copy(interpretation: Enums.Interpretation.Xyz), source.Profile), source.Profile);
        var refL = ColourSpaces.ToLab(reference)[0].WriteToMemory<float>();
        var outL = ColourSpaces.ToLab(result)[0].WriteToMemory<float>();
        var outA = result.Alpha!.WriteToMemory<float>();
        double sum = 0;
        var n = 0;
        for (var i = 0; i < outA.Length; i++)
        {
            if (outA[i] is < 0.1f or > 0.9f) continue;
            sum += outL[i] - refL[i];
            n++;
        }
        Assert.True(n > 500, $"only {n} edge pixels");
        // A dark fringe pulls edge L* down by tens of units; 3 L* is about one just-noticeable difference either way.
        var meanShift = sum / n;
        Assert.True(meanShift > -3, $"edge pixels are {-meanShift:F1} L* darker than a premultiplied enlargement");
    }

    [Fact]
    public void Classical_alpha_is_a_clamped_Lanczos_enlargement_and_model_alpha_follows_it()
    {
        var source = Load("children-alpha.png");
        var classical = models.Upscale(source, new UpscaleParams { Model = "esrgan-slim-x2" }).Alpha!.WriteToMemory<float>();
        // Centre-aligned, like the model's own output (libvips' plain enlargement is half a pixel off).
        var expected = Resampling.Lanczos3(source.Alpha!, source.Width * 2, source.Height * 2).Clamp(min: 0.0, max: 1.0).WriteToMemory<float>();
        Assert.True(SeamTests.MaxDiff(classical, expected) < 1e-5);
        var model = models.Upscale(source, new UpscaleParams { Model = "esrgan-slim-x2", Alpha = AlphaPath.Model }).Alpha!.WriteToMemory<float>();
        Assert.All(model, a => Assert.InRange(a, 0f, 1f));
        // The same cut-out: the two paths differ only at edges (mean over the whole image under 1 %).
        var mean = classical.Zip(model, (c, m) => Math.Abs(c - m)).Average();
        Assert.True(mean < 0.01, $"model alpha differs from classical by {mean:F4} on average");
    }

    [Fact]
    public void Sixteen_bit_input_reaches_the_model_unquantised()
    {
        // A ramp spanning two 8-bit levels across 256 pixels: quantised to 8 bits it would be two flat steps.
        var ramp = (Image.Xyz(256, 64)[0] / 255.0 * (2.0 / 255) + 0.5).Cast(Enums.BandFormat.Float);
        var image = new WorkImage(ramp.Bandjoin(ramp, ramp).Copy(interpretation: Enums.Interpretation.Rgb), ShippedProfiles.Srgb);
        var result = models.Upscale(image, new UpscaleParams { Model = "esrgan-slim-x2" });
        var row = ColourSpaces.Quantise16(result.Pixels).Crop(0, 64, result.Width, 1)[1].WriteToMemory<ushort>();
        var levels = row.Distinct().Count();
        Assert.True(levels > 64, $"only {levels} distinct 16-bit levels in an upscaled 16-bit ramp");
    }

    [Fact]
    public void Grey_stays_grey_and_the_exact_target_size_is_met()
    {
        var colour = Load("children-alpha.png");
        var mono = colour with { Pixels = colour.Colour.Bandmean().Copy(interpretation: Enums.Interpretation.Bw) };
        var result = models.Upscale(mono, new UpscaleParams { Model = "esrgan-slim", Target = new TargetSize { LongEdge = 1000 } });
        Assert.Equal(1, result.Pixels.Bands);
        Assert.Equal((1000, (int)Math.Round(350 * 1000.0 / 566)), (result.Width, result.Height));
    }
}
