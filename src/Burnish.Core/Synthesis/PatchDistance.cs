using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Burnish.Synthesis;

/// <summary>
/// Sum of squared differences between two square patches of a 4-lane image. A patch row of an odd size P is 4P floats:
/// whole 256-bit vectors and one 128-bit tail. Stops as soon as the sum passes <c>limit</c> (a candidate that is already
/// worse than the best so far needs no exact distance).
/// </summary>
internal static class PatchDistance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Ssd(float[] px, int width, int size, int a, int b, float limit)
    {
        ref var origin = ref MemoryMarshal.GetArrayDataReference(px);
        var rowFloats = size * 4;
        var wide = rowFloats / 8;
        var stride = (nuint)(width * 4);
        var oa = (nuint)(a * 4);
        var ob = (nuint)(b * 4);
        float sum = 0;
        for (var row = 0; row < size; row++)
        {
            var acc = Vector256<float>.Zero;
            nuint k = 0;
            for (var v = 0; v < wide; v++, k += 8)
            {
                var d = Vector256.LoadUnsafe(ref origin, oa + k) - Vector256.LoadUnsafe(ref origin, ob + k);
                acc = Vector256.MultiplyAddEstimate(d, d, acc);
            }
            var t = Vector128.LoadUnsafe(ref origin, oa + k) - Vector128.LoadUnsafe(ref origin, ob + k);
            sum += Vector256.Sum(acc) + Vector128.Sum(t * t);
            if (sum >= limit) return sum;
            oa += stride;
            ob += stride;
        }
        return sum;
    }

    /// <summary>
    /// As <see cref="Ssd"/>, with every squared difference weighted by the target pixel's confidence (<paramref name="weights"/>,
    /// one value per lane, laid out as the image).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static float WeightedSsd(float[] px, float[] weights, int width, int size, int a, int b, float limit)
    {
        ref var origin = ref MemoryMarshal.GetArrayDataReference(px);
        ref var wo = ref MemoryMarshal.GetArrayDataReference(weights);
        var wide = size * 4 / 8;
        var stride = (nuint)(width * 4);
        var oa = (nuint)(a * 4);
        var ob = (nuint)(b * 4);
        float sum = 0;
        for (var row = 0; row < size; row++)
        {
            var acc = Vector256<float>.Zero;
            nuint k = 0;
            for (var v = 0; v < wide; v++, k += 8)
            {
                var d = Vector256.LoadUnsafe(ref origin, oa + k) - Vector256.LoadUnsafe(ref origin, ob + k);
                acc = Vector256.MultiplyAddEstimate(d * Vector256.LoadUnsafe(ref wo, oa + k), d, acc);
            }
            var t = Vector128.LoadUnsafe(ref origin, oa + k) - Vector128.LoadUnsafe(ref origin, ob + k);
            sum += Vector256.Sum(acc) + Vector128.Sum(t * t * Vector128.LoadUnsafe(ref wo, oa + k));
            if (sum >= limit) return sum;
            oa += stride;
            ob += stride;
        }
        return sum;
    }

    /// <summary>The same sum written plainly: the reference the vector code is tested against.</summary>
    public static float SsdScalar(float[] px, int width, int size, int a, int b)
    {
        double sum = 0;
        for (var row = 0; row < size; row++)
            for (var k = 0; k < size * 4; k++)
            {
                double d = px[(a + row * width) * 4 + k] - px[(b + row * width) * 4 + k];
                sum += d * d;
            }
        return (float)sum;
    }

    /// <summary><see cref="WeightedSsd"/> written plainly.</summary>
    public static float WeightedSsdScalar(float[] px, float[] weights, int width, int size, int a, int b)
    {
        double sum = 0;
        for (var row = 0; row < size; row++)
            for (var k = 0; k < size * 4; k++)
            {
                var i = (a + row * width) * 4 + k;
                double d = px[i] - px[(b + row * width) * 4 + k];
                sum += weights[i] * d * d;
            }
        return (float)sum;
    }
}
