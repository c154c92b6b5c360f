using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Burnish.Imaging;

namespace Burnish.Stages.Sharpen;

/// <summary>
/// One unsharp-mask pass over an L* plane.
/// </summary>
/// <param name="Sigma">Gaussian sigma of the blur, in pixels.</param>
/// <param name="Amount">Detail gain: L′ = L + Amount · gate · (L − blur).</param>
/// <param name="Threshold">Local range of L* below which the gate is 0; it is 1 from twice this, smoothstep between. 0: the gate is always 1.</param>
/// <param name="Guard">How far L′ may go beyond the neighbourhood's min/max, as a fraction of its range.</param>
/// <param name="Window">Half-size of the square neighbourhood used by the gate, the guard and the halo measurement (1 = 3×3).</param>
public readonly record struct UnsharpSettings(double Sigma, double Amount, double Threshold, double Guard, int Window)
{
    /// <summary>The settings the stage uses for <paramref name="p"/> at <paramref name="sigma"/>.</summary>
    public static UnsharpSettings For(double sigma, SharpenParams p) => new(sigma, p.Amount, p.Threshold, p.Guard, WindowFor(sigma));

    /// <summary>
    /// The neighbourhood grows with the mask: 3×3 below σ 1.5, 5×5 below σ 2.5, 7×7 from there. A wider mask steepens an edge
    /// over more pixels, and a 3×3 guard would flatten that back.
    /// </summary>
    public static int WindowFor(double sigma) => Math.Clamp((int)Math.Round(sigma, MidpointRounding.AwayFromZero), 1, 3);

    /// <summary>Taps each side of the centre: 3σ, at least 1.</summary>
    public int BlurRadius => Math.Max(1, (int)Math.Ceiling(3 * Sigma));

    /// <summary>
    /// Lindeberg's discrete gaussian, T(n; σ²) = e^(−σ²)·Iₙ(σ²) (modified Bessel functions), truncated at
    /// <see cref="BlurRadius"/> and normalised; element 0 is the centre, element j the weight at ±j. Unlike sampled
    /// exp(−x²/2σ²) its variance is σ² even at σ 0.5, so the radius means what it says at screen sizes.
    /// (T. Lindeberg, "Scale-space for discrete signals", IEEE PAMI 12(3), 1990.)
    /// </summary>
    public float[] HalfKernel()
    {
        var r = BlurRadius;
        var t = Sigma * Sigma;
        var w = new double[r + 1];
        var half = t / 2;
        double first = 1; // (t/2)^n / n!
        for (var n = 0; n <= r; n++)
        {
            if (n > 0) first *= half / n;
            // Iₙ(t) = Σₘ (t/2)^(2m+n) / (m! (m+n)!); the common factor e^(−t) cancels in the normalisation.
            double term = first, sum = 0;
            for (var m = 0; term > 1e-17 * sum || m == 0; m++)
            {
                sum += term;
                term *= half * half / ((m + 1.0) * (m + 1.0 + n));
            }
            w[n] = sum;
        }
        var total = w[0] + 2 * w.Skip(1).Sum();
        return [.. w.Select(v => (float)(v / total))];
    }
}

/// <summary>
/// The unsharp mask on an L* plane (0–100), with a local-contrast gate and a fringe guard:
/// <code>
/// d    = L − G_σ * L                       detail (gaussian blur G_σ)
/// R    = max_N L − min_N L                 local range over the (2k+1)² neighbourhood N
/// gate = smoothstep((R − t) / t)           0 below threshold t, 1 from 2t
/// L′   = L + amount · gate · d
/// L′   = clamp(L′, min_N L − g·R, max_N L + g·R)    fringe guard g: no halo beyond g of the local range
/// L′   = clamp(L′, min(L, 0), max(L, 100))          never pushed out of the displayable L* range
/// </code>
/// With an alpha plane, fully transparent pixels take no part: the blur is alpha-weighted (G*(αL) / G*α), they are
/// left out of min/max, and they are returned unchanged.
/// Vector256 over x, parallel over blocks of rows, each block computing its horizontal passes once into per-thread
/// scratch (allocated once per worker, none per pixel).
/// </summary>
public static class UnsharpMask
{
    /// <summary>The displayable range of L*.</summary>
    public const float Black = 0f, White = 100f;

    private const int BlockRows = 32;
    private const float AlphaEpsilon = 1e-6f;

