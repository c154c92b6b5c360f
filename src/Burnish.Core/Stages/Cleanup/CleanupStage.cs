using Burnish.Detection;
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
        return new PreparedCleanup(parameters, SoftenMasks.Load(parameters, resources.Limits), faces);
    }

    private sealed class PreparedCleanup(CleanupParams p, SoftenMasks masks, Lazy<FaceDetector> faces) : IPreparedStage
    {
        public StageOutcome Apply(WorkImage image, StageContext context)
        {
            // Without an AI stage there is nothing to calm and nothing to measure against.
            if (context.Reference is not { } before) return StageOutcome.Skip(image, "skipped: no AI stage before it");
            var auto = AutoMasks(image, context.Cancel);
            var (cleaned, report) = Cleanup.Apply(image, before, p, auto.Masks, context.Cancel, auto.Faces);
            if (auto.Warnings.Count > 0) report = report with { Warnings = [.. report.Warnings, .. auto.Warnings] };
            var outcome = StageOutcome.Done(cleaned, report, Cleanup.IsIdentity(p) ? "identity" : "done");
            return auto.Regions is null ? outcome : outcome with { Detail = new CleanupRecord(p, auto.Regions) };
        }

        /// <summary>
        /// The soften masks with each automatic region's mask found on this image, and the faces that take
        /// detail_faces (faces found once, whatever asks); the regions are null when no face was looked for.
        /// </summary>
        private (SoftenMasks Masks, IReadOnlyList<FaceWeight> Faces, List<string> Warnings, IReadOnlyList<FoundRegion>? Regions) AutoMasks(
            WorkImage image, CancellationToken cancel)
        {
            var warnings = new List<string>();
            var result = masks;
            IReadOnlyList<DetectedFace>? found = null;
            for (var i = 0; i < p.Soften.Count; i++)
            {
                if (p.Soften[i].Auto is not { } part || p.Soften[i].Amount <= 0) continue;
                found ??= FaceFeather.WithoutNested(faces.Value.Detect(image, FaceMaskParams.Default, cancel));
                if (found.Count == 0) warnings.Add($"cleanup.soften[{i}]: no face found; nothing softened there");
                result = result.With(i, FaceMasks.Rasterise(found, image.Width, image.Height, part));
            }
            IReadOnlyList<FaceWeight> weights = [];
            if (FaceDetail.Applies(p))
            {
                found ??= FaceFeather.WithoutNested(faces.Value.Detect(image, FaceMaskParams.Default, cancel));
                if (found.Count == 0) warnings.Add("cleanup.detail_faces: no face found; the whole image takes detail");
                weights = FaceDetail.Weights(found, image.Width, image.Height, p.DetailFacesFeather);
            }
            IReadOnlyList<FoundRegion>? regions = found is null ? null
                : weights.Count > 0 ? [.. weights.Select(w => w.Region)]
                : [.. AutoRegions.Faces(found, FacePart.Face, image.Width, image.Height)];
            return (result, weights, warnings, regions);
        }

        public void Dispose() { }
    }
}

/// <summary>What the sidecar records for a cleanup that looked for faces: the recipe section and each face found (kind, box, score, pixels of its oval).</summary>
public sealed record CleanupRecord(CleanupParams Recipe, IReadOnlyList<FoundRegion> Faces);
