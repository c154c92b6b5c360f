using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Burnish.Imaging;

namespace Burnish.Stages.Grade.Film;

/// <summary>
/// Halation, applied in place to a linear-light BT.2020 buffer (3 bands, or 4 with straight alpha left untouched).
/// <para>
/// Each pixel's highlight energy is <see cref="Energy"/> of its luminance (times its alpha, so invisible pixels do
/// not glow). The energy map is blurred with a Gaussian of sigma <see cref="Sigma"/>, tinted with the tint scaled to
/// unit luminance, and added back: out = in + amount · tint/Y(tint) · blur(E). Nothing is taken away from the
/// highlight itself: in film the glow is light that already exposed the emulsion once and comes back from the base,
/// so it is extra exposure. The luminance added over the whole frame is amount · ΣE (less what the blur carries
/// past the frame's edge, which is treated as black).
/// </para>
/// <para>
/// Wide blurs run at reduced resolution: the energy is box-averaged over s×s cells, s = max(1, ⌊sigma/3⌋), blurred
/// there, and brought back with bilinear interpolation; the small Gaussian is narrowed so that the variance of the
/// whole chain (box (s²−1)/12 + Gaussian + tent s²/6) equals sigma², so the glow keeps its documented width
/// and its total energy. The price: a highlight's glow is centred on its cell, up to s/2 (about sigma/6) from
/// where it sits, which is invisible in a glow that wide.
/// </para>
/// </summary>
public static class Halation
{
    /// <summary>BT.2020 relative luminance of linear R, G, B.</summary>
    // BT.2020 weights as doubles (ColourKernels keeps float ones): they sum to exactly 1, so white stays white.
    public static double Luminance(double r, double g, double b) => 0.2627 * r + 0.6780 * g + 0.0593 * b;

    /// <summary>
    /// The highlight energy of a pixel of luminance <paramref name="y"/>: 0 up to the threshold T, a quadratic knee
    /// (y − T)²/(2k) up to T + k, then the straight line y − T − k/2, with k = T/2. Continuous with its slope, so a
    /// highlight fades into its glow without a visible edge.
    /// </summary>
    public static double Energy(double y, double threshold)
    {
        var knee = 0.5 * threshold;
        if (!(y > threshold)) return 0;
        if (y >= threshold + knee) return y - threshold - 0.5 * knee;
        var d = y - threshold;
        return d * d / (2 * knee);
    }

    /// <summary>The glow's Gaussian sigma in pixels: radius × the shorter side, at least half a pixel.</summary>
    public static double Sigma(int width, int height, HalationParams p) => Math.Max(0.5, p.Radius * Math.Min(width, height));

    /// <summary>Applies halation in place. Amount 0 returns at once, leaving every byte as it was.</summary>
    public static void Apply(PixelBuffer buffer, HalationParams p, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(p);
        if (buffer.Bands is not (3 or 4))
            throw new ArgumentException($"halation needs an RGB or RGBA buffer, got {buffer.Bands} bands", nameof(buffer));
        if (!(p.Amount > 0)) return;
        var tintLuminance = Luminance(p.Tint.R, p.Tint.G, p.Tint.B);
        if (!(tintLuminance > 1e-6))
            throw new ArgumentException("a halation tint needs some light: r, g and b cannot all be 0", nameof(p));

        var sigma = Sigma(buffer.Width, buffer.Height, p);
        var cell = Math.Max(1, (int)(sigma / 3));
        var small = new EnergyMap(buffer, cell, (float)p.Threshold, cancel);
        if (small.IsBlack) return; // nothing above the threshold: the image is left bit for bit
        var smallSigma = cell == 1
            ? sigma
            : Math.Sqrt(sigma * sigma - (cell * cell - 1) / 12.0 - cell * cell / 6.0) / cell;
        small.Blur(smallSigma, cancel);

        var gain = new[]
        {
            (float)(p.Amount * p.Tint.R / tintLuminance),
            (float)(p.Amount * p.Tint.G / tintLuminance),
            (float)(p.Amount * p.Tint.B / tintLuminance),
        };
        var upsample = new Upsample(buffer.Width, small.Width, cell);
        buffer.ForEachRowBlock((y0, y1) => AddGlow(buffer, small, upsample, gain, y0, y1, 0), cancel);
    }

