using NetVips;

namespace Burnish.Detection;

/// <summary>
/// Face masks from BlazeFace's box and key points. Without landmarks, the face is an ellipse: its axes come from the
/// box (which runs from the brows to the chin) stretched up to take in the forehead, and it is turned by the roll of
/// the eye line. Eyes and mouth are ellipses sized by the distance between the eyes, which is the face's most stable
/// measure across head turns.
/// </summary>
public static class FaceMasks
{
    /// <summary>A W×H float coverage image (0 or 1) of <paramref name="part"/> of every face.</summary>
    public static Image Rasterise(IReadOnlyList<DetectedFace> faces, int width, int height, FacePart part)
    {
        var mask = new float[(long)width * height];
        foreach (var face in faces)
        {
            foreach (var e in Ellipses(face, part, add: true)) Paint(mask, width, height, e, 1f);
            foreach (var e in Ellipses(face, part, add: false)) Paint(mask, width, height, e, 0f);
        }
        return Image.NewFromMemoryCopy(mask, width, height, 1, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Bw);
    }

    /// <summary>A W×H float coverage image (0 or 1) of every face's oval with its axes scaled by <paramref name="scale"/>.</summary>
    public static Image Ovals(IReadOnlyList<DetectedFace> faces, int width, int height, double scale)
    {
        var mask = new float[(long)width * height];
        foreach (var e in faces.SelectMany(f => Ellipses(f, FacePart.Face, add: true)))
            Paint(mask, width, height, e with { Rx = e.Rx * scale, Ry = e.Ry * scale }, 1f);
        return Image.NewFromMemoryCopy(mask, width, height, 1, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Bw);
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
