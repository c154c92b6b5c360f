using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Burnish.Imaging;

namespace Burnish.Metrics;

/// <summary>
/// Flat square erosion (local minimum) and dilation (local maximum) of a float plane, edges replicated: separable,
/// Vector256 over x, parallel over rows. libvips' rank filter does the same but selects within every window, which
/// costs far more per sample on float planes than these O(radius) passes.
/// </summary>
public static class MinMaxFilter
{
    /// <summary>The local min (or max) over the (2·<paramref name="radius"/>+1)² square around each sample.</summary>
    public static float[] Apply(float[] plane, int width, int height, int radius, bool max, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(radius, 1);
        if (plane.LongLength != (long)width * height) throw new ArgumentException($"the plane must hold {width}×{height} samples", nameof(plane));
        var stride = Neighbourhood.Stride(width);
        var lanes = Neighbourhood.Lanes;
        var rows = new float[(long)stride * height];
        var options = ImageThreads.Options(cancel);
        Parallel.For(0, height, options, () => new float[stride + 2 * radius], (y, _, padded) =>
        {
            Neighbourhood.Pad(plane, y, width, radius, padded);
            ref var src = ref MemoryMarshal.GetArrayDataReference(padded);
            ref var dst = ref MemoryMarshal.GetArrayDataReference(rows);
            var offset = (nuint)((long)y * stride);
            for (var x = 0; x < stride; x += lanes)
            {
                var v = Vector256.LoadUnsafe(ref src, (nuint)x);
                for (var j = 1; j <= 2 * radius; j++)
                {
                    var next = Vector256.LoadUnsafe(ref src, (nuint)(x + j));
                    v = max ? Vector256.Max(v, next) : Vector256.Min(v, next);
                }
                v.StoreUnsafe(ref dst, offset + (nuint)x);
            }
            return padded;
        }, _ => { });

        var result = new float[plane.LongLength];
        Parallel.For(0, height, options, () => new float[stride], (y, _, line) =>
        {
            ref var src = ref MemoryMarshal.GetArrayDataReference(rows);
            ref var dst = ref MemoryMarshal.GetArrayDataReference(line);
            for (var x = 0; x < stride; x += lanes)
            {
                var v = Vector256.LoadUnsafe(ref src, (nuint)((long)Math.Max(y - radius, 0) * stride + x));
                for (var j = -radius + 1; j <= radius; j++)
                {
                    var next = Vector256.LoadUnsafe(ref src, (nuint)((long)Math.Clamp(y + j, 0, height - 1) * stride + x));
                    v = max ? Vector256.Max(v, next) : Vector256.Min(v, next);
                }
                v.StoreUnsafe(ref dst, (nuint)x);
            }
            line.AsSpan(0, width).CopyTo(result.AsSpan((int)((long)y * width), width));
            return line;
        }, _ => { });
        return result;
    }

    /// <summary>
    /// Opening then closing (an alternating sequential filter): bright and dark features narrower than the square
    /// are flattened to their surroundings, while monotone edges pass unchanged. What an edge would look like
    /// without a thin overshoot band along it.
    /// </summary>
    public static float[] OpenClose(float[] plane, int width, int height, int radius, CancellationToken cancel = default)
    {
        var opened = Apply(Apply(plane, width, height, radius, max: false, cancel), width, height, radius, max: true, cancel);
        return Apply(Apply(opened, width, height, radius, max: true, cancel), width, height, radius, max: false, cancel);
    }
}