    /// <summary>
    /// Halation over a stream of bands, in two passes: <see cref="Glow.Accumulate"/> every band in order (whole
    /// cells of <see cref="Glow.CellRows"/> rows each), <see cref="Glow.Finish"/>, then <see cref="Glow.AddTo"/> any band.
    /// The result is the same as <see cref="Apply"/> on the whole buffer. Null when the amount is 0.
    /// </summary>
    public static Glow? Plan(int width, int height, HalationParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (!(p.Amount > 0)) return null;
        var tintLuminance = Luminance(p.Tint.R, p.Tint.G, p.Tint.B);
        if (!(tintLuminance > 1e-6))
            throw new ArgumentException("a halation tint needs some light: r, g and b cannot all be 0", nameof(p));
        return new Glow(width, height, p, tintLuminance);
    }

    /// <summary>The glow of one image, built from its bands (see <see cref="Plan"/>).</summary>
    public sealed class Glow
    {
        private readonly int width, height, cell;
        private readonly double sigma;
        private readonly float threshold;
        private readonly float[] gain;
        private readonly EnergyMap small;
        private Upsample? upsample;

        internal Glow(int width, int height, HalationParams p, double tintLuminance)
        {
            (this.width, this.height) = (width, height);
            sigma = Sigma(width, height, p);
            cell = Math.Max(1, (int)(sigma / 3));
            threshold = (float)p.Threshold;
            small = new EnergyMap(width, height, cell);
            gain = [(float)(p.Amount * p.Tint.R / tintLuminance), (float)(p.Amount * p.Tint.G / tintLuminance), (float)(p.Amount * p.Tint.B / tintLuminance)];
        }

        /// <summary>A band given to <see cref="Accumulate"/> starts on a multiple of this and holds whole cells (the last band excepted).</summary>
        public int CellRows => cell;

        /// <summary>False once <see cref="Finish"/> found nothing above the threshold: the image is left bit for bit.</summary>
        public bool Glows { get; private set; } = true;

        public void Accumulate(PixelBuffer band, int firstRow)
        {
            if (firstRow % cell != 0) throw new ArgumentException($"bands start on multiples of {cell} rows", nameof(firstRow));
            small.Accumulate(band, firstRow, threshold);
        }

        public void Finish(CancellationToken cancel = default)
        {
            if (small.IsBlack)
            {
                Glows = false;
                return;
            }
            var smallSigma = cell == 1 ? sigma : Math.Sqrt(sigma * sigma - (cell * cell - 1) / 12.0 - cell * cell / 6.0) / cell;
            small.Blur(smallSigma, cancel);
            upsample = new Upsample(width, small.Width, cell);
        }

        public void AddTo(PixelBuffer band, int firstRow, CancellationToken cancel = default)
        {
            if (!Glows) return;
            var up = upsample ?? throw new InvalidOperationException("Finish the glow before adding it");
            band.ForEachRowBlock((y0, y1) => AddGlow(band, small, up, gain, y0, y1, firstRow), cancel);
        }
    }

