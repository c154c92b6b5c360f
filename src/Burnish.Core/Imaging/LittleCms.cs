using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetVips;

namespace Burnish.Imaging;

/// <summary>
/// Float colour transforms through LittleCMS 2 (liblcms2), called directly: libvips' icc_transform lets LittleCMS
/// optimise 16-bit transforms into grid tables, which costs up to ~450/65535 on a round trip. Here transforms are
/// float in, float out, unoptimised and unbounded, the same pipeline as transicc -c0 that made the goldens.
/// </summary>
public sealed class LittleCms : IDisposable
{
    private const string Lib = "liblcms2.so.2";
    private const uint RelativeColorimetric = 1;
    private const uint NoOptimise = 0x0100, NoCache = 0x0040;

    /// <summary>LittleCMS pixel formats (lcms2.h TYPE_*_FLT): float samples, interleaved.</summary>
    public enum PixelFormat : uint
    {
        GreyFloat = (1 << 22) | (3 << 16) | (1 << 3) | 4,
        RgbFloat = (1 << 22) | (4 << 16) | (3 << 3) | 4,
        XyzFloat = (1 << 22) | (9 << 16) | (3 << 3) | 4,
        LabFloat = (1 << 22) | (10 << 16) | (3 << 3) | 4,
    }

    private readonly nint transform;
    private readonly int inBands, outBands;
    // The matrix/TRC shortcut: decode → one 3×3 matrix → encode, when both sides allow it (see MatrixShaper). The
    // profiles hold them, so every transform made from one profile shares its sampled curves.
    private readonly MatrixShaper? decoder, encoder;
    private readonly double[]? matrix;

    private LittleCms(nint transform, int inBands, int outBands) => (this.transform, this.inBands, this.outBands) = (transform, inBands, outBands);

    private LittleCms(MatrixShaper? decoder, MatrixShaper? encoder, Matrix3 matrix)
    {
        (this.decoder, this.encoder, inBands, outBands) = (decoder, encoder, 3, 3);
        this.matrix = [matrix.M00, matrix.M01, matrix.M02, matrix.M10, matrix.M11, matrix.M12, matrix.M20, matrix.M21, matrix.M22];
    }

    /// <summary>A transform between two profiles; <c>null</c> for a PCS side means XYZ or Lab (D50), per the format.</summary>
    public static LittleCms Create(ColourProfile? from, PixelFormat inFormat, ColourProfile? to, PixelFormat outFormat)
    {
        var made = Build(from, inFormat, to, outFormat);
        made.recipe = (from, inFormat, to, outFormat);
        return made;
    }

    // What the transform was made from, so a lazy image can own a transform of its own (see Apply).
    private (ColourProfile? From, PixelFormat In, ColourProfile? To, PixelFormat Out) recipe;

    private static LittleCms Build(ColourProfile? from, PixelFormat inFormat, ColourProfile? to, PixelFormat outFormat)
    {
        if (Shortcut(from, inFormat, to, outFormat) is { } fast) return fast;
        var input = Open(from?.Icc, inFormat);
        var output = Open(to?.Icc, outFormat);
        try
        {
            var t = cmsCreateTransform(input, (uint)inFormat, output, (uint)outFormat, RelativeColorimetric, NoCache);
            if (t == 0) throw new BurnishException("LittleCMS could not build a transform between these profiles");
            return new LittleCms(t, Bands(inFormat), Bands(outFormat));
        }
        finally
        {
            cmsCloseProfile(input);
            cmsCloseProfile(output);
        }
    }

    // Matrix/TRC RGB or PCS XYZ on both sides: the same pipeline LittleCMS would run, with its curves pre-sampled.
    private static LittleCms? Shortcut(ColourProfile? from, PixelFormat inFormat, ColourProfile? to, PixelFormat outFormat)
    {
        static bool Eligible(ColourProfile? profile, PixelFormat f) => profile is null ? f == PixelFormat.XyzFloat : f == PixelFormat.RgbFloat;
        if (!Eligible(from, inFormat) || !Eligible(to, outFormat)) return null;
        var decoder = from?.Shaper;
        if (from is not null && decoder is null) return null;
        var encoder = to?.Shaper;
        if (to is not null && encoder is null) return null;
        var toPcs = decoder is null ? Matrix3.Identity : Matrix(decoder.ToXyz);
        var fromPcs = encoder is null ? Matrix3.Identity : Matrix(encoder.ToXyz).Inverse();
        return new LittleCms(decoder is { IsLinear: true } ? null : decoder, encoder is { IsLinear: true } ? null : encoder, fromPcs * toPcs);
    }

