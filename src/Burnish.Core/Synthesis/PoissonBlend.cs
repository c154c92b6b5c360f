using System.Runtime.Intrinsics;

namespace Burnish.Synthesis;

/// <summary>
/// Gradient-domain blending of a fill into its surroundings (P. Pérez, M. Gangnet, A. Blake, "Poisson image editing",
/// SIGGRAPH 2003), on a narrow band just inside the hole's edge. With the fill F as the guidance field, the result
/// f = F + δ keeps F's gradients and meets the known image I at the edge: δ is harmonic on the band (Δδ = 0),
/// δ = I − F on the known pixels around the hole, and δ = 0 beyond the band, so the correction fades out over the
/// band's width and the hole's interior is F exactly. Image borders are Neumann (no flux). Solved by conjugate gradients
/// with a Jacobi preconditioner, the four lanes at once; the band is narrow, so it converges in tens of iterations.
/// </summary>
internal static class PoissonBlend
{
    private const int MaxIterations = 2000;
    private const float Tolerance = 1e-4f;

    /// <summary>
    /// Corrects <paramref name="filled"/> (4 lanes) in place on the band of hole pixels within <paramref name="band"/>
    /// pixels of the known region. <paramref name="synth"/> holds the fill's own prediction for the known ring around
    /// the hole (where <paramref name="hasSynth"/> is 1); ring pixels without one are left out (δ = 0 there).
    /// Returns the number of CG iterations used.
    /// </summary>
    public static int Apply(float[] filled, byte[] hole, float[] synth, byte[] hasSynth, int width, int height, int band,
        CancellationToken cancel = default)
    {
        if (band <= 0) return 0;
        var distance = HoleGeometry.DistanceToKnown(hole, width, height);
        var index = new int[width * height];
        Array.Fill(index, -1);
        var pixels = new List<int>();
        for (var p = 0; p < index.Length; p++)
        {
            if (hole[p] == 0 || distance[p] > band) continue;
            index[p] = pixels.Count;
            pixels.Add(p);
        }
        var n = pixels.Count;
        if (n == 0) return 0;

        // A δ = b with A = diag(neighbours in the image) − adjacency within the band; b from the known ring.
        var diagonal = new float[n];
        var b = new Vector128<float>[n];
        var neighbours = new int[n * 4];
        for (var k = 0; k < n; k++)
        {
            var p = pixels[k];
            int x = p % width, y = p / width;
            var rhs = Vector128<float>.Zero;
            var count = 0;
            for (var e = 0; e < 4; e++)
            {
                neighbours[k * 4 + e] = -1;
                var (nx, ny) = e switch { 0 => (x - 1, y), 1 => (x + 1, y), 2 => (x, y - 1), _ => (x, y + 1) };
                if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
                count++;
                var q = ny * width + nx;
                if (index[q] >= 0) neighbours[k * 4 + e] = index[q];
                else if (hole[q] == 0 && hasSynth[q] != 0)
                    rhs += Vector128.Create(filled[q * 4], filled[q * 4 + 1], filled[q * 4 + 2], filled[q * 4 + 3])
                         - Vector128.Create(synth[q * 4], synth[q * 4 + 1], synth[q * 4 + 2], synth[q * 4 + 3]);
            }
            diagonal[k] = count;
            b[k] = rhs;
        }

        var solution = new Vector128<float>[n];
        var residual = (Vector128<float>[])b.Clone();
        var z = new Vector128<float>[n];
        var direction = new Vector128<float>[n];
        var product = new Vector128<float>[n];
        for (var k = 0; k < n; k++) z[k] = residual[k] / diagonal[k];
        z.CopyTo(direction, 0);
        var rz = Dot(residual, z);
        var start = Dot(b, b);
        var iterations = 0;
        var threshold = Vector128.Create(Tolerance * Tolerance) * Vector128.Max(start, Vector128.Create(1e-12f));
        while (iterations < MaxIterations && Vector128.GreaterThanAny(Dot(residual, residual), threshold))
        {
            if ((iterations & 31) == 0) cancel.ThrowIfCancellationRequested();
            for (var k = 0; k < n; k++)
            {
                var v = direction[k] * diagonal[k];
                for (var e = 0; e < 4; e++)
                {
                    var j = neighbours[k * 4 + e];
                    if (j >= 0) v -= direction[j];
                }
                product[k] = v;
            }
            var pAp = Dot(direction, product);
            var alpha = SafeDivide(rz, pAp);
            for (var k = 0; k < n; k++)
            {
                solution[k] += alpha * direction[k];
                residual[k] -= alpha * product[k];
                z[k] = residual[k] / diagonal[k];
            }
            var rzNext = Dot(residual, z);
            var beta = SafeDivide(rzNext, rz);
            rz = rzNext;
            for (var k = 0; k < n; k++) direction[k] = z[k] + beta * direction[k];
            iterations++;
        }

        for (var k = 0; k < n; k++)
        {
            var p = pixels[k];
            var f = Vector128.Create(filled[p * 4], filled[p * 4 + 1], filled[p * 4 + 2], filled[p * 4 + 3]) + solution[k];
            f.CopyTo(filled.AsSpan(p * 4, 4));
        }
        return iterations;
    }

    private static Vector128<float> Dot(Vector128<float>[] a, Vector128<float>[] b)
    {
        // Summed in double per lane: the band can hold a few hundred thousand pixels.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (var k = 0; k < a.Length; k++)
        {
            var m = a[k] * b[k];
            s0 += m[0];
            s1 += m[1];
            s2 += m[2];
            s3 += m[3];
        }
        return Vector128.Create((float)s0, (float)s1, (float)s2, (float)s3);
    }

    // A lane that has converged exactly (r = 0) divides 0 by 0: it must stay put, not become NaN.
    private static Vector128<float> SafeDivide(Vector128<float> a, Vector128<float> b) =>
        Vector128.ConditionalSelect(Vector128.Equals(b, Vector128<float>.Zero), Vector128<float>.Zero, a / b);
}
