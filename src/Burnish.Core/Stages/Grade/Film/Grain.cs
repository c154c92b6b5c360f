using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Burnish.Imaging;

namespace Burnish.Stages.Grade.Film;

/// <summary>
/// Film grain, applied in place to a linear-light BT.2020 buffer (3 bands, or 4 with straight alpha left untouched).
/// <para>
/// Noise: every sample is a pure function of (seed, stream, x, y): a counter-based hash (Wellons' lowbias32, three
/// rounds) gives 64 bits, whose four 16-bit parts are summed (Irwin–Hall, n = 4) into a zero-mean, unit-variance,
/// nearly Gaussian value bounded by ±2√3. Nothing is shared between threads, so the result is byte-identical for any
/// thread count or row order, and a pixel's grain does not depend on the image's size. Grain size comes from blurring
/// two such fields with Gaussians (coarse sigma size/2, fine sigma size/4); each blurred field is rescaled to unit
/// variance exactly (by the sum of its squared taps) and they are mixed √(1−roughness)·coarse + √roughness·fine,
/// so the mixed field n still has unit variance at every size and roughness.
/// </para>
/// <para>
/// Where it is added: in perceptual lightness L (CIE L*/100, <see cref="Lightness"/>), because equal steps of L look
/// equal, so one amplitude curve reads evenly from shadows to highlights. A pixel of lightness L becomes
/// L' = max(0, L − <see cref="MeanCorrection"/>(L) + <see cref="Amplitude"/>(L)·n), and its linear value is
/// scaled by ToLinear(L')/ToLinear(L); the small correction keeps the mean unchanged in linear light.
/// Monochrome: L is the pixel's luminance Y = 0.2627 R + 0.6780 G + 0.0593 B and R, G, B are scaled by the same
/// factor, so chromaticity (R:G:B) is unchanged and the grain is pure lightness. Colour: each of R, G and B gets
/// its own field and is treated as its own "L" (each dye layer grains by its own exposure). Black, and lightness at
/// or above white (L ≥ 1, including HDR values above 1), are left exactly as they were.
/// </para>
/// </summary>
public static class Grain
{
    /// <summary>
    /// The grain's standard deviation in lightness (L*/100) at <paramref name="lightness"/>:
    /// a(L) = amount · 4 · L · (1 − L) for 0 &lt; L &lt; 1, else 0. It peaks at amount at mid grey (L = 0.5,
    /// Y ≈ 0.184) and falls to 0 at black and white, the shape of film's granularity in a print, where the dense
    /// shadows and the clear highlights show no grain.
    /// </summary>
    public static double Amplitude(double lightness, double amount) =>
        lightness is > 0 and < 1 ? amount * 4 * lightness * (1 - lightness) : 0;

    /// <summary>
    /// How far the grain's centre sits below L so that its mean is unchanged in linear light:
    /// c(L) = a(L)² / (L + 0.16) where L &gt; 0.08 (the cube-root part of L*), else 0 (the linear toe needs none).
    /// </summary>
    /// <remarks>
    /// Light is the cube of (L + 0.16)/1.16, so symmetric noise in L brightens the average light by
    /// 3·a²/(L + 0.16)² of itself (1.7 % at mid grey with amount 0.05), which shows from a distance and in every
    /// downsized copy, since those are averaged in linear light. Lowering the centre by c cancels it all but a
    /// sixth-order rest: E[(u − c + a·n)³] = u³ − a⁶/u³ for u = L + 0.16 and zero-mean, unit-variance, symmetric n.
    /// (Where the noise dips into the linear toe, or is clipped at black, the cancellation is approximate.)
    /// </remarks>
    public static double MeanCorrection(double lightness, double amount)
    {
        var a = Amplitude(lightness, amount);
        return lightness > 0.08 ? a * a / (lightness + 0.16) : 0;
    }

    /// <summary>Applies grain in place. Amount 0 returns at once, leaving every byte as it was.</summary>
    public static void Apply(PixelBuffer buffer, GrainParams p, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(p);
        if (buffer.Bands is not (3 or 4))
            throw new ArgumentException($"grain needs an RGB or RGBA buffer, got {buffer.Bands} bands", nameof(buffer));
        if (!(p.Amount > 0)) return;
        var field = new GrainField(p);
        buffer.ForEachRowBlock((y0, y1) => Block(buffer, p, field, y0, y1, 0), cancel);
    }

