using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Burnish.Imaging;

/// <summary>
/// The matrix/TRC half of an RGB ICC profile, as LittleCMS reads it: its three tone curves (sampled from LittleCMS's
/// own curve evaluation into fine tables) and its colorant matrix (to PCS XYZ, D50). A conversion between two such
/// profiles is then decode → 3×3 matrix → encode, the pipeline LittleCMS itself builds for them, without a pow per
/// sample. Values outside 0–1 fall back to LittleCMS's curves, so results stay unbounded. Immutable once read, so a
/// profile reads it once and its transforms share it (<see cref="ColourProfile.Shaper"/>); the curves are freed when
/// it is collected.
/// </summary>
internal sealed class MatrixShaper
{
    // Decode tables are uniform in the encoded value; encode tables are uniform in the fourth root of the linear value,
    // which keeps steep pure-gamma starts accurate (x^(1/2.2) is smooth in x^(1/4)).
    private const int Size = 16384;

    private readonly float[][] decode;
    private readonly float[][] encode;
    private readonly nint[] curves, inverses;

    private MatrixShaper(float[][] decode, float[][] encode, nint[] curves, nint[] inverses, double[] toXyz)
    {
        this.decode = decode;
        this.encode = encode;
        this.curves = curves;
        this.inverses = inverses;
        ToXyz = toXyz;
    }

    /// <summary>Row-major RGB→XYZ (D50 PCS, white Y = 1).</summary>
    public double[] ToXyz { get; }

    /// <summary>All three curves are the identity (a linear-light profile): decoding and encoding can be skipped.</summary>
    public bool IsLinear { get; private init; }

    /// <summary>The profile's matrix/TRC model, or null when LittleCMS would use something else (LUT tags, grey).</summary>
    public static unsafe MatrixShaper? TryRead(byte[] icc)
    {
        var profile = cmsOpenProfileFromMem(icc, (uint)icc.Length);
        if (profile == 0) return null;
        try
        {
            if (cmsGetColorSpace(profile) != RgbSpace || !cmsIsMatrixShaper(profile)) return null;
            foreach (var lut in LutTags)
                if (cmsIsTag(profile, lut)) return null;
            var matrix = new double[9];
            var curves = new nint[3];
            var inverses = new nint[3];
            var decode = new float[3][];
            var encode = new float[3][];
            for (var c = 0; c < 3; c++)
            {
                var xyz = (double*)cmsReadTag(profile, ColorantTags[c]);
                var trc = cmsReadTag(profile, TrcTags[c]);
                if (xyz == null || trc == 0)
                {
                    for (var k = 0; k < c; k++) { cmsFreeToneCurve(curves[k]); cmsFreeToneCurve(inverses[k]); }
                    return null;
                }
                matrix[c] = xyz[0];
                matrix[3 + c] = xyz[1];
                matrix[6 + c] = xyz[2];
                curves[c] = cmsDupToneCurve(trc);
                inverses[c] = cmsReverseToneCurve(trc);
                decode[c] = new float[Size + 1];
                encode[c] = new float[Size + 1];
                for (var i = 0; i <= Size; i++)
                {
                    var u = (float)i / Size;
                    decode[c][i] = cmsEvalToneCurveFloat(curves[c], u);
                    encode[c][i] = cmsEvalToneCurveFloat(inverses[c], u * u * u * u);
                }
            }
            var linear = decode.All(t => t.Select((v, i) => Math.Abs(v - (double)i / Size)).Max() < 1e-7);
            return new MatrixShaper(decode, encode, curves, inverses, matrix) { IsLinear = linear };
        }
        finally
        {
            cmsCloseProfile(profile);
        }
    }

    public float Decode(int channel, float v)
    {
        if (!(v >= 0 && v <= 1)) return cmsEvalToneCurveFloat(curves[channel], v);
        return Lerp(decode[channel], v);
    }

    public float Encode(int channel, float linear)
    {
        if (!(linear >= 0 && linear <= 1)) return cmsEvalToneCurveFloat(inverses[channel], linear);
        return Lerp(encode[channel], MathF.Sqrt(MathF.Sqrt(linear)));
    }

    /// <summary><see cref="Decode"/> over a plane of one channel, in place, eight samples at a time; the same bits.</summary>
    public void DecodePlane(int channel, Span<float> values) => Lookup(decode[channel], curves[channel], values, fourthRoot: false);

