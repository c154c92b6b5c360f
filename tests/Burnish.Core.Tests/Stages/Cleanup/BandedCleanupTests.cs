using Burnish.Core.Tests.Metrics;
using Burnish.Imaging;
using Burnish.Metrics;
using Burnish.Stages.Cleanup;
using NetVips;

namespace Burnish.Core.Tests.Stages.Cleanup;

using Cleanup = Burnish.Stages.Cleanup.Cleanup;

/// <summary>
/// Cleanup runs in bands of rows, each read with the context its kernels declare. These tests hold it to the
/// whole-image computation: bit for bit against the whole-image kernels themselves, and bit for bit across band
/// heights (16 rows, 48 rows, one band for the whole image), on a real generation at a non-whole scale whose height is
/// no multiple of the band height. Softening is the one exception, with its tolerance stated below.
/// </summary>
public class BandedCleanupTests
{
    /// <summary>
    /// A crop of a real Flux generation (183×171) and a careless ×2.5 "AI upscale" of it (458×428, Lanczos, then a
    /// strong unsharp mask on L* and a colour cast), as in CleanupTests. 458·428 is a multiple of 8, so the eager
    /// whole-image Lab conversions take the vector path for every pixel, as the bands do.
    /// </summary>
    private static (WorkImage Source, WorkImage StandIn) Case()
    {
        var face = MetricTargets.Face();
        var source = face.WithPixels(face.Pixels.Crop(0, 0, 183, 171).CopyMemory());
        var lanczos = ImageMetrics.ClassicalResize(source, 458, 428);
        var lab = ColourSpaces.ToLab(lanczos);
        var l = lab[0];
        var sharpened = l + (l - l.Gaussblur(1.5, minAmpl: 0.001, precision: Enums.Precision.Float)) * 1.5;
        var standIn = MetricTargets.FromLab(sharpened.Bandjoin(lab[1] + 4.0, lab[2] - 3.0).Cast(Enums.BandFormat.Float).CopyMemory());
        return (source, standIn);
    }

    private static (float[] Pixels, IReadOnlyDictionary<string, double> Figures) Run(WorkImage standIn, WorkImage source, CleanupParams p, int bandRows)
    {
        using var cleaned = Cleanup.Stream(standIn, source, p, SoftenMasks.None, bandRows: bandRows);
        var pixels = Fixtures.Pixels(cleaned.Image.Pixels);
        return (pixels, cleaned.Report.Measurements);
    }

