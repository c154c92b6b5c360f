using System.Diagnostics;
using System.Globalization;
using Burnish.Backends;
using Burnish.Detection;
using Burnish.Detection.Hands;
using Burnish.Detection.Segmentation;
using Burnish.Detection.Subject;
using Burnish.Imaging;
using Burnish.Stages.Repair.TextMask;
using NetVips;
using Burnish.Synthesis;

namespace Burnish.Stages.Repair;

/// <summary>
/// The passes of a repair with their mask files decoded and their methods made (a learned model's session opened),
/// once before any image is touched, so a missing mask or a wrong model fails the run up front. Immutable: one plan
/// serves every image of a batch.
/// </summary>
public sealed class RepairPlan : IDisposable
{
    private readonly Image?[] maskImages;
    private readonly IRepairMethod[] methods;
    private readonly Lazy<TextDetector>? detector;
    private readonly Lazy<FaceDetector>? faces;
    private readonly Func<HandLandmarkModel, HandDetector>? hands;
    private readonly Func<PersonSegmenter>? people;
    private readonly SubjectDetector? subject;

    private RepairPlan(IReadOnlyList<RepairPass> passes, Image?[] maskImages, IRepairMethod[] methods, Lazy<TextDetector>? detector, Lazy<FaceDetector>? faces,
        Func<HandLandmarkModel, HandDetector>? hands, Func<PersonSegmenter>? people, SubjectDetector? subject) =>
        (Passes, this.maskImages, this.methods, this.detector, this.faces, this.hands, this.people, this.subject) = (passes, maskImages, methods, detector, faces, hands, people, subject);

    /// <summary>The person segmenter (for auto: person), from the factory the plan was given.</summary>
    public PersonSegmenter People => people?.Invoke() ?? throw new InvalidOperationException("no pass of this plan segments people");

    /// <summary>The subject detector (for auto: subject or background), shared by every image; it belongs to whoever made it.</summary>
    public SubjectDetector Subject => subject ?? throw new InvalidOperationException("no pass of this plan finds the subject");

    /// <summary>Whether a pass finds the subject (auto: subject or background).</summary>
    public static bool NeedsSubject(IReadOnlyList<RepairPass> passes) => passes.Any(p => p.Auto is AutoMask.Subject or AutoMask.Background);

    public IReadOnlyList<RepairPass> Passes { get; }

    /// <summary>The text detector, made on first use by the factory the plan was given, shared by every image.</summary>
    public TextDetector Detector => detector?.Value ?? throw new InvalidOperationException("no pass of this plan detects text");

    /// <summary>The face detector (for auto: face, and to keep the text mask off faces), made on first use, shared by every image.</summary>
    public FaceDetector Faces => faces?.Value ?? throw new InvalidOperationException("no pass of this plan detects faces");

    /// <summary>The hand detector with <paramref name="model"/> landmarks (for auto: hands), from the factory the plan was given.</summary>
    public HandDetector Hands(HandLandmarkModel model) => hands?.Invoke(model) ?? throw new InvalidOperationException("no pass of this plan detects hands");

    /// <summary>The method of pass <paramref name="index"/>.</summary>
    public IRepairMethod Method(int index) => methods[index];

    /// <summary>Disposes the methods' sessions; the text detector belongs to whoever made it.</summary>
    public void Dispose()
    {
        foreach (var m in methods) m?.Dispose();
    }

