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
            if (Cleanup.IsIdentity(p)) return StageOutcome.Done(image, StageReport.Empty, "identity");
            var (found, warnings) = AutoMasks(image, context.Cancel);
            // Lazy: the bands are computed as the grade and export read them; the report is settled after.
            var cleaned = new Warned(Cleanup.Stream(image, before, p, found, context.Cancel), warnings);
            return StageOutcome.Done(cleaned.Image, StageReport.Empty) with { Stream = cleaned };
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

        /// <summary>The soften masks with each automatic region's mask found on this image (faces once, whatever the parts).</summary>
        private (SoftenMasks Masks, List<string> Warnings) AutoMasks(WorkImage image, CancellationToken cancel)
        {
            var warnings = new List<string>();
            var result = masks;
            IReadOnlyList<DetectedFace>? found = null;
            for (var i = 0; i < p.Soften.Count; i++)
            {
                if (p.Soften[i].Auto is not { } part || p.Soften[i].Amount <= 0) continue;
                found ??= faces.Value.Detect(image, FaceMaskParams.Default, cancel);
                if (found.Count == 0) warnings.Add($"cleanup.soften[{i}]: no face found; nothing softened there");
                result = result.With(i, FaceMasks.Rasterise(found, image.Width, image.Height, part));
            }
            return (result, warnings);
        }

        public void Dispose() { }
    }
}