    [Fact]
    public void The_halo_clamp_in_bands_is_the_whole_image_kernel_bit_for_bit()
    {
        var (source, standIn) = Case();
        var p = CleanupParams.Default with { Colour = false, Halo = 0.8 };
        var (banded, _) = Run(standIn, source, p, bandRows: 16);

        // The whole-image computation, kernel by kernel: L*a*b* of both, the clamp over whole planes, back to RGB.
        // (Eager conversions run whole vector groups here: 458·428·3 samples are a multiple of 24.)
        int w = standIn.Width, h = standIn.Height;
        var ai = ColourSpaces.ToLab(standIn).WriteToMemory<float>();
        // The classical upscale's L*: Lanczos3 in linear light to the result's size, Lab straight from that XYZ.
        var xyz = LinearImage.Of(source).ResizeLight(w, h).Xyz.WriteToMemory<float>();
        CieLab.FromXyz(xyz);
        var classical = Enumerable.Range(0, w * h).Select(i => xyz[3 * i]).ToArray();
        float[] l = new float[w * h], a = new float[w * h], b = new float[w * h];
        for (var i = 0; i < w * h; i++) (l[i], a[i], b[i]) = (ai[3 * i], ai[3 * i + 1], ai[3 * i + 2]);
        var clamped = new float[w * h];
        HaloClamp.Apply(l, classical, clamped, w, h, ImageMetrics.HaloWindow(2.5), 0.8);
        var whole = ColourSpaces.FromLabPlanes(clamped, a, b, standIn);

        Assert.Equal(whole.Length, banded.Length);
        Assert.Equal(0, Differing(whole, banded));
        Assert.Contains(whole.Select((v, i) => v != Fixtures.Pixels(standIn.Pixels)[i]), changed => changed); // the clamp did something
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Band_height_changes_no_pixel_and_no_figure(bool busy)
    {
        var (source, standIn) = Case();
        // The defaults (halo 0.5, colour fix); and every control that is not softening: detail pyramid, lightness match, full halo clamp.
        var p = busy ? CleanupParams.Default with { Detail = 0.4, ColourLightness = true, Halo = 1, ColourRadius = 3 } : CleanupParams.Default;
        var (whole, wholeFigures) = Run(standIn, source, p, bandRows: 1024);
        foreach (var rows in new[] { 16, 48 })
        {
            var (banded, figures) = Run(standIn, source, p, rows);
            Assert.Equal(0, Differing(whole, banded));
            // Sums over bands add in another order than over the whole image: equal to the report's rounding.
            foreach (var (key, value) in wholeFigures) Assert.Equal(value, figures[key], Math.Max(1e-3, Math.Abs(value) * 1e-6));
        }
    }

    [Fact]
    public void Alpha_and_its_figures_survive_bands()
    {
        var (source, standIn) = Case();
        var xy = Image.Xyz(standIn.Width, standIn.Height);
        // A transparent left edge and a soft ramp: alpha leaves pixels out of the halo and slope figures.
        var alpha = ((xy[0] - 20) / 200.0).Clamp(min: 0.0, max: 1.0).Cast(Enums.BandFormat.Float);
        var withAlpha = standIn.WithPixels(standIn.Pixels.Bandjoin(alpha).CopyMemory());
        var sourceAlpha = source.WithPixels(source.Pixels.Bandjoin(Image.Black(source.Width, source.Height) + 1.0).Cast(Enums.BandFormat.Float).CopyMemory());
        var (whole, wholeFigures) = Run(withAlpha, sourceAlpha, CleanupParams.Default, bandRows: 1024);
        var (banded, figures) = Run(withAlpha, sourceAlpha, CleanupParams.Default, bandRows: 16);
        Assert.Equal(0, Differing(whole, banded));
        foreach (var (key, value) in wholeFigures) Assert.Equal(value, figures[key], Math.Max(1e-3, Math.Abs(value) * 1e-6));
        for (var i = 0; i < standIn.Width * standIn.Height; i += 97) Assert.Equal(Fixtures.Pixels(alpha)[i], banded[4 * i + 3]);
    }

    [Fact]
    public void Softening_in_bands_matches_the_whole_image_within_float_rounding()
    {
        var (source, standIn) = Case();
        var noisy = MetricTargets.WithLightnessNoise(standIn, 3, seed: 4);
        // Two regions (the second reads what the first softened) spanning several 16-row bands, one at the top edge.
        var p = CleanupParams.Off with
        {
            Soften =
            [
                new SoftenRegion { Box = "40,0,200,120", Amount = 1, Radius = 6, Feather = 3 },
                new SoftenRegion { Box = "100,90,300,200", Amount = 0.7, Radius = 3, Edge = 8 },
            ],
        };
        var (whole, wholeFigures) = Run(noisy, source, p, bandRows: 1024);
        var (banded, figures) = Run(noisy, source, p, bandRows: 16);
        // The guided filter's box sums run in double from the top row of its crop, which is the band's rather than
        // the region's: the same sums, rounded differently. Measured: at most a few float ulps of the 0–1 encoded values.
        var worst = whole.Select((v, i) => Math.Abs(v - banded[i])).Max();
        Assert.InRange(worst, 0, 1e-5);
        Assert.True(Fixtures.Pixels(noisy.Pixels).Where((v, i) => Math.Abs(v - whole[i]) > 0.01).Any(), "the regions were softened");
        Assert.Equal(wholeFigures["softened_percent"], figures["softened_percent"], 1e-2);
    }

    private static int Differing(float[] a, float[] b) => a.Where((v, i) => v != b[i]).Count();
}
