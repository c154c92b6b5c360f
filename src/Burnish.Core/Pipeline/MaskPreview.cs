using System.Diagnostics;
using Burnish.Detection;
using Burnish.Detection.Hands;
using Burnish.Detection.Segmentation;
using Burnish.Detection.Subject;
using Burnish.Imaging;
using Burnish.IO;
using Burnish.Models;
using Burnish.Stages.Repair.TextMask;
using NetVips;

namespace Burnish.Pipeline;

/// <summary>What <c>burnish masks</c> looks for.</summary>
public enum MaskKind
{
    /// <summary>Faces (BlazeFace), the part chosen by <see cref="FaceMaskParams.Part"/>.</summary>
    Face,
    /// <summary>Text and known watermarks, as <c>repair: {auto: text}</c> would mask them (faces vetoed unless told not to).</summary>
    Text,
    /// <summary>Hands (MediaPipe palm detection and landmarks), as <c>repair: {auto: hands}</c> would mask them.</summary>
    Hands,
    /// <summary>People (MediaPipe selfie segmentation), as <c>repair: {auto: person}</c> would mask them.</summary>
    Person,
    /// <summary>The salient subject (ISNet, opt-in: <c>burnish models fetch isnet</c>).</summary>
    Subject,
    /// <summary>Everything but the subject.</summary>
    Background,
}

/// <summary>The masks found on one image: every region, the mask's share of the image and the time taken.</summary>
/// <param name="Width">Image width.</param>
/// <param name="Height">Image height.</param>
/// <param name="Regions">Every region found, for the sidecar or a listing.</param>
/// <param name="MaskedPixels">Pixels the mask covers at least half.</param>
/// <param name="Warnings">Such as "no face found".</param>
/// <param name="Ms">From the decoded image to the masks, model loading included.</param>
/// <param name="FaceMs">Face detection alone, with the models loaded (what each image of a batch costs).</param>
/// <param name="HandMs">Hand detection alone (palms and landmarks), with the models loaded.</param>
public sealed record MaskPreviewResult(int Width, int Height, IReadOnlyList<FoundRegion> Regions, long MaskedPixels, IReadOnlyList<string> Warnings, double Ms, double FaceMs,
    double HandMs = 0)
{
    /// <summary>The subject model's inference with pre- and post-processing, the model loaded (what each image of a batch costs).</summary>
    public double SubjectMs { get; init; }

    /// <summary>The CPU time of <see cref="SubjectMs"/>, all threads: what it costs on a loaded machine, where wall time says little.</summary>
    public double SubjectCpuMs { get; init; }

    /// <summary>The opt-in models used, with their licences.</summary>
    public IReadOnlyList<MaskModel> Models { get; init; } = [];
}

/// <summary>A model a mask was made with: name, SHA-256 of its file, licences.</summary>
public sealed record MaskModel(string Name, string Sha256, string Licence);

