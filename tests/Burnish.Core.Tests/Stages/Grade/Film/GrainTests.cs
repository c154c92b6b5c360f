using System.Runtime.InteropServices;
using Burnish.Imaging;
using Burnish.Stages.Grade.Film;

namespace Burnish.Core.Tests.Stages.Grade.Film;

public class GrainTests
{
    private const int Side = 256;

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.1)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.75)]
    [InlineData(0.9)]
    [InlineData(0.97)]
    public void Standard_deviation_of_lightness_follows_the_documented_curve(double lightness)
    {
        var p = new GrainParams { Amount = 0.05 };
        var buffer = Flat(Side, Side, 3, Lightness.ToLinear(lightness));
        Grain.Apply(buffer, p);

        var measured = Std(LightnessOf(buffer));
        var expected = Grain.Amplitude(lightness, p.Amount);
        // ±3 % relative: the field has unit variance by construction (Irwin–Hall sum, taps rescaled by Σw²), so what
        // is left is sampling error. 65,536 pixels of a field correlated over about two pixels is ~30,000
        // independent samples, a standard error of ~0.4 % on a standard deviation; float32 adds < 1e-6.
        Assert.InRange(measured, expected * 0.97, expected * 1.03);
    }

    [Fact]
    public void Grain_is_strongest_at_mid_grey_and_absent_at_black_and_white()
    {
        var p = new GrainParams { Amount = 0.05 };
        var levels = new[] { 0.0, 0.02, 0.2, 0.5, 0.8, 0.98, 1.0 };
        var stds = levels.Select(l =>
        {
            var buffer = Flat(64, 64, 3, Lightness.ToLinear(l));
            Grain.Apply(buffer, p);
            return Std(LightnessOf(buffer));
        }).ToArray();
        var mid = Array.IndexOf(levels, 0.5);
        for (var i = 0; i < levels.Length; i++)
            if (i != mid) Assert.True(stds[i] < stds[mid], $"L={levels[i]}: {stds[i]} is not below mid grey's {stds[mid]}");
        Assert.Equal(0, stds[0]);
        Assert.Equal(0, stds[^1]);
        Assert.True(stds[1] < 0.1 * stds[mid] && stds[^2] < 0.1 * stds[mid], "the ends should be under a tenth of the peak");
    }

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.5, 1.0)]
    [InlineData(1.0, 0.5)]
    [InlineData(2.0, 0.5)]
    [InlineData(4.0, 0.0)]
    public void Size_and_roughness_keep_the_documented_amplitude(double size, double roughness)
    {
        var p = new GrainParams { Amount = 0.04, Size = size, Roughness = roughness };
        var buffer = Flat(512, 512, 3, Lightness.ToLinear(0.5));
        Grain.Apply(buffer, p);
        var measured = Std(LightnessOf(buffer));
        // ±5 %: at size 4 with no fine part the field is correlated over ~50 pixels, leaving ~5,000 independent
        // samples in 512² (standard error ~1 % on the standard deviation); smaller sizes are far tighter.
        Assert.InRange(measured, 0.04 * 0.95, 0.04 * 1.05);
    }

    [Fact]
    public void Size_makes_coarser_grain()
    {
        // Neighbour correlation of the lightness noise grows with size: the field is a blur of white noise.
        double Correlation(double size)
        {
            var buffer = Flat(256, 256, 3, Lightness.ToLinear(0.5));
            Grain.Apply(buffer, new GrainParams { Amount = 0.05, Size = size, Roughness = 0 });
            var l = LightnessOf(buffer);
            return Pearson(l.Where((_, i) => i % 256 != 255).ToArray(), l.Where((_, i) => i % 256 != 0).ToArray());
        }
        var small = Correlation(0.5);
        var large = Correlation(3);
        Assert.InRange(small, -0.05, 0.1);  // sigma 0.25: next to white noise
        Assert.InRange(large, 0.8, 1.0);    // sigma 1.5: neighbours share most of their noise (theory exp(−1/4σ²) = 0.89)
    }

    [Fact]
    public void Mean_light_is_unchanged()
    {
        foreach (var l in new[] { 0.25, 0.5, 0.75 })
        {
            var y = Lightness.ToLinear(l);
            var buffer = Flat(Side, Side, 3, y);
            Grain.Apply(buffer, new GrainParams { Amount = 0.05 });
            var mean = LuminanceOf(buffer).Average();
            // ±0.5 % of the light: the per-pixel spread is 3·a/(L + 0.16) ≈ 23 % of Y at mid grey and amount 0.05, so
            // the mean of ~30,000 independent samples is good to ~0.13 %. Without MeanCorrection the bias would be
            // 3·(a/(L + 0.16))² = 1.7 % at mid grey, which this bound rejects.
            Assert.InRange(mean / y, 0.995, 1.005);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_bytes_and_a_different_seed_different_noise()
    {
        var source = Card(300, 200, 3);
        var a = source.Clone();
        var b = source.Clone();
        var c = source.Clone();
        Grain.Apply(a, new GrainParams { Amount = 0.05, Seed = 7 });
        Grain.Apply(b, new GrainParams { Amount = 0.05, Seed = 7 });
        Grain.Apply(c, new GrainParams { Amount = 0.05, Seed = 8 });
        Assert.True(Bits(a).SequenceEqual(Bits(b)), "same seed, different bytes");
        Assert.False(Bits(a).SequenceEqual(Bits(c)), "different seeds, same bytes");

        var grey = Lightness.ToLinear(0.5);
        var first = Flat(Side, Side, 3, grey);
        var second = Flat(Side, Side, 3, grey);
        Grain.Apply(first, new GrainParams { Amount = 0.05, Seed = 1 });
        Grain.Apply(second, new GrainParams { Amount = 0.05, Seed = 2 });
        var r = Pearson(LightnessOf(first), LightnessOf(second));
        // |r| < 0.02: for independent fields r has a standard error of 1/√(~30,000 independent samples) ≈ 0.006.
        Assert.InRange(r, -0.02, 0.02);
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void A_pixel_grain_depends_only_on_seed_position_and_value(int bands, bool colour)
    {
        // The top-left 100×70 of a 300×200 card grains exactly as the 100×70 card alone: noise is a function of
        // (seed, x, y), never of row blocks, thread scheduling, image size or where a row's SIMD tail falls.
        var large = Card(300, 200, bands);
        var small = new PixelBuffer(100, 70, bands);
        for (var y = 0; y < 70; y++) large.Row(y)[..(100 * bands)].CopyTo(small.Row(y));
        var p = new GrainParams { Amount = 0.05, Size = 2.5, Colour = colour, Seed = 3 };
        Grain.Apply(large, p);
        Grain.Apply(small, p);
        for (var y = 0; y < 70; y++)
            Assert.True(MemoryMarshal.AsBytes(large.Row(y)[..(100 * bands)]).SequenceEqual(MemoryMarshal.AsBytes(small.Row(y))), $"row {y} differs");
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void Every_sample_keeps_its_place(int bands, bool colour)
    {
        // Random values, so a sample moved to another pixel or channel by the (de)interleaving would be far off.
        // Amount 1e-4 changes any sample by under 0.5 % (|ΔL| ≤ 4·1e-4·L·3.47, and ΔY/Y ≤ 3·ΔL/(L + 0.16)); ±1 %.
        var random = new Random(11);
        var buffer = new PixelBuffer(101, 37, bands);
        for (var i = 0; i < buffer.Data.Length; i++) buffer.Data[i] = 0.05f + 0.95f * random.NextSingle();
        var before = buffer.Clone();
        Grain.Apply(buffer, new GrainParams { Amount = 1e-4, Colour = colour });
        for (var i = 0; i < buffer.Data.Length; i++)
            Assert.InRange(buffer.Data[i], before.Data[i] * 0.99f, before.Data[i] * 1.01f);
        Assert.False(Bits(before).SequenceEqual(Bits(buffer)));
    }

    [Fact]
    public void Monochrome_grain_keeps_chromaticity()
    {
        // An orange patch. Monochrome grain scales R, G and B by one factor per pixel, so the chroma differences
        // relative to luminance, (R − G)/Y and (B − G)/Y, and the ratios R:G:B are kept; only Y changes.
        var (r, g, b) = (0.40f, 0.15f, 0.05f);
        var buffer = new PixelBuffer(128, 128, 3);
        for (var i = 0; i < buffer.Data.Length; i += 3) (buffer.Data[i], buffer.Data[i + 1], buffer.Data[i + 2]) = (r, g, b);
        Grain.Apply(buffer, new GrainParams { Amount = 0.05 });
        var y0 = Halation.Luminance(r, g, b);
        var luminance = LuminanceOf(buffer);
        Assert.True(Std(luminance) > 0.01 * y0, "the grain did not change luminance at all");
        for (var i = 0; i < buffer.Data.Length; i += 3)
        {
            var (r1, g1, b1) = (buffer.Data[i], buffer.Data[i + 1], buffer.Data[i + 2]);
            var y1 = Halation.Luminance(r1, g1, b1);
            // ≤ 1e-5: three float32 products of the same factor, each within half an ulp (6e-8 relative).
            Assert.InRange((r1 - g1) / y1 - (r - g) / y0, -1e-5, 1e-5);
            Assert.InRange((b1 - g1) / y1 - (b - g) / y0, -1e-5, 1e-5);
        }
    }

    [Fact]
    public void Colour_grain_is_independent_per_channel_with_the_same_curve()
    {
        var buffer = Flat(Side, Side, 3, Lightness.ToLinear(0.5));
        Grain.Apply(buffer, new GrainParams { Amount = 0.05, Colour = true });
        var channels = Enumerable.Range(0, 3)
            .Select(c => buffer.Data.Where((_, i) => i % 3 == c).Select(v => Lightness.FromLinear(v)).ToArray()).ToArray();
        foreach (var channel in channels)
            Assert.InRange(Std(channel), 0.05 * 0.97, 0.05 * 1.03); // as the monochrome curve test
        Assert.InRange(Pearson(channels[0], channels[1]), -0.02, 0.02);
        Assert.InRange(Pearson(channels[1], channels[2]), -0.02, 0.02);
        Assert.InRange(Pearson(channels[0], channels[2]), -0.02, 0.02);
    }

    [Fact]
    public void Amount_zero_is_the_exact_identity()
    {
        var source = Card(123, 45, 4);
        var off = source.Clone();
        var zero = source.Clone();
        Grain.Apply(off, GrainParams.Off);
        Grain.Apply(zero, GrainParams.Default with { Amount = 0, Colour = true });
        Assert.True(Bits(off).SequenceEqual(Bits(source)));
        Assert.True(Bits(zero).SequenceEqual(Bits(source)));
    }

    [Fact]
    public void Alpha_black_and_values_above_white_are_untouched()
    {
        var buffer = Card(64, 64, 4);
        for (var i = 0; i < buffer.Data.Length; i += 4 * 7) (buffer.Data[i], buffer.Data[i + 1], buffer.Data[i + 2]) = (0, 0, 0);
        for (var i = 4 * 3; i < buffer.Data.Length; i += 4 * 11) (buffer.Data[i], buffer.Data[i + 1], buffer.Data[i + 2]) = (2.5f, 1.2f, 1.5f);
        var before = buffer.Clone();
        Grain.Apply(buffer, new GrainParams { Amount = 0.1 });
        var changed = 0;
        for (var i = 0; i < buffer.Data.Length; i += 4)
        {
            Assert.Equal(before.Data[i + 3], buffer.Data[i + 3]);
            var y = Halation.Luminance(before.Data[i], before.Data[i + 1], before.Data[i + 2]);
            if (y <= 0 || y >= 1)
                for (var c = 0; c < 3; c++) Assert.Equal(before.Data[i + c], buffer.Data[i + c]);
            else if (buffer.Data[i + 1] != before.Data[i + 1]) changed++;
        }
        Assert.True(changed > buffer.Width * buffer.Height / 2, "the grain should change most pixels in between");
    }

    [Fact]
    public void White_noise_has_zero_mean_unit_variance_and_bounded_tails()
    {
        var n = 1 << 20;
        var values = new double[n];
        for (var i = 0; i < n; i++) values[i] = Grain.WhiteNoise(5, 0, i % 1024, i / 1024);
        // ±0.005 and ±1 %: standard errors for 2²⁰ samples are 0.001 (mean) and 0.1 % (variance of Irwin–Hall 4).
        Assert.InRange(values.Average(), -0.005, 0.005);
        Assert.InRange(Std(values), 0.99, 1.01);
        Assert.All(values, v => Assert.InRange(v, -2 * Math.Sqrt(3), 2 * Math.Sqrt(3)));
        Assert.InRange(Pearson(values[..(n / 2)], values[(n / 2)..]), -0.01, 0.01); // rows 0–511 against rows 512–1023
    }

    [Fact]
    public void Lightness_matches_cie_l_star()
    {
        Assert.Equal(0.5, Lightness.FromLinear(0.18418651851244416), 1e-9); // L* 50 is Y 18.42 %
        Assert.Equal(1.0, Lightness.FromLinear(1.0), 1e-12);
        Assert.Equal(0.08, Lightness.FromLinear(216.0 / 24389), 1e-12); // where the toe meets the cube root
        foreach (var l in new[] { 0.0, 0.03, 0.08, 0.2, 0.5, 0.99, 1.5 })
            Assert.Equal(l, Lightness.FromLinear(Lightness.ToLinear(l)), 1e-12);
        Assert.Equal(0.05, Grain.Amplitude(0.5, 0.05), 1e-15);
        Assert.Equal(0, Grain.Amplitude(1.2, 0.05));
    }

    private static PixelBuffer Flat(int width, int height, int bands, double y)
    {
        var buffer = new PixelBuffer(width, height, bands);
        for (var i = 0; i < buffer.Data.Length; i += bands)
        {
            buffer.Data[i] = buffer.Data[i + 1] = buffer.Data[i + 2] = (float)y;
            if (bands == 4) buffer.Data[i + 3] = 1;
        }
        return buffer;
    }

    /// <summary>A smooth colour card with 16-bit code values, alpha (when present) varying too.</summary>
    internal static PixelBuffer Card(int width, int height, int bands)
    {
        var buffer = new PixelBuffer(width, height, bands);
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var i = (y * width + x) * bands;
            var red = Math.Round(65535.0 * x / width) / 65535;
            buffer.Data[i] = (float)(red * red);
            buffer.Data[i + 1] = (float)(Math.Round(65535.0 * y / height) / 65535 * 0.8);
            buffer.Data[i + 2] = (float)(Math.Round(65535.0 * (x + y) / (width + height)) / 65535 * 0.5);
            if (bands == 4) buffer.Data[i + 3] = (float)(Math.Round(65535.0 * (x ^ y) / 512) / 65535);
        }
        return buffer;
    }

    private static byte[] Bits(PixelBuffer buffer) => MemoryMarshal.AsBytes(buffer.Data.AsSpan()).ToArray();

    private static double[] LuminanceOf(PixelBuffer buffer)
    {
        var values = new double[buffer.Width * buffer.Height];
        for (int p = 0, i = 0; p < values.Length; p++, i += buffer.Bands)
            values[p] = Halation.Luminance(buffer.Data[i], buffer.Data[i + 1], buffer.Data[i + 2]);
        return values;
    }

    private static double[] LightnessOf(PixelBuffer buffer) => LuminanceOf(buffer).Select(Lightness.FromLinear).ToArray();

    internal static double Std(IReadOnlyCollection<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }

    internal static double Pearson(double[] a, double[] b)
    {
        var (ma, mb) = (a.Average(), b.Average());
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.Sqrt(aa * bb);
    }
}
