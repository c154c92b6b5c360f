using BenchmarkDotNet.Attributes;
using Burnish.Imaging;
using Burnish.Stages.Grade.Film;

namespace Burnish.Bench;

/// <summary>
/// Film grain and halation on a 4096² RGB buffer (a smooth card with 16-bit code values, up to 1.2 so some of it is
/// above the halation threshold). Grain: the Vector256 kernel against the same algorithm written as a scalar loop,
/// both parallel over rows, so the ratio is what SIMD buys. Each iteration starts from a fresh copy of the card.
/// </summary>
[MemoryDiagnoser]
public class FilmBenchmarks
{
    private const int Side = 4096;
    private PixelBuffer pristine = null!;
    private PixelBuffer buffer = null!;

    [GlobalSetup]
    public void Setup()
    {
        pristine = Card(Side, Side);
        buffer = pristine.Clone();
        ScalarGrain.CheckAgainstVector();
    }

    [IterationSetup]
    public void Restore() => Array.Copy(pristine.Data, buffer.Data, buffer.Data.Length);

    [Benchmark(Baseline = true, Description = "grain, scalar loop, parallel rows")]
    public void GrainScalar() => ScalarGrain.Apply(buffer, GrainParams.Default);

    [Benchmark(Description = "Grain.Apply monochrome (Vector256), parallel rows")]
    public void GrainVector() => Grain.Apply(buffer, GrainParams.Default);

    [Benchmark(Description = "Grain.Apply colour (Vector256), parallel rows")]
    public void GrainColour() => Grain.Apply(buffer, GrainParams.Default with { Colour = true });

    [Benchmark(Description = "Halation.Apply (sigma 33 px: cell 11)")]
    public void HalationDefault() => Halation.Apply(buffer, HalationParams.Default);

    private static PixelBuffer Card(int width, int height)
    {
        var card = new PixelBuffer(width, height, 3);
        for (var y = 0; y < height; y++)
        {
            var row = card.Row(y);
            for (var x = 0; x < width; x++)
            {
                row[3 * x] = (float)(Math.Round(65535.0 * x / width) / 65535 * 1.2);
                row[3 * x + 1] = (float)(Math.Round(65535.0 * y / height) / 65535 * 1.2);
                row[3 * x + 2] = (float)(Math.Round(65535.0 * (x + y) / (width + height)) / 65535);
            }
        }
        return card;
    }
}

/// <summary>
/// The grain kernel written as plain scalar code: the same hash, blurs and transfer functions as
/// <see cref="Grain"/>, with MathF.Cbrt where the kernel uses its vector cube root. Monochrome only.
/// </summary>
internal static class ScalarGrain
{
    public static void Apply(PixelBuffer buffer, GrainParams p)
    {
        var coarse = new Pass(0.5 * p.Size, 1 - p.Roughness, 0);
        var fine = new Pass(0.25 * p.Size, p.Roughness, 1);
        var radius = Math.Max(coarse.Radius, fine.Radius);
        var seedKey = Mix(Mix((uint)p.Seed + 0x68E31DA4) ^ 0x5851F42D);
        var width = buffer.Width;
        var amount4 = (float)(4 * p.Amount);
        buffer.ForEachRowBlock((y0, y1) =>
        {
            var rows = y1 - y0;
            var noise = new float[rows * width];
            var blurred = new float[(rows + 2 * radius) * width];
            var white = new float[width + 2 * radius];
            coarse.Run(seedKey, y0, rows, width, noise, blurred, white, accumulate: false);
            fine.Run(seedKey, y0, rows, width, noise, blurred, white, accumulate: true);
            for (var y = y0; y < y1; y++)
            {
                var row = buffer.Row(y);
                for (int x = 0, i = 0; x < width; x++, i += 3)
                {
                    var lum = 0.2627f * row[i] + 0.6780f * row[i + 1] + 0.0593f * row[i + 2];
                    if (!(lum > 0)) continue;
                    var l = FromLinear(lum);
                    var c = Math.Clamp(l, 0f, 1f);
                    var a = amount4 * c * (1 - c);
                    var correction = l > 0.08f ? a * a / (l + 0.16f) : 0f;
                    var k = ToLinear(MathF.Max(l - correction + a * noise[(y - y0) * width + x], 0)) / ToLinear(l);
                    row[i] *= k;
                    row[i + 1] *= k;
                    row[i + 2] *= k;
                }
            }
        });
    }

