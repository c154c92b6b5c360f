using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Burnish.Imaging;

namespace Burnish.Stages.Cleanup;

/// <summary>
/// The guided filter (K. He, J. Sun and X. Tang, "Guided Image Filtering", ECCV 2010 / IEEE TPAMI 35(6), 2013),
/// grey guide, with O(1) box means: q = mean(a)·I + mean(b), a = cov(I, p) / (var(I) + ε), b = mean(p) − a·mean(I),
/// every mean over the (2r+1)² window clipped to the plane (divided by the pixels it holds, as He's box filter does).
/// It smooths variation well below √ε and keeps edges well above it. libvips has no guided filter. Box means run as
/// running sums in double (no drift over long rows): rows four at a time (independent sums overlap in the pipeline),
/// columns four at a time in Vector256&lt;double&gt;; element-wise steps with Vector256; everything parallel.
/// </summary>
public static class GuidedFilter
{
    /// <summary>
    /// Filters each of <paramref name="inputs"/> under <paramref name="guide"/> into the matching plane of
    /// <paramref name="outputs"/> (all row-major, <paramref name="width"/>×<paramref name="height"/>). An input may be
    /// the guide itself (self-guided smoothing), which saves two box means.
    /// </summary>
    public static void Apply(float[] guide, IReadOnlyList<float[]> inputs, IReadOnlyList<float[]> outputs, int width, int height,
        int radius, double epsilon, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(radius, 1);
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive");
        var n = (long)width * height;
        if (guide.LongLength != n || inputs.Count != outputs.Count || inputs.Concat(outputs).Any(p => p.LongLength != n))
            throw new ArgumentException($"planes must hold {width}×{height} samples, one output per input");

        // Six planes in all, reused across inputs: E[I], var(I), a, b, a scratch plane, and the box mean's own.
        var box = new BoxMean(width, height, radius, cancel);
        var meanI = new float[n];
        var varI = new float[n];
        var a = new float[n];
        var b = new float[n];
        var scratch = new float[n];
        box.Mean(guide, meanI);
        Product(guide, guide, scratch, cancel);
        box.Mean(scratch, varI);
        Variance(varI, meanI, cancel);

        for (var c = 0; c < inputs.Count; c++)
        {
            cancel.ThrowIfCancellationRequested();
            var input = inputs[c];
            var self = ReferenceEquals(input, guide);
            // b = E[p] and a = E[Ip]; for the guide itself E[I] and var(I), which Coefficients then uses as the covariance.
            if (self)
            {
                meanI.CopyTo(b, 0);
                varI.CopyTo(a, 0);
            }
            else
            {
                box.Mean(input, b);
                Product(guide, input, scratch, cancel);
                box.Mean(scratch, a);
            }
            Coefficients(a, b, meanI, varI, self, (float)epsilon, cancel);
            box.Mean(a, scratch); // E[a]
            box.Mean(b, a); // E[b]
            Output(scratch, guide, a, outputs[c], cancel);
        }
    }

    private static void Product(float[] x, float[] y, float[] result, CancellationToken cancel) => Chunks(x.Length, cancel, (start, end) =>
    {
        ref var rx = ref MemoryMarshal.GetArrayDataReference(x);
        ref var ry = ref MemoryMarshal.GetArrayDataReference(y);
        ref var rr = ref MemoryMarshal.GetArrayDataReference(result);
        var i = start;
        for (; i + Lanes <= end; i += Lanes)
            (Vector256.LoadUnsafe(ref rx, (nuint)i) * Vector256.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref rr, (nuint)i);
        for (; i < end; i++) result[i] = x[i] * y[i];
    });

    // E[I²] → var(I) = E[I²] − E[I]², in place; never below 0 (float rounding on flat areas).
    private static void Variance(float[] corr, float[] mean, CancellationToken cancel) => Chunks(corr.Length, cancel, (start, end) =>
    {
        ref var rc = ref MemoryMarshal.GetArrayDataReference(corr);
        ref var rm = ref MemoryMarshal.GetArrayDataReference(mean);
        var i = start;
        for (; i + Lanes <= end; i += Lanes)
        {
            var m = Vector256.LoadUnsafe(ref rm, (nuint)i);
            Vector256.Max(Vector256.LoadUnsafe(ref rc, (nuint)i) - m * m, Vector256<float>.Zero).StoreUnsafe(ref rc, (nuint)i);
        }
        for (; i < end; i++) corr[i] = Math.Max(corr[i] - mean[i] * mean[i], 0);
    });

