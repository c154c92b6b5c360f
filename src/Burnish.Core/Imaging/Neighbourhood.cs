using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Burnish.Imaging;

/// <summary>
/// Row helpers shared by the hand-written neighbourhood kernels (unsharp mask, halo meter, halo clamp, min/max
/// filters): edge-replicated padding and the
/// horizontal half of a separable min/max. Rows are handled in whole Vector256 widths: callers size their scratch
/// rows to the width rounded up to 8, so no loop has a scalar tail.
/// </summary>
internal static class Neighbourhood
{
    public static int Lanes => Vector256<float>.Count;

    /// <summary>The width rounded up to whole vectors.</summary>
    public static int Stride(int width) => (width + Lanes - 1) / Lanes * Lanes;

    /// <summary>Row <paramref name="y"/> of <paramref name="plane"/> into <paramref name="padded"/> with <paramref name="halo"/> copies of the edge samples each side (and to the end of the buffer).</summary>
    public static void Pad(float[] plane, int y, int width, int halo, float[] padded)
    {
        var row = plane.AsSpan(y * width, width);
        padded.AsSpan(0, halo).Fill(row[0]);
        row.CopyTo(padded.AsSpan(halo));
        padded.AsSpan(halo + width).Fill(row[width - 1]);
    }

    /// <summary>
    /// Min over ±<paramref name="window"/> of <paramref name="forMin"/> and max of <paramref name="forMax"/> (padded rows
    /// with <paramref name="halo"/> ≥ window), for <paramref name="stride"/> samples, into rows at <paramref name="offset"/>.
    /// </summary>
    public static void HorizontalRange(float[] forMin, float[] forMax, int halo, int window, int stride, float[] min, float[] max, int offset)
    {
        ref var a = ref MemoryMarshal.GetArrayDataReference(forMin);
        ref var b = ref MemoryMarshal.GetArrayDataReference(forMax);
        ref var mnr = ref MemoryMarshal.GetArrayDataReference(min);
        ref var mxr = ref MemoryMarshal.GetArrayDataReference(max);
        for (var x = 0; x < stride; x += Lanes)
        {
            var first = (nuint)(x + halo - window);
            var mn = Vector256.LoadUnsafe(ref a, first);
            var mx = Vector256.LoadUnsafe(ref b, first);
            for (var j = 1; j <= 2 * window; j++)
            {
                mn = Vector256.Min(mn, Vector256.LoadUnsafe(ref a, first + (nuint)j));
                mx = Vector256.Max(mx, Vector256.LoadUnsafe(ref b, first + (nuint)j));
            }
            mn.StoreUnsafe(ref mnr, (nuint)(offset + x));
            mx.StoreUnsafe(ref mxr, (nuint)(offset + x));
        }
    }

    /// <summary>Min and max down ±<paramref name="window"/> rows of the horizontal results, at sample <paramref name="at"/>.</summary>
    public static (Vector256<float> Min, Vector256<float> Max) VerticalRange(float[] min, float[] max, int stride, int window, nuint at)
    {
        ref var mnr = ref MemoryMarshal.GetArrayDataReference(min);
        ref var mxr = ref MemoryMarshal.GetArrayDataReference(max);
        var first = at - (nuint)(stride * window);
        var mn = Vector256.LoadUnsafe(ref mnr, first);
        var mx = Vector256.LoadUnsafe(ref mxr, first);
        for (var j = 1; j <= 2 * window; j++)
        {
            var row = first + (nuint)(stride * j);
            mn = Vector256.Min(mn, Vector256.LoadUnsafe(ref mnr, row));
            mx = Vector256.Max(mx, Vector256.LoadUnsafe(ref mxr, row));
        }
        return (mn, mx);
    }

    /// <summary>Transparent samples (alpha 0) drop out of a min/max: +∞ for the min, −∞ for the max.</summary>
    public static void MaskTransparent(float[] padded, float[] paddedAlpha, int length, float[] forMin, float[] forMax)
    {
        for (var x = 0; x < length; x++)
        {
            var opaque = paddedAlpha[x] > 0;
            forMin[x] = opaque ? padded[x] : float.PositiveInfinity;
            forMax[x] = opaque ? padded[x] : float.NegativeInfinity;
        }
    }
}