    /// <summary>
    /// Sharpens <paramref name="lightness"/> (row-major, <paramref name="width"/>×<paramref name="height"/>) into
    /// <paramref name="result"/>. <paramref name="alpha"/> is optional, 0–1, same layout.
    /// </summary>
    public static void Apply(float[] lightness, float[]? alpha, float[] result, int width, int height, UnsharpSettings settings,
        CancellationToken cancel = default)
    {
        Check(lightness, alpha, result, width, height, settings);
        if (!Vector256.IsHardwareAccelerated)
        {
            ApplyScalar(lightness, alpha, result, width, height, settings, cancel);
            return;
        }
        var plan = new Plan(settings, width, height, alpha is not null);
        var blocks = (height + BlockRows - 1) / BlockRows;
        Parallel.For(0, blocks, ImageThreads.Options(cancel),
            () => new Scratch(plan),
            (b, _, scratch) =>
            {
                Block(plan, scratch, lightness, alpha, result, b);
                return scratch;
            },
            _ => { });
    }

    /// <summary>
    /// The same operation written plainly, one pixel at a time: the reference the vector kernel is tested against,
    /// and the path taken where Vector256 is not accelerated.
    /// </summary>
    public static void ApplyScalar(float[] lightness, float[]? alpha, float[] result, int width, int height, UnsharpSettings settings,
        CancellationToken cancel = default)
    {
        Check(lightness, alpha, result, width, height, settings);
        var c = settings.HalfKernel();
        int r = settings.BlurRadius, k = settings.Window;
        var weighted = alpha is null ? lightness : new float[lightness.Length];
        if (alpha is not null)
            for (var i = 0; i < lightness.Length; i++) weighted[i] = alpha[i] * lightness[i];
        var blur = SeparableBlur(weighted, width, height, c, r);
        var alphaBlur = alpha is null ? null : SeparableBlur(alpha, width, height, c, r);
        var options = ImageThreads.Options(cancel);
        Parallel.For(0, height, options, y =>
        {
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                var l = lightness[i];
                if (alpha is not null && alpha[i] <= 0)
                {
                    result[i] = l;
                    continue;
                }
                var b = alphaBlur is null ? blur[i] : alphaBlur[i] > AlphaEpsilon ? blur[i] / alphaBlur[i] : l;
                float mn = float.PositiveInfinity, mx = float.NegativeInfinity;
                for (var dy = -k; dy <= k; dy++)
                    for (var dx = -k; dx <= k; dx++)
                    {
                        var j = Math.Clamp(y + dy, 0, height - 1) * width + Math.Clamp(x + dx, 0, width - 1);
                        if (alpha is not null && alpha[j] <= 0) continue;
                        mn = Math.Min(mn, lightness[j]);
                        mx = Math.Max(mx, lightness[j]);
                    }
                result[i] = Combine(l, b, mn, mx, (float)settings.Amount, (float)settings.Threshold, (float)settings.Guard);
            }
        });
    }

    /// <summary>One pixel of the combine step, as the vector kernel does it (see the class summary).</summary>
    private static float Combine(float l, float blur, float mn, float mx, float amount, float threshold, float guard)
    {
        var range = mx - mn;
        var gate = 1f;
        if (threshold > 0)
        {
            var u = Math.Clamp((range - threshold) / threshold, 0f, 1f);
            gate = u * u * (3 - 2 * u);
        }
        var s = l + amount * gate * (l - blur);
        s = Math.Min(Math.Max(s, mn - guard * range), mx + guard * range);
        return Math.Min(Math.Max(s, Math.Min(l, Black)), Math.Max(l, White));
    }

    private static float[] SeparableBlur(float[] src, int width, int height, float[] c, int r)
    {
        var h = new float[src.Length];
        var v = new float[src.Length];
        Parallel.For(0, height, ImageThreads.Options(), y =>
        {
            for (var x = 0; x < width; x++)
            {
                var acc = 0f;
                for (var j = -r; j <= r; j++) acc += c[Math.Abs(j)] * src[y * width + Math.Clamp(x + j, 0, width - 1)];
                h[y * width + x] = acc;
            }
        });
        Parallel.For(0, height, ImageThreads.Options(), y =>
        {
            for (var x = 0; x < width; x++)
            {
                var acc = 0f;
                for (var j = -r; j <= r; j++) acc += c[Math.Abs(j)] * h[Math.Clamp(y + j, 0, height - 1) * width + x];
                v[y * width + x] = acc;
            }
        });
        return v;
    }

    private static void Check(float[] lightness, float[]? alpha, float[] result, int width, int height, UnsharpSettings s)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var n = (long)width * height;
        if (lightness.LongLength != n || result.LongLength != n || (alpha is not null && alpha.LongLength != n))
            throw new ArgumentException($"planes must hold {width}×{height} samples");
        if (ReferenceEquals(lightness, result)) throw new ArgumentException("the result must not be the input plane", nameof(result));
        if (!(s.Sigma > 0) || s.Amount < 0 || s.Threshold < 0 || s.Guard < 0 || s.Window < 1)
            throw new ArgumentOutOfRangeException(nameof(s), s, "sigma must be positive; amount, threshold and guard not negative; window at least 1");
    }

    /// <summary>Everything a block needs that does not change from block to block.</summary>
    private sealed class Plan
    {
        public Plan(UnsharpSettings s, int width, int height, bool hasAlpha)
        {
            Width = width;
            Height = height;
            HasAlpha = hasAlpha;
            Radius = s.BlurRadius;
            Window = s.Window;
            Halo = Math.Max(Radius, Window);
            Stride = Neighbourhood.Stride(width);
            PaddedLength = Stride + 2 * Halo;
            Coefficients = [.. s.HalfKernel().Select(Vector256.Create)];
            Amount = Vector256.Create((float)s.Amount);
            Threshold = (float)s.Threshold;
            InverseThreshold = Vector256.Create(s.Threshold > 0 ? (float)(1 / s.Threshold) : 0f);
            Guard = Vector256.Create((float)s.Guard);
        }

        public int Width { get; }
        public int Height { get; }
        public bool HasAlpha { get; }
        public int Radius { get; }
        public int Window { get; }
        public int Halo { get; }
        /// <summary>Scratch row length: the width rounded up to whole vectors, so no loop has a tail.</summary>
        public int Stride { get; }
        /// <summary>A source row with <see cref="Halo"/> edge-replicated samples each side.</summary>
        public int PaddedLength { get; }
        public Vector256<float>[] Coefficients { get; }
        public Vector256<float> Amount { get; }
        public float Threshold { get; }
        public Vector256<float> InverseThreshold { get; }
        public Vector256<float> Guard { get; }
        public int BlockRowsWithHalo => BlockRows + 2 * Halo;
    }

    /// <summary>One worker's buffers, reused for every block it runs.</summary>
    private sealed class Scratch
    {
        public Scratch(Plan p)
        {
            var plane = p.BlockRowsWithHalo * p.Stride;
            Padded = new float[p.PaddedLength];
            Blur = new float[plane];
            Min = new float[plane];
            Max = new float[plane];
            Centre = new float[p.Stride];
            Output = new float[p.Stride];
            if (!p.HasAlpha) return;
            PaddedAlpha = new float[p.PaddedLength];
            PaddedWeighted = new float[p.PaddedLength];
            PaddedMin = new float[p.PaddedLength];
            PaddedMax = new float[p.PaddedLength];
            AlphaBlur = new float[plane];
            CentreAlpha = new float[p.Stride];
        }

        public float[] Padded { get; }
        public float[] Blur { get; }
        public float[] Min { get; }
        public float[] Max { get; }
        public float[] Centre { get; }
        public float[] Output { get; }
        public float[]? PaddedAlpha { get; }
        public float[]? PaddedWeighted { get; }
        public float[]? PaddedMin { get; }
        public float[]? PaddedMax { get; }
        public float[]? AlphaBlur { get; }
        public float[]? CentreAlpha { get; }
    }

    private static void Block(Plan p, Scratch s, float[] lightness, float[]? alpha, float[] result, int block)
    {
        int w = p.Width, y0 = block * BlockRows, y1 = Math.Min(p.Height, y0 + BlockRows);
        var top = y0 - p.Halo;
        var rows = y1 - y0 + 2 * p.Halo;

        // Horizontal passes, once per source row of the block and its halo.
        for (var i = 0; i < rows; i++)
        {
            var sy = Math.Clamp(top + i, 0, p.Height - 1);
            var needBlur = i >= p.Halo - p.Radius && i < rows - p.Halo + p.Radius;
            var needRange = i >= p.Halo - p.Window && i < rows - p.Halo + p.Window;
            Neighbourhood.Pad(lightness, sy, w, p.Halo, s.Padded);
            if (alpha is null)
            {
                if (needBlur) HorizontalBlur(p, s.Padded, s.Blur, i * p.Stride);
                if (needRange) Neighbourhood.HorizontalRange(s.Padded, s.Padded, p.Halo, p.Window, p.Stride, s.Min, s.Max, i * p.Stride);
                continue;
            }
            Neighbourhood.Pad(alpha, sy, w, p.Halo, s.PaddedAlpha!);
            for (var x = 0; x < p.PaddedLength; x++) s.PaddedWeighted![x] = s.PaddedAlpha![x] * s.Padded[x];
            Neighbourhood.MaskTransparent(s.Padded, s.PaddedAlpha!, p.PaddedLength, s.PaddedMin!, s.PaddedMax!);
            if (needBlur)
            {
                HorizontalBlur(p, s.PaddedWeighted!, s.Blur, i * p.Stride);
                HorizontalBlur(p, s.PaddedAlpha!, s.AlphaBlur!, i * p.Stride);
            }
            if (needRange) Neighbourhood.HorizontalRange(s.PaddedMin!, s.PaddedMax!, p.Halo, p.Window, p.Stride, s.Min, s.Max, i * p.Stride);
        }

        // Vertical passes and the combine, one output row at a time.
        for (var y = y0; y < y1; y++)
        {
            lightness.AsSpan(y * w, w).CopyTo(s.Centre);
            if (alpha is not null) alpha.AsSpan(y * w, w).CopyTo(s.CentreAlpha!);
            CombineRow(p, s, (y - top) * p.Stride);
            s.Output.AsSpan(0, w).CopyTo(result.AsSpan(y * w, w));
        }
    }

    private static void HorizontalBlur(Plan p, float[] padded, float[] dst, int offset)
    {
        ref var src = ref MemoryMarshal.GetArrayDataReference(padded);
        ref var d = ref MemoryMarshal.GetArrayDataReference(dst);
        var c = p.Coefficients;
        for (var x = 0; x < p.Stride; x += Vector256<float>.Count)
        {
            var centre = (nuint)(x + p.Halo);
            var acc = Vector256.LoadUnsafe(ref src, centre) * c[0];
            for (var j = 1; j < c.Length; j++)
                acc = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref src, centre - (nuint)j) + Vector256.LoadUnsafe(ref src, centre + (nuint)j), c[j], acc);
            acc.StoreUnsafe(ref d, (nuint)(offset + x));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CombineRow(Plan p, Scratch s, int row)
    {
        ref var blur = ref MemoryMarshal.GetArrayDataReference(s.Blur);
        ref var centre = ref MemoryMarshal.GetArrayDataReference(s.Centre);
        ref var output = ref MemoryMarshal.GetArrayDataReference(s.Output);
        var c = p.Coefficients;
        var stride = (nuint)p.Stride;
        var k = p.Window;
        var threshold = Vector256.Create(p.Threshold);
        var one = Vector256<float>.One;
        var three = Vector256.Create(3f);
        var black = Vector256.Create(Black);
        var white = Vector256.Create(White);
        var hasAlpha = p.HasAlpha;
        var gated = p.Threshold > 0;

        for (var x = 0; x < p.Stride; x += Vector256<float>.Count)
        {
            var o = (nuint)(row + x);
            var l = Vector256.LoadUnsafe(ref centre, (nuint)x);

            var b = Vector256.LoadUnsafe(ref blur, o) * c[0];
            for (var j = 1; j < c.Length; j++)
            {
                var step = stride * (nuint)j;
                b = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref blur, o - step) + Vector256.LoadUnsafe(ref blur, o + step), c[j], b);
            }

            Vector256<float> opaque = default;
            if (hasAlpha)
            {
                ref var alphaBlur = ref MemoryMarshal.GetArrayDataReference(s.AlphaBlur!);
                var ab = Vector256.LoadUnsafe(ref alphaBlur, o) * c[0];
                for (var j = 1; j < c.Length; j++)
                {
                    var step = stride * (nuint)j;
                    ab = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref alphaBlur, o - step) + Vector256.LoadUnsafe(ref alphaBlur, o + step), c[j], ab);
                }
                b = Vector256.ConditionalSelect(Vector256.GreaterThan(ab, Vector256.Create(AlphaEpsilon)), b / ab, l);
                opaque = Vector256.GreaterThan(Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.CentreAlpha!), (nuint)x), Vector256<float>.Zero);
            }

            var (mn, mx) = Neighbourhood.VerticalRange(s.Min, s.Max, p.Stride, k, o);

            var range = mx - mn;
            var gain = p.Amount;
            if (gated)
            {
                var u = Vector256.Min(Vector256.Max((range - threshold) * p.InverseThreshold, Vector256<float>.Zero), one);
                gain *= u * u * (three - (u + u));
            }
            var sharpened = Vector256.MultiplyAddEstimate(gain, l - b, l);
            var slack = p.Guard * range;
            sharpened = Vector256.Min(Vector256.Max(sharpened, mn - slack), mx + slack);
            sharpened = Vector256.Min(Vector256.Max(sharpened, Vector256.Min(l, black)), Vector256.Max(l, white));
            if (hasAlpha) sharpened = Vector256.ConditionalSelect(opaque, sharpened, l);
            sharpened.StoreUnsafe(ref output, (nuint)x);
        }
    }
}