    /// <summary>
    /// Checks every pass, decodes its mask file and makes its method. <paramref name="textDetector"/> gives the text
    /// detector (from the run's resources) to passes with <c>auto: text</c>, <paramref name="faceDetector"/> the face
    /// detector to passes with <c>auto: face</c> or a text mask that protects faces; each is called on first use.
    /// <paramref name="subjectDetector"/> gives the subject detector to passes with <c>auto: subject</c> or
    /// <c>background</c>, called at once (the opt-in model must have been fetched).
    /// <paramref name="backends"/> gives diffusion passes their server's client. Throws <see cref="BurnishException"/>
    /// naming the file and the problem.
    /// </summary>
    public static RepairPlan Load(IReadOnlyList<RepairPass> passes, LoadLimits? limits = null, Func<TextDetector>? textDetector = null,
        Func<FaceDetector>? faceDetector = null, Func<BackendSpec, IDiffusionBackend>? backends = null, Func<HandLandmarkModel, HandDetector>? handDetector = null,
        Func<PersonSegmenter>? personSegmenter = null, Func<SubjectDetector>? subjectDetector = null)
    {
        ArgumentNullException.ThrowIfNull(passes);
        var images = new Image?[passes.Count];
        var methods = new IRepairMethod[passes.Count];
        try
        {
            for (var i = 0; i < passes.Count; i++)
            {
                var problems = passes[i].Problems().ToList();
                if (problems.Count > 0)
                    throw new BurnishException($"repair pass {i + 1}: " + string.Join("; ", problems.Select(p => p.Message)));
                if (passes[i].Mask is { } path)
                    images[i] = ImageLoader.Load(path, limits ?? LoadLimits.Default).Image.Pixels;
                try
                {
                    methods[i] = RepairMethods.For(passes[i], backends);
                }
                catch (BurnishException e)
                {
                    throw new BurnishException($"repair pass {i + 1}: {e.Message}", e);
                }
            }
        }
        catch
        {
            foreach (var m in methods) m?.Dispose();
            throw;
        }
        Lazy<TextDetector>? detector = null;
        if (passes.Any(p => p.Auto == AutoMask.Text))
        {
            var make = textDetector ?? throw new ArgumentException("a pass finds text, but no text detector was given", nameof(textDetector));
            detector = new Lazy<TextDetector>(make);
        }
        Lazy<FaceDetector>? faces = null;
        if (passes.Any(NeedsFaces))
        {
            var make = faceDetector ?? throw new ArgumentException("a pass finds faces, but no face detector was given", nameof(faceDetector));
            faces = new Lazy<FaceDetector>(make);
        }
        if (passes.Any(p => p.Auto == AutoMask.Hands) && handDetector is null)
            throw new ArgumentException("a pass finds hands, but no hand detector was given", nameof(handDetector));
        if (passes.Any(p => p.Auto == AutoMask.Person) && personSegmenter is null)
            throw new ArgumentException("a pass segments people, but no person segmenter was given", nameof(personSegmenter));
        SubjectDetector? subject = null;
        if (NeedsSubject(passes))
        {
            // Made now, not on first use: the opt-in model must be there before any image is touched.
            var make = subjectDetector ?? throw new ArgumentException("a pass finds the subject, but no subject detector was given", nameof(subjectDetector));
            try { subject = make(); }
            catch { foreach (var m in methods) m?.Dispose(); throw; }
        }
        return new RepairPlan(passes, images, methods, detector, faces, handDetector, personSegmenter, subject);
    }

    /// <summary>The decoded mask file of pass <paramref name="index"/>, or null when it has none.</summary>
    public Image? MaskImage(int index) => maskImages[index];

    private static bool NeedsFaces(RepairPass p) =>
        p.Auto == AutoMask.Face || (p.Auto == AutoMask.Text && (p.Text ?? TextMaskParams.Default).ProtectFaces);
}

/// <summary>One pass as it ran, for the sidecar.</summary>
/// <param name="Pass">1-based position in the recipe.</param>
/// <param name="Method">How it was filled.</param>
/// <param name="Source">What the mask was made from.</param>
/// <param name="MaskCoveragePercent">Mean coverage over the image, percent.</param>
/// <param name="HolePercent">Pixels with any coverage (what had to be synthesised), percent.</param>
/// <param name="Ms">Time taken, milliseconds.</param>
/// <param name="Seed">The fill's seed; null for Telea, which has none.</param>
public sealed record RepairPassRecord(int Pass, RepairMethod Method, string Source, double MaskCoveragePercent, double HolePercent, double Ms, int? Seed)
{
    /// <summary>What a method that talks to a server records of the pass (server, checkpoint, sampler, seed, prompt…); null for the others.</summary>
    public object? Server { get; init; }

    /// <summary>What an automatic mask found (kind, box, score, masked pixels); null for a pass without one.</summary>
    public IReadOnlyList<FoundRegion>? Regions { get; init; }
}