    /// <summary>
    /// Applies grain in place to a band of rows whose first row is row <paramref name="firstRow"/> of the image: the
    /// noise is a function of the image position, so banded grain is the same as grain over the whole buffer.
    /// </summary>
    public static void ApplyBand(PixelBuffer band, int firstRow, GrainParams p, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(band);
        ArgumentNullException.ThrowIfNull(p);
        if (band.Bands is not (3 or 4))
            throw new ArgumentException($"grain needs an RGB or RGBA buffer, got {band.Bands} bands", nameof(band));
        if (!(p.Amount > 0)) return;
        var field = new GrainField(p);
        band.ForEachRowBlock((y0, y1) => Block(band, p, field, y0, y1, firstRow), cancel);
    }

    /// <summary>
    /// One unit-variance white-noise sample before any blur: the scalar twin of the vector generator. Stream
    /// 2·plane + octave: plane 0 is monochrome or R, 1 G, 2 B; octave 0 the coarse field, 1 the fine.
    /// </summary>
    public static float WhiteNoise(int seed, int stream, int x, int y)
    {
        var (k1, k2, k3) = GrainField.RowKeys(GrainField.StreamKey(GrainField.SeedKey(seed), stream), y);
        var h1 = GrainField.Mix(GrainField.Mix((uint)x + k1) ^ k2);
        var h2 = GrainField.Mix(h1 + k3);
        var sum = (int)((h1 & 0xFFFF) + (h1 >> 16) + (h2 & 0xFFFF) + (h2 >> 16));
        return (sum - GrainField.IrwinHallMean) * GrainField.IrwinHallScale;
    }

