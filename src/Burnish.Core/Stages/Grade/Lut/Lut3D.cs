using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Burnish.Imaging;

namespace Burnish.Stages.Grade.Lut;

/// <summary>
/// Applies a <see cref="CubeLut"/> to pixels in place: the 1D shaper (linear interpolation) when there is one, then
/// the 3D table with tetrahedral interpolation, blended with the input by a strength.
/// </summary>
/// <remarks>
/// <para>The LUT is applied to the values it is given; choosing their encoding is the caller's job. Creative LUTs
/// (.cube looks, HaldCLUTs) expect display-referred, sRGB-encoded values 0–1, and the grade stage passes exactly
/// that; applied to linear light they give a different, wrong look.</para>
/// <para>Interpolation follows ffmpeg's <c>vf_lut3d</c> <c>interp_tetrahedral</c> (the six tetrahedra of the
/// Truelight paper, FilmLight FL-TL-TN-0057): inputs are scaled from the LUT's domain to grid coordinates and
/// clamped to the grid, so values outside the domain get the edge of the table, and NaN gets the domain minimum.
/// The blend is <c>out = in + strength · (lut(in) − in)</c> on the unclamped input, so strength 0 returns the
/// input exactly. A 4th band (alpha) is left untouched.</para>
/// <para>Runs parallel over blocks of rows; on AVX2 with FMA, eight pixels at a time in <see cref="Vector256"/>
/// planes; no allocation per pixel.</para>
/// </remarks>
public static class Lut3D
{
    /// <summary>Applies <paramref name="lut"/> to the RGB (3-band) or RGBA (4-band) <paramref name="buffer"/> in place.</summary>
    /// <param name="buffer">RGB or RGBA samples, in the encoding the LUT expects (sRGB-encoded 0–1 for creative LUTs).</param>
    /// <param name="lut">A .cube or HaldCLUT table.</param>
    /// <param name="strength">0 leaves the pixels as they are, 1 applies the LUT fully; between, a linear blend.</param>
    /// <param name="cancel">Checked between blocks of rows.</param>
    public static void Apply(PixelBuffer buffer, CubeLut lut, double strength, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(lut);
        if (!(strength >= 0 && strength <= 1))
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "strength must be 0–1");
        if (buffer.Bands is not (3 or 4))
            throw new ArgumentException($"a LUT applies to RGB or RGBA pixels, not {buffer.Bands} band{(buffer.Bands == 1 ? "" : "s")}", nameof(buffer));
        if (strength == 0) return;
        var kernel = new LutKernel(lut, (float)strength, simd: Avx2.IsSupported && Fma.IsSupported);
        buffer.ForEachRowBlock((start, end) => kernel.Rows(buffer, start, end), cancel);
    }
}

/// <summary>One LUT, prepared for a run: grid scaling, strides and strength. Immutable, shared by all row blocks.</summary>
internal sealed class LutKernel
{
    private readonly float[] table;
    private readonly int size;
    private readonly int strideG, strideB, diagonal; // in floats: one step along green, blue, and (1,1,1)
    private readonly float scaleR, scaleG, scaleB, offsetR, offsetG, offsetB, gridTop;

    private readonly float[]? curve;
    private readonly int curveSize;
    private readonly float curveScaleR, curveScaleG, curveScaleB, curveOffsetR, curveOffsetG, curveOffsetB, curveTop;

    private readonly float strength;
    private readonly bool full, simd;

    public LutKernel(CubeLut lut, float strength, bool simd)
    {
        table = lut.Data;
        size = lut.Size;
        if (size > 0)
        {
            strideG = 3 * size;
            strideB = 3 * size * size;
            diagonal = 3 + strideG + strideB;
            gridTop = size - 1;
            // x ↦ (x − min)·(size − 1)/(max − min), as one multiply-add per channel.
            (scaleR, offsetR) = Scale(lut.DomainMin.R, lut.DomainMax.R, size);
            (scaleG, offsetG) = Scale(lut.DomainMin.G, lut.DomainMax.G, size);
            (scaleB, offsetB) = Scale(lut.DomainMin.B, lut.DomainMax.B, size);
        }
        if (lut.Shaper is { } shaper)
        {
            curve = shaper.Data;
            curveSize = shaper.Size;
            curveTop = shaper.Size - 1;
            (curveScaleR, curveOffsetR) = Scale(shaper.DomainMin.R, shaper.DomainMax.R, shaper.Size);
            (curveScaleG, curveOffsetG) = Scale(shaper.DomainMin.G, shaper.DomainMax.G, shaper.Size);
            (curveScaleB, curveOffsetB) = Scale(shaper.DomainMin.B, shaper.DomainMax.B, shaper.Size);
        }
        this.strength = strength;
        full = strength == 1f;
        this.simd = simd;
    }