    // The loops below skip tiered compilation: a CLI run often finishes one image, and tier-0 code would make that
    // first call several times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddGlow(PixelBuffer buffer, EnergyMap small, Upsample upsample, float[] gain, int y0, int y1, int offset)
    {
        var rented = ArrayPool<float>.Shared.Rent(small.Stride + buffer.Width);
        try
        {
            var line = rented.AsSpan(0, small.Stride);
            var glow = rented.AsSpan(small.Stride, buffer.Width);
            float gr = gain[0], gg = gain[1], gb = gain[2];
            for (var y = y0; y < y1; y++)
            {
                small.InterpolateRow(offset + y, line);
                upsample.Row(line, glow);
                var row = buffer.Row(y);
                for (int x = 0, i = 0; x < glow.Length; x++, i += buffer.Bands)
                {
                    var e = glow[x];
                    row[i] += gr * e;
                    row[i + 1] += gg * e;
                    row[i + 2] += gb * e;
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>The energy map, box-averaged over cell×cell pixels, zero-padded to a multiple of 8 columns.</summary>
    private sealed class EnergyMap
    {
        private readonly int cell;
        private float[] values;

        public EnergyMap(PixelBuffer buffer, int cell, float threshold, CancellationToken cancel)
        {
            this.cell = cell;
            Width = (buffer.Width + cell - 1) / cell;
            Height = (buffer.Height + cell - 1) / cell;
            Stride = (Width + 7) & ~7;
            values = new float[Stride * Height];
            Parallel.For(0, Height, ImageThreads.Options(cancel), j => Accumulate(buffer, j, threshold, 0, buffer.Height));
        }

        // An empty map for an image of width×height, filled band by band (Accumulate with a first row).
        public EnergyMap(int width, int height, int cell)
        {
            this.cell = cell;
            Width = (width + cell - 1) / cell;
            Height = (height + cell - 1) / cell;
            Stride = (Width + 7) & ~7;
            values = new float[Stride * Height];
            imageHeight = height;
        }

        private readonly int imageHeight;

        /// <summary>Adds the cell rows that <paramref name="band"/> (image rows from <paramref name="firstRow"/>) holds.</summary>
        public void Accumulate(PixelBuffer band, int firstRow, float threshold)
        {
            var first = firstRow / cell;
            var last = Math.Min(Height, (firstRow + band.Height + cell - 1) / cell);
            Parallel.For(first, last, ImageThreads.Options(), j => Accumulate(band, j, threshold, firstRow, imageHeight));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Accumulate(PixelBuffer buffer, int j, float threshold, int offset, int imageRows)
        {
            var knee = 0.5f * threshold;
            var bands = buffer.Bands;
            var target = values.AsSpan(j * Stride, Width);
            for (var y = j * cell; y < Math.Min(imageRows, (j + 1) * cell); y++)
            {
                var row = buffer.Row(y - offset);
                for (int x = 0, i = 0; x < buffer.Width; x++, i += bands)
                {
                    var lum = 0.2627f * row[i] + 0.6780f * row[i + 1] + 0.0593f * row[i + 2];
                    if (!(lum > threshold)) continue;
                    var d = lum - threshold;
                    var e = d >= knee ? d - 0.5f * knee : d * d / (2 * knee);
                    if (bands == 4) e *= Math.Clamp(row[i + 3], 0f, 1f);
                    target[x / cell] += e;
                }
            }
            var perArea = 1f / (cell * cell); // cells past the frame's edge count the missing pixels as black
            for (var i = 0; i < target.Length; i++) target[i] *= perArea;
        }

        public int Width { get; }
        public int Height { get; }
        public int Stride { get; }
        public bool IsBlack => values.AsSpan().IndexOfAnyExcept(0f) < 0;

        /// <summary>A separable Gaussian (±3.5 sigma, taps summing to 1) with black beyond the edges.</summary>
        public void Blur(double sigma, CancellationToken cancel)
        {
            var radius = Math.Max(1, (int)Math.Ceiling(3.5 * sigma));
            var taps = new double[2 * radius + 1];
            for (var t = -radius; t <= radius; t++) taps[t + radius] = Math.Exp(-t * t / (2 * sigma * sigma));
            var sum = taps.Sum();
            var kernel = taps.Select(w => (float)(w / sum)).ToArray();
            var across = new float[values.Length];
            var options = ImageThreads.Options(cancel);
            Parallel.For(0, Height, options, () => new float[Stride + 2 * radius + 8], (j, _, padded) =>
            {
                Across(values, across, padded, kernel, j);
                return padded;
            }, _ => { });
            var down = new float[values.Length];
            Parallel.For(0, Height, options, j => Down(across, down, kernel, j));
            values = down;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Across(float[] source, float[] target, float[] padded, float[] kernel, int j)
        {
            var radius = kernel.Length / 2;
            source.AsSpan(j * Stride, Stride).CopyTo(padded.AsSpan(radius)); // the margins stay 0: black beyond the edges
            ref var s = ref MemoryMarshal.GetArrayDataReference(padded);
            ref var t = ref MemoryMarshal.GetArrayDataReference(target);
            for (nuint i = 0; i < (nuint)Stride; i += 8)
            {
                var acc = Vector256<float>.Zero;
                for (var k = 0; k < kernel.Length; k++)
                    acc += Vector256.Create(kernel[k]) * Vector256.LoadUnsafe(ref s, i + (nuint)k);
                acc.StoreUnsafe(ref t, (nuint)(j * Stride) + i);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Down(float[] source, float[] target, float[] kernel, int j)
        {
            var radius = kernel.Length / 2;
            ref var s = ref MemoryMarshal.GetArrayDataReference(source);
            ref var t = ref MemoryMarshal.GetArrayDataReference(target);
            var first = Math.Max(0, radius - j);
            var last = Math.Min(kernel.Length - 1, Height - 1 - j + radius);
            for (nuint i = 0; i < (nuint)Stride; i += 8)
            {
                var acc = Vector256<float>.Zero;
                for (var k = first; k <= last; k++)
                    acc += Vector256.Create(kernel[k]) * Vector256.LoadUnsafe(ref s, (nuint)((j + k - radius) * Stride) + i);
                acc.StoreUnsafe(ref t, (nuint)(j * Stride) + i);
            }
        }

        /// <summary>Row <paramref name="y"/> of the full image, interpolated between the two nearest cell rows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void InterpolateRow(int y, Span<float> line)
        {
            var (j0, j1, f) = Upsample.Between(y, cell, Height);
            var a = values.AsSpan(j0 * Stride, Stride);
            var b = values.AsSpan(j1 * Stride, Stride);
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            ref var rl = ref MemoryMarshal.GetReference(line);
            var vf = Vector256.Create(f);
            for (nuint i = 0; i < (nuint)Stride; i += 8)
            {
                var va = Vector256.LoadUnsafe(ref ra, i);
                (va + vf * (Vector256.LoadUnsafe(ref rb, i) - va)).StoreUnsafe(ref rl, i);
            }
        }
    }

    /// <summary>Bilinear positions from cell centres back to pixel centres: pixel x sits at cell (x + ½)/s − ½.</summary>
    private sealed class Upsample
    {
        private readonly int[] left;
        private readonly int[] right;
        private readonly float[] weight;

        public Upsample(int width, int cells, int cell)
        {
            left = new int[width];
            right = new int[width];
            weight = new float[width];
            for (var x = 0; x < width; x++) (left[x], right[x], weight[x]) = Between(x, cell, cells);
        }

        public static (int Lower, int Upper, float Weight) Between(int position, int cell, int cells)
        {
            if (cell == 1) return (position, position, 0);
            var at = (position + 0.5) / cell - 0.5;
            var lower = (int)Math.Floor(at);
            if (lower < 0) return (0, 0, 0);
            if (lower >= cells - 1) return (cells - 1, cells - 1, 0);
            return (lower, lower + 1, (float)(at - lower));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Row(ReadOnlySpan<float> line, Span<float> glow)
        {
            for (var x = 0; x < glow.Length; x++)
            {
                var a = line[left[x]];
                glow[x] = a + weight[x] * (line[right[x]] - a);
            }
        }
    }
}