    private static Matrix3 Matrix(double[] m) => new(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]);

    /// <summary>True when LittleCMS can build a transform from the profile to XYZ: it opens and its tags read.</summary>
    public static bool CanTransform(ColourProfile profile, PixelFormat format)
    {
        try
        {
            Create(profile, format, null, PixelFormat.XyzFloat).Dispose();
            return true;
        }
        catch (BurnishException)
        {
            return false;
        }
    }

    /// <summary>
    /// The transform of a float image, lazily: a <see cref="Strips"/> image that converts each band of rows when
    /// libvips asks for it, so no full-size copy is made. The image owns a transform of its own (released by the
    /// finalizer once the image is gone), so this one may be disposed at once.
    /// </summary>
    public Image Apply(Image image)
    {
        if (image.Bands != inBands) throw new ArgumentException($"expected {inBands} bands, got {image.Bands}", nameof(image));
        var owned = Create(recipe.From, recipe.In, recipe.To, recipe.Out);
        return Strips.Map(image, outBands, owned.Transform);
    }

    /// <summary>Converts <paramref name="pixels"/> pixels from <paramref name="input"/> into <paramref name="output"/> (which may be the same memory).</summary>
    public unsafe void Transform(ReadOnlySpan<float> input, Span<float> output, int pixels)
    {
        if (matrix is not null)
        {
            Shortcut(input[..(pixels * 3)], output);
            return;
        }
        fixed (float* src = input)
        fixed (float* dst = output)
            cmsDoTransform(transform, src, dst, (uint)pixels);
    }

    /// <summary>The same, into interleaved float samples in managed memory (no libvips copy).</summary>
    public unsafe float[] ApplySamples(Image image)
    {
        if (image.Bands != inBands) throw new ArgumentException($"expected {inBands} bands, got {image.Bands}", nameof(image));
        var source = image.Cast(Enums.BandFormat.Float);
        int w = image.Width, h = image.Height;
        var output = GC.AllocateUninitializedArray<float>(checked((int)((long)w * h * outBands))); // every sample is written below
        const int StripRows = 128;
        var strips = (h + StripRows - 1) / StripRows;
        // As many strips at once as libvips has threads per image: a host running several images at once lowers both.
        Parallel.For(0, strips, ImageThreads.Options(), s =>
        {
            var y = s * StripRows;
            var rows = Math.Min(StripRows, h - y);
            Strips.WithScratch(w * rows * inBands, scratch =>
            {
                var strip = scratch.AsSpan(0, w * rows * inBands);
                Strips.ReadRows(source, y, rows, strip);
                if (matrix is not null)
                {
                    Shortcut(strip, output.AsSpan((int)((long)y * w * outBands), strip.Length));
                    return;
                }
                fixed (float* src = strip)
                fixed (float* dst = &output[(long)y * w * outBands])
                    cmsDoTransform(transform, src, dst, (uint)(w * rows));
            });
        });
        return output;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called per band: skip tier-0 code
    private void Shortcut(ReadOnlySpan<float> source, Span<float> target)
    {
        // Planes of a block of pixels, so the curves and the matrix run eight samples at a time (MatrixShaper.Lookup
        // and Mix give the scalar path's bits); the block is read whole before it is written, so in place is safe.
        const int Block = 256;
        Span<float> planes = stackalloc float[3 * Block];
        Span<float> r = planes[..Block], g = planes[Block..(2 * Block)], b = planes[(2 * Block)..];
        for (var start = 0; start < source.Length; start += 3 * Block)
        {
            var n = Math.Min(Block, (source.Length - start) / 3);
            var block = source.Slice(start, 3 * n);
            for (var p = 0; p < n; p++)
                (r[p], g[p], b[p]) = (block[3 * p], block[3 * p + 1], block[3 * p + 2]);
            if (decoder is not null)
            {
                decoder.DecodePlane(0, r[..n]);
                decoder.DecodePlane(1, g[..n]);
                decoder.DecodePlane(2, b[..n]);
            }
            Mix(r[..n], g[..n], b[..n]);
            if (encoder is not null)
            {
                encoder.EncodePlane(0, r[..n]);
                encoder.EncodePlane(1, g[..n]);
                encoder.EncodePlane(2, b[..n]);
            }
            var output = target.Slice(start, 3 * n);
            for (var p = 0; p < n; p++)
                (output[3 * p], output[3 * p + 1], output[3 * p + 2]) = (r[p], g[p], b[p]);
        }
    }

    // The 3×3 matrix in double, in place over three planes: (m0·r + m1·g) + m2·b, as the scalar expression rounds it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Mix(Span<float> r, Span<float> g, Span<float> b)
    {
        var m = matrix!;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (m0, m1, m2) = (Vector256.Create(m[0]), Vector256.Create(m[1]), Vector256.Create(m[2]));
            var (m3, m4, m5) = (Vector256.Create(m[3]), Vector256.Create(m[4]), Vector256.Create(m[5]));
            var (m6, m7, m8) = (Vector256.Create(m[6]), Vector256.Create(m[7]), Vector256.Create(m[8]));
            for (; i + 8 <= r.Length; i += 8)
            {
                var vr = Vector256.Create<float>(r[i..]);
                var vg = Vector256.Create<float>(g[i..]);
                var vb = Vector256.Create<float>(b[i..]);
                var (rl, ru) = Vector256.Widen(vr);
                var (gl, gu) = Vector256.Widen(vg);
                var (bl, bu) = Vector256.Widen(vb);
                Vector256.Narrow(m0 * rl + m1 * gl + m2 * bl, m0 * ru + m1 * gu + m2 * bu).CopyTo(r[i..]);
                Vector256.Narrow(m3 * rl + m4 * gl + m5 * bl, m3 * ru + m4 * gu + m5 * bu).CopyTo(g[i..]);
                Vector256.Narrow(m6 * rl + m7 * gl + m8 * bl, m6 * ru + m7 * gu + m8 * bu).CopyTo(b[i..]);
            }
        }
        for (; i < r.Length; i++)
        {
            float x = r[i], y = g[i], z = b[i];
            r[i] = (float)(m[0] * (double)x + m[1] * (double)y + m[2] * (double)z);
            g[i] = (float)(m[3] * (double)x + m[4] * (double)y + m[5] * (double)z);
            b[i] = (float)(m[6] * (double)x + m[7] * (double)y + m[8] * (double)z);
        }
    }

    /// <summary>Runs an RGB→RGB transform over an interleaved RGB buffer in place, parallel over rows.</summary>
    public unsafe void ApplyInPlace(PixelBuffer buffer, CancellationToken cancel = default)
    {
        if (inBands != 3 || outBands != 3 || buffer.Bands != 3) throw new ArgumentException("in-place transforms take 3-band RGB buffers", nameof(buffer));
        buffer.ForEachRowBlock((start, end) =>
        {
            var rows = buffer.Data.AsSpan(start * buffer.Stride, (end - start) * buffer.Stride);
            if (matrix is not null)
            {
                Shortcut(rows, rows);
                return;
            }
            fixed (float* p = rows)
                cmsDoTransform(transform, p, p, (uint)(rows.Length / 3));
        }, cancel);
    }

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    ~LittleCms() => Release();

    private int released;

    private void Release()
    {
        if (Interlocked.Exchange(ref released, 1) != 0) return;
        if (transform != 0) cmsDeleteTransform(transform);
    }

    private static nint Open(byte[]? icc, PixelFormat format)
    {
        var p = icc is not null ? cmsOpenProfileFromMem(icc, (uint)icc.Length)
            : format == PixelFormat.LabFloat ? cmsCreateLab4Profile(0) : cmsCreateXYZProfile();
        return p != 0 ? p : throw new BurnishException("LittleCMS cannot read this ICC profile");
    }

    private static int Bands(PixelFormat f) => f == PixelFormat.GreyFloat ? 1 : 3;

    [DllImport(Lib)] private static extern nint cmsOpenProfileFromMem(byte[] mem, uint size);
    [DllImport(Lib)] private static extern nint cmsCreateXYZProfile();
    [DllImport(Lib)] private static extern nint cmsCreateLab4Profile(nint whitePoint);
    [DllImport(Lib)] private static extern int cmsCloseProfile(nint profile);
    [DllImport(Lib)] private static extern nint cmsCreateTransform(nint input, uint inFormat, nint output, uint outFormat, uint intent, uint flags);
    [DllImport(Lib)] private static extern unsafe void cmsDoTransform(nint transform, void* input, void* output, uint count);
    [DllImport(Lib)] private static extern void cmsDeleteTransform(nint transform);
}
