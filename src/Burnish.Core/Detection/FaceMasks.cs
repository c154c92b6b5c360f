using NetVips;

namespace Burnish.Detection;

/// <summary>
/// Face masks. A face the mesh fitted (<see cref="DetectedFace.Mesh"/>) is outlined by its landmarks' polygons, filled
/// with antialiased edges: the face oval (MediaPipe's FACE_OVAL), the eyes with their lids, the outer lips, and skin as
/// the oval without eyes, brows and lips, each of those grown by <see cref="SkinMargin"/> eye distances so lashes and
/// the lip line are not skin. A face without a mesh keeps BlazeFace's ellipses: the face's axes come from the box (which
/// runs from the brows to the chin) stretched up to take in the forehead, turned by the roll of the eye line; eyes and
/// mouth are ellipses sized by the distance between the eyes, the face's most stable measure across head turns.
/// </summary>
public static class FaceMasks
{
    /// <summary>How far (eye distances) eyes, brows and lips are grown before they are cut out of skin: about two pixels on a 60 px face, the lash and lip line.</summary>
    public const double SkinMargin = 0.08;

    /// <summary>A W×H float coverage image (0–1) of <paramref name="part"/> of every face.</summary>
    public static Image Rasterise(IReadOnlyList<DetectedFace> faces, int width, int height, FacePart part)
    {
        var mask = new float[(long)width * height];
        foreach (var face in faces)
        {
            if (face.Mesh is { } mesh)
            {
                PaintMesh(mask, width, height, mesh, part, face.EyeDistance);
                continue;
            }
            foreach (var e in Ellipses(face, part, add: true)) Paint(mask, width, height, e, 1f);
            foreach (var e in Ellipses(face, part, add: false)) Paint(mask, width, height, e, 0f);
        }
        return Image.NewFromMemoryCopy(mask, width, height, 1, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Bw);
    }

    /// <summary>A W×H float coverage image (0–1) of every face's oval scaled by <paramref name="scale"/> about its centre.</summary>
    public static Image Ovals(IReadOnlyList<DetectedFace> faces, int width, int height, double scale)
    {
        var mask = new float[(long)width * height];
        foreach (var face in faces)
        {
            if (face.Mesh is { } mesh)
            {
                var oval = mesh.Polygon(FaceLandmarks.Oval);
                double cx = oval.Average(p => p.X), cy = oval.Average(p => p.Y);
                var grown = new Polygon([.. oval.Select(p => new Point2(cx + (p.X - cx) * scale, cy + (p.Y - cy) * scale))]);
                grown.Paint(width, height, 0, (i, c) => mask[i] = Math.Max(mask[i], c));
                continue;
            }
            foreach (var e in Ellipses(face, FacePart.Face, add: true))
                Paint(mask, width, height, e with { Rx = e.Rx * scale, Ry = e.Ry * scale }, 1f);
        }
        return Image.NewFromMemoryCopy(mask, width, height, 1, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Bw);
    }

    /// <summary>One face's part from its mesh, merged into <paramref name="mask"/> by the maximum (faces may overlap).</summary>
    private static void PaintMesh(float[] mask, int width, int height, FaceLandmarks mesh, FacePart part, double eyeDistance)
    {
        Polygon P(int[] ring) => new(mesh.Polygon(ring));
        void Add(Polygon p) => p.Paint(width, height, 0, (i, c) => mask[i] = Math.Max(mask[i], c));
        switch (part)
        {
            case FacePart.Face:
                Add(P(FaceLandmarks.Oval));
                break;
            case FacePart.Eyes:
                Add(P(FaceLandmarks.RightEye));
                Add(P(FaceLandmarks.LeftEye));
                break;
            case FacePart.Mouth:
                Add(P(FaceLandmarks.Lips));
                break;
            case FacePart.Skin:
                // The oval's coverage over its bounds, then each cut-out's (grown) coverage taken away from it.
                var oval = P(FaceLandmarks.Oval);
                var (x0, y0, w, h) = oval.Bounds(width, height, 0);
                if (w <= 0 || h <= 0) return;
                var skin = new float[(long)w * h];
                oval.Paint(w, h, 0, (i, c) => skin[i] = c, -x0, -y0);
                var margin = SkinMargin * eyeDistance;
                foreach (var ring in new[] { FaceLandmarks.RightEye, FaceLandmarks.LeftEye, FaceLandmarks.RightBrow, FaceLandmarks.LeftBrow, FaceLandmarks.Lips })
                    P(ring).Paint(w, h, margin, (i, c) => skin[i] = Math.Min(skin[i], 1 - c), -x0, -y0);
                for (var y = 0; y < h; y++)
                    for (var x = 0; x < w; x++)
                    {
                        var i = (long)(y0 + y) * width + x0 + x;
                        mask[i] = Math.Max(mask[i], skin[(long)y * w + x]);
                    }
                break;
        }
    }