/// <summary>The whole repair as it ran: one record per pass, plus warnings.</summary>
public sealed record RepairReport(IReadOnlyList<RepairPassRecord> Passes, IReadOnlyList<string> Warnings)
{
    /// <summary>The sidecar's flat measurements: pass{N}.mask_coverage_percent, pass{N}.hole_percent, pass{N}.ms, pass{N}.seed.</summary>
    public StageReport ToStageReport()
    {
        var m = new Dictionary<string, double>();
        foreach (var p in Passes)
        {
            m[$"pass{p.Pass}.mask_coverage_percent"] = p.MaskCoveragePercent;
            m[$"pass{p.Pass}.hole_percent"] = p.HolePercent;
            m[$"pass{p.Pass}.ms"] = p.Ms;
            if (p.Seed is { } seed) m[$"pass{p.Pass}.seed"] = seed;
        }
        return new StageReport(Warnings, m);
    }
}

/// <summary>
/// The repair stage: runs each pass in order on the result of the one before. Each pass builds its mask on the
/// current image (<see cref="RepairMasks"/>) and fills it with its method; pixels outside every mask come back
/// bit for bit.
/// </summary>
public static class Repair
{
    /// <summary>Above this share of the image, content-aware fill has too little left to draw from; it still runs, with a warning.</summary>
    public const double LargeHoleFraction = Fill.FillMethod.LargeHoleFraction;

    public static (WorkImage Image, RepairReport Report) Apply(WorkImage image, RepairPlan plan, CancellationToken cancel = default) =>
        Apply(image, plan, SourceMetadata.Empty, null, cancel);

    /// <summary>As <see cref="Apply(WorkImage, RepairPlan, CancellationToken)"/>, with the input's metadata (a prompted pass reads its prompt) and the passes' progress (0–1 over all of them).</summary>
    public static (WorkImage Image, RepairReport Report) Apply(WorkImage image, RepairPlan plan, SourceMetadata metadata, IProgress<double>? progress, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(plan);
        var records = new List<RepairPassRecord>();
        var warnings = new List<string>();
        for (var i = 0; i < plan.Passes.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var pass = plan.Passes[i];
            var clock = Stopwatch.StartNew();
            Mask mask;
            IReadOnlyList<FoundRegion>? record;
            try
            {
                var (auto, regions) = AutoMaskOf(pass, i, image, plan, warnings, cancel);
                mask = RepairMasks.Build(pass, image, plan.MaskImage(i), auto);
                // An automatic mask alone that finds nothing is a clean image, not a mistake.
                if (mask.IsEmpty && auto is not null && pass.Mask is null && !pass.Alpha && !pass.Shapes().Any())
                {
                    warnings.Add($"repair pass {i + 1}: {NothingFound(pass.Auto)}; nothing repaired");
                    records.Add(new RepairPassRecord(i + 1, pass.Method, RepairMasks.Describe(pass), 0, 0, Math.Round(clock.Elapsed.TotalMilliseconds, 1), null) { Regions = regions });
                    continue;
                }
                record = regions;
                mask.CheckFillable(image);
            }
            catch (BurnishException e)
            {
                throw new BurnishException($"repair pass {i + 1} ({RepairMasks.Describe(pass)}): {e.Message}", e);
            }
            var hole = (double)mask.HolePixels / (image.Width * (double)image.Height);
            if (plan.MaskImage(i) is { } m && AspectDiffers(m, image))
                warnings.Add($"repair pass {i + 1}: the mask image is {m.Width}×{m.Height} and the image {image.Width}×{image.Height}; their shapes differ, so the mask was stretched");
            var method = plan.Method(i);
            if (method.Caution(hole) is { } caution)
                warnings.Add($"repair pass {i + 1}: {caution}");
            object? server;
            try
            {
                var index = i;
                var passProgress = progress is null ? null : new PassProgress(f => progress.Report((index + f) / plan.Passes.Count));
                (image, server) = method.Fill(image, mask, new RepairInput(metadata, passProgress, cancel));
            }
            catch (BurnishException e)
            {
                throw new BurnishException($"repair pass {i + 1} ({RepairMasks.Describe(pass)}): {e.Message}", e);
            }
            records.Add(new RepairPassRecord(i + 1, pass.Method, RepairMasks.Describe(pass),
                Math.Round(100 * mask.Coverage, 3), Math.Round(100 * hole, 3), Math.Round(clock.Elapsed.TotalMilliseconds, 1),
                method.Seed) { Server = server, Regions = record });
        }
        return (image, new RepairReport(records, warnings));
    }