    /// <summary><see cref="Encode"/> over a plane of one channel, in place, eight samples at a time; the same bits.</summary>
    public void EncodePlane(int channel, Span<float> values) => Lookup(encode[channel], inverses[channel], values, fourthRoot: true);

    // The vector twin of Decode/Encode: the same float operations in the same order (no fused multiply-add), so every
    // sample gets the bits the scalar path gives; samples outside 0–1 (or NaN) still go to LittleCMS's curve.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called per block: tier-0 code would cost a first image dearly
    private static unsafe void Lookup(float[] table, nint curve, Span<float> values, bool fourthRoot)
    {
        var i = 0;
        if (Avx2.IsSupported)
        {
            fixed (float* t = table)
            fixed (float* v = values)
            {
                var size = Vector256.Create((float)Size);
                var last = Vector256.Create(Size - 1);
                var one = Vector256.Create(1f);
                for (; i + 8 <= values.Length; i += 8)
                {
                    var x = Avx.LoadVector256(v + i);
                    var inRange = Avx.And(Avx.CompareGreaterThanOrEqual(x, Vector256<float>.Zero), Avx.CompareLessThanOrEqual(x, one));
                    var u = Avx.And(x, inRange);
                    if (fourthRoot) u = Avx.Sqrt(Avx.Sqrt(u));
                    var f = Avx.Multiply(u, size);
                    var index = Avx2.Min(Avx.ConvertToVector256Int32WithTruncation(f), last);
                    var a = Avx2.GatherVector256(t, index, 4);
                    var b = Avx2.GatherVector256(t + 1, index, 4);
                    var r = Avx.Add(a, Avx.Multiply(Avx.Subtract(b, a), Avx.Subtract(f, Avx.ConvertToVector256Single(index))));
                    Avx.Store(v + i, r);
                    var outside = ~(uint)Avx.MoveMask(inRange) & 0xFF;
                    while (outside != 0)
                    {
                        var k = BitOperations.TrailingZeroCount(outside);
                        v[i + k] = cmsEvalToneCurveFloat(curve, x.GetElement(k));
                        outside &= outside - 1;
                    }
                }
            }
        }
        for (; i < values.Length; i++)
        {
            var x = values[i];
            values[i] = !(x >= 0 && x <= 1) ? cmsEvalToneCurveFloat(curve, x) : Lerp(table, fourthRoot ? MathF.Sqrt(MathF.Sqrt(x)) : x);
        }
    }

    private static float Lerp(float[] table, float u)
    {
        var f = u * Size;
        var i = Math.Min((int)f, Size - 1);
        return table[i] + (table[i + 1] - table[i]) * (f - i);
    }

    ~MatrixShaper()
    {
        foreach (var c in curves) cmsFreeToneCurve(c);
        foreach (var c in inverses) cmsFreeToneCurve(c);
    }

    private const uint RgbSpace = 0x52474220; // 'RGB '
    private static readonly uint[] ColorantTags = [0x7258595A, 0x6758595A, 0x6258595A]; // rXYZ gXYZ bXYZ
    private static readonly uint[] TrcTags = [0x72545243, 0x67545243, 0x62545243];       // rTRC gTRC bTRC
    private static readonly uint[] LutTags = [0x41324230, 0x41324231, 0x41324232, 0x42324130, 0x42324131, 0x42324132]; // A2B0-2, B2A0-2

    private const string Lib = "liblcms2.so.2";
    [DllImport(Lib)] private static extern nint cmsOpenProfileFromMem(byte[] mem, uint size);
    [DllImport(Lib)] private static extern int cmsCloseProfile(nint profile);
    [DllImport(Lib)] private static extern uint cmsGetColorSpace(nint profile);
    [DllImport(Lib)] [return: MarshalAs(UnmanagedType.Bool)] private static extern bool cmsIsMatrixShaper(nint profile);
    [DllImport(Lib)] [return: MarshalAs(UnmanagedType.Bool)] private static extern bool cmsIsTag(nint profile, uint sig);
    [DllImport(Lib)] private static extern nint cmsReadTag(nint profile, uint sig);
    [DllImport(Lib)] private static extern nint cmsDupToneCurve(nint curve);
    [DllImport(Lib)] private static extern nint cmsReverseToneCurve(nint curve);
    [DllImport(Lib)] private static extern float cmsEvalToneCurveFloat(nint curve, float v);
    [DllImport(Lib)] private static extern void cmsFreeToneCurve(nint curve);
}
