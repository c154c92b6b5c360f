using System.Runtime.InteropServices;
using Burnish.Imaging;
using Burnish.Stages.Grade.Film;

namespace Burnish.Core.Tests.Stages.Grade.Film;

public class HalationTests
{
    private const float SpotValue = 4; // a light source at four times diffuse white, R = G = B
    private const int SpotSide = 5;

    [Fact]
    public void A_bright_spot_on_black_glows_red_orange()
    {
        const int side = 241;
        const double sigma = 6; // cell 2: the reduced-resolution path
        var buffer = Spot(side, 3);
        Halation.Apply(buffer, new HalationParams { Amount = 1, Radius = sigma / side });
        var tint = new HalationTint();
        var ringMeans = new double[4];
        var ringCounts = new int[4];
        for (var y = 0; y < side; y++)
        for (var x = 0; x < side; x++)
        {
            var d = Math.Sqrt((x - side / 2) * (x - side / 2) + (y - side / 2) * (y - side / 2));
            if (d < sigma || d > 3 * sigma) continue;
            var i = (y * side + x) * 3;
            var (r, g, b) = (buffer.Data[i], buffer.Data[i + 1], buffer.Data[i + 2]);
            Assert.True(r > g && g > b && b > 0, $"({x}, {y}): {r} {g} {b} is not a red-orange glow");
            // Black plus glow × tint: the tint's ratios exactly, to float rounding (1e-5 relative).
            Assert.Equal(tint.R / tint.G, r / g, 1e-4);
            Assert.Equal(tint.G / tint.B, g / b, 1e-4);
            var ring = (int)Math.Min(3, (d - sigma) / (0.5 * sigma));
            ringMeans[ring] += r;
            ringCounts[ring]++;
        }
        for (var k = 0; k < 4; k++) ringMeans[k] /= ringCounts[k];
        for (var k = 1; k < 4; k++) Assert.True(ringMeans[k] < ringMeans[k - 1], "the glow should fade with distance");
    }

    [Theory]
    [InlineData(2.0, 121)]  // cell 1: blurred at full resolution
    [InlineData(9.0, 241)]  // cell 3
    [InlineData(20.0, 401)] // cell 6
    public void The_glow_has_the_documented_energy_width_and_centre(double sigma, int side)
    {
        var source = Spot(side, 3);
        var buffer = source.Clone();
        var p = new HalationParams { Amount = 0.8, Radius = sigma / side };
        Halation.Apply(buffer, p);
        double total = 0, mx = 0, my = 0, moment = 0;
        var c = side / 2;
        for (var y = 0; y < side; y++)
        for (var x = 0; x < side; x++)
        {
            var i = (y * side + x) * 3;
            var added = Halation.Luminance(buffer.Data[i], buffer.Data[i + 1], buffer.Data[i + 2])
                      - Halation.Luminance(source.Data[i], source.Data[i + 1], source.Data[i + 2]);
            total += added;
            mx += added * (x - c);
            my += added * (y - c);
            moment += added * ((x - c) * (x - c) + (y - c) * (y - c));
        }
        var energy = SpotSide * SpotSide * Halation.Energy(SpotValue, p.Threshold);
        // ±0.5 %: blur taps sum to 1 and tent interpolation sums exactly in the interior; float sums remain.
        Assert.InRange(total, 0.995 * p.Amount * energy, 1.005 * p.Amount * energy);
        // The box average moves each pixel's energy to its cell's centre (cell s = max(1, ⌊σ/3⌋)), and the blur and
        // the tent interpolation are symmetric about it. ±0.05 px: a half-pixel error in mapping cell centres back to
        // pixel centres, the mistake this checks for, would show as 0.5 px.
        var cell = Math.Max(1, (int)(sigma / 3));
        var expectedCentre = Enumerable.Range(c - SpotSide / 2, SpotSide).Average(x => x / cell * cell + (cell - 1) / 2.0 - c);
        Assert.InRange(mx / total, expectedCentre - 0.05, expectedCentre + 0.05);
        Assert.InRange(my / total, expectedCentre - 0.05, expectedCentre + 0.05);
        // Second moment of glow = 2σ² (2-D Gaussian) + 2·2 (the 5×5 spot's own variance, (5² − 1)/12 per axis).
        // ±5 %: truncation at 3.5σ (−0.6 %), sampling of small Gaussians, and where the spot falls on the cell grid.
        var expected = 2 * sigma * sigma + 2 * (SpotSide * SpotSide - 1) / 12.0;
        Assert.InRange(moment / total, 0.95 * expected, 1.05 * expected);
    }