    private static (float Scale, float Offset) Scale(float min, float max, int points)
    {
        var scale = (points - 1) / ((double)max - min);
        return ((float)scale, (float)(-min * scale));
    }

    public unsafe void Rows(PixelBuffer buffer, int start, int end)
    {
        var bands = buffer.Bands;
        var width = buffer.Width;
        var scratch = stackalloc float[ScratchFloats];
        fixed (float* data = buffer.Data)
        fixed (float* t = table)
        fixed (float* c = curve)
        {
            for (var y = start; y < end; y++)
            {
                var row = data + (long)y * buffer.Stride;
                var x = 0;
                if (simd)
                {
                    for (; x + Vector256<float>.Count <= width; x += Vector256<float>.Count)
                        Eight(row + (long)x * bands, bands, t, c, scratch);
                }
                for (; x < width; x++)
                    One(row + (long)x * bands, t, c);
            }
        }
    }

    // ------------------------------------------------------------------ scalar

    private unsafe void One(float* px, float* t, float* c)
    {
        float r = px[0], g = px[1], b = px[2];
        float lr = r, lg = g, lb = b;
        if (c != null)
        {
            lr = Curve(c, lr, curveScaleR, curveOffsetR, 0);
            lg = Curve(c, lg, curveScaleG, curveOffsetG, 1);
            lb = Curve(c, lb, curveScaleB, curveOffsetB, 2);
        }
        if (size > 0) Tetrahedral(t, ref lr, ref lg, ref lb);
        if (full)
        {
            px[0] = lr;
            px[1] = lg;
            px[2] = lb;
        }
        else
        {
            px[0] = MathF.FusedMultiplyAdd(strength, lr - r, r);
            px[1] = MathF.FusedMultiplyAdd(strength, lg - g, g);
            px[2] = MathF.FusedMultiplyAdd(strength, lb - b, b);
        }
    }

    /// <summary>Clamps a grid coordinate to [0, top]; NaN becomes 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Clamp(float v, float top)
    {
        v = v > 0f ? v : 0f;
        return v < top ? v : top;
    }

    private unsafe float Curve(float* c, float x, float scale, float offset, int channel)
    {
        var s = Clamp(MathF.FusedMultiplyAdd(x, scale, offset), curveTop);
        var i = Math.Min((int)s, curveSize - 2);
        var f = s - i;
        var a = c[3 * i + channel];
        var b = c[3 * i + 3 + channel];
        return MathF.FusedMultiplyAdd(f, b - a, a);
    }

    private unsafe void Tetrahedral(float* t, ref float r, ref float g, ref float b)
    {
        var sr = Clamp(MathF.FusedMultiplyAdd(r, scaleR, offsetR), gridTop);
        var sg = Clamp(MathF.FusedMultiplyAdd(g, scaleG, offsetG), gridTop);
        var sb = Clamp(MathF.FusedMultiplyAdd(b, scaleB, offsetB), gridTop);
        // The last cell is [size−2, size−1] with a fraction of 1 at the top, so the "next" corner is always in the grid.
        int ir = Math.Min((int)sr, size - 2), ig = Math.Min((int)sg, size - 2), ib = Math.Min((int)sb, size - 2);
        float fr = sr - ir, fg = sg - ig, fb = sb - ib;

        // The tetrahedron runs from c000 along the axis of the largest fraction, then the middle one, to c111.
        // Ties may pick either axis: the weight of the vertex in question is then 0.
        var rIsMax = fr >= fg && fr >= fb;
        var gIsMax = !rIsMax && fg >= fb;
        var bIsMin = fb <= fr && fb <= fg;
        var gIsMin = !bIsMin && fg <= fr && fg <= fb;
        var toMax = rIsMax ? 3 : gIsMax ? strideG : strideB;
        var toMin = bIsMin ? strideB : gIsMin ? strideG : 3;
        var max = MathF.Max(fr, MathF.Max(fg, fb));
        var min = MathF.Min(fr, MathF.Min(fg, fb));
        var mid = MathF.Max(MathF.Min(fr, fg), MathF.Min(MathF.Max(fr, fg), fb));

        var c000 = t + 3 * ir + strideG * ig + strideB * ib;
        var c1 = c000 + toMax;            // one step, along the largest fraction
        var c2 = c000 + diagonal - toMin; // two steps, all but the smallest
        var c111 = c000 + diagonal;
        float w0 = 1f - max, w1 = max - mid, w2 = mid - min, w3 = min;
        r = Corners(c000, c1, c2, c111, w0, w1, w2, w3);
        g = Corners(c000 + 1, c1 + 1, c2 + 1, c111 + 1, w0, w1, w2, w3);
        b = Corners(c000 + 2, c1 + 2, c2 + 2, c111 + 2, w0, w1, w2, w3);
    }

