namespace Burnish.Detection;

/// <summary>A point in image pixel coordinates (x right, y down; pixel centres at integers).</summary>
public readonly record struct Point2(double X, double Y);

/// <summary>An axis-aligned box in image pixels: left, top, width, height.</summary>
public readonly record struct Box(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;
    public double Bottom => Y + Height;
    public double Area => Math.Max(0, Width) * Math.Max(0, Height);

    /// <summary>Intersection over union with <paramref name="other"/>; 0 when either is empty.</summary>
    public double IoU(Box other)
    {
        var iw = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        var ih = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        if (iw <= 0 || ih <= 0) return 0;
        var inter = iw * ih;
        return inter / (Area + other.Area - inter);
    }

    /// <summary>Whether the point lies inside (edges included).</summary>
    public bool Contains(Point2 p) => p.X >= X && p.X <= Right && p.Y >= Y && p.Y <= Bottom;
}

/// <summary>
/// A face found by BlazeFace: its box, a score 0–1 and six key points in MediaPipe's order (the subject's right eye,
/// left eye, nose tip, mouth centre, right ear tragion, left ear tragion; "right" is the subject's, so it sits on the
/// image's left for a face looking at the camera).
/// </summary>
public sealed record DetectedFace(Box Box, double Score, IReadOnlyList<Point2> KeyPoints)
{
    public Point2 RightEye => KeyPoints[0];
    public Point2 LeftEye => KeyPoints[1];
    public Point2 Nose => KeyPoints[2];
    public Point2 Mouth => KeyPoints[3];

    /// <summary>Distance between the eyes in pixels: the face's own scale for the masks.</summary>
    public double EyeDistance => Math.Sqrt(Math.Pow(LeftEye.X - RightEye.X, 2) + Math.Pow(LeftEye.Y - RightEye.Y, 2));

    /// <summary>The face mesh's landmarks when it fitted this face confidently; null keeps the masks on BlazeFace's ellipses.</summary>
    public FaceLandmarks? Mesh { get; init; }

    /// <summary>The face mesh's own face confidence for this face (0–1), whether or not the mesh was kept; null when no mesh ran.</summary>
    public double? MeshScore { get; init; }

    /// <summary>How the masks outline this face: "mesh" (the landmarks' polygons) or "ellipse" (BlazeFace's box and points).</summary>
    public string Outline => Mesh is null ? "ellipse" : "mesh";

    /// <summary>The same face in the pixels of the image enlarged <paramref name="scale"/> times and moved by (<paramref name="dx"/>, <paramref name="dy"/>) (pixel centres kept aligned).</summary>
    public DetectedFace Transformed(double scale, double dx, double dy)
    {
        var b = Box;
        return new DetectedFace(new Box(b.X * scale + dx, b.Y * scale + dy, b.Width * scale, b.Height * scale), Score,
            [.. KeyPoints.Select(k => new Point2((k.X + 0.5) * scale - 0.5 + dx, (k.Y + 0.5) * scale - 0.5 + dy))])
        {
            Mesh = Mesh?.Transformed(scale, dx, dy),
            MeshScore = MeshScore,
        };
    }
}

/// <summary>
/// One region an automatic mask found, as the sidecar records it: kind, box (whole pixels), score and masked pixels;
/// for a face also how its mask was outlined (mesh or ellipse) and the face mesh's confidence.
/// </summary>
public sealed record FoundRegion(string Kind, int[] Box, double Score, long Pixels, string? Outline = null, double? MeshScore = null);
