using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Burnish.Imaging;

/// <summary>
/// CIE 1976 L*a*b* ⇄ XYZ relative to the D50 PCS white (0.9642, 1, 0.8249), as LittleCMS computes it (cmsXYZ2Lab,
/// cmsLab2XYZ): f(t) = ∛t above (24/116)³ and (841/108)·t + 16/116 below, unbounded. Running it here on the XYZ
/// that the matrix/TRC shortcut produces makes RGB⇄Lab as cheap as RGB⇄XYZ: LittleCMS's own float Lab transform
/// evaluates every curve per sample. Interleaved triples, in place; the cube root is Vector256 (Newton from a
/// bit-level first guess), everything parallel over chunks.
/// </summary>
internal static class CieLab
{
    private const float WhiteX = 0.9642f, WhiteY = 1.0f, WhiteZ = 0.8249f;
    private const float Limit = 24f / 116 * (24f / 116) * (24f / 116);
    private const float Slope = 841f / 108, Offset = 16f / 116;
    private const int Chunk = 3 * 8 * 4096; // whole triples and whole 24-sample vector groups

    /// <summary>XYZ (white Y = 1) → L*a*b*, in place.</summary>
    public static void FromXyz(float[] samples, CancellationToken cancel = default) =>
        Chunks(samples, cancel, (start, end) => FromXyzRange(samples, start, end));

    /// <summary>Samples per parallel chunk of <see cref="FromXyz"/> and <see cref="ToXyz"/>: whole triples and whole vector groups.</summary>
    public const int ChunkSamples = Chunk;

    /// <summary>
    /// <see cref="FromXyz"/> over samples [<paramref name="start"/>, <paramref name="end"/>) on this thread. Vector
    /// groups count from <paramref name="start"/> and a scalar tail ends the range, so a range that starts where one
    /// of <see cref="FromXyz"/>'s chunks starts gives the same bits.
    /// </summary>
    public static void FromXyzRange(float[] samples, int start, int end)
    {
        ForwardCurve(samples, start, end);
        for (var i = start; i < end; i += 3)
        {
            float fx = samples[i], fy = samples[i + 1], fz = samples[i + 2];
            samples[i] = 116 * fy - 16;
            samples[i + 1] = 500 * (fx - fy);
            samples[i + 2] = 200 * (fy - fz);
        }
    }

    /// <summary><see cref="ToXyz"/> over samples [<paramref name="start"/>, <paramref name="end"/>) on this thread (see <see cref="FromXyzRange"/>).</summary>
    public static void ToXyzRange(float[] samples, int start, int end)
    {
        for (var i = start; i < end; i += 3)
        {
            var fy = (samples[i] + 16) / 116;
            var fx = fy + samples[i + 1] / 500;
            var fz = fy - samples[i + 2] / 200;
            samples[i] = fx;
            samples[i + 1] = fy;
            samples[i + 2] = fz;
        }
        InverseCurve(samples, start, end);
    }

    /// <summary>
    /// <see cref="FromXyzRange"/> with every sample on the vector path, the last partial group through a padded copy,
    /// so a pixel's bits do not depend on where the range starts or ends (bands of an image agree with the whole).
    /// </summary>
    public static void FromXyzVector(float[] samples, int start, int end) => Vectorised(samples, start, end, FromXyzRange);

    /// <summary><see cref="ToXyzRange"/> with every sample on the vector path (see <see cref="FromXyzVector"/>).</summary>
    public static void ToXyzVector(float[] samples, int start, int end) => Vectorised(samples, start, end, ToXyzRange);

    private static void Vectorised(float[] samples, int start, int end, Action<float[], int, int> range)
    {
        if ((end - start) % 3 != 0) throw new ArgumentException("samples must be whole triples");
        var whole = start + (end - start) / 24 * 24;
        range(samples, start, whole);
        if (whole == end) return;
        var tail = new float[24]; // zeros beyond the samples: harmless through both curves
        samples.AsSpan(whole, end - whole).CopyTo(tail);
        range(tail, 0, 24);
        tail.AsSpan(0, end - whole).CopyTo(samples.AsSpan(whole));
    }