    /// <summary>The ellipses that add to a part (<paramref name="add"/>) or are cut out of it afterwards.</summary>
    private static IEnumerable<Ellipse> Ellipses(DetectedFace face, FacePart part, bool add)
    {
        var d = Math.Max(face.EyeDistance, 0.25 * face.Box.Width);
        var roll = Math.Atan2(face.LeftEye.Y - face.RightEye.Y, face.LeftEye.X - face.RightEye.X);
        // "Up" for the face: perpendicular to the eye line, towards the forehead.
        var (ux, uy) = (Math.Sin(roll), -Math.Cos(roll));
        var b = face.Box;
        var centre = new Point2(b.X + b.Width / 2 + 0.05 * b.Height * ux, b.Y + b.Height / 2 + 0.05 * b.Height * uy);
        var oval = new Ellipse(centre, 0.55 * b.Width, 0.62 * b.Height, roll);
        Ellipse Eye(Point2 p) => new(p, 0.32 * d, 0.2 * d, roll);
        // An eye with its brow: the eye ellipse taller and moved up by a fifth of the eye distance.
        Ellipse Brow(Point2 p) => new(new Point2(p.X + 0.2 * d * ux, p.Y + 0.2 * d * uy), 0.4 * d, 0.38 * d, roll);
        var mouth = new Ellipse(face.Mouth, 0.5 * d, 0.28 * d, roll);
        return (part, add) switch
        {
            (FacePart.Face, true) => [oval],
            (FacePart.Eyes, true) => [Eye(face.RightEye), Eye(face.LeftEye)],
            (FacePart.Mouth, true) => [mouth],
            (FacePart.Skin, true) => [oval],
            (FacePart.Skin, false) => [Brow(face.RightEye), Brow(face.LeftEye), mouth],
            _ => [],
        };
    }

    private static void Paint(float[] mask, int width, int height, Ellipse e, float value)
    {
        var reach = Math.Max(e.Rx, e.Ry);
        int x0 = Math.Max(0, (int)Math.Floor(e.Centre.X - reach)), x1 = Math.Min(width - 1, (int)Math.Ceiling(e.Centre.X + reach));
        int y0 = Math.Max(0, (int)Math.Floor(e.Centre.Y - reach)), y1 = Math.Min(height - 1, (int)Math.Ceiling(e.Centre.Y + reach));
        for (var y = y0; y <= y1; y++)
            for (var x = x0; x <= x1; x++)
                if (e.Contains(x, y)) mask[(long)y * width + x] = value;
    }
}

/// <summary>
/// A closed polygon in image pixels, filled with antialiased edges: a pixel's coverage is 0.5 minus its centre's signed
/// distance to the outline (negative inside), clamped to 0–1, so the edge ramps over one pixel; growing it by g pixels
/// moves that ramp g pixels out.
/// </summary>
public sealed class Polygon(IReadOnlyList<Point2> points)
{
    public IReadOnlyList<Point2> Points { get; } = points;

    /// <summary>The pixels the polygon grown by <paramref name="grow"/> can touch, clipped to the image: x, y, width, height.</summary>
    public (int X, int Y, int Width, int Height) Bounds(int width, int height, double grow)
    {
        var pad = grow + 1;
        int x0 = Math.Clamp((int)Math.Floor(Points.Min(p => p.X) - pad), 0, width), y0 = Math.Clamp((int)Math.Floor(Points.Min(p => p.Y) - pad), 0, height);
        int x1 = Math.Clamp((int)Math.Ceiling(Points.Max(p => p.X) + pad), 0, width), y1 = Math.Clamp((int)Math.Ceiling(Points.Max(p => p.Y) + pad), 0, height);
        return (x0, y0, Math.Max(0, x1 - x0), Math.Max(0, y1 - y0));
    }

