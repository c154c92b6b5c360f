using Burnish.Detection;
using Burnish.Detection.Subject;
using Burnish.Imaging;

namespace Burnish.Stages.Cleanup;

/// <summary>The cleanup stage in the chain: soften masks decoded once per run; it measures against the image the AI enlarged.</summary>
public sealed class CleanupStage : IStage<CleanupParams>
{
    public string Key => "cleanup";

    public IPreparedStage Prepare(CleanupParams parameters, StageResources resources)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(resources);
        // The face detector belongs to the resources (a service keeps one); it is made only when a region asks for it.
        var faces = new Lazy<FaceDetector>(() => resources.Shared("face-detector", () => FaceDetector.FromCache(resources.Models, progress: resources.Notices)));
        // The opt-in subject model is looked up now, so a run without it fails before any image with the line that says how to fetch it.
        var subject = parameters.Soften.Any(IsSubject) ? resources.Shared(SubjectDetector.ResourceKey, () => SubjectDetector.FromCache(resources.Models)) : null;
        return new PreparedCleanup(parameters, SoftenMasks.Load(parameters, resources.Limits), faces, subject);
    }

    private static bool IsSubject(SoftenRegion r) => r.Auto is SoftenMask.Subject or SoftenMask.Background;

    private static FacePart PartOf(SoftenMask auto) => auto switch
    {
        SoftenMask.Eyes => FacePart.Eyes,
        SoftenMask.Mouth => FacePart.Mouth,
        SoftenMask.Skin => FacePart.Skin,
        _ => FacePart.Face,
    };

    private sealed class PreparedCleanup(CleanupParams p, SoftenMasks masks, Lazy<FaceDetector> faces, SubjectDetector? subject) : IPreparedStage
    {
        public StageOutcome Apply(WorkImage image, StageContext context)
        {
            // Without an AI stage there is nothing to calm and nothing to measure against.
            if (context.Reference is not { } before) return StageOutcome.Skip(image, "skipped: no AI stage before it");
            var (found, warnings) = AutoMasks(image, context.Cancel);
            var (cleaned, report) = Cleanup.Apply(image, before, p, found, context.Cancel);
            if (warnings.Count > 0) report = report with { Warnings = [.. report.Warnings, .. warnings] };
            IReadOnlyList<ModelRecord> models = subject is null ? [] : [new ModelRecord(subject.Name, subject.Sha256, subject.Licence)];
            return StageOutcome.Done(cleaned, report, Cleanup.IsIdentity(p) ? "identity" : "done") with { Models = models };
        }

        /// <summary>The soften masks with each automatic region's mask found on this image (faces once, whatever the parts).</summary>
        private (SoftenMasks Masks, List<string> Warnings) AutoMasks(WorkImage image, CancellationToken cancel)
        {
            var warnings = new List<string>();
            var result = masks;
            IReadOnlyList<DetectedFace>? found = null;
            byte[]? alpha = null;
            for (var i = 0; i < p.Soften.Count; i++)
            {
                if (p.Soften[i].Auto is not { } part || p.Soften[i].Amount <= 0) continue;
                if (IsSubject(p.Soften[i]))
                {
                    alpha ??= subject!.Alpha(image, cancel);
                    var side = SubjectMasks.From(alpha, image.Width, image.Height, part == SoftenMask.Subject ? SubjectSide.Subject : SubjectSide.Background);
                    if (side.Warning is { } w) warnings.Add($"cleanup.soften[{i}]: {w}; nothing softened there");
                    result = result.With(i, side.Mask);
                    continue;
                }
                found ??= faces.Value.Detect(image, FaceMaskParams.Default, cancel);
                if (found.Count == 0) warnings.Add($"cleanup.soften[{i}]: no face found; nothing softened there");
                result = result.With(i, FaceMasks.Rasterise(found, image.Width, image.Height, PartOf(part)));
            }
            return (result, warnings);
        }

        public void Dispose() { }
    }
}
