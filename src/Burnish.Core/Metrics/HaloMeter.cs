using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Burnish.Imaging;

namespace Burnish.Metrics;

/// <summary>
/// What sharpening did at edges, measured on the L* planes before and after.
/// </summary>
/// <param name="EdgePixels">Pixels counted as edges: local range of L* (before) at least the edge floor.</param>
/// <param name="OvershootPercent">Bright halo: the 99th percentile over edge pixels of (L′ − local max of L) / local range, in %.</param>
/// <param name="UndershootPercent">Dark halo: the same below the local min.</param>
/// <param name="MaxOvershootPercent">The largest bright halo at any edge pixel, %.</param>
/// <param name="MaxUndershootPercent">The largest dark halo at any edge pixel, %.</param>
/// <param name="AcutanceGain">RMS gradient of L′ over RMS gradient of L at the edge pixels (Higgins–Jones acutance is the mean square gradient; this is its square root, a slope ratio).</param>
public sealed record HaloMeasurement(long EdgePixels, double OvershootPercent, double UndershootPercent,
    double MaxOvershootPercent, double MaxUndershootPercent, double AcutanceGain)
{
    public static HaloMeasurement None { get; } = new(0, 0, 0, 0, 0, 1);

    /// <summary>Bright halo averaged over every edge pixel (0 where it stays within the range), in %.</summary>
    public double MeanOvershootPercent { get; init; }

    /// <summary>Dark halo averaged over every edge pixel, in %.</summary>
    public double MeanUndershootPercent { get; init; }

    /// <summary>
    /// One figure for reports: the mean excursion beyond the local range, bright plus dark, in % of that range.
    /// A mean rather than the 99th percentile, so that it moves with every edge and not with the worst one.
    /// </summary>
    public double Score => MeanOvershootPercent + MeanUndershootPercent;

    /// <summary>RMS central-difference gradient of the measured plane at the edge pixels, L* per pixel: its acutance.</summary>
    public double RmsSlopeAfter { get; init; }

    /// <summary>The same for the reference plane.</summary>
    public double RmsSlopeBefore { get; init; }
}

/// <summary>
/// Measures halos and edge slope of an L* plane against a reference plane: the plane before sharpening (the
/// neighbourhood is then the one the fringe guard used, so with guard g no edge pixel can measure more than 100·g %),
/// or a classical upscale of the source (<see cref="ImageMetrics.HaloScore"/>). Vector256 over x, parallel over blocks of rows; one tally and one
/// set of scratch rows per worker, none per pixel.
/// </summary>
public static class HaloMeter
{
    /// <summary>An edge is where L* varies by at least this much across the neighbourhood: about four just-noticeable differences.</summary>
    public const double DefaultEdgeFloor = 10;

    /// <summary>The percentile of edge pixels that <see cref="HaloMeasurement.OvershootPercent"/> reports.</summary>
    public const double Percentile = 0.99;

    private const int BlockRows = 32;

    /// <summary>
    /// Compares <paramref name="after"/> with <paramref name="before"/> (L* planes, row-major) over a
    /// (2·<paramref name="window"/>+1)² neighbourhood. Transparent pixels (<paramref name="alpha"/> 0) are left out of
    /// the neighbourhood, and the slope is taken only where the pixel and its four neighbours are opaque.
    /// </summary>
    public static HaloMeasurement Measure(float[] before, float[] after, float[]? alpha, int width, int height, int window,
        double edgeFloor = DefaultEdgeFloor, CancellationToken cancel = default)
    {
        Check(before, after, alpha, width, height, window);
        return MeasureRows(before, after, alpha, width, height, 0, height, window, edgeFloor, cancel).Result();
    }

