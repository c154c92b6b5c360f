using Burnish.Backends;
using Burnish.Detection;
using Burnish.Detection.Hands;
using Burnish.Detection.Segmentation;
using Burnish.Detection.Subject;
using Burnish.Imaging;
using Burnish.Stages.Repair.TextMask;

namespace Burnish.Stages.Repair;

/// <summary>The repair stage in the chain: its plan (masks decoded, methods made) is made once per run.</summary>
public sealed class RepairStage : IStage<IReadOnlyList<RepairPass>>
{
    public string Key => "repair";

    public IPreparedStage Prepare(IReadOnlyList<RepairPass> parameters, StageResources resources) => new PreparedRepair(Plan(parameters, resources));

    public IReadOnlyList<string> RequiredOptInModels(IReadOnlyList<RepairPass> parameters) => RepairPlan.NeedsSubject(parameters) ? [SubjectDetector.ModelName] : [];

    /// <summary>The plan of <paramref name="parameters"/> with the detectors and clients of <paramref name="resources"/> (also what <see cref="AutoMaskLayers"/> finds layers with).</summary>
    public static RepairPlan Plan(IReadOnlyList<RepairPass> parameters, StageResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        // The detector's sessions belong to the resources: a service keeps one for every run.
        // So are the diffusion servers' clients: one per server, so its concurrency limit holds over the whole run.
        return RepairPlan.Load(parameters, resources.Limits,
            () => resources.Shared("text-detector", () => TextDetector.FromCache(resources.Models, threads: resources.ThreadsPerImage, progress: resources.Notices)),
            () => resources.Shared("face-detector", () => FaceDetector.FromCache(resources.Models, threads: resources.ThreadsPerImage, progress: resources.Notices)),
            spec => resources.Shared(BackendClients.ResourceKey, () => new BackendClients()).For(spec),
            model => resources.Shared($"hand-detector-{model}", () => HandDetector.FromCache(resources.Models, model, threads: resources.ThreadsPerImage, progress: resources.Notices)),
            () => resources.Shared("person-segmenter", () => PersonSegmenter.FromCache(resources.Models, threads: resources.ThreadsPerImage, progress: resources.Notices)),
            () => resources.Shared(SubjectDetector.ResourceKey, () => SubjectDetector.FromCache(resources.Models, threads: resources.ThreadsPerImage)));
    }

    private sealed class PreparedRepair(RepairPlan plan) : IPreparedStage
    {
        public StageOutcome Apply(WorkImage image, StageContext context)
        {
            var progress = new PassProgress(f => context.Report("repair", f));
            var (repaired, report) = Repair.Apply(image, plan, context.Metadata, progress, context.Cancel);
            // The opt-in subject model goes into the sidecar's models with both its licences.
            IReadOnlyList<ModelRecord> models = RepairPlan.NeedsSubject(plan.Passes) ? [new ModelRecord(plan.Subject.Name, plan.Subject.Sha256, plan.Subject.Licence)] : [];
            return StageOutcome.Done(repaired, report.ToStageReport()) with { Detail = report.Passes, Models = models };
        }

        public void Dispose() => plan.Dispose();
    }
}
