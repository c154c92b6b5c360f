namespace Burnish.Synthesis;

/// <summary>
/// Inpainting by the fast marching method (A. Telea, "An image inpainting technique based on the fast marching method",
/// J. Graphics Tools 9(1), 2004). The hole is filled from its edge inwards in order of arrival time T (the distance
/// from the edge, solving |∇T| = 1); each pixel is the weighted mean of the known pixels q within <c>radius</c>:
/// <code>
/// I(p) = Σ w(p,q) I(q) / Σ w(p,q),   w = dir · dst · lev
/// dir = |(p − q)·∇T(p)| / |p − q|,   dst = 1 / |p − q|²,   lev = 1 / (1 + |T(q) − T(p)|)
/// </code>
/// The paper's first-order term ∇I(q)·(p − q) is left out: on real images it extrapolates grain into streaks
/// (OpenCV's implementation normalises it down to a fraction of a level, which leaves it out in effect).
/// Good for thin scratches and text; a wide hole becomes a smooth blur (that is what content-aware fill is for).
/// Sequential by nature (one heap), deterministic: ties in T are broken by pixel index.
/// </summary>
internal static class Telea
{
    private const byte Known = 0, Band = 1, Inside = 2;
    private const float Far = 1e6f;

    /// <summary>Fills every pixel with <paramref name="hole"/> ≠ 0 in <paramref name="px"/> (4 lanes per pixel), in place.</summary>
    public static void Inpaint(float[] px, ReadOnlySpan<byte> hole, int width, int height, int radius, CancellationToken cancel = default)
    {
        var n = width * height;
        var flag = new byte[n];
        var t = new float[n];
        var queue = new PriorityQueue<int, (float T, int Index)>();
        for (var i = 0; i < n; i++)
        {
            if (hole[i] == 0) continue;
            flag[i] = Inside;
            t[i] = Far;
        }
        // The band starts as the known pixels that touch the hole, at T = 0.
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                if (flag[i] != Known) continue;
                if ((x > 0 && flag[i - 1] == Inside) || (x < width - 1 && flag[i + 1] == Inside)
                    || (y > 0 && flag[i - width] == Inside) || (y < height - 1 && flag[i + width] == Inside))
                {
                    flag[i] = Band;
                    queue.Enqueue(i, (0f, i));
                }
            }

        Span<int> neighbours = stackalloc int[4];
        var processed = 0;
        while (queue.TryDequeue(out var i, out _))
        {
            if (flag[i] == Known) continue;
            flag[i] = Known;
            if ((++processed & 4095) == 0) cancel.ThrowIfCancellationRequested();
            int x = i % width, y = i / width;
            var count = 0;
            if (x > 0) neighbours[count++] = i - 1;
            if (x < width - 1) neighbours[count++] = i + 1;
            if (y > 0) neighbours[count++] = i - width;
            if (y < height - 1) neighbours[count++] = i + width;
            for (var k = 0; k < count; k++)
            {
                var j = neighbours[k];
                if (flag[j] != Inside) continue;
                int jx = j % width, jy = j / width;
                var arrival = Math.Min(
                    Math.Min(Solve(jx, jy - 1, jx - 1, jy), Solve(jx, jy + 1, jx - 1, jy)),
                    Math.Min(Solve(jx, jy - 1, jx + 1, jy), Solve(jx, jy + 1, jx + 1, jy)));
                t[j] = arrival;
                Fill(jx, jy);
                flag[j] = Band;
                queue.Enqueue(j, (arrival, j));
            }
        }

        // One quarter of the eikonal update (Sethian): from the two axis neighbours (x1,y1) and (x2,y2).
        float Solve(int x1, int y1, int x2, int y2)
        {
            bool ok1 = x1 >= 0 && y1 >= 0 && x1 < width && y1 < height && flag[y1 * width + x1] != Inside;
            bool ok2 = x2 >= 0 && y2 >= 0 && x2 < width && y2 < height && flag[y2 * width + x2] != Inside;
            if (ok1 && ok2)
            {
                float a = t[y1 * width + x1], b = t[y2 * width + x2];
                var diff = a - b;
                return Math.Abs(diff) >= 1 ? 1 + Math.Min(a, b) : (a + b + MathF.Sqrt(2 - diff * diff)) / 2;
            }
            if (ok1) return 1 + t[y1 * width + x1];
            if (ok2) return 1 + t[y2 * width + x2];
            return Far;
        }

        bool Usable(int x, int y) => x >= 0 && y >= 0 && x < width && y < height && flag[y * width + x] != Inside;

        void Fill(int x, int y)
        {
            var i = y * width + x;
            // ∇T at p, from whichever neighbours already have T.
            float gx = Gradient(t, x, y, 1, 0), gy = Gradient(t, x, y, 0, 1);
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0, sum = 0;
            int x0 = Math.Max(0, x - radius), x1 = Math.Min(width - 1, x + radius);
            int y0 = Math.Max(0, y - radius), y1 = Math.Min(height - 1, y + radius);
            var r2max = radius * radius;
            for (var qy = y0; qy <= y1; qy++)
                for (var qx = x0; qx <= x1; qx++)
                {
                    var q = qy * width + qx;
                    if (flag[q] == Inside || q == i) continue;
                    int rx = x - qx, ry = y - qy;
                    var r2 = rx * rx + ry * ry;
                    if (r2 > r2max) continue;
                    var len = MathF.Sqrt(r2);
                    var dir = MathF.Abs(rx * gx + ry * gy) / len;
                    if (dir < 1e-6f) dir = 1e-6f;
                    var w = dir / r2 / (1 + MathF.Abs(t[q] - t[i]));
                    sum += w;
                    a0 += w * px[q * 4];
                    a1 += w * px[q * 4 + 1];
                    a2 += w * px[q * 4 + 2];
                    a3 += w * px[q * 4 + 3];
                }
            if (sum <= 0) return; // cannot happen: a pixel is reached from a known neighbour
            px[i * 4] = a0 / sum;
            px[i * 4 + 1] = a1 / sum;
            px[i * 4 + 2] = a2 / sum;
            px[i * 4 + 3] = a3 / sum;
        }

        float Gradient(float[] field, int x, int y, int dx, int dy)
        {
            bool after = Usable(x + dx, y + dy), before = Usable(x - dx, y - dy);
            var here = field[y * width + x];
            if (after && before) return (field[(y + dy) * width + x + dx] - field[(y - dy) * width + x - dx]) / 2;
            if (after) return field[(y + dy) * width + x + dx] - here;
            if (before) return here - field[(y - dy) * width + x - dx];
            return 0;
        }
    }
}