    /// <summary>
    /// The measurement of rows [<paramref name="first"/>, <paramref name="first"/> + <paramref name="rows"/>) of planes
    /// that hold <paramref name="planeRows"/> rows, as a tally to add up with other bands' (<see cref="HaloTally.Add"/>).
    /// Rows beyond the planes repeat their edge rows, so a band read with <paramref name="window"/> + 1 rows of context
    /// each side (the image's edge rows repeated beyond it) measures what the whole image would there.
    /// </summary>
    public static HaloTally MeasureRows(float[] before, float[] after, float[]? alpha, int width, int planeRows, int first, int rows, int window,
        double edgeFloor = DefaultEdgeFloor, CancellationToken cancel = default)
    {
        Check(before, after, alpha, width, planeRows, window);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        if (first + rows > planeRows) throw new ArgumentOutOfRangeException(nameof(rows), "the rows lie beyond the planes");
        if (!Vector256.IsHardwareAccelerated) return MeasureScalar(before, after, alpha, width, planeRows, first, rows, window, edgeFloor, cancel);
        var plan = new Plan(width, planeRows, window, (float)edgeFloor);
        var total = new HaloTally();
        var blocks = (rows + BlockRows - 1) / BlockRows;
        Parallel.For(0, blocks, ImageThreads.Options(cancel), () => new Scratch(plan, alpha is not null), (b, _, s) =>
        {
            Block(plan, s, before, after, alpha, first + b * BlockRows, Math.Min(first + rows, first + (b + 1) * BlockRows));
            return s;
        }, s =>
        {
            lock (total) total.Add(s.Tally);
        });
        return total;
    }

    /// <summary>The same measurement one pixel at a time: the reference the vector path is tested against.</summary>
    public static HaloMeasurement MeasureScalar(float[] before, float[] after, float[]? alpha, int width, int height, int window,
        double edgeFloor = DefaultEdgeFloor, CancellationToken cancel = default)
    {
        Check(before, after, alpha, width, height, window);
        return MeasureScalar(before, after, alpha, width, height, 0, height, window, edgeFloor, cancel).Result();
    }

