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
        return new PreparedCleanup(parameters, SoftenMasks.Load(parameters, resources.Limits));
    }

    private sealed class PreparedCleanup(CleanupParams p, SoftenMasks masks) : IPreparedStage
    {
        public StageOutcome Apply(WorkImage image, StageContext context)
        {
            // Without an AI stage there is nothing to calm and nothing to measure against.
            if (context.Reference is not { } before) return StageOutcome.Skip(image, "skipped: no AI stage before it");
            var (cleaned, report) = Cleanup.Apply(image, before, p, masks, context.Cancel);
            return StageOutcome.Done(cleaned, report, Cleanup.IsIdentity(p) ? "identity" : "done");
        }

        public void Dispose() { }
    }
}