    // In: a = E[Ip] (or var(I) when self), b = E[p]. Out: a = cov(I,p) / (var(I) + ε), b = E[p] − a·E[I].
    private static void Coefficients(float[] a, float[] b, float[] meanI, float[] varI, bool self, float epsilon, CancellationToken cancel) =>
        Chunks(a.Length, cancel, (start, end) =>
        {
            ref var ra = ref MemoryMarshal.GetArrayDataReference(a);
            ref var rb = ref MemoryMarshal.GetArrayDataReference(b);
            ref var rm = ref MemoryMarshal.GetArrayDataReference(meanI);
            ref var rv = ref MemoryMarshal.GetArrayDataReference(varI);
            var eps = Vector256.Create(epsilon);
            var i = start;
            for (; i + Lanes <= end; i += Lanes)
            {
                var mi = Vector256.LoadUnsafe(ref rm, (nuint)i);
                var mp = Vector256.LoadUnsafe(ref rb, (nuint)i);
                var v = Vector256.LoadUnsafe(ref rv, (nuint)i);
                var cov = self ? v : Vector256.LoadUnsafe(ref ra, (nuint)i) - mi * mp;
                var coefficient = cov / (v + eps);
                coefficient.StoreUnsafe(ref ra, (nuint)i);
                (mp - coefficient * mi).StoreUnsafe(ref rb, (nuint)i);
            }
            for (; i < end; i++)
            {
                var cov = self ? varI[i] : a[i] - meanI[i] * b[i];
                a[i] = cov / (varI[i] + epsilon);
                b[i] -= a[i] * meanI[i];
            }
        });

    // q = E[a]·I + E[b].
    private static void Output(float[] meanA, float[] guide, float[] meanB, float[] output, CancellationToken cancel) =>
        Chunks(output.Length, cancel, (start, end) =>
        {
            ref var ra = ref MemoryMarshal.GetArrayDataReference(meanA);
            ref var ri = ref MemoryMarshal.GetArrayDataReference(guide);
            ref var rb = ref MemoryMarshal.GetArrayDataReference(meanB);
            ref var ro = ref MemoryMarshal.GetArrayDataReference(output);
            var i = start;
            for (; i + Lanes <= end; i += Lanes)
                (Vector256.LoadUnsafe(ref ra, (nuint)i) * Vector256.LoadUnsafe(ref ri, (nuint)i) + Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ro, (nuint)i);
            for (; i < end; i++) output[i] = meanA[i] * guide[i] + meanB[i];
        });

    private static int Lanes => Vector256<float>.Count;

    private static void Chunks(int length, CancellationToken cancel, Action<int, int> body)
    {
        const int Chunk = 1 << 16; // a multiple of the vector width, so only the last chunk has a scalar tail
        var chunks = (length + Chunk - 1) / Chunk;
        Parallel.For(0, chunks, ImageThreads.Options(cancel), c => body(c * Chunk, Math.Min(length, (c + 1) * Chunk)));
    }

    /// <summary>
    /// Means over the (2r+1)² window clipped to the plane: a horizontal running sum per row, then a vertical running
    /// sum per column strip, both in double. One instance serves one caller at a time (it keeps its scratch plane).
    /// </summary>
    public sealed class BoxMean
    {
        private const int StripWidth = 256;
        private readonly int width, height, radius;
        private readonly float[] inverseX, inverseY;
        private readonly ParallelOptions options;
        private float[]? rows; // the horizontal pass, kept for the next call

        public BoxMean(int width, int height, int radius, CancellationToken cancel = default)
        {
            (this.width, this.height, this.radius) = (width, height, radius);
            inverseX = Inverses(width, radius);
            inverseY = Inverses(height, radius);
            options = ImageThreads.Options(cancel);
        }

        // 1 / (pixels of the clipped window) along one axis.
        private static float[] Inverses(int length, int radius) =>
            [.. Enumerable.Range(0, length).Select(i => (float)(1.0 / (Math.Min(i + radius, length - 1) - Math.Max(i - radius, 0) + 1)))];

