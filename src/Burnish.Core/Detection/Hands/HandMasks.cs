using NetVips;

namespace Burnish.Detection.Hands;

/// <summary>
/// Hand masks from the 21 landmarks: the convex hull of the points, grown outwards by a share of the hand's size
/// (the Minkowski sum of the hull and a disc, as a polygon), filled with 4×4 samples per pixel at the edge.
/// </summary>
public static class HandMasks
{
    /// <summary>A W×H float coverage image (0–1) of every hand's grown hull.</summary>
    public static Image Rasterise(IReadOnlyList<DetectedHand> hands, int width, int height, double grow)
    {
        ArgumentNullException.ThrowIfNull(hands);
        var mask = new float[(long)width * height];
        foreach (var hand in hands) Fill(mask, width, height, Outline(hand, grow));
        return Image.NewFromMemoryCopy(mask, width, height, 1, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Bw);
    }

    /// <summary>The mask's outline for one hand: the hull of the landmarks grown by <paramref name="grow"/> × the hand's size.</summary>
    public static IReadOnlyList<Point2> Outline(DetectedHand hand, double grow)
    {
        ArgumentNullException.ThrowIfNull(hand);
        var radius = grow * hand.Size;
        if (radius <= 0) return Hull(hand.Landmarks);
        const int Directions = 24;
        var points = new List<Point2>();
        foreach (var p in Hull(hand.Landmarks))
            for (var k = 0; k < Directions; k++)
            {
                var a = 2 * Math.PI * k / Directions;
                points.Add(new Point2(p.X + radius * Math.Cos(a), p.Y + radius * Math.Sin(a)));
            }
        return Hull(points);
    }

    /// <summary>The convex hull (Andrew's monotone chain), counter-clockwise in image coordinates.</summary>
    public static List<Point2> Hull(IEnumerable<Point2> points)
    {
        var p = points.Distinct().OrderBy(q => q.X).ThenBy(q => q.Y).ToList();
        if (p.Count < 3) return p;
        static double Cross(Point2 o, Point2 a, Point2 b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
        var hull = new Point2[2 * p.Count];
        var k = 0;
        for (var i = 0; i < p.Count; i++)
        {
            while (k >= 2 && Cross(hull[k - 2], hull[k - 1], p[i]) <= 0) k--;
            hull[k++] = p[i];
        }
        for (int i = p.Count - 2, lower = k + 1; i >= 0; i--)
        {
            while (k >= lower && Cross(hull[k - 2], hull[k - 1], p[i]) <= 0) k--;
            hull[k++] = p[i];
        }
        return [.. hull.Take(k - 1)];
    }

    /// <summary>Fills a convex polygon into <paramref name="mask"/> (max with what is there), 4×4 samples per pixel.</summary>
    private static void Fill(float[] mask, int width, int height, IReadOnlyList<Point2> polygon)
    {
        if (polygon.Count < 3) return;
        int x0 = Math.Max(0, (int)Math.Floor(polygon.Min(q => q.X))), x1 = Math.Min(width - 1, (int)Math.Ceiling(polygon.Max(q => q.X)));
        int y0 = Math.Max(0, (int)Math.Floor(polygon.Min(q => q.Y))), y1 = Math.Min(height - 1, (int)Math.Ceiling(polygon.Max(q => q.Y)));
        const int S = 4;
        Span<double> left = stackalloc double[S], right = stackalloc double[S];
        for (var y = y0; y <= y1; y++)
        {
            // Each sub-row's span inside the polygon (convex: one span).
            for (var s = 0; s < S; s++)
            {
                var sy = y + (s + 0.5) / S - 0.5;
                (left[s], right[s]) = (double.MaxValue, double.MinValue);
                for (var i = 0; i < polygon.Count; i++)
                {
                    var (a, b) = (polygon[i], polygon[(i + 1) % polygon.Count]);
                    if ((a.Y <= sy && b.Y > sy) || (b.Y <= sy && a.Y > sy))
                    {
                        var x = a.X + (sy - a.Y) / (b.Y - a.Y) * (b.X - a.X);
                        left[s] = Math.Min(left[s], x);
                        right[s] = Math.Max(right[s], x);
                    }
                }
            }
            for (var x = x0; x <= x1; x++)
            {
                var inside = 0;
                for (var s = 0; s < S; s++)
                    for (var t = 0; t < S; t++)
                    {
                        var sx = x + (t + 0.5) / S - 0.5;
                        if (sx >= left[s] && sx <= right[s]) inside++;
                    }
                if (inside == 0) continue;
                ref var m = ref mask[(long)y * width + x];
                m = Math.Max(m, inside / (float)(S * S));
            }
        }
    }
}
