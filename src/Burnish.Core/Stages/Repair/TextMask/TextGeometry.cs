namespace Burnish.Stages.Repair.TextMask;

/// <summary>A point in pixel coordinates: pixel (x, y) has its centre at (x, y), as in OpenCV.</summary>
public readonly record struct PixelPoint(double X, double Y);

/// <summary>A rotated rectangle: its four corners (clockwise from the top-left in image coordinates) and side lengths.</summary>
internal readonly record struct RotatedBox(PixelPoint[] Corners, double Width, double Height)
{
    public double ShortSide => Math.Min(Width, Height);
}

/// <summary>
/// The geometry of DB post-processing (Liao et al. 2020, as PaddleOCR's DBPostProcess does it): connected regions of a
/// binary map, their minimum-area rectangles, the box score, and the "unclip" offset that grows a shrunk text kernel
/// back to the whole text.
/// </summary>
internal static class TextGeometry
{
    /// <summary>
    /// 8-connected regions of <paramref name="bitmap"/> (row-major, <paramref name="width"/> wide), each given by the
    /// leftmost and rightmost pixel of every row it spans: enough for its convex hull. At most
    /// <paramref name="maxRegions"/>, largest first.
    /// </summary>
    public static List<List<PixelPoint>> RegionOutlines(ReadOnlySpan<bool> bitmap, int width, int height, int maxRegions)
    {
        // Runs of set pixels per row, joined to runs of the previous row that touch them (8-connectivity) by union-find.
        var runs = new List<(int Y, int Start, int End)>();
        var parent = new List<int>();
        var previousRow = (First: 0, Count: 0);
        for (var y = 0; y < height; y++)
        {
            var row = bitmap.Slice(y * width, width);
            var first = runs.Count;
            for (var x = 0; x < width;)
            {
                if (!row[x]) { x++; continue; }
                var start = x;
                while (x < width && row[x]) x++;
                var id = runs.Count;
                runs.Add((y, start, x - 1));
                parent.Add(id);
                for (var p = previousRow.First; p < previousRow.First + previousRow.Count; p++)
                {
                    var above = runs[p];
                    if (above.End >= start - 1 && above.Start <= x) Union(parent, id, p);
                }
            }
            previousRow = (first, runs.Count - first);
        }

        var regions = new Dictionary<int, List<PixelPoint>>();
        var sizes = new Dictionary<int, long>();
        for (var i = 0; i < runs.Count; i++)
        {
            var root = Find(parent, i);
            if (!regions.TryGetValue(root, out var points)) regions[root] = points = [];
            var (y, s, e) = runs[i];
            points.Add(new PixelPoint(s, y));
            if (e != s) points.Add(new PixelPoint(e, y));
            sizes[root] = sizes.GetValueOrDefault(root) + e - s + 1;
        }
        return [.. regions.OrderByDescending(r => sizes[r.Key]).Take(maxRegions).Select(r => r.Value)];
    }

