using System.Text.Json.Nodes;
using Burnish.Backends;
using Burnish.Backends.ComfyUi;
using Burnish.Imaging;
using Burnish.Schema;

namespace Burnish.Stages.Outpaint;

/// <summary>The outpaint stage in the chain: each aspect of the recipe is a variant, finished as its own set.</summary>
public sealed class OutpaintStage : IStage<OutpaintParams>
{
    public string Key => "outpaint";

    public IPreparedStage Prepare(OutpaintParams parameters, StageResources resources)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(resources);
        IDiffusionBackend? backend = null;
        JsonObject? graph = null;
        if (parameters.Method == OutpaintMethod.Diffusion)
        {
            var spec = parameters.Endpoint ?? throw new BurnishException(parameters.Backend is null
                ? "outpaint method diffusion needs backend: the name of a back-end in the recipe's backends (or --backend KIND=URL)"
                : $"outpaint backend '{parameters.Backend}' is not among the recipe's backends");
            if (parameters.Diffusion?.Graph is { } path)
            {
                if (spec.Kind != BackendKind.Comfyui) throw new BurnishException($"outpaint diffusion.graph is for kind: comfyui; back-end {spec} is {Names.EnumValue(spec.Kind)}");
                graph = GraphPlaceholders.Load(path);
            }
            // One client per server for the whole run, so its concurrency limit holds over every image and stage.
            backend = resources.Shared(BackendClients.ResourceKey, () => new BackendClients()).For(spec);
        }
        return new PreparedOutpaint(parameters, parameters.Targets(), backend, graph);
    }

    private sealed class PreparedOutpaint(OutpaintParams p, IReadOnlyList<AspectRatio> targets, IDiffusionBackend? backend, JsonObject? graph) : IPreparedStage
    {
        // One aspect is one set under the given names; several are one set each, named by aspect.
        public IReadOnlyList<StageVariant> Variants { get; } =
            targets.Count > 1 ? [.. targets.Select(t => new StageVariant(t.Text, t.FileTag))] : [];

        public StageOutcome Apply(WorkImage image, StageContext context)
        {
            if (targets.Count == 0) return StageOutcome.Skip(image, "no aspect");
            var target = targets[context.Variant];
            var server = backend is null ? null : new OutpaintServer(backend, context.Metadata.Generation, graph);
            var (extended, report, jobs) = Outpaint.Extend(image, target, p, server, context.Cancel);
            var measured = new Dictionary<string, double>(report.Measurements) { ["width"] = extended.Width, ["height"] = extended.Height };
            var outcome = StageOutcome.Done(extended, report with { Measurements = measured }, $"done: {target}");
            // A diffusion outpaint records each server job (band and seam) beside the recipe section.
            return backend is null ? outcome : outcome with { Detail = new OutpaintRecord(p, jobs) };
        }

        public void Dispose() { }
    }
}

/// <summary>What the sidecar records for a diffusion outpaint: the recipe section and every server job, band and seam, in order.</summary>
public sealed record OutpaintRecord(OutpaintParams Recipe, IReadOnlyList<DiffusionPassRecord> Server);