    private static HaloTally MeasureScalar(float[] before, float[] after, float[]? alpha, int width, int height, int first, int rows, int window,
        double edgeFloor, CancellationToken cancel)
    {
        var total = new HaloTally();
        Parallel.For(first, first + rows, ImageThreads.Options(cancel), () => new HaloTally(), (y, _, t) =>
        {
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                if (alpha is not null && alpha[i] <= 0) continue;
                float mn = float.PositiveInfinity, mx = float.NegativeInfinity;
                for (var dy = -window; dy <= window; dy++)
                {
                    var row = Math.Clamp(y + dy, 0, height - 1) * width;
                    for (var dx = -window; dx <= window; dx++)
                    {
                        var j = row + Math.Clamp(x + dx, 0, width - 1);
                        if (alpha is not null && alpha[j] <= 0) continue;
                        mn = Math.Min(mn, before[j]);
                        mx = Math.Max(mx, before[j]);
                    }
                }
                var range = mx - mn;
                if (range < (float)edgeFloor) continue;
                t.Count((float)(Math.Max(0f, after[i] - mx) / range * 100f), (float)(Math.Max(0f, mn - after[i]) / range * 100f));
                int left = y * width + Math.Max(x - 1, 0), right = y * width + Math.Min(x + 1, width - 1);
                int up = Math.Max(y - 1, 0) * width + x, down = Math.Min(y + 1, height - 1) * width + x;
                // A gradient across transparency is not an edge of the picture.
                if (alpha is not null && (alpha[left] <= 0 || alpha[right] <= 0 || alpha[up] <= 0 || alpha[down] <= 0)) continue;
                t.SlopePixels++;
                t.SlopeBefore += Squared(before[right] - before[left], before[down] - before[up]);
                t.SlopeAfter += Squared(after[right] - after[left], after[down] - after[up]);
            }
            return t;
        }, t =>
        {
            lock (total) total.Add(t);
        });
        return total;
    }

    // Central differences: ((right − left)/2)² + ((down − up)/2)².
    private static double Squared(float dx, float dy) => 0.25 * ((double)dx * dx + (double)dy * dy);

    private static void Check(float[] before, float[] after, float[]? alpha, int width, int height, int window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var n = (long)width * height;
        if (before.LongLength != n || after.LongLength != n || (alpha is not null && alpha.LongLength != n))
            throw new ArgumentException($"planes must hold {width}×{height} samples");
    }

    private sealed class Plan(int width, int height, int window, float edgeFloor)
    {
        public int Width { get; } = width;
        public int Height { get; } = height;
        public int Window { get; } = window;
        public float EdgeFloor { get; } = edgeFloor;
        public int Stride { get; } = Neighbourhood.Stride(width);
        public int PaddedLength => Stride + 2 * Window;
    }

    private sealed class Scratch
    {
        public Scratch(Plan p, bool hasAlpha)
        {
            var plane = (BlockRows + 2 * p.Window) * p.Stride;
            Min = new float[plane];
            Max = new float[plane];
            Padded = new float[p.PaddedLength];
            Before = [new float[p.PaddedLength], new float[p.PaddedLength], new float[p.PaddedLength]];
            After = [new float[p.PaddedLength], new float[p.PaddedLength], new float[p.PaddedLength]];
            if (!hasAlpha) return;
            PaddedMin = new float[p.PaddedLength];
            PaddedMax = new float[p.PaddedLength];
            Alpha = [new float[p.PaddedLength], new float[p.PaddedLength], new float[p.PaddedLength]];
        }

        public HaloTally Tally { get; } = new();
        public float[] Min { get; }
        public float[] Max { get; }
        public float[] Padded { get; }
        public float[]? PaddedMin { get; }
        public float[]? PaddedMax { get; }
        /// <summary>Padded rows y−1, y, y+1 of each plane, for the central differences.</summary>
        public float[][] Before { get; }
        public float[][] After { get; }
        public float[][]? Alpha { get; }
    }

    private static void Block(Plan p, Scratch s, float[] before, float[] after, float[]? alpha, int y0, int y1)
    {
        int w = p.Width, k = p.Window;
        var top = y0 - k;
        for (var i = 0; i < y1 - y0 + 2 * k; i++)
        {
            var sy = Math.Clamp(top + i, 0, p.Height - 1);
            Neighbourhood.Pad(before, sy, w, k, s.Padded);
            if (alpha is null)
            {
                Neighbourhood.HorizontalRange(s.Padded, s.Padded, k, k, p.Stride, s.Min, s.Max, i * p.Stride);
                continue;
            }
            Neighbourhood.Pad(alpha, sy, w, k, s.Alpha![0]);
            Neighbourhood.MaskTransparent(s.Padded, s.Alpha[0], p.PaddedLength, s.PaddedMin!, s.PaddedMax!);
            Neighbourhood.HorizontalRange(s.PaddedMin!, s.PaddedMax!, k, k, p.Stride, s.Min, s.Max, i * p.Stride);
        }

        var lane = Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7);
        var floor = Vector256.Create(p.EdgeFloor);
        var hundred = Vector256.Create(100f);
        var half = Vector256.Create(0.5f);
        for (var y = y0; y < y1; y++)
        {
            for (var r = 0; r < 3; r++)
            {
                var sy = Math.Clamp(y + r - 1, 0, p.Height - 1);
                Neighbourhood.Pad(before, sy, w, k, s.Before[r]);
                Neighbourhood.Pad(after, sy, w, k, s.After[r]);
                if (alpha is not null) Neighbourhood.Pad(alpha, sy, w, k, s.Alpha![r]);
            }
            var row = (y - top) * p.Stride;
            Vector256<float> slopeBefore = default, slopeAfter = default;
            for (var x = 0; x < p.Stride; x += Neighbourhood.Lanes)
            {
                var (mn, mx) = Neighbourhood.VerticalRange(s.Min, s.Max, p.Stride, k, (nuint)(row + x));
                var range = mx - mn;
                var centre = (nuint)(x + k);
                var edge = Vector256.GreaterThanOrEqual(range, floor) & Vector256.LessThan(lane + Vector256.Create((float)x), Vector256.Create((float)w));
                var whole = edge;
                if (alpha is not null)
                {
                    edge &= Vector256.GreaterThan(Load(s.Alpha![1], centre), Vector256<float>.Zero);
                    whole = edge & Vector256.GreaterThan(Load(s.Alpha[1], centre - 1), Vector256<float>.Zero)
                        & Vector256.GreaterThan(Load(s.Alpha[1], centre + 1), Vector256<float>.Zero)
                        & Vector256.GreaterThan(Load(s.Alpha[0], centre), Vector256<float>.Zero)
                        & Vector256.GreaterThan(Load(s.Alpha[2], centre), Vector256<float>.Zero);
                }
                var bits = edge.ExtractMostSignificantBits();
                if (bits == 0) continue;

                var sharpened = Load(s.After[1], centre);
                var over = Vector256.Max(sharpened - mx, Vector256<float>.Zero) / range * hundred;
                var under = Vector256.Max(mn - sharpened, Vector256<float>.Zero) / range * hundred;
                for (; bits != 0; bits &= bits - 1)
                {
                    var l = System.Numerics.BitOperations.TrailingZeroCount(bits);
                    s.Tally.Count(over.GetElement(l), under.GetElement(l));
                }
                var gxB = (Load(s.Before[1], centre + 1) - Load(s.Before[1], centre - 1)) * half;
                var gyB = (Load(s.Before[2], centre) - Load(s.Before[0], centre)) * half;
                var gxA = (Load(s.After[1], centre + 1) - Load(s.After[1], centre - 1)) * half;
                var gyA = (Load(s.After[2], centre) - Load(s.After[0], centre)) * half;
                s.Tally.SlopePixels += System.Numerics.BitOperations.PopCount(whole.ExtractMostSignificantBits());
                slopeBefore += Vector256.ConditionalSelect(whole, gxB * gxB + gyB * gyB, Vector256<float>.Zero);
                slopeAfter += Vector256.ConditionalSelect(whole, gxA * gxA + gyA * gyA, Vector256<float>.Zero);
            }
            s.Tally.SlopeBefore += Sum(slopeBefore);
            s.Tally.SlopeAfter += Sum(slopeAfter);
        }
    }

    private static Vector256<float> Load(float[] row, nuint at) => Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(row), at);

    private static double Sum(Vector256<float> v)
    {
        double sum = 0;
        for (var l = 0; l < Vector256<float>.Count; l++) sum += v.GetElement(l);
        return sum;
    }

}