    private static int Find(List<int> parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void Union(List<int> parent, int a, int b)
    {
        var (ra, rb) = (Find(parent, a), Find(parent, b));
        if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
    }

    /// <summary>Convex hull, counter-clockwise in a y-down frame read as y-up (Andrew's monotone chain); collinear points dropped.</summary>
    public static PixelPoint[] ConvexHull(IReadOnlyList<PixelPoint> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToArray();
        if (sorted.Length < 3) return sorted;
        var hull = new PixelPoint[2 * sorted.Length];
        var k = 0;
        foreach (var p in sorted)
        {
            while (k >= 2 && Cross(hull[k - 2], hull[k - 1], p) <= 0) k--;
            hull[k++] = p;
        }
        for (int i = sorted.Length - 2, lower = k + 1; i >= 0; i--)
        {
            var p = sorted[i];
            while (k >= lower && Cross(hull[k - 2], hull[k - 1], p) <= 0) k--;
            hull[k++] = p;
        }
        return hull[..(k - 1)];
    }

    private static double Cross(PixelPoint o, PixelPoint a, PixelPoint b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);

    /// <summary>
    /// The minimum-area rectangle enclosing <paramref name="points"/>: one of its sides lies on a hull edge (Freeman and
    /// Shapira 1975), so every hull edge is tried. One point gives a 0×0 box, collinear points a box of width 0.
    /// </summary>
    public static RotatedBox MinAreaRect(IReadOnlyList<PixelPoint> points)
    {
        if (points.Count == 0) throw new ArgumentException("no points", nameof(points));
        var hull = ConvexHull(points);
        if (hull.Length == 1) return Box(hull[0], 1, 0, 0, 0, 0, 0);
        double bestArea = double.MaxValue;
        RotatedBox best = default;
        for (var i = 0; i < hull.Length; i++)
        {
            var a = hull[i];
            var b = hull[(i + 1) % hull.Length];
            var (dx, dy) = (b.X - a.X, b.Y - a.Y);
            var len = Math.Sqrt(dx * dx + dy * dy);
            if (len == 0) continue;
            var (ux, uy) = (dx / len, dy / len);
            double minU = double.MaxValue, maxU = double.MinValue, minV = double.MaxValue, maxV = double.MinValue;
            foreach (var p in hull)
            {
                var (px, py) = (p.X - a.X, p.Y - a.Y);
                var u = px * ux + py * uy;
                var v = -px * uy + py * ux;
                minU = Math.Min(minU, u); maxU = Math.Max(maxU, u);
                minV = Math.Min(minV, v); maxV = Math.Max(maxV, v);
            }
            var area = (maxU - minU) * (maxV - minV);
            if (area < bestArea - 1e-9)
            {
                bestArea = area;
                best = Box(a, ux, uy, minU, maxU, minV, maxV);
            }
        }
        return best;
    }

    private static RotatedBox Box(PixelPoint origin, double ux, double uy, double minU, double maxU, double minV, double maxV)
    {
        PixelPoint At(double u, double v) => new(origin.X + u * ux - v * uy, origin.Y + u * uy + v * ux);
        var corners = new[] { At(minU, minV), At(maxU, minV), At(maxU, maxV), At(minU, maxV) };
        return new RotatedBox(OrderClockwise(corners), maxU - minU, maxV - minV);
    }

    /// <summary>Top-left, top-right, bottom-right, bottom-left: by x for left/right, then by y within each pair.</summary>
    public static PixelPoint[] OrderClockwise(PixelPoint[] quad)
    {
        var byX = quad.OrderBy(p => p.X).ThenBy(p => p.Y).ToArray();
        var (left, right) = (byX[..2].OrderBy(p => p.Y).ToArray(), byX[2..].OrderBy(p => p.Y).ToArray());
        return [left[0], right[0], right[1], left[1]];
    }

    /// <summary>Shoelace area of a simple polygon (absolute).</summary>
    public static double Area(IReadOnlyList<PixelPoint> polygon)
    {
        double twice = 0;
        for (var i = 0; i < polygon.Count; i++)
        {
            var (a, b) = (polygon[i], polygon[(i + 1) % polygon.Count]);
            twice += a.X * b.Y - b.X * a.Y;
        }
        return Math.Abs(twice) / 2;
    }

    public static double Perimeter(IReadOnlyList<PixelPoint> polygon)
    {
        double sum = 0;
        for (var i = 0; i < polygon.Count; i++)
        {
            var (a, b) = (polygon[i], polygon[(i + 1) % polygon.Count]);
            sum += Math.Sqrt((b.X - a.X) * (b.X - a.X) + (b.Y - a.Y) * (b.Y - a.Y));
        }
        return sum;
    }

    /// <summary>
    /// DB's unclip: the convex polygon offset outwards by D = area · <paramref name="ratio"/> / perimeter, with round
    /// joins (what pyclipper's JT_ROUND gives, arcs here sampled every 15°). DB trains on text kernels shrunk by that
    /// distance (Vatti clipping), so this recovers the whole text.
    /// </summary>
    public static PixelPoint[] Unclip(IReadOnlyList<PixelPoint> convex, double ratio)
    {
        var perimeter = Perimeter(convex);
        if (perimeter == 0) return [.. convex];
        var distance = Area(convex) * ratio / perimeter;
        var hull = ConvexHull(convex);
        if (hull.Length < 3) return [.. convex];
        var result = new List<PixelPoint>();
        for (var i = 0; i < hull.Length; i++)
        {
            var prev = hull[(i + hull.Length - 1) % hull.Length];
            var p = hull[i];
            var next = hull[(i + 1) % hull.Length];
            // Outward normals of the edges in and out of p; the hull runs counter-clockwise in y-up terms, so the
            // outward normal of edge (dx, dy) is (dy, -dx).
            var a0 = Math.Atan2(-(p.X - prev.X), p.Y - prev.Y);
            var a1 = Math.Atan2(-(next.X - p.X), next.Y - p.Y);
            var sweep = a1 - a0;
            while (sweep < 0) sweep += 2 * Math.PI;
            var steps = Math.Max(1, (int)Math.Ceiling(sweep / (Math.PI / 12)));
            for (var s = 0; s <= steps; s++)
            {
                var a = a0 + sweep * s / steps;
                result.Add(new PixelPoint(p.X + distance * Math.Cos(a), p.Y + distance * Math.Sin(a)));
            }
        }
        return [.. result];
    }

    /// <summary>Whether pixel centre (x, y) lies in the convex polygon (edges included).</summary>
    public static bool Contains(ReadOnlySpan<PixelPoint> convex, double x, double y)
    {
        int sign = 0;
        for (var i = 0; i < convex.Length; i++)
        {
            var (a, b) = (convex[i], convex[(i + 1) % convex.Length]);
            var c = (b.X - a.X) * (y - a.Y) - (b.Y - a.Y) * (x - a.X);
            if (c == 0) continue;
            var s = c > 0 ? 1 : -1;
            if (sign == 0) sign = s;
            else if (s != sign) return false;
        }
        return true;
    }

    /// <summary>
    /// The pixel centres inside the convex polygon, clipped to the map, as one span of columns per row
    /// (y, first x, last x): a convex polygon meets a row in one interval.
    /// </summary>
    public static List<(int Y, int X0, int X1)> Rasterise(ReadOnlySpan<PixelPoint> convex, int width, int height)
    {
        double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue;
        foreach (var p in convex)
        {
            minX = Math.Min(minX, p.X); maxX = Math.Max(maxX, p.X);
            minY = Math.Min(minY, p.Y); maxY = Math.Max(maxY, p.Y);
        }
        var (x0, x1) = (Math.Max(0, (int)Math.Ceiling(minX)), Math.Min(width - 1, (int)Math.Floor(maxX)));
        var (y0, y1) = (Math.Max(0, (int)Math.Ceiling(minY)), Math.Min(height - 1, (int)Math.Floor(maxY)));
        var spans = new List<(int, int, int)>();
        for (var y = y0; y <= y1; y++)
        {
            var first = -1;
            var last = -1;
            for (var x = x0; x <= x1; x++)
            {
                if (!Contains(convex, x, y)) { if (first >= 0) break; continue; }
                if (first < 0) first = x;
                last = x;
            }
            if (first >= 0) spans.Add((y, first, last));
        }
        return spans;
    }

    /// <summary>DB's "fast" box score: the mean probability over the pixels inside the box.</summary>
    public static double MeanInside(ReadOnlySpan<float> map, int width, int height, ReadOnlySpan<PixelPoint> convex)
    {
        double sum = 0;
        long count = 0;
        foreach (var (y, x0, x1) in Rasterise(convex, width, height))
        {
            foreach (var v in map.Slice(y * width + x0, x1 - x0 + 1)) sum += v;
            count += x1 - x0 + 1;
        }
        return count == 0 ? 0 : sum / count;
    }
}