    // The hot loops skip tiered compilation: a CLI run often grains a single image, and tier-0 code would make
    // that first call several times slower than the rest.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(PixelBuffer buffer, GrainParams p, GrainField field, int y0, int y1, int firstRow)
    {
        var rows = y1 - y0;
        var width = buffer.Width;
        var padded = (width + 7) & ~7;
        var planes = p.Colour ? 3 : 1;
        var noiseLength = planes * rows * padded;
        var rgbLength = 3 * padded;
        var length = noiseLength + field.ScratchLength(rows, padded) + rgbLength;
        var rented = ArrayPool<float>.Shared.Rent(length);
        try
        {
            var scratch = rented.AsSpan(0, length);
            var noise = scratch[..noiseLength];
            var fieldScratch = scratch.Slice(noiseLength, field.ScratchLength(rows, padded));
            var rgb = scratch[^rgbLength..];
            rgb.Clear(); // the padding lanes stay 0: black, which the kernels leave alone
            for (var plane = 0; plane < planes; plane++)
                field.Fill(plane, firstRow + y0, rows, padded, noise.Slice(plane * rows * padded, rows * padded), fieldScratch);

            var amount4 = Vector256.Create((float)(4 * p.Amount));
            var r = rgb[..padded];
            var g = rgb.Slice(padded, padded);
            var b = rgb.Slice(2 * padded, padded);
            for (var y = y0; y < y1; y++)
            {
                var row = buffer.Row(y);
                Deinterleave(row, buffer.Bands, width, r, g, b);
                var offset = (y - y0) * padded;
                if (p.Colour)
                {
                    Colour(r, noise.Slice(offset, padded), amount4);
                    Colour(g, noise.Slice(rows * padded + offset, padded), amount4);
                    Colour(b, noise.Slice(2 * rows * padded + offset, padded), amount4);
                }
                else
                    Monochrome(r, g, b, noise.Slice(offset, padded), amount4);
                Interleave(r, g, b, row, buffer.Bands, width);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Monochrome(Span<float> r, Span<float> g, Span<float> b, ReadOnlySpan<float> noise, Vector256<float> amount4)
    {
        ref var rr = ref MemoryMarshal.GetReference(r);
        ref var gg = ref MemoryMarshal.GetReference(g);
        ref var bb = ref MemoryMarshal.GetReference(b);
        ref var nn = ref MemoryMarshal.GetReference(noise);
        var wr = Vector256.Create(0.2627f);
        var wg = Vector256.Create(0.6780f);
        var wb = Vector256.Create(0.0593f);
        for (nuint i = 0; i < (nuint)r.Length; i += 8)
        {
            var vr = Vector256.LoadUnsafe(ref rr, i);
            var vg = Vector256.LoadUnsafe(ref gg, i);
            var vb = Vector256.LoadUnsafe(ref bb, i);
            var k = Factor(wr * vr + wg * vg + wb * vb, Vector256.LoadUnsafe(ref nn, i), amount4);
            (vr * k).StoreUnsafe(ref rr, i);
            (vg * k).StoreUnsafe(ref gg, i);
            (vb * k).StoreUnsafe(ref bb, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Colour(Span<float> channel, ReadOnlySpan<float> noise, Vector256<float> amount4)
    {
        ref var cc = ref MemoryMarshal.GetReference(channel);
        ref var nn = ref MemoryMarshal.GetReference(noise);
        for (nuint i = 0; i < (nuint)channel.Length; i += 8)
        {
            var v = Vector256.LoadUnsafe(ref cc, i);
            (v * Factor(v, Vector256.LoadUnsafe(ref nn, i), amount4)).StoreUnsafe(ref cc, i);
        }
    }

    /// <summary>
    /// ToLinear(max(0, L − c(L) + a(L)·n)) / ToLinear(L) for a linear value v of lightness L; exactly 1 where v ≤ 0 or
    /// a(L) = 0 (black, white and above, NaN), so those pass bit for bit rather than through a cube-root round trip.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Factor(Vector256<float> v, Vector256<float> n, Vector256<float> amount4)
    {
        var l = Lightness.FromLinear(v);
        var clamped = Vector256.Min(Vector256.Max(l, Vector256<float>.Zero), Vector256<float>.One);
        var a = amount4 * clamped * (Vector256<float>.One - clamped);
        var correction = Vector256.ConditionalSelect(
            Vector256.GreaterThan(l, Vector256.Create(0.08f)), a * a / (l + Vector256.Create(0.16f)), Vector256<float>.Zero);
        var grained = Lightness.ToLinear(Vector256.Max(l - correction + a * n, Vector256<float>.Zero));
        var k = grained / Lightness.ToLinear(l);
        var acts = Vector256.GreaterThan(v, Vector256<float>.Zero) & Vector256.GreaterThan(a, Vector256<float>.Zero);
        return Vector256.ConditionalSelect(acts, k, Vector256<float>.One);
    }

    // Eight RGB pixels are three vectors. Sample k of channel c sits at 3k + c, so within each vector the lanes of
    // one channel come from lanes {0,3,6}, {1,4,7} or {2,5}: disjoint, so two blends gather a channel's eight samples
    // into one vector, and one permutation puts them in order. Each permutation here is its own inverse except
    // green's, which is why green has two. RGBA (rare: the grade stage passes colour without alpha) stays scalar.
    private static readonly Vector256<float> Lanes036 = Vector256.Create(-1, 0, 0, -1, 0, 0, -1, 0).AsSingle();
    private static readonly Vector256<float> Lanes147 = Vector256.Create(0, -1, 0, 0, -1, 0, 0, -1).AsSingle();
    private static readonly Vector256<float> Lanes25 = Vector256.Create(0, 0, -1, 0, 0, -1, 0, 0).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Deinterleave(ReadOnlySpan<float> row, int bands, int width, Span<float> r, Span<float> g, Span<float> b)
    {
        var x = 0;
        if (bands == 3)
        {
            ref var s = ref MemoryMarshal.GetReference(row);
            ref var rr = ref MemoryMarshal.GetReference(r);
            ref var gg = ref MemoryMarshal.GetReference(g);
            ref var bb = ref MemoryMarshal.GetReference(b);
            for (; x + 8 <= width; x += 8)
            {
                var v0 = Vector256.LoadUnsafe(ref s, (nuint)(3 * x));
                var v1 = Vector256.LoadUnsafe(ref s, (nuint)(3 * x + 8));
                var v2 = Vector256.LoadUnsafe(ref s, (nuint)(3 * x + 16));
                Vector256.Shuffle((v0 & Lanes036) | (v1 & Lanes147) | (v2 & Lanes25), Vector256.Create(0, 3, 6, 1, 4, 7, 2, 5)).StoreUnsafe(ref rr, (nuint)x);
                Vector256.Shuffle((v0 & Lanes147) | (v1 & Lanes25) | (v2 & Lanes036), Vector256.Create(1, 4, 7, 2, 5, 0, 3, 6)).StoreUnsafe(ref gg, (nuint)x);
                Vector256.Shuffle((v0 & Lanes25) | (v1 & Lanes036) | (v2 & Lanes147), Vector256.Create(2, 5, 0, 3, 6, 1, 4, 7)).StoreUnsafe(ref bb, (nuint)x);
            }
        }
        for (var i = x * bands; x < width; x++, i += bands)
        {
            r[x] = row[i];
            g[x] = row[i + 1];
            b[x] = row[i + 2];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Interleave(ReadOnlySpan<float> r, ReadOnlySpan<float> g, ReadOnlySpan<float> b, Span<float> row, int bands, int width)
    {
        var x = 0;
        if (bands == 3)
        {
            ref var s = ref MemoryMarshal.GetReference(row);
            ref var rr = ref MemoryMarshal.GetReference(r);
            ref var gg = ref MemoryMarshal.GetReference(g);
            ref var bb = ref MemoryMarshal.GetReference(b);
            for (; x + 8 <= width; x += 8)
            {
                var tr = Vector256.Shuffle(Vector256.LoadUnsafe(ref rr, (nuint)x), Vector256.Create(0, 3, 6, 1, 4, 7, 2, 5));
                var tg = Vector256.Shuffle(Vector256.LoadUnsafe(ref gg, (nuint)x), Vector256.Create(5, 0, 3, 6, 1, 4, 7, 2));
                var tb = Vector256.Shuffle(Vector256.LoadUnsafe(ref bb, (nuint)x), Vector256.Create(2, 5, 0, 3, 6, 1, 4, 7));
                ((tr & Lanes036) | (tg & Lanes147) | (tb & Lanes25)).StoreUnsafe(ref s, (nuint)(3 * x));
                ((tr & Lanes147) | (tg & Lanes25) | (tb & Lanes036)).StoreUnsafe(ref s, (nuint)(3 * x + 8));
                ((tr & Lanes25) | (tg & Lanes036) | (tb & Lanes147)).StoreUnsafe(ref s, (nuint)(3 * x + 16));
            }
        }
        for (var i = x * bands; x < width; x++, i += bands)
        {
            row[i] = r[x];
            row[i + 1] = g[x];
            row[i + 2] = b[x];
        }
    }
}

/// <summary>The blurred, mixed, unit-variance noise field of one <see cref="GrainParams"/>, generated row block by row block.</summary>
internal sealed class GrainField
{
    internal const int IrwinHallMean = 2 * 65535;                        // mean of the sum of four 16-bit integers
    internal const float IrwinHallScale = 1.7320508f / 65536;            // √3 / 65536: variance of the sum is 4·(65536²−1)/12
    private const uint Golden = 0x9E3779B9;

    private readonly uint seedKey;
    private readonly Pass? coarse;
    private readonly Pass? fine;

    public GrainField(GrainParams p)
    {
        seedKey = SeedKey(p.Seed);
        var roughness = Math.Clamp(p.Roughness, 0, 1);
        coarse = roughness < 1 ? new Pass(0.5 * p.Size, 1 - roughness, 0) : null;
        fine = roughness > 0 ? new Pass(0.25 * p.Size, roughness, 1) : null;
        Radius = Math.Max(coarse?.Radius ?? 0, fine?.Radius ?? 0);
    }

    /// <summary>The largest kernel radius, in pixels: how many rows and columns of noise beyond a block it reads.</summary>
    public int Radius { get; }

    public int ScratchLength(int rows, int padded) => (rows + 2 * Radius) * padded + padded + 2 * Radius + 8;

    /// <summary>lowbias32 (C. Wellons, "Prospecting for hash functions", 2018): a bijection with low avalanche bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Mix(uint x)
    {
        x ^= x >> 16;
        x *= 0x7feb352d;
        x ^= x >> 15;
        x *= 0x846ca68b;
        x ^= x >> 16;
        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Mix(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16);
        x *= Vector256.Create(0x7feb352du);
        x ^= Vector256.ShiftRightLogical(x, 15);
        x *= Vector256.Create(0x846ca68bu);
        x ^= Vector256.ShiftRightLogical(x, 16);
        return x;
    }

    internal static uint SeedKey(int seed) => Mix(Mix((uint)seed + 0x68E31DA4) ^ 0x5851F42D);

    internal static uint StreamKey(uint seedKey, int stream) => Mix(seedKey + (uint)stream * Golden + 1);

    /// <summary>
    /// Three keys per row. A pixel's bits are Mix(Mix(x + k1) ^ k2) and Mix(that + k3): two rows whose k1 happen to
    /// lie close would otherwise carry shifted copies of one noise sequence; k2 and k3 break that.
    /// </summary>
    internal static (uint K1, uint K2, uint K3) RowKeys(uint streamKey, int y)
    {
        var k = Mix(streamKey ^ Mix((uint)y + 0x1B873593));
        return (k, Mix(k + Golden), Mix(k + unchecked(2 * Golden)));
    }

    /// <summary>
    /// Writes the noise of <paramref name="plane"/> (0 for monochrome, 0–2 for R, G, B) for rows [y0, y0 + rows)
    /// and columns [0, padded) into <paramref name="output"/>, rows × padded.
    /// </summary>
    public void Fill(int plane, int y0, int rows, int padded, Span<float> output, Span<float> scratch)
    {
        if (coarse is not null)
            coarse.Run(this, plane, y0, rows, padded, output, scratch, accumulate: false);
        if (fine is not null)
            fine.Run(this, plane, y0, rows, padded, output, scratch, accumulate: coarse is not null);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WhiteRow(uint streamKey, int y, int x0, Span<float> destination)
    {
        var (k1, k2, k3) = RowKeys(streamKey, y);
        var vk1 = Vector256.Create(k1);
        var vk2 = Vector256.Create(k2);
        var vk3 = Vector256.Create(k3);
        var low = Vector256.Create(0xFFFFu);
        var mean = Vector256.Create(IrwinHallMean);
        var scale = Vector256.Create(IrwinHallScale);
        var lane = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
        ref var d = ref MemoryMarshal.GetReference(destination);
        for (var i = 0; i < destination.Length; i += 8)
        {
            var x = Vector256.Create((uint)(x0 + i)) + lane;
            var h1 = Mix(Mix(x + vk1) ^ vk2);
            var h2 = Mix(h1 + vk3);
            var sum = (h1 & low) + Vector256.ShiftRightLogical(h1, 16) + (h2 & low) + Vector256.ShiftRightLogical(h2, 16);
            (Vector256.ConvertToSingle(sum.AsInt32() - mean) * scale).StoreUnsafe(ref d, (nuint)i);
        }
    }

    /// <summary>One Gaussian-blurred white field with its own stream, scaled so its variance is its share.</summary>
    private sealed class Pass
    {
        private readonly float[] horizontal;
        private readonly float[] vertical;
        private readonly int octave;

        public Pass(double sigma, double share, int octave)
        {
            this.octave = octave;
            Radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
            var taps = new double[2 * Radius + 1];
            for (var t = -Radius; t <= Radius; t++) taps[t + Radius] = Math.Exp(-t * t / (2 * sigma * sigma));
            var sum = taps.Sum();
            var squares = taps.Sum(w => w / sum * (w / sum));
            // A separable blur of unit white noise has variance (Σw²)²; dividing each pass by √(Σw²) makes it 1,
            // and the horizontal pass carries √share so the field's variance is exactly its share.
            var norm = 1 / (sum * Math.Sqrt(squares));
            horizontal = taps.Select(w => (float)(w * norm * Math.Sqrt(share))).ToArray();
            vertical = taps.Select(w => (float)(w * norm)).ToArray();
        }

        public int Radius { get; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(GrainField field, int plane, int y0, int rows, int padded, Span<float> output, Span<float> scratch, bool accumulate)
        {
            var streamKey = StreamKey(field.seedKey, 2 * plane + octave);
            var taps = horizontal.Length;
            var span = rows + 2 * Radius;
            var blurred = scratch[..(span * padded)];
            var white = scratch.Slice(span * padded, (padded + 2 * Radius + 7) & ~7);
            ref var w = ref MemoryMarshal.GetReference(white);
            for (var r = 0; r < span; r++)
            {
                field.WhiteRow(streamKey, y0 - Radius + r, -Radius, white);
                ref var o = ref MemoryMarshal.GetReference(blurred.Slice(r * padded, padded));
                for (nuint i = 0; i < (nuint)padded; i += 8)
                {
                    var acc = Vector256.Create(horizontal[0]) * Vector256.LoadUnsafe(ref w, i);
                    for (var t = 1; t < taps; t++)
                        acc += Vector256.Create(horizontal[t]) * Vector256.LoadUnsafe(ref w, i + (nuint)t);
                    acc.StoreUnsafe(ref o, i);
                }
            }
            ref var b = ref MemoryMarshal.GetReference(blurred);
            ref var output0 = ref MemoryMarshal.GetReference(output);
            for (var r = 0; r < rows; r++)
            {
                var row = (nuint)(r * padded);
                for (nuint i = 0; i < (nuint)padded; i += 8)
                {
                    var acc = Vector256.Create(vertical[0]) * Vector256.LoadUnsafe(ref b, row + i);
                    for (var t = 1; t < taps; t++)
                        acc += Vector256.Create(vertical[t]) * Vector256.LoadUnsafe(ref b, row + (nuint)(t * padded) + i);
                    if (accumulate) acc = Vector256.LoadUnsafe(ref output0, row + i) + acc;
                    acc.StoreUnsafe(ref output0, row + i);
                }
            }
        }
    }
}