/// <summary>
/// <c>burnish masks</c>: the automatic masks of one image, written as a grey PNG (white = masked) and optionally a
/// preview (the image with the mask tinted red and every region's box drawn), so a user can check what a repair
/// would touch before anything is repaired. Both files appear whole or not at all.
/// </summary>
public static class MaskPreview
{
    public static MaskPreviewResult Run(string input, string maskPath, string? overlayPath, IReadOnlyCollection<MaskKind> kinds,
        FaceMaskParams face, TextMaskParams text, ModelCache models, LoadLimits limits, bool overwrite,
        IProgress<string>? notices = null, CancellationToken cancel = default, HandMaskParams? hand = null)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        if (kinds.Count == 0) throw new BurnishException("no mask kind given; choose from face, text, hands, person, subject, background");
        foreach (var path in new[] { maskPath, overlayPath }.OfType<string>())
            if (Path.GetFullPath(path) == Path.GetFullPath(input)) throw new BurnishException($"{path}: would overwrite the input");
        // The opt-in model is looked up before the image is read: without it the command fails at once, saying how to fetch it.
        using var subjectDetector = kinds.Contains(MaskKind.Subject) || kinds.Contains(MaskKind.Background) ? SubjectDetector.FromCache(models) : null;
        var image = ImageLoader.Load(input, limits).Image;
        var clock = Stopwatch.StartNew();
        var (w, h) = (image.Width, image.Height);
        var regions = new List<FoundRegion>();
        var warnings = new List<string>();
        var mask = Image.Black(w, h).Cast(Enums.BandFormat.Float);
        IReadOnlyList<DetectedFace> faces = [];
        double faceMs = 0, subjectMs = 0, subjectCpuMs = 0;
        if (kinds.Contains(MaskKind.Face) || (kinds.Contains(MaskKind.Text) && text.ProtectFaces))
        {
            using var detector = FaceDetector.FromCache(models, progress: notices, cancel: cancel);
            var faceClock = Stopwatch.StartNew();
            // The text veto spares doubtful faces too (AutoRegions.VetoScore); the face mask keeps only those above its own score.
            faces = detector.Detect(image, kinds.Contains(MaskKind.Text) ? face with { MinScore = Math.Min(face.MinScore, AutoRegions.VetoScore) } : face, cancel);
            faceMs = faceClock.Elapsed.TotalMilliseconds;
        }
        if (kinds.Contains(MaskKind.Face))
        {
            // The text veto's doubtful faces (scored below the face mask's own) go only when the mesh did not confirm them.
            var kept = FaceMesh.Admit(faces, face);
            mask = AutoRegions.Union(mask, FaceMasks.Rasterise(kept, w, h, face.Part));
            regions.AddRange(AutoRegions.Faces(kept, face.Part, w, h));
            if (kept.Count == 0) warnings.Add("no face found");
        }
        if (kinds.Contains(MaskKind.Text))
        {
            using var detector = TextDetector.FromCache(models, progress: notices, cancel: cancel);
            var found = detector.Detect(image, text, cancel);
            var textMask = TextDetector.Rasterise(found, w, h, text.Dilate);
            if (text.ProtectFaces && faces.Count > 0) textMask = AutoRegions.Veto(textMask, faces, out _);
            mask = AutoRegions.Union(mask, textMask);
            regions.AddRange(found.Select(r => AutoRegions.Of(r.Kind == RegionKind.Watermark ? "watermark" : "text", r.Points.Select(q => new Point2(q.X, q.Y)), r.Score, textMask)));
            if (found.Count == 0) warnings.Add("no text or watermark found");
        }
        IReadOnlyList<DetectedHand> hands = [];
        double handMs = 0;
        if (kinds.Contains(MaskKind.Hands))
        {
            var p = hand ?? HandMaskParams.Default;
            using var detector = HandDetector.FromCache(models, p.Landmarks, progress: notices, cancel: cancel);
            var handClock = Stopwatch.StartNew();
            hands = detector.Detect(image, p, cancel);
            handMs = handClock.Elapsed.TotalMilliseconds;
            mask = AutoRegions.Union(mask, HandMasks.Rasterise(hands, w, h, p.Grow));
            regions.AddRange(HandRegions.Of(hands, p.Grow, w, h));
            if (hands.Count == 0) warnings.Add("no hand found");
        }
        if (kinds.Contains(MaskKind.Person))
        {
            using var segmenter = PersonSegmenter.FromCache(models, progress: notices, cancel: cancel);
            var (person, region) = segmenter.Segment(image, cancel);
            mask = AutoRegions.Union(mask, person);
            if (region is null) warnings.Add("no person found");
            else regions.Add(region);
        }
        if (subjectDetector is not null)
        {
            var subjectClock = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var alpha = subjectDetector.Alpha(image, cancel);
            subjectMs = subjectClock.Elapsed.TotalMilliseconds;
            subjectCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            foreach (var side in new[] { (MaskKind.Subject, SubjectSide.Subject), (MaskKind.Background, SubjectSide.Background) })
            {
                if (!kinds.Contains(side.Item1)) continue;
                var found = SubjectMasks.From(alpha, w, h, side.Item2);
                mask = AutoRegions.Union(mask, found.Mask);
                regions.AddRange(found.Regions);
                if (found.Warning is { } warning && !warnings.Contains(warning)) warnings.Add(warning);
            }
        }
        var masked = (long)Math.Round((mask > 0.5).Avg() / 255 * w * h);
        var ms = clock.Elapsed.TotalMilliseconds;

