using NetVips;

namespace Burnish.Detection;

/// <summary>
/// A face's oval (<see cref="FaceMasks"/>, part face) feathered by a gaussian, over a crop that holds all of it: the
/// weight that blends a face-only result (a detail strength, a second upscale model) into the rest. Outside the
/// crop the weight is exactly 0.
/// </summary>
public static class FaceFeather
{
    /// <summary>
    /// The region, clipped to the image, that holds the face's oval and its feather: the mesh oval's bounds, or without
    /// a mesh the square around the box centre that holds the ellipse (radii 0.55 w and 0.62 h, the centre raised by
    /// 0.05 h, turned with the eyes); the feather (libvips' gaussian with min_ampl 0.01
    /// reaches 3.03 σ): x, y, width, height in image pixels; empty when the face lies outside.
    /// </summary>
    public static (int X, int Y, int Width, int Height) Reach(DetectedFace face, double sigma, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(face);
        if (face.Mesh is { } mesh)
        {
            // The landmarks' oval, with the feather around it.
            var oval = mesh.Polygon(FaceLandmarks.Oval);
            var pad = Math.Ceiling(3.1 * sigma) + 2;
            int mx0 = Math.Clamp((int)Math.Floor(oval.Min(p => p.X) - pad), 0, width), my0 = Math.Clamp((int)Math.Floor(oval.Min(p => p.Y) - pad), 0, height);
            int mx1 = Math.Clamp((int)Math.Ceiling(oval.Max(p => p.X) + pad + 1), 0, width), my1 = Math.Clamp((int)Math.Ceiling(oval.Max(p => p.Y) + pad + 1), 0, height);
            return (mx0, my0, Math.Max(0, mx1 - mx0), Math.Max(0, my1 - my0));
        }
        var b = face.Box;
        var reach = Math.Max(0.55 * b.Width, 0.62 * b.Height) + 0.05 * b.Height + Math.Ceiling(3.1 * sigma) + 2;
        double cx = b.X + b.Width / 2, cy = b.Y + b.Height / 2;
        int x0 = Math.Clamp((int)Math.Floor(cx - reach), 0, width), y0 = Math.Clamp((int)Math.Floor(cy - reach), 0, height);
        int x1 = Math.Clamp((int)Math.Ceiling(cx + reach), 0, width), y1 = Math.Clamp((int)Math.Ceiling(cy + reach), 0, height);
        return (x0, y0, Math.Max(0, x1 - x0), Math.Max(0, y1 - y0));
    }

    /// <summary>The face's oval over the crop at (<paramref name="x0"/>, <paramref name="y0"/>), feathered by a gaussian of <paramref name="sigma"/> px: 0–1, row-major.</summary>
    public static float[] Oval(DetectedFace face, int x0, int y0, int width, int height, double sigma)
    {
        ArgumentNullException.ThrowIfNull(face);
        var moved = face.Transformed(1, -x0, -y0);
        using var oval = FaceMasks.Rasterise([moved], width, height, FacePart.Face);
        using var soft = sigma > 0 ? oval.Gaussblur(sigma, minAmpl: 0.01, precision: Enums.Precision.Float) : oval.Copy();
        using var clamped = soft.Clamp(min: 0.0, max: 1.0).Cast(Enums.BandFormat.Float);
        return clamped.WriteToMemory<float>();
    }

    /// <summary>
    /// <paramref name="faces"/> without those that lie inside another: a face whose box is at least
    /// <see cref="NestedShare"/> inside the box of a face at least twice as wide is a feature of that face taken for a
    /// face (the big eyes of a drawn face upscaled ×4 scored 0.80 and 0.75 inside a 0.91 face), and its mask would
    /// put skin or detail work on an eye.
    /// </summary>
    public static IReadOnlyList<DetectedFace> WithoutNested(IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        return [.. faces.Where(f => !faces.Any(o => !ReferenceEquals(o, f) && o.Box.Width >= 2 * f.Box.Width && Inside(f.Box, o.Box) >= NestedShare))];
    }

    /// <summary>The share of a face's box inside a larger face's box above which it is taken as part of that face.</summary>
    public const double NestedShare = 0.8;

    private static double Inside(Box inner, Box outer)
    {
        var w = Math.Min(inner.Right, outer.Right) - Math.Max(inner.X, outer.X);
        var h = Math.Min(inner.Bottom, outer.Bottom) - Math.Max(inner.Y, outer.Y);
        return w <= 0 || h <= 0 || inner.Area <= 0 ? 0 : w * h / inner.Area;
    }

    /// <summary>A face found on an image, in the pixels of that image enlarged <paramref name="scale"/> times (pixel centres kept aligned).</summary>
    public static DetectedFace Scaled(DetectedFace face, double scale)
    {
        ArgumentNullException.ThrowIfNull(face);
        return face.Transformed(scale, 0, 0);
    }
}
