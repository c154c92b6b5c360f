using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Burnish.Imaging;

namespace Burnish.Stages.Cleanup;

/// <summary>
/// Halo suppression on an L* plane: around strong edges of a reference (the classical upscale of the source), L*
/// beyond the reference's local min/max over a (2·window+1)² square is pulled back toward that range:
/// L′ = L − strength · gate · (L − clamp(L, min, max)). The gate is a smoothstep of the reference's local range from
/// half the edge floor to the floor, so flat areas and fine texture are never touched and the change fades in.
/// Vector256 over x, parallel over blocks of rows, per-worker scratch rows (none per pixel).
/// </summary>
public static class HaloClamp
{
    /// <summary>Full strength where the reference's local range of L* reaches this; none below half of it.</summary>
    public const double DefaultEdgeFloor = 10;

    private const int BlockRows = 32;

    /// <summary>Clamps <paramref name="lightness"/> into <paramref name="result"/> (row-major planes of equal size).</summary>
    public static void Apply(float[] lightness, float[] reference, float[] result, int width, int height, int window, double strength,
        double edgeFloor = DefaultEdgeFloor, CancellationToken cancel = default)
    {
        Check(lightness, reference, result, width, height, window, strength, edgeFloor);
        if (!Vector256.IsHardwareAccelerated)
        {
            ApplyScalar(lightness, reference, result, width, height, window, strength, edgeFloor, cancel);
            return;
        }
        var stride = Neighbourhood.Stride(width);
        var blocks = (height + BlockRows - 1) / BlockRows;
        Parallel.For(0, blocks, ImageThreads.Options(cancel), () => new Scratch(stride, window), (b, _, s) =>
        {
            Block(s, lightness, reference, result, width, height, window, (float)strength, (float)edgeFloor, b);
            return s;
        }, _ => { });
    }

    /// <summary>The same, one pixel at a time: the reference the vector path is tested against.</summary>
    public static void ApplyScalar(float[] lightness, float[] reference, float[] result, int width, int height, int window, double strength,
        double edgeFloor = DefaultEdgeFloor, CancellationToken cancel = default)
    {
        Check(lightness, reference, result, width, height, window, strength, edgeFloor);
        Parallel.For(0, height, ImageThreads.Options(cancel), y =>
        {
            for (var x = 0; x < width; x++)
            {
                float mn = float.PositiveInfinity, mx = float.NegativeInfinity;
                for (var dy = -window; dy <= window; dy++)
                    for (var dx = -window; dx <= window; dx++)
                    {
                        var v = reference[Math.Clamp(y + dy, 0, height - 1) * width + Math.Clamp(x + dx, 0, width - 1)];
                        mn = Math.Min(mn, v);
                        mx = Math.Max(mx, v);
                    }
                var i = y * width + x;
                result[i] = Combine(lightness[i], mn, mx, (float)strength, (float)edgeFloor);
            }
        });
    }

    private static float Combine(float l, float mn, float mx, float strength, float floor)
    {
        var half = floor / 2;
        var u = Math.Clamp((mx - mn - half) / half, 0f, 1f);
        var gate = u * u * (3 - 2 * u);
        var excess = l - Math.Min(Math.Max(l, mn), mx);
        return l - strength * gate * excess;
    }

    private static void Check(float[] lightness, float[] reference, float[] result, int width, int height, int window, double strength, double edgeFloor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var n = (long)width * height;
        if (lightness.LongLength != n || reference.LongLength != n || result.LongLength != n)
            throw new ArgumentException($"planes must hold {width}×{height} samples");
        if (strength is < 0 or > 1 || !(edgeFloor > 0))
            throw new ArgumentOutOfRangeException(nameof(strength), "strength must be 0–1 and the edge floor positive");
    }

    private sealed class Scratch(int stride, int window)
    {
        public float[] Padded { get; } = new float[stride + 2 * window];
        public float[] Min { get; } = new float[(BlockRows + 2 * window) * stride];
        public float[] Max { get; } = new float[(BlockRows + 2 * window) * stride];
        public float[] Centre { get; } = new float[stride];
        public float[] Output { get; } = new float[stride];
    }

    private static void Block(Scratch s, float[] lightness, float[] reference, float[] result, int w, int h, int k, float strength, float floor, int block)
    {
        var stride = Neighbourhood.Stride(w);
        int y0 = block * BlockRows, y1 = Math.Min(h, y0 + BlockRows), top = y0 - k;
        for (var i = 0; i < y1 - y0 + 2 * k; i++)
        {
            Neighbourhood.Pad(reference, Math.Clamp(top + i, 0, h - 1), w, k, s.Padded);
            Neighbourhood.HorizontalRange(s.Padded, s.Padded, k, k, stride, s.Min, s.Max, i * stride);
        }

        var half = Vector256.Create(floor / 2);
        var inverseHalf = Vector256.Create(2 / floor);
        var gain = Vector256.Create(strength);
        var three = Vector256.Create(3f);
        ref var centre = ref MemoryMarshal.GetArrayDataReference(s.Centre);
        ref var output = ref MemoryMarshal.GetArrayDataReference(s.Output);
        for (var y = y0; y < y1; y++)
        {
            lightness.AsSpan(y * w, w).CopyTo(s.Centre);
            var row = (y - top) * stride;
            for (var x = 0; x < stride; x += Neighbourhood.Lanes)
            {
                var (mn, mx) = Neighbourhood.VerticalRange(s.Min, s.Max, stride, k, (nuint)(row + x));
                var l = Vector256.LoadUnsafe(ref centre, (nuint)x);
                var u = Vector256.Min(Vector256.Max((mx - mn - half) * inverseHalf, Vector256<float>.Zero), Vector256<float>.One);
                var gate = u * u * (three - (u + u));
                var excess = l - Vector256.Min(Vector256.Max(l, mn), mx);
                (l - gain * gate * excess).StoreUnsafe(ref output, (nuint)x);
            }
            s.Output.AsSpan(0, w).CopyTo(result.AsSpan(y * w, w));
        }
    }
}