    /// <summary>L*a*b* → XYZ (white Y = 1), in place.</summary>
    public static void ToXyz(float[] samples, CancellationToken cancel = default) =>
        Chunks(samples, cancel, (start, end) => ToXyzRange(samples, start, end));

    // t/white → f: the white scale repeats every 3 samples, so every 24 samples (three vectors) the pattern repeats.
    private static void ForwardCurve(float[] samples, int start, int end)
    {
        var inverse = Pattern(1 / WhiteX, 1 / WhiteY, 1 / WhiteZ);
        ref var s = ref MemoryMarshal.GetArrayDataReference(samples);
        var limit = Vector256.Create(Limit);
        var i = start;
        for (; i + 24 <= end; i += 24)
            for (var v = 0; v < 3; v++)
            {
                var at = (nuint)(i + 8 * v);
                var t = Vector256.LoadUnsafe(ref s, at) * inverse[v];
                var linear = t * Vector256.Create(Slope) + Vector256.Create(Offset);
                Vector256.ConditionalSelect(Vector256.GreaterThan(t, limit), Cbrt(Vector256.Max(t, limit)), linear).StoreUnsafe(ref s, at);
            }
        for (; i < end; i++)
        {
            var t = samples[i] / ((i % 3) switch { 0 => WhiteX, 1 => WhiteY, _ => WhiteZ });
            samples[i] = t > Limit ? MathF.Cbrt(t) : Slope * t + Offset;
        }
    }

    private static void InverseCurve(float[] samples, int start, int end)
    {
        var white = Pattern(WhiteX, WhiteY, WhiteZ);
        ref var s = ref MemoryMarshal.GetArrayDataReference(samples);
        var knee = Vector256.Create(24f / 116);
        var i = start;
        for (; i + 24 <= end; i += 24)
            for (var v = 0; v < 3; v++)
            {
                var at = (nuint)(i + 8 * v);
                var f = Vector256.LoadUnsafe(ref s, at);
                var t = Vector256.ConditionalSelect(Vector256.GreaterThan(f, knee), f * f * f, (f - Vector256.Create(Offset)) * Vector256.Create(1 / Slope));
                (t * white[v]).StoreUnsafe(ref s, at);
            }
        for (; i < end; i++)
        {
            var f = samples[i];
            samples[i] = (f > 24f / 116 ? f * f * f : (f - Offset) / Slope) * ((i % 3) switch { 0 => WhiteX, 1 => WhiteY, _ => WhiteZ });
        }
    }

    // The three vectors of a period-3 pattern starting at a multiple of 3.
    private static Vector256<float>[] Pattern(float x, float y, float z)
    {
        var p = new float[24];
        for (var i = 0; i < 24; i++) p[i] = (i % 3) switch { 0 => x, 1 => y, _ => z };
        return [Vector256.Create(p.AsSpan(0, 8)), Vector256.Create(p.AsSpan(8, 8)), Vector256.Create(p.AsSpan(16, 8))];
    }

    // ∛t for t > 0: the exponent divided by 3 on the bit pattern (within ~3 %), then three Newton steps
    // y ← (2y + t/y²)/3, each squaring the relative error: float precision.
    private static Vector256<float> Cbrt(Vector256<float> t)
    {
        var y = (Vector256.ConvertToInt32(Vector256.ConvertToSingle(t.AsInt32()) * (1f / 3)) + Vector256.Create(709921077)).AsSingle();
        var third = Vector256.Create(1f / 3);
        for (var k = 0; k < 3; k++) y = (y + y + t / (y * y)) * third;
        return y;
    }

    private static void Chunks(float[] samples, CancellationToken cancel, Action<int, int> body)
    {
        if (samples.Length % 3 != 0) throw new ArgumentException("samples must be whole triples", nameof(samples));
        var chunks = (samples.Length + Chunk - 1) / Chunk;
        Parallel.For(0, chunks, ImageThreads.Options(cancel), c => body(c * Chunk, Math.Min(samples.Length, (c + 1) * Chunk)));
    }
}