    /// <summary>The weighted sum in the same order and with the same fused steps as the vector path, so both agree to the bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe float Corners(float* c000, float* c1, float* c2, float* c111, float w0, float w1, float w2, float w3)
    {
        var v = w3 * *c111;
        v = MathF.FusedMultiplyAdd(w2, *c2, v);
        v = MathF.FusedMultiplyAdd(w1, *c1, v);
        return MathF.FusedMultiplyAdd(w0, *c000, v);
    }

    // ------------------------------------------------------------------ AVX2: eight pixels
    //
    // Eight pixels go into planes (R, G, B as Vector256) with loads and lane shuffles; grid cells, fractions and
    // the tetrahedron's vertices are worked out for all eight at once; then each pixel's four corners are read as
    // one Vector128 each (R, G, B and a fourth float that is ignored) and weighted, which is faster than twelve
    // 8-lane gathers (4096², 33³, one thread on Zen 5: 70 ms against 86 ms); the eight results are transposed back
    // into planes, blended and stored.

    /// <summary>Scratch per row block: vertex offsets, weights, and the eight corner sums as RGBx quads.</summary>
    private const int ScratchFloats = 4 * 8 + 4 * 8 + 4 * 8;

    private unsafe void Eight(float* px, int bands, float* t, float* c, float* scratch)
    {
        Vector256<float> r, g, b, a = default;
        if (bands == 3) LoadRgb(px, out r, out g, out b);
        else LoadRgba(px, out r, out g, out b, out a);
        Vector256<float> lr = r, lg = g, lb = b;
        if (c != null)
        {
            lr = Curve8(c, lr, curveScaleR, curveOffsetR, 0);
            lg = Curve8(c, lg, curveScaleG, curveOffsetG, 1);
            lb = Curve8(c, lb, curveScaleB, curveOffsetB, 2);
        }
        if (size > 0) Tetrahedral8(t, ref lr, ref lg, ref lb, scratch);
        if (!full)
        {
            var k = Vector256.Create(strength);
            lr = Fma.MultiplyAdd(k, lr - r, r);
            lg = Fma.MultiplyAdd(k, lg - g, g);
            lb = Fma.MultiplyAdd(k, lb - b, b);
        }
        if (bands == 3) StoreRgb(px, lr, lg, lb);
        else StoreRgba(px, lr, lg, lb, a);
    }