    /// <summary>
    /// Calls <paramref name="set"/> with the index into a <paramref name="width"/>-wide raster and the coverage of every
    /// pixel the polygon (grown by <paramref name="grow"/> px, moved by <paramref name="dx"/>, <paramref name="dy"/>) touches.
    /// </summary>
    public void Paint(int width, int height, double grow, Action<long, float> set, double dx = 0, double dy = 0)
    {
        ArgumentNullException.ThrowIfNull(set);
        var n = Points.Count;
        if (n < 3) return;
        var px = Points.Select(p => p.X + dx).ToArray();
        var py = Points.Select(p => p.Y + dy).ToArray();
        var moved = new Polygon([.. px.Zip(py, (x, y) => new Point2(x, y))]);
        var (x0, y0, w, h) = moved.Bounds(width, height, grow);
        if (w <= 0 || h <= 0) return;
        var reach = grow + 0.5;
        // Squared distance to the outline, computed only near each edge (where it can make a pixel partly covered):
        // the cost follows the outline's length, not the polygon's area.
        var near = new double[(long)w * h];
        Array.Fill(near, double.MaxValue);
        var pad = reach + 1;
        for (var k = 0; k < n; k++)
        {
            int j = (k + 1) % n;
            double ex = px[j] - px[k], ey = py[j] - py[k], len2 = ex * ex + ey * ey;
            int ex0 = Math.Max(x0, (int)Math.Floor(Math.Min(px[k], px[j]) - pad)), ex1 = Math.Min(x0 + w - 1, (int)Math.Ceiling(Math.Max(px[k], px[j]) + pad));
            int ey0 = Math.Max(y0, (int)Math.Floor(Math.Min(py[k], py[j]) - pad)), ey1 = Math.Min(y0 + h - 1, (int)Math.Ceiling(Math.Max(py[k], py[j]) + pad));
            for (var y = ey0; y <= ey1; y++)
                for (var x = ex0; x <= ex1; x++)
                {
                    double cx = x + 0.5, cy = y + 0.5;
                    var t = len2 > 0 ? Math.Clamp(((cx - px[k]) * ex + (cy - py[k]) * ey) / len2, 0, 1) : 0;
                    double qx = px[k] + t * ex - cx, qy = py[k] + t * ey - cy;
                    var i = (long)(y - y0) * w + x - x0;
                    near[i] = Math.Min(near[i], qx * qx + qy * qy);
                }
        }
        var crossings = new List<double>();
        for (var y = y0; y < y0 + h; y++)
        {
            // Inside by the even-odd rule along the row (scanline crossings).
            double cy = y + 0.5;
            crossings.Clear();
            for (var k = 0; k < n; k++)
            {
                int j = (k + 1) % n;
                if ((py[k] <= cy) != (py[j] <= cy)) crossings.Add(px[k] + (cy - py[k]) / (py[j] - py[k]) * (px[j] - px[k]));
            }
            crossings.Sort();
            var c = 0;
            for (var x = x0; x < x0 + w; x++)
            {
                double cx = x + 0.5;
                while (c < crossings.Count && crossings[c] < cx) c++;
                var inside = (c & 1) == 1;
                var d2 = near[(long)(y - y0) * w + x - x0];
                float coverage;
                if (d2 == double.MaxValue) coverage = inside ? 1f : 0f; // farther than the ramp from every edge
                else coverage = (float)Math.Clamp(reach - (inside ? -Math.Sqrt(d2) : Math.Sqrt(d2)), 0, 1);
                if (coverage > 0 || inside) set((long)y * width + x, coverage);
            }
        }
    }
}

/// <summary>An ellipse in image pixels, turned by <paramref name="Angle"/> radians (clockwise on screen, y down).</summary>
public readonly record struct Ellipse(Point2 Centre, double Rx, double Ry, double Angle)
{
    /// <summary>Whether the pixel centre (x, y) lies inside.</summary>
    public bool Contains(double x, double y)
    {
        var (dx, dy) = (x - Centre.X, y - Centre.Y);
        var (c, s) = (Math.Cos(Angle), Math.Sin(Angle));
        var (u, v) = (dx * c + dy * s, -dx * s + dy * c);
        return Rx > 0 && Ry > 0 && (u * u) / (Rx * Rx) + (v * v) / (Ry * Ry) <= 1;
    }
}