        /// <summary>The box mean of <paramref name="plane"/>, as a new plane.</summary>
        public float[] Of(float[] plane)
        {
            var result = GC.AllocateUninitializedArray<float>(plane.Length); // every sample is written by Vertical
            Mean(plane, result);
            return result;
        }

        /// <summary>The box mean of <paramref name="plane"/> into <paramref name="result"/> (not the same array).</summary>
        public void Mean(float[] plane, float[] result)
        {
            if (ReferenceEquals(plane, result)) throw new ArgumentException("the result must not be the input plane", nameof(result));
            rows ??= GC.AllocateUninitializedArray<float>(plane.Length); // every sample is written by Horizontal
            var groups = (height + 3) / 4;
            Parallel.For(0, groups, options, g => Horizontal(plane, rows, g * 4, Math.Min(height, g * 4 + 4)));
            var strips = (width + StripWidth - 1) / StripWidth;
            Parallel.For(0, strips, options, () => new double[StripWidth], (s, _, sums) =>
            {
                Vertical(rows, result, s * StripWidth, Math.Min(width, (s + 1) * StripWidth), sums);
                return sums;
            }, _ => { });
        }

        // Rows y0..y1 (up to four) side by side, so their four sums are independent chains.
        private void Horizontal(float[] src, float[] dst, int y0, int y1)
        {
            int w = width, r = radius, count = y1 - y0;
            Span<double> sum = stackalloc double[4];
            Span<int> row = stackalloc int[4];
            for (var j = 0; j < 4; j++)
            {
                row[j] = (y0 + Math.Min(j, count - 1)) * w; // a short last group repeats its last row (written twice, same values)
                sum[j] = 0;
                for (var x = 0; x <= Math.Min(r, w - 1); x++) sum[j] += src[row[j] + x];
            }
            for (var x = 0; x < w; x++)
            {
                var inv = inverseX[x];
                int add = x + r + 1, remove = x - r;
                for (var j = 0; j < 4; j++)
                {
                    dst[row[j] + x] = (float)(sum[j] * inv);
                    if (add < w) sum[j] += src[row[j] + add];
                    if (remove >= 0) sum[j] -= src[row[j] + remove];
                }
            }
        }

        // Columns x0..x1 of every row: a running sum per column in double, four columns per Vector256<double>.
        private void Vertical(float[] src, float[] dst, int x0, int x1, double[] sums)
        {
            int w = width, h = height, r = radius, n = x1 - x0;
            var lanes = Vector256<double>.Count;
            sums.AsSpan(0, n).Clear();
            for (var y = 0; y <= Math.Min(r, h - 1); y++)
                for (var x = 0; x < n; x++) sums[x] += src[y * w + x0 + x];
            ref var s = ref MemoryMarshal.GetArrayDataReference(sums);
            ref var source = ref MemoryMarshal.GetArrayDataReference(src);
            ref var target = ref MemoryMarshal.GetArrayDataReference(dst);
            for (var y = 0; y < h; y++)
            {
                var inv = Vector256.Create((double)inverseY[y]);
                int add = y + r + 1, remove = y - r;
                var outRow = (nuint)((long)y * w + x0);
                var addRow = (nuint)((long)Math.Min(add, h - 1) * w + x0);
                var removeRow = (nuint)((long)Math.Max(remove, 0) * w + x0);
                var x = 0;
                for (; x + lanes <= n; x += lanes)
                {
                    var acc = Vector256.LoadUnsafe(ref s, (nuint)x);
                    var mean = acc * inv;
                    Vector128.Narrow(mean.GetLower(), mean.GetUpper()).StoreUnsafe(ref target, outRow + (nuint)x);
                    if (add < h) acc += Widen(ref source, addRow + (nuint)x);
                    if (remove >= 0) acc -= Widen(ref source, removeRow + (nuint)x);
                    acc.StoreUnsafe(ref s, (nuint)x);
                }
                for (; x < n; x++)
                {
                    dst[(long)y * w + x0 + x] = (float)(sums[x] * inverseY[y]);
                    if (add < h) sums[x] += src[(long)add * w + x0 + x];
                    if (remove >= 0) sums[x] -= src[(long)remove * w + x0 + x];
                }
            }
        }

        private static Vector256<double> Widen(ref float source, nuint at)
        {
            var four = Vector128.LoadUnsafe(ref source, at);
            return Vector256.Create(Vector128.WidenLower(four), Vector128.WidenUpper(four));
        }
    }
}
