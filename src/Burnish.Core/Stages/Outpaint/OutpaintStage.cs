using Burnish.Imaging;

namespace Burnish.Stages.Outpaint;

/// <summary>The outpaint stage in the chain: each aspect of the recipe is a variant, finished as its own set.</summary>
public sealed class OutpaintStage : IStage<OutpaintParams>
{
    public string Key => "outpaint";

    public IPreparedStage Prepare(OutpaintParams parameters, StageResources resources)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new PreparedOutpaint(parameters, parameters.Targets());
    }

    private sealed class PreparedOutpaint(OutpaintParams p, IReadOnlyList<AspectRatio> targets) : IPreparedStage
    {
        // One aspect is one set under the given names; several are one set each, named by aspect.
        public IReadOnlyList<StageVariant> Variants { get; } =
            targets.Count > 1 ? [.. targets.Select(t => new StageVariant(t.Text, t.FileTag))] : [];

        public StageOutcome Apply(WorkImage image, StageContext context)
        {
            if (targets.Count == 0) return StageOutcome.Skip(image, "no aspect");
            var target = targets[context.Variant];
            var (extended, report) = Outpaint.Extend(image, target, p, context.Cancel);
            var measured = new Dictionary<string, double>(report.Measurements) { ["width"] = extended.Width, ["height"] = extended.Height };
            return StageOutcome.Done(extended, report with { Measurements = measured }, $"done: {target}");
        }

        public void Dispose() { }
    }
}