    // Packed RGB, eight pixels = three vectors: v0 = r0 g0 b0 r1 g1 b1 r2 g2, v1 = b2 r3 g3 b3 r4 g4 b4 r5,
    // v2 = g5 b5 r6 g6 b6 r7 g7 b7. Each channel sits in lanes {0,3,6}, {1,4,7} or {2,5} of each vector, so two
    // blends bring a channel's eight values into one vector and one lane permutation puts them in order; storing
    // runs the same steps backwards.
    private static readonly Vector256<int> OrderR = Vector256.Create(0, 3, 6, 1, 4, 7, 2, 5);
    private static readonly Vector256<int> OrderG = Vector256.Create(1, 4, 7, 2, 5, 0, 3, 6);
    private static readonly Vector256<int> OrderB = Vector256.Create(2, 5, 0, 3, 6, 1, 4, 7);
    private static readonly Vector256<int> SpreadR = Vector256.Create(0, 3, 6, 1, 4, 7, 2, 5);
    private static readonly Vector256<int> SpreadG = Vector256.Create(5, 0, 3, 6, 1, 4, 7, 2);
    private static readonly Vector256<int> SpreadB = Vector256.Create(2, 5, 0, 3, 6, 1, 4, 7);
    private const byte Lanes036 = 0b0100_1001, Lanes147 = 0b1001_0010, Lanes25 = 0b0010_0100;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void LoadRgb(float* px, out Vector256<float> r, out Vector256<float> g, out Vector256<float> b)
    {
        var v0 = Avx.LoadVector256(px);
        var v1 = Avx.LoadVector256(px + 8);
        var v2 = Avx.LoadVector256(px + 16);
        r = Avx2.PermuteVar8x32(Avx.Blend(Avx.Blend(v0, v1, Lanes147), v2, Lanes25), OrderR);
        g = Avx2.PermuteVar8x32(Avx.Blend(Avx.Blend(v0, v1, Lanes25), v2, Lanes036), OrderG);
        b = Avx2.PermuteVar8x32(Avx.Blend(Avx.Blend(v0, v1, Lanes036), v2, Lanes147), OrderB);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRgb(float* px, Vector256<float> r, Vector256<float> g, Vector256<float> b)
    {
        var rs = Avx2.PermuteVar8x32(r, SpreadR);
        var gs = Avx2.PermuteVar8x32(g, SpreadG);
        var bs = Avx2.PermuteVar8x32(b, SpreadB);
        Avx.Store(px, Avx.Blend(Avx.Blend(rs, gs, Lanes147), bs, Lanes25));
        Avx.Store(px + 8, Avx.Blend(Avx.Blend(rs, gs, Lanes25), bs, Lanes036));
        Avx.Store(px + 16, Avx.Blend(Avx.Blend(rs, gs, Lanes036), bs, Lanes147));
    }

    // Packed RGBA, eight pixels = four vectors of two pixels each: a 4×4 transpose per 128-bit half. The planes
    // come out in pixel order 0 2 4 6 1 3 5 7; every step in between works lane by lane, and StoreRgba's inverse
    // transpose puts each pixel back where it was, alpha included, bit for bit.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void LoadRgba(float* px, out Vector256<float> r, out Vector256<float> g, out Vector256<float> b, out Vector256<float> a)
    {
        var p01 = Avx.LoadVector256(px);
        var p23 = Avx.LoadVector256(px + 8);
        var p45 = Avx.LoadVector256(px + 16);
        var p67 = Avx.LoadVector256(px + 24);
        var rg0 = Avx.UnpackLow(p01, p23);
        var ba0 = Avx.UnpackHigh(p01, p23);
        var rg1 = Avx.UnpackLow(p45, p67);
        var ba1 = Avx.UnpackHigh(p45, p67);
        r = Avx.Shuffle(rg0, rg1, 0b01_00_01_00);
        g = Avx.Shuffle(rg0, rg1, 0b11_10_11_10);
        b = Avx.Shuffle(ba0, ba1, 0b01_00_01_00);
        a = Avx.Shuffle(ba0, ba1, 0b11_10_11_10);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRgba(float* px, Vector256<float> r, Vector256<float> g, Vector256<float> b, Vector256<float> a)
    {
        var rg0 = Avx.UnpackLow(r, g);
        var ba0 = Avx.UnpackLow(b, a);
        var rg1 = Avx.UnpackHigh(r, g);
        var ba1 = Avx.UnpackHigh(b, a);
        Avx.Store(px, Avx.Shuffle(rg0, ba0, 0b01_00_01_00));
        Avx.Store(px + 8, Avx.Shuffle(rg0, ba0, 0b11_10_11_10));
        Avx.Store(px + 16, Avx.Shuffle(rg1, ba1, 0b01_00_01_00));
        Avx.Store(px + 24, Avx.Shuffle(rg1, ba1, 0b11_10_11_10));
    }

    /// <summary>Grid coordinates to whole cells and fractions; indices are clamped as integers too, so no read can leave the table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Cell(Vector256<float> x, float scale, float offset, float top, int lastCell, out Vector256<float> fraction)
    {
        var s = Fma.MultiplyAdd(x, Vector256.Create(scale), Vector256.Create(offset));
        // maxps/minps return the second operand when the first is NaN: NaN becomes 0, as in the scalar path.
        s = Avx.Min(Avx.Max(s, Vector256<float>.Zero), Vector256.Create(top));
        var i = Avx.ConvertToVector256Int32WithTruncation(s);
        i = Avx2.Min(Avx2.Max(i, Vector256<int>.Zero), Vector256.Create(lastCell));
        fraction = s - Avx.ConvertToVector256Single(i);
        return i;
    }

    private unsafe Vector256<float> Curve8(float* c, Vector256<float> x, float scale, float offset, int channel)
    {
        var i = Cell(x, scale, offset, curveTop, curveSize - 2, out var f);
        var at = i * 3;
        var a = Avx2.GatherVector256(c + channel, at, 4);
        var b = Avx2.GatherVector256(c + 3 + channel, at, 4);
        return Fma.MultiplyAdd(f, b - a, a);
    }

    private unsafe void Tetrahedral8(float* t, ref Vector256<float> r, ref Vector256<float> g, ref Vector256<float> b, float* scratch)
    {
        var ir = Cell(r, scaleR, offsetR, gridTop, size - 2, out var fr);
        var ig = Cell(g, scaleG, offsetG, gridTop, size - 2, out var fg);
        var ib = Cell(b, scaleB, offsetB, gridTop, size - 2, out var fb);

        // Same vertex choice as the scalar path, as lane masks.
        var rIsMax = Vector256.GreaterThanOrEqual(fr, fg) & Vector256.GreaterThanOrEqual(fr, fb);
        var gIsMax = Vector256.AndNot(Vector256.GreaterThanOrEqual(fg, fb), rIsMax);
        var bIsMin = Vector256.LessThanOrEqual(fb, fr) & Vector256.LessThanOrEqual(fb, fg);
        var gIsMin = Vector256.AndNot(Vector256.LessThanOrEqual(fg, fr) & Vector256.LessThanOrEqual(fg, fb), bIsMin);
        var three = Vector256.Create(3);
        var stepG = Vector256.Create(strideG);
        var stepB = Vector256.Create(strideB);
        var toMax = Vector256.ConditionalSelect(rIsMax.AsInt32(), three, Vector256.ConditionalSelect(gIsMax.AsInt32(), stepG, stepB));
        var toMin = Vector256.ConditionalSelect(bIsMin.AsInt32(), stepB, Vector256.ConditionalSelect(gIsMin.AsInt32(), stepG, three));
        var max = Avx.Max(fr, Avx.Max(fg, fb));
        var min = Avx.Min(fr, Avx.Min(fg, fb));
        var mid = Avx.Max(Avx.Min(fr, fg), Avx.Min(Avx.Max(fr, fg), fb));

        var c000 = ir * 3 + Avx2.MultiplyLow(ig, stepG) + Avx2.MultiplyLow(ib, stepB);
        var diagonalStep = Vector256.Create(diagonal);
        var vertices = (int*)scratch;
        c000.Store(vertices);
        (c000 + toMax).Store(vertices + 8);              // one step, along the largest fraction
        (c000 + diagonalStep - toMin).Store(vertices + 16); // two steps, all but the smallest
        (c000 + diagonalStep).Store(vertices + 24);
        var weights = scratch + 32;
        (Vector256<float>.One - max).Store(weights);
        (max - mid).Store(weights + 8);
        (mid - min).Store(weights + 16);
        min.Store(weights + 24);

        // Lane j's RGBx sum goes to quad ((j & 3) << 1) | (j >> 2), so that the transpose below returns lanes in order.
        var sums = scratch + 64;
        for (var j = 0; j < 8; j++)
        {
            var v = Vector128.Create(weights[24 + j]) * Vector128.Load(t + vertices[24 + j]);
            v = Fma.MultiplyAdd(Vector128.Create(weights[16 + j]), Vector128.Load(t + vertices[16 + j]), v);
            v = Fma.MultiplyAdd(Vector128.Create(weights[8 + j]), Vector128.Load(t + vertices[8 + j]), v);
            v = Fma.MultiplyAdd(Vector128.Create(weights[j]), Vector128.Load(t + vertices[j]), v);
            v.Store(sums + 4 * (((j & 3) << 1) | (j >> 2)));
        }
        var q01 = Avx.LoadVector256(sums);
        var q23 = Avx.LoadVector256(sums + 8);
        var q45 = Avx.LoadVector256(sums + 16);
        var q67 = Avx.LoadVector256(sums + 24);
        var rg0 = Avx.UnpackLow(q01, q23);
        var rg1 = Avx.UnpackLow(q45, q67);
        r = Avx.Shuffle(rg0, rg1, 0b01_00_01_00);
        g = Avx.Shuffle(rg0, rg1, 0b11_10_11_10);
        b = Avx.Shuffle(Avx.UnpackHigh(q01, q23), Avx.UnpackHigh(q45, q67), 0b01_00_01_00);
    }
}