        using var outputs = new OutputTransaction(overwrite);
        // A pixel counted as masked (coverage > 0.5) reads as masked (≥ 128) in the PNG too: truncating 0.501 × 255 would give 127.
        using var level = (mask * 255).Cast(Enums.BandFormat.Uchar);
        var grey = ((mask > 0.5) & (level < 128)).Ifthenelse(128, level).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Bw);
        outputs.StageBytes(maskPath, grey.WriteToBuffer(".png"));
        if (overlayPath is not null)
            outputs.StageBytes(overlayPath, Overlay(image, mask, faces, hands, regions).WriteToBuffer(Path.GetExtension(overlayPath) is var ext && ext.Length > 0 ? ext : ".jpg"));
        outputs.Commit(cancel);
        return new MaskPreviewResult(w, h, regions, masked, warnings, Math.Round(ms, 1), Math.Round(faceMs, 1), Math.Round(handMs, 1))
        {
            SubjectMs = Math.Round(subjectMs, 1),
            SubjectCpuMs = Math.Round(subjectCpuMs, 1),
            Models = subjectDetector is null ? [] : [new MaskModel(subjectDetector.Name, subjectDetector.Sha256, subjectDetector.Licence)],
        };
    }

    /// <summary>The image in 8-bit sRGB with the mask tinted red, boxes drawn (faces green, hands magenta, text yellow), the face mesh's outlines and points (or a face's eyes without one) and hand landmarks marked.</summary>
    private static Image Overlay(WorkImage image, Image mask, IReadOnlyList<DetectedFace> faces, IReadOnlyList<DetectedHand> hands, IReadOnlyList<FoundRegion> regions)
    {
        var rgb = FaceDetector.SrgbColour(image) * 255;
        var red = Image.Black(image.Width, image.Height).NewFromImage(255.0, 0.0, 0.0);
        var tinted = rgb * (1 - 0.5 * mask) + red * (0.5 * mask);
        var canvas = tinted.Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb).CopyMemory();
        var thick = Math.Max(1, Math.Max(image.Width, image.Height) / 400);
        return canvas.Mutate(m =>
        {
            foreach (var r in regions)
            {
                double[] colour = r.Kind switch { "face" => [0, 255, 0], "hand" => [255, 0, 255], "person" => [0, 128, 255], "subject" or "background" => [0, 160, 255], _ => [255, 220, 0] };
                for (var t = 0; t < thick; t++)
                    m.DrawRect(colour, r.Box[0] - t, r.Box[1] - t, r.Box[2] + 2 * t, r.Box[3] + 2 * t);
            }
            foreach (var f in faces)
            {
                if (f.Mesh is { } mesh)
                {
                    // The outlines the masks follow (green), and the 468 landmarks (cyan dots).
                    foreach (var ring in new[] { FaceLandmarks.Oval, FaceLandmarks.RightEye, FaceLandmarks.LeftEye, FaceLandmarks.RightBrow, FaceLandmarks.LeftBrow, FaceLandmarks.Lips })
                    {
                        var line = mesh.Polygon(ring);
                        for (var k = 0; k < line.Count; k++)
                        {
                            var (a, b) = (line[k], line[(k + 1) % line.Count]);
                            m.DrawLine([0, 255, 0], (int)Math.Round(a.X), (int)Math.Round(a.Y), (int)Math.Round(b.X), (int)Math.Round(b.Y));
                        }
                    }
                    foreach (var q in mesh.Points)
                        m.DrawRect([0, 255, 255], (int)Math.Round(q.X), (int)Math.Round(q.Y), 1, 1, fill: true);
                    continue;
                }
                foreach (var eye in new[] { f.RightEye, f.LeftEye })
                    m.DrawCircle([0, 255, 255], (int)Math.Round(eye.X), (int)Math.Round(eye.Y), Math.Max(2, thick * 2), fill: true);
            }
            foreach (var point in hands.SelectMany(hd => hd.Landmarks))
                m.DrawCircle([0, 255, 255], (int)Math.Round(point.X), (int)Math.Round(point.Y), Math.Max(1, thick), fill: true);
        });
    }
}