    /// <summary>Fails the run when the baseline stops computing what the kernel computes.</summary>
    public static void CheckAgainstVector()
    {
        for (var y = -3; y < 40; y += 7)
        for (var x = -5; x < 300; x += 13)
        {
            var (k1, k2, k3) = RowKeys(Mix(Mix(Mix(9u + 0x68E31DA4) ^ 0x5851F42D) + 1 * Golden + 1), y);
            if (White(k1, k2, k3, x) != Grain.WhiteNoise(9, 1, x, y)) throw new InvalidOperationException("scalar noise differs from Grain.WhiteNoise");
        }
        var card = new PixelBuffer(300, 200, 3);
        for (var i = 0; i < card.Data.Length; i++) card.Data[i] = (i * 7919 % 65536) / 65535f;
        var vector = card.Clone();
        Apply(card, GrainParams.Default with { Amount = 0.05 });
        Grain.Apply(vector, GrainParams.Default with { Amount = 0.05 });
        for (var i = 0; i < card.Data.Length; i++)
            if (Math.Abs(card.Data[i] - vector.Data[i]) > 1e-5f * Math.Max(1, card.Data[i]))
                throw new InvalidOperationException($"scalar grain differs from Grain.Apply at sample {i}: {card.Data[i]} vs {vector.Data[i]}");
    }

    private const uint Golden = 0x9E3779B9;

    private static uint Mix(uint x)
    {
        x ^= x >> 16;
        x *= 0x7feb352d;
        x ^= x >> 15;
        x *= 0x846ca68b;
        x ^= x >> 16;
        return x;
    }

    private static (uint, uint, uint) RowKeys(uint streamKey, int y)
    {
        var k = Mix(streamKey ^ Mix((uint)y + 0x1B873593));
        return (k, Mix(k + Golden), Mix(k + unchecked(2 * Golden)));
    }

    private static float White(uint k1, uint k2, uint k3, int x)
    {
        var h1 = Mix(Mix((uint)x + k1) ^ k2);
        var h2 = Mix(h1 + k3);
        var sum = (int)((h1 & 0xFFFF) + (h1 >> 16) + (h2 & 0xFFFF) + (h2 >> 16));
        return (sum - 2 * 65535) * (1.7320508f / 65536);
    }

    private static float FromLinear(float y) => y > 216f / 24389 ? 1.16f * MathF.Cbrt(y) - 0.16f : y * (24389f / 2700);

    private static float ToLinear(float l)
    {
        if (!(l > 0.08f)) return l * (2700f / 24389);
        var t = (l + 0.16f) * (1 / 1.16f);
        return t * t * t;
    }

    private sealed class Pass
    {
        private readonly float[] horizontal;
        private readonly float[] vertical;
        private readonly int stream;

        public Pass(double sigma, double share, int stream)
        {
            this.stream = stream;
            Radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
            var taps = Enumerable.Range(-Radius, 2 * Radius + 1).Select(t => Math.Exp(-t * t / (2 * sigma * sigma))).ToArray();
            var sum = taps.Sum();
            var norm = 1 / (sum * Math.Sqrt(taps.Sum(w => w / sum * (w / sum))));
            horizontal = taps.Select(w => (float)(w * norm * Math.Sqrt(share))).ToArray();
            vertical = taps.Select(w => (float)(w * norm)).ToArray();
        }

        public int Radius { get; }

        public void Run(uint seedKey, int y0, int rows, int width, float[] noise, float[] blurred, float[] white, bool accumulate)
        {
            var streamKey = Mix(seedKey + (uint)stream * Golden + 1);
            var span = rows + 2 * Radius;
            for (var r = 0; r < span; r++)
            {
                var (k1, k2, k3) = RowKeys(streamKey, y0 - Radius + r);
                for (var i = 0; i < width + 2 * Radius; i++) white[i] = White(k1, k2, k3, i - Radius);
                for (var x = 0; x < width; x++)
                {
                    var acc = horizontal[0] * white[x];
                    for (var t = 1; t < horizontal.Length; t++) acc += horizontal[t] * white[x + t];
                    blurred[r * width + x] = acc;
                }
            }
            for (var r = 0; r < rows; r++)
            for (var x = 0; x < width; x++)
            {
                var acc = vertical[0] * blurred[r * width + x];
                for (var t = 1; t < vertical.Length; t++) acc += vertical[t] * blurred[(r + t) * width + x];
                noise[r * width + x] = accumulate ? noise[r * width + x] + acc : acc;
            }
        }
    }
}