/// <summary>The counts behind a <see cref="HaloMeasurement"/>: bands of an image measured apart add up to the whole image's figures.</summary>
public sealed class HaloTally
{
    private const double BinPercent = 0.05;
    private const int Bins = 4000; // 0–200 % in 0.05 % steps; the last bin also holds everything above

    internal long Edges, SlopePixels;
    internal double MaxOver, MaxUnder, SlopeBefore, SlopeAfter, SumOver, SumUnder;
    private readonly long[] over = new long[Bins];
    private readonly long[] under = new long[Bins];

    internal void Count(float overshoot, float undershoot)
    {
        Edges++;
        SumOver += overshoot;
        SumUnder += undershoot;
        over[Bin(overshoot)]++;
        under[Bin(undershoot)]++;
        if (overshoot > MaxOver) MaxOver = overshoot;
        if (undershoot > MaxUnder) MaxUnder = undershoot;
    }

    /// <summary>Adds another band's counts to these.</summary>
    public void Add(HaloTally t)
    {
        ArgumentNullException.ThrowIfNull(t);
        Edges += t.Edges;
        SlopePixels += t.SlopePixels;
        for (var b = 0; b < Bins; b++)
        {
            over[b] += t.over[b];
            under[b] += t.under[b];
        }
        MaxOver = Math.Max(MaxOver, t.MaxOver);
        MaxUnder = Math.Max(MaxUnder, t.MaxUnder);
        SlopeBefore += t.SlopeBefore;
        SlopeAfter += t.SlopeAfter;
        SumOver += t.SumOver;
        SumUnder += t.SumUnder;
    }

    /// <summary>The figures of everything counted.</summary>
    public HaloMeasurement Result() => Edges == 0 ? HaloMeasurement.None : new HaloMeasurement(Edges,
        Math.Min(Quantile(over, Edges), MaxOver), Math.Min(Quantile(under, Edges), MaxUnder), MaxOver, MaxUnder,
        SlopeBefore > 0 ? Math.Sqrt(SlopeAfter / SlopeBefore) : 1)
    {
        MeanOvershootPercent = SumOver / Edges,
        MeanUndershootPercent = SumUnder / Edges,
        RmsSlopeAfter = SlopePixels > 0 ? Math.Sqrt(SlopeAfter / SlopePixels) : 0,
        RmsSlopeBefore = SlopePixels > 0 ? Math.Sqrt(SlopeBefore / SlopePixels) : 0,
    };

    private static int Bin(float percent) => percent <= 0 ? 0 : Math.Min(Bins - 1, (int)Math.Ceiling(percent / BinPercent));

    // The upper edge of the bin holding the percentile: never an underestimate (Result caps it at the maximum).
    private static double Quantile(long[] histogram, long count)
    {
        var rank = (long)Math.Ceiling(HaloMeter.Percentile * count);
        long seen = 0;
        for (var b = 0; b < histogram.Length; b++)
        {
            seen += histogram[b];
            if (seen >= rank) return b * BinPercent;
        }
        return (Bins - 1) * BinPercent;
    }
}