    /// <summary>
    /// The pass's automatic mask and what it found, or (null, null) without one. A text mask is cleared on every face
    /// oval unless the pass turns <see cref="TextMaskParams.ProtectFaces"/> off: text detectors read irises and lashes as
    /// glyphs, and a fill there ruins a face.
    /// </summary>
    private static (Image? Mask, IReadOnlyList<FoundRegion>? Regions) AutoMaskOf(RepairPass pass, int index, WorkImage image, RepairPlan plan,
        List<string> warnings, CancellationToken cancel)
    {
        switch (pass.Auto)
        {
            case AutoMask.Text:
                var text = pass.Text ?? TextMaskParams.Default;
                var mask = plan.Detector.Mask(image, text, cancel);
                if (!text.ProtectFaces) return (mask, null);
                var faces = plan.Faces.Detect(image, FaceMaskParams.Default with { MinScore = AutoRegions.VetoScore }, cancel);
                mask = AutoRegions.Veto(mask, faces, out var vetoed);
                if (vetoed > 0)
                    warnings.Add($"repair pass {index + 1}: {vetoed} px of the text mask lay on {(faces.Count == 1 ? "a face" : "faces")} and were left alone (text.protect_faces)");
                return (mask, null);
            case AutoMask.Face:
                var p = pass.Face ?? FaceMaskParams.Default;
                var found = plan.Faces.Detect(image, p, cancel);
                return (FaceMasks.Rasterise(found, image.Width, image.Height, p.Part), [.. AutoRegions.Faces(found, p.Part, image.Width, image.Height)]);
            case AutoMask.Hands:
                var h = pass.Hands ?? HandMaskParams.Default;
                var hands = plan.Hands(h.Landmarks).Detect(image, h, cancel);
                return (HandMasks.Rasterise(hands, image.Width, image.Height, h.Grow), [.. HandRegions.Of(hands, h.Grow, image.Width, image.Height)]);
            case AutoMask.Person:
                var (person, region) = plan.People.Segment(image, cancel);
                return region is null ? (person, []) : (person, [region]);
            case AutoMask.Subject or AutoMask.Background:
                var side = pass.Auto == AutoMask.Subject ? SubjectSide.Subject : SubjectSide.Background;
                var subject = SubjectMasks.From(plan.Subject.Alpha(image, cancel), image.Width, image.Height, side);
                return (subject.Mask, subject.Regions);
            default:
                return (null, null);
        }
    }

    /// <summary>
    /// What the automatic source of <paramref name="pass"/> finds on <paramref name="image"/> (0–1 at the image's size,
    /// before grow, shrink and feather), exactly as the pass would mask it; null for a pass without one. For layers
    /// shown before anything is repaired (<see cref="AutoMaskLayers"/>).
    /// </summary>
    public static (Image? Mask, IReadOnlyList<FoundRegion>? Regions) FindAutoMask(RepairPass pass, WorkImage image, RepairPlan plan, List<string> warnings,
        CancellationToken cancel = default) => AutoMaskOf(pass, 0, image, plan, warnings, cancel);

    private static string NothingFound(AutoMask? auto) => auto switch
    {
        AutoMask.Face => "no face found",
        AutoMask.Hands => "no hand found",
        AutoMask.Person => "no person found",
        AutoMask.Subject or AutoMask.Background => SubjectMasks.NotFound,
        _ => "no text or watermark found",
    };

    private static bool AspectDiffers(Image mask, WorkImage image) =>
        Math.Abs(Math.Log((double)mask.Width / mask.Height) - Math.Log((double)image.Width / image.Height)) > 0.01;
}

/// <summary>Reports at once, on the reporting thread (<see cref="Progress{T}"/> would post it for later).</summary>
internal sealed class PassProgress(Action<double> report) : IProgress<double>
{
    public void Report(double value) => report(value);
}
