using Burnish.Detection;
using Burnish.Detection.Hands;
using Burnish.Detection.Segmentation;
using Burnish.Detection.Subject;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Stages.Cleanup;

/// <summary>The cleanup stage in the chain: soften masks decoded once per run; it measures against the image the AI enlarged.</summary>
public sealed class CleanupStage : IStage<CleanupParams>
{
    public string Key => "cleanup";

    public IPreparedStage Prepare(CleanupParams parameters, StageResources resources)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(resources);
        // The detectors belong to the resources (a service keeps one, repair shares them); each is made only when a region asks for it.
        var finders = new Finders(
            new Lazy<FaceDetector>(() => resources.Shared("face-detector", () => FaceDetector.FromCache(resources.Models, threads: resources.ThreadsPerImage, progress: resources.Notices))),
            new Lazy<HandDetector>(() => resources.Shared($"hand-detector-{HandLandmarkModel.Full}", () => HandDetector.FromCache(resources.Models, HandLandmarkModel.Full, threads: resources.ThreadsPerImage, progress: resources.Notices))),
            new Lazy<PersonSegmenter>(() => resources.Shared("person-segmenter", () => PersonSegmenter.FromCache(resources.Models, threads: resources.ThreadsPerImage, progress: resources.Notices))),
            // The opt-in subject model is looked up now, so a run without it fails before any image with the line that says how to fetch it.
            parameters.Soften.Any(IsSubject) ? resources.Shared(SubjectDetector.ResourceKey, () => SubjectDetector.FromCache(resources.Models, threads: resources.ThreadsPerImage)) : null);
        return new PreparedCleanup(parameters, SoftenMasks.Load(parameters, resources.Limits), finders);
    }

    public IReadOnlyList<string> RequiredOptInModels(CleanupParams parameters) =>
        parameters?.Soften.Any(IsSubject) == true ? [SubjectDetector.ModelName] : [];

    private static bool IsSubject(SoftenRegion r) => r.Auto is SoftenMask.Subject or SoftenMask.Background;

    private static FacePart? PartOf(SoftenMask auto) => auto switch
    {
        SoftenMask.Face => FacePart.Face,
        SoftenMask.Eyes => FacePart.Eyes,
        SoftenMask.Mouth => FacePart.Mouth,
        SoftenMask.Skin => FacePart.Skin,
        _ => null,
    };

    private sealed record Finders(Lazy<FaceDetector> Faces, Lazy<HandDetector> Hands, Lazy<PersonSegmenter> People, SubjectDetector? Subject);

    private sealed class PreparedCleanup(CleanupParams p, SoftenMasks masks, Finders finders) : IPreparedStage
    {
        public StageOutcome Apply(WorkImage image, StageContext context)
        {
            // Without an AI stage there is nothing to calm and nothing to measure against.
            if (context.Reference is not { } before) return StageOutcome.Skip(image, "skipped: no AI stage before it");
            if (Cleanup.IsIdentity(p)) return StageOutcome.Done(image, StageReport.Empty, "identity");
            var auto = AutoMasks(image, context.Cancel);
            // Lazy: the bands are computed as the grade and export read them; the report is settled after.
            var cleaned = new Warned(Cleanup.Stream(image, before, p, auto.Masks, context.Cancel, faces: auto.Faces), auto.Warnings);
            IReadOnlyList<ModelRecord> models = finders.Subject is { } s ? [new ModelRecord(s.Name, s.Sha256, s.Licence)] : [];
            var outcome = StageOutcome.Done(cleaned.Image, StageReport.Empty) with { Stream = cleaned, Models = models };
            return auto.FaceRegions is null && auto.Others.Count == 0 ? outcome
                : outcome with { Detail = new CleanupRecord(p, auto.FaceRegions ?? []) { Regions = auto.Others.Count == 0 ? null : auto.Others } };
        }

        /// <summary>The cleaned image with the stage's own warnings (no face found) added to its report.</summary>
        private sealed class Warned(IStreamedImage inner, List<string> warnings) : IStreamedImage
        {
            public WorkImage Image => inner.Image;
            public bool Rereadable => inner.Rereadable;
            public StageReport Report => warnings.Count == 0 ? inner.Report : inner.Report with { Warnings = [.. inner.Report.Warnings, .. warnings] };
            public void Consume(Action<WorkImage> consume) => inner.Consume(consume);
            public WorkImage Materialise() => inner.Materialise();
            public void Dispose() => inner.Dispose();
        }

        /// <summary>
        /// The soften masks with each automatic region's mask found on this image (each finder runs once, whatever asks),
        /// and the faces that take detail_faces; the face regions are null when no face was looked for.
        /// </summary>
        private (SoftenMasks Masks, IReadOnlyList<FaceWeight> Faces, List<string> Warnings, IReadOnlyList<FoundRegion>? FaceRegions, List<FoundRegion> Others) AutoMasks(
            WorkImage image, CancellationToken cancel)
        {
            var warnings = new List<string>();
            var others = new List<FoundRegion>();
            var result = masks;
            IReadOnlyList<DetectedFace>? found = null;
            IReadOnlyList<DetectedHand>? hands = null;
            (Image Mask, FoundRegion? Region)? person = null;
            byte[]? alpha = null;
            var (w, h) = (image.Width, image.Height);
            for (var i = 0; i < p.Soften.Count; i++)
            {
                if (p.Soften[i].Auto is not { } auto || p.Soften[i].Amount <= 0) continue;
                switch (auto)
                {
                    case SoftenMask.Subject or SoftenMask.Background:
                        alpha ??= finders.Subject!.Alpha(image, cancel);
                        var side = SubjectMasks.From(alpha, w, h, auto == SoftenMask.Subject ? SubjectSide.Subject : SubjectSide.Background);
                        if (side.Warning is { } warning) warnings.Add($"cleanup.soften[{i}]: {warning}; nothing softened there");
                        others.AddRange(side.Regions);
                        result = result.With(i, side.Mask);
                        break;
                    case SoftenMask.Hands:
                        if (hands is null)
                        {
                            hands = finders.Hands.Value.Detect(image, HandMaskParams.Default, cancel);
                            others.AddRange(HandRegions.Of(hands, HandMaskParams.Default.Grow, w, h));
                        }
                        if (hands.Count == 0) warnings.Add($"cleanup.soften[{i}]: no hand found; nothing softened there");
                        result = result.With(i, HandMasks.Rasterise(hands, w, h, HandMaskParams.Default.Grow));
                        break;
                    case SoftenMask.Person:
                        if (person is null)
                        {
                            person = finders.People.Value.Segment(image, cancel);
                            if (person.Value.Region is { } region) others.Add(region);
                        }
                        if (person.Value.Region is null) warnings.Add($"cleanup.soften[{i}]: no person found; nothing softened there");
                        result = result.With(i, person.Value.Mask);
                        break;
                    default:
                        found ??= FaceFeather.WithoutNested(finders.Faces.Value.Detect(image, FaceMaskParams.Default, cancel));
                        if (found.Count == 0) warnings.Add($"cleanup.soften[{i}]: no face found; nothing softened there");
                        result = result.With(i, FaceMasks.Rasterise(found, w, h, PartOf(auto)!.Value));
                        break;
                }
            }
            IReadOnlyList<FaceWeight> weights = [];
            if (FaceDetail.Applies(p))
            {
                found ??= FaceFeather.WithoutNested(finders.Faces.Value.Detect(image, FaceMaskParams.Default, cancel));
                if (found.Count == 0) warnings.Add("cleanup.detail_faces: no face found; the whole image takes detail");
                weights = FaceDetail.Weights(found, w, h, p.DetailFacesFeather);
            }
            IReadOnlyList<FoundRegion>? regions = found is null ? null
                : weights.Count > 0 ? [.. weights.Select(x => x.Region)]
                : [.. AutoRegions.Faces(found, FacePart.Face, w, h)];
            return (result, weights, warnings, regions, others);
        }

        public void Dispose() { }
    }
}

/// <summary>What the sidecar records for a cleanup that looked for faces: the recipe section and each face found (kind, box, score, pixels of its oval).</summary>
public sealed record CleanupRecord(CleanupParams Recipe, IReadOnlyList<FoundRegion> Faces)
{
    /// <summary>The hands, people or subject that soften regions found (kind, box, score, pixels); null when none was looked for.</summary>
    public IReadOnlyList<FoundRegion>? Regions { get; init; }
}
