using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Burnish.Imaging;

namespace Burnish.Stages.Grade;

/// <summary>
/// The tone curve. Shaped on sRGB-encoded values (a perceptual scale), applied to linear light through a
/// 65 537-entry table over linear 0–1 with linear interpolation, per channel.
/// </summary>
public sealed class ToneCurve
{
    private const int Size = 65536;
    private readonly float[] table;

    private ToneCurve(float[] table) => this.table = table;

    /// <summary>Mid-grey (18 % linear) in the encoded scale: the contrast pivot.</summary>
    public static readonly double Pivot = Encode(0.18);

    public static bool IsIdentity(ToneParams p) => p.Contrast == 0 && p.BlackLift == 0 && p.WhitePoint == 1 && p.Curve is null;

    public static ToneCurve Build(ToneParams p)
    {
        var points = p.Curve is null ? null : MonotoneCubic.Through(WithEnds(p.Curve));
        var table = new float[Size + 1];
        for (var i = 0; i <= Size; i++)
            table[i] = (float)Decode(Shape(Encode((double)i / Size), p, points));
        return new ToneCurve(table);
    }

    /// <summary>The encoded-scale curve: contrast, then the free points, then black lift and white point.</summary>
    public static double Shape(double e, ToneParams p, MonotoneCubic? points = null)
    {
        var k = 1 + p.Contrast;
        // A soft S: power curves on each side of the pivot meet with slope k, ends fixed at 0 and 1.
        var y = e < Pivot ? Pivot * Math.Pow(e / Pivot, k) : 1 - (1 - Pivot) * Math.Pow((1 - e) / (1 - Pivot), k);
        if (points is not null) y = points.Evaluate(y);
        return p.BlackLift + (p.WhitePoint - p.BlackLift) * y;
    }

    /// <summary>Applies the curve to every colour band of an RGB(A) buffer in place (AVX2 gathers where available).</summary>
    public void Apply(PixelBuffer buffer, CancellationToken cancel = default)
    {
        var colourBands = buffer.Bands is 2 or 4 ? buffer.Bands - 1 : buffer.Bands;
        buffer.ForEachRowBlock((start, end) =>
        {
            for (var y = start; y < end; y++)
            {
                var row = buffer.Row(y);
                if (colourBands == buffer.Bands)
                {
                    Apply(row);
                    continue;
                }
                for (var i = 0; i < row.Length; i += buffer.Bands)
                    for (var c = 0; c < colourBands; c++)
                        row[i + c] = Lookup(row[i + c]);
            }
        }, cancel);
    }

    /// <summary>Applies the curve to every sample of <paramref name="samples"/> in place.</summary>
    public unsafe void Apply(Span<float> samples)
    {
        var i = 0;
        if (Avx2.IsSupported && samples.Length >= Vector256<float>.Count)
        {
            var zero = Vector256<float>.Zero;
            var one = Vector256.Create(1f);
            var size = Vector256.Create((float)Size);
            var last = Vector256.Create(Size - 1);
            fixed (float* t = table)
            fixed (float* s = samples)
            {
                for (; i <= samples.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    var x = Avx.Min(Avx.Max(Avx.LoadVector256(s + i), zero), one);
                    var f = Avx.Multiply(x, size);
                    var index = Avx2.Min(Avx.ConvertToVector256Int32WithTruncation(f), last);
                    var frac = Avx.Subtract(f, Avx.ConvertToVector256Single(index));
                    var a = Avx2.GatherVector256(t, index, 4);
                    var b = Avx2.GatherVector256(t + 1, index, 4);
                    Avx.Store(s + i, Avx.Add(a, Avx.Multiply(Avx.Subtract(b, a), frac)));
                }
            }
        }
        for (; i < samples.Length; i++) samples[i] = Lookup(samples[i]);
    }

    private float Lookup(float x)
    {
        if (!(x > 0)) return table[0];
        if (x >= 1) return table[Size];
        var f = x * Size;
        var i = (int)f;
        return table[i] + (table[i + 1] - table[i]) * (f - i);
    }

    private static IReadOnlyList<(double X, double Y)> WithEnds(IReadOnlyList<IReadOnlyList<double>> curve)
    {
        var points = curve.Select(p => (p[0], p[1])).ToList();
        if (points[0].Item1 > 0) points.Insert(0, (0, 0));
        if (points[^1].Item1 < 1) points.Add((1, 1));
        return points;
    }

    /// <summary>sRGB encoding (IEC 61966-2-1), extended linearly below 0.</summary>
    public static double Encode(double linear) => linear <= 0.0031308 ? 12.92 * linear : 1.055 * Math.Pow(linear, 1 / 2.4) - 0.055;

    public static double Decode(double encoded) => encoded <= 0.04045 ? encoded / 12.92 : Math.Pow((encoded + 0.055) / 1.055, 2.4);
}

/// <summary>Monotone cubic Hermite interpolation (Fritsch &amp; Carlson 1980): no overshoot between points.</summary>
public sealed class MonotoneCubic
{
    private readonly double[] xs, ys, tangents;

    private MonotoneCubic(double[] xs, double[] ys, double[] tangents) => (this.xs, this.ys, this.tangents) = (xs, ys, tangents);

    public static MonotoneCubic Through(IReadOnlyList<(double X, double Y)> points)
    {
        var n = points.Count;
        var xs = points.Select(p => p.X).ToArray();
        var ys = points.Select(p => p.Y).ToArray();
        var secants = new double[Math.Max(1, n - 1)];
        for (var i = 0; i < n - 1; i++) secants[i] = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]);
        var m = new double[n];
        m[0] = secants[0];
        m[n - 1] = secants[n - 2];
        for (var i = 1; i < n - 1; i++)
            m[i] = secants[i - 1] * secants[i] <= 0 ? 0 : (secants[i - 1] + secants[i]) / 2;
        for (var i = 0; i < n - 1; i++)
        {
            if (secants[i] == 0) { m[i] = m[i + 1] = 0; continue; }
            var a = m[i] / secants[i];
            var b = m[i + 1] / secants[i];
            var h = a * a + b * b;
            if (h > 9)
            {
                var t = 3 / Math.Sqrt(h);
                m[i] = t * a * secants[i];
                m[i + 1] = t * b * secants[i];
            }
        }
        return new MonotoneCubic(xs, ys, m);
    }

    public double Evaluate(double x)
    {
        if (x <= xs[0]) return ys[0];
        if (x >= xs[^1]) return ys[^1];
        var k = Array.BinarySearch(xs, x);
        if (k >= 0) return ys[k];
        k = ~k - 1;
        var h = xs[k + 1] - xs[k];
        var t = (x - xs[k]) / h;
        var t2 = t * t;
        var t3 = t2 * t;
        return (2 * t3 - 3 * t2 + 1) * ys[k] + (t3 - 2 * t2 + t) * h * tangents[k] + (-2 * t3 + 3 * t2) * ys[k + 1] + (t3 - t2) * h * tangents[k + 1];
    }
}