    [Fact]
    public void A_scene_with_nothing_above_the_threshold_is_untouched()
    {
        var buffer = GrainTests.Card(200, 150, 3); // every channel ≤ 1·1, 0.8, 0.5, so Y ≤ 0.2627 + 0.5424 + 0.0297 = 0.835
        var p = new HalationParams { Amount = 2, Threshold = 0.84 };
        var before = buffer.Clone();
        Halation.Apply(buffer, p);
        Assert.True(Bits(before).SequenceEqual(Bits(buffer)));

        Halation.Apply(buffer, p with { Threshold = 0.7 }); // and a lower threshold does act on the same card
        Assert.False(Bits(before).SequenceEqual(Bits(buffer)));
    }

    [Fact]
    public void Amount_zero_is_the_exact_identity()
    {
        var buffer = Spot(64, 4);
        var before = buffer.Clone();
        Halation.Apply(buffer, HalationParams.Off);
        Halation.Apply(buffer, HalationParams.Default with { Amount = 0 });
        Assert.True(Bits(before).SequenceEqual(Bits(buffer)));
    }

    [Fact]
    public void Alpha_is_untouched_and_transparent_light_does_not_glow()
    {
        var opaque = Spot(64, 4);
        var before = opaque.Clone();
        Halation.Apply(opaque, HalationParams.Default);
        Assert.False(Bits(before).SequenceEqual(Bits(opaque)));
        for (var i = 3; i < opaque.Data.Length; i += 4) Assert.Equal(before.Data[i], opaque.Data[i]);

        var hidden = Spot(64, 4);
        for (var i = 3; i < hidden.Data.Length; i += 4) hidden.Data[i] = 0;
        before = hidden.Clone();
        Halation.Apply(hidden, HalationParams.Default);
        Assert.True(Bits(before).SequenceEqual(Bits(hidden)));
    }

    [Fact]
    public void The_knee_is_continuous_and_starts_at_the_threshold()
    {
        const double t = 0.8;
        Assert.Equal(0, Halation.Energy(t, t));
        Assert.Equal(0, Halation.Energy(0.5, t));
        Assert.Equal(0.2, Halation.Energy(t + 0.4, t), 1e-12);                        // k/2 at the knee's end, k = t/2
        Assert.Equal(Halation.Energy(t + 0.4 - 1e-9, t), Halation.Energy(t + 0.4 + 1e-9, t), 1e-8);
        Assert.Equal(1.0, (Halation.Energy(3.0 + 1e-6, t) - Halation.Energy(3.0, t)) / 1e-6, 1e-6); // slope 1 above
        Assert.Equal(0.006 * 1024, Halation.Sigma(2048, 1024, new HalationParams { Radius = 0.006 }), 1e-9);
    }

    [Fact]
    public void A_black_tint_is_refused()
    {
        var black = new HalationTint { R = 0, G = 0, B = 0 };
        Assert.NotEmpty(black.Problems());
        Assert.Empty(new HalationTint().Problems());
        Assert.Throws<ArgumentException>(() => Halation.Apply(Spot(32, 3), new HalationParams { Tint = black }));
    }

    private static PixelBuffer Spot(int side, int bands)
    {
        var buffer = new PixelBuffer(side, side, bands);
        if (bands == 4) for (var i = 3; i < buffer.Data.Length; i += 4) buffer.Data[i] = 1;
        var c = side / 2;
        for (var y = c - SpotSide / 2; y <= c + SpotSide / 2; y++)
        for (var x = c - SpotSide / 2; x <= c + SpotSide / 2; x++)
            for (var k = 0; k < 3; k++) buffer.Data[(y * side + x) * bands + k] = SpotValue;
        return buffer;
    }

    private static byte[] Bits(PixelBuffer buffer) => MemoryMarshal.AsBytes(buffer.Data.AsSpan()).ToArray();
}
