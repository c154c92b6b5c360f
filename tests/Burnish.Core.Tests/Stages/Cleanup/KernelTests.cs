using Burnish.Stages.Cleanup;

namespace Burnish.Core.Tests.Stages.Cleanup;

public class KernelTests
{
    [Theory]
    [InlineData(37, 23, 1, 0.5)]
    [InlineData(100, 9, 3, 1.0)]
    [InlineData(5, 70, 2, 0.3)]
    public void The_vector_halo_clamp_matches_its_scalar_reference(int w, int h, int window, double strength)
    {
        var random = new Random(3);
        var reference = new float[w * h];
        var lightness = new float[w * h];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                reference[y * w + x] = (x / 6 + y / 5) % 2 == 0 ? 30 : 30 + (float)(random.NextDouble() * 20);
                lightness[y * w + x] = reference[y * w + x] + (float)(random.NextDouble() * 16 - 8);
            }
        float[] fast = new float[w * h], slow = new float[w * h];
        HaloClamp.Apply(lightness, reference, fast, w, h, window, strength);
        HaloClamp.ApplyScalar(lightness, reference, slow, w, h, window, strength);
        for (var i = 0; i < fast.Length; i++) Assert.InRange(fast[i] - slow[i], -1e-4f, 1e-4f); // 2/f multiplied vs divided by f/2
        Assert.Contains(fast.Select((v, i) => v != lightness[i]), changed => changed);
    }

    [Fact]
    public void The_halo_clamp_pulls_overshoot_back_by_its_strength_at_edges_only()
    {
        const int W = 16, H = 3;
        // Reference: a step 30 → 70 between columns 7 and 8. Result: the same with a bright halo of +8 at column 8
        // and a flat patch (range 0) carrying +8 at column 1, which the gate must leave alone.
        var reference = new float[W * H];
        var lightness = new float[W * H];
        for (var y = 0; y < H; y++)
            for (var x = 0; x < W; x++)
            {
                reference[y * W + x] = x < 8 ? 30 : 70;
                lightness[y * W + x] = reference[y * W + x] + (x is 8 or 1 ? 8 : 0);
            }
        var result = new float[W * H];
        HaloClamp.Apply(lightness, reference, result, W, H, 2, 0.5);
        Assert.Equal(74, result[W + 8], 4); // 78 − 0.5·(78 − 70): full gate, range 40 ≥ 10
        Assert.Equal(38, result[W + 1], 4); // no edge within 2 px: untouched
        Assert.Equal(30, result[W + 6], 4); // inside the range: untouched
    }

    [Theory]
    [InlineData(33, 21, 2, 25.0)]
    [InlineData(8, 40, 3, 4.0)]
    public void The_guided_filter_matches_a_direct_implementation(int w, int h, int r, double epsilon)
    {
        var random = new Random(8);
        var guide = Enumerable.Range(0, w * h).Select(i => (float)((i % w < w / 2 ? 30 : 70) + random.NextDouble() * 10)).ToArray();
        var other = Enumerable.Range(0, w * h).Select(_ => (float)(random.NextDouble() * 40 - 20)).ToArray();
        float[] outSelf = new float[w * h], outOther = new float[w * h];
        GuidedFilter.Apply(guide, [guide, other], [outSelf, outOther], w, h, r, epsilon);
        var expectedSelf = DirectGuidedFilter(guide, guide, w, h, r, epsilon);
        var expectedOther = DirectGuidedFilter(guide, other, w, h, r, epsilon);
        for (var i = 0; i < w * h; i++)
        {
            // Float planes against double sums: E[I²] − E[I]² loses ~1e-3 of L*² near L* 70, which ε dwarfs.
            Assert.Equal(expectedSelf[i], outSelf[i], 2e-3);
            Assert.Equal(expectedOther[i], outOther[i], 2e-3);
        }
    }

    [Fact]
    public void The_guided_filter_smooths_noise_and_keeps_an_edge()
    {
        const int W = 64, H = 64;
        var random = new Random(4);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var clean = Enumerable.Range(0, W * H).Select(i => i % W < W / 2 ? 30f : 70f).ToArray();
        var noisy = clean.Select(v => v + (float)(2 * Gaussian())).ToArray();
        var result = new float[W * H];
        GuidedFilter.Apply(noisy, [noisy], [result], W, H, 4, 5 * 5);
        double noiseBefore = 0, noiseAfter = 0;
        var n = 0;
        for (var y = 8; y < H - 8; y++)
            for (var x = 4; x < 20; x++) // well inside the dark half
            {
                noiseBefore += Math.Pow(noisy[y * W + x] - 30, 2);
                noiseAfter += Math.Pow(result[y * W + x] - 30, 2);
                n++;
            }
        // σ 2 against √ε = 5: mostly smoothed (a 9×9 mean would take it to σ 0.22; the filter keeps a little).
        Assert.True(Math.Sqrt(noiseAfter / n) < 0.5 * Math.Sqrt(noiseBefore / n), $"{Math.Sqrt(noiseBefore / n)} → {Math.Sqrt(noiseAfter / n)}");
        // The 40 L* step, far above √ε, keeps at least 90 % of its one-pixel rise.
        var rise = Enumerable.Range(8, H - 16).Average(y => result[y * W + W / 2] - result[y * W + W / 2 - 1]);
        Assert.True(rise > 36, $"rise {rise}");
    }

    // He et al.'s algorithm 1 with every box mean summed directly, in double.
    private static double[] DirectGuidedFilter(float[] guide, float[] input, int w, int h, int r, double eps)
    {
        double[] Mean(Func<int, double> f)
        {
            var m = new double[w * h];
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    double s = 0;
                    var count = 0;
                    for (var yy = Math.Max(0, y - r); yy <= Math.Min(h - 1, y + r); yy++)
                        for (var xx = Math.Max(0, x - r); xx <= Math.Min(w - 1, x + r); xx++)
                        {
                            s += f(yy * w + xx);
                            count++;
                        }
                    m[y * w + x] = s / count;
                }
            return m;
        }
        var meanI = Mean(i => guide[i]);
        var meanP = Mean(i => input[i]);
        var corrI = Mean(i => (double)guide[i] * guide[i]);
        var corrIp = Mean(i => (double)guide[i] * input[i]);
        var a = new double[w * h];
        var b = new double[w * h];
        for (var i = 0; i < w * h; i++)
        {
            a[i] = (corrIp[i] - meanI[i] * meanP[i]) / (corrI[i] - meanI[i] * meanI[i] + eps);
            b[i] = meanP[i] - a[i] * meanI[i];
        }
        var meanA = Mean(i => a[i]);
        var meanB = Mean(i => b[i]);
        return [.. Enumerable.Range(0, w * h).Select(i => meanA[i] * guide[i] + meanB[i])];
    }
}
