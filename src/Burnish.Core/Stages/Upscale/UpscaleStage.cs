using System.Globalization;
using System.Text.Json.Nodes;
using Burnish.Backends;
using Burnish.Backends.ComfyUi;
using Burnish.Detection;
using Burnish.Imaging;
using Burnish.Schema;

namespace Burnish.Stages.Upscale;

/// <summary>The upscale stage in the chain: the run's model sessions come from the resources, shared by every image.</summary>
public sealed class UpscaleStage : IStage<UpscaleParams>
{
    public string Key => "upscale";

    public IPreparedStage Prepare(UpscaleParams parameters, StageResources resources)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(resources);
        var models = SessionsFor(parameters, resources);
        // Resolving the model's scales checks a bundled name (with a suggestion) and loads a file, so either fails the
        // run here; a bundled variant's session is opened by the first image that needs that scale. Auto picks among
        // bundled names only, per image.
        var named = ModelChoice.Named(parameters);
        if (named != "auto") models.Scales(named);
        IDiffusionBackend? backend = null;
        JsonObject? graph = null;
        if (parameters.Method == UpscaleMethod.Diffusion)
        {
            var spec = parameters.Endpoint ?? throw new BurnishException(parameters.Backend is null
                ? "upscale method diffusion needs backend: the name of a back-end in the recipe's backends (or --backend KIND=URL)"
                : $"upscale backend '{parameters.Backend}' is not among the recipe's backends");
            if (parameters.Diffusion?.Graph is { } path)
            {
                if (spec.Kind != BackendKind.Comfyui) throw new BurnishException($"upscale diffusion.graph is for kind: comfyui; back-end {spec} is {Names.EnumValue(spec.Kind)}");
                graph = GraphPlaceholders.Load(path);
            }
            backend = resources.Shared(BackendClients.ResourceKey, () => new BackendClients()).For(spec);
        }
        if (parameters.Faces is { } faces) models.Scales(faces.Model);
        // The face detector is the resources' (cleanup shares it), made only when faces are asked for.
        var detector = new Lazy<FaceDetector>(() => resources.Shared("face-detector", () => FaceDetector.FromCache(resources.Models, threads: resources.ThreadsPerImage, progress: resources.Notices)));
        return new PreparedUpscale(parameters, models, backend, graph, detector);
    }

    /// <summary>
    /// The shared sessions for a device and thread count (the recipe's, else the host's threads per image): one set per
    /// process, whatever the number of runs.
    /// </summary>
    public static UpscaleModels SessionsFor(UpscaleParams p, StageResources resources)
    {
        var threads = p.Threads ?? resources.ThreadsPerImage;
        return resources.Shared($"upscale-models:{p.Device}:{threads.ToString(CultureInfo.InvariantCulture)}",
            () => new UpscaleModels(resources.Models, p.Device, threads, resources.Notices));
    }

    /// <summary>Tile progress as the generic kind: the fraction over every pass, the pass and tile count as the label.</summary>
    public static StageProgress Progress(TileProgress t) =>
        new("upscale", (t.Pass - 1 + (double)t.Done / t.Total) / t.Passes, $"pass {t.Pass}/{t.Passes}", $"{t.Done}/{t.Total} tiles");

    private sealed class PreparedUpscale(UpscaleParams p, UpscaleModels models, IDiffusionBackend? backend, JsonObject? graph, Lazy<FaceDetector> detector) : IPreparedStage
    {
        public StageOutcome Apply(WorkImage image, StageContext context)
        {
            (int Width, int Height)? cover = null;
            if (p.Target?.Cover == CoverTarget.Copies)
            {
                var outputs = context.Outputs ?? throw new BurnishException("upscale target cover: copies needs a run with export copies (burnish finish); give scale or a target size");
                var size = outputs.Covering(image.Width, image.Height);
                if (size.Width <= image.Width && size.Height <= image.Height)
                    return StageOutcome.Skip(image, $"skipped: {image.Width}×{image.Height} already covers every copy");
                cover = size;
            }
            var choice = ModelChoice.For(p, context.Metadata.Generation);
            IProgress<TileProgress>? tiles = context.Progress is { } progress ? new TileReporter(progress) : null;
            var faces = p.Faces is { } f
                ? new FaceUpscale(FaceFeather.WithoutNested(detector.Value.Detect(image, FaceMaskParams.Default with { MinScore = f.MinScore }, context.Cancel)), f, p, models)
                : null;
            var upscaled = Upscale.Apply(image, p with { Model = choice.Model, Denoise = null }, models, tiles, context.Cancel, cover, faces);
            var record = new UpscaleRecord(p, choice, cover is { } cc ? new CoverRecord(cc.Width, cc.Height, "the smallest master from which no export copy is enlarged") : null)
            {
                Faces = faces?.Records,
            };
            if (backend is not null)
            {
                // The redraw reads the model's result whole (tiles overlap), so it is held in memory, then redrawn.
                WorkImage enlarged;
                StageReport modelReport;
                using (upscaled)
                {
                    enlarged = upscaled.Materialise();
                    modelReport = upscaled.Report;
                }
                var redraw = DiffusionTiles.Redraw(enlarged, p, new UpscaleServer(backend, context.Metadata.Generation, graph),
                    (done, total) => context.Report("upscale", (double)done / total, "diffusion", $"{done}/{total} tiles"), context.Cancel);
                var measured = new Dictionary<string, double>(modelReport.Measurements);
                foreach (var (key, value) in redraw.Measurements) measured[key] = value;
                return new StageOutcome(redraw.Image, modelReport with { Measurements = measured }, "done", upscaled.Models)
                {
                    Reference = image,
                    Detail = record with { Diffusion = redraw.Jobs },
                };
            }
            // The result streams from the last model pass; the pipeline takes the report from the stream once it has been read.
            return new StageOutcome(upscaled.Image, StageReport.Empty, "done", upscaled.Models)
            {
                Stream = upscaled,
                Reference = image,
                Detail = record,
            };
        }

        // The sessions belong to the resources, which outlive a run.
        public void Dispose() { }
    }

    private sealed class TileReporter(IProgress<StageProgress> progress) : IProgress<TileProgress>
    {
        public void Report(TileProgress value) => progress.Report(Progress(value));
    }
}

/// <summary>What the sidecar records for an upscale: the recipe section, the model run and why, and a cover target's size.</summary>
public sealed record UpscaleRecord(UpscaleParams Recipe, ModelChoice Chosen, CoverRecord? Cover)
{
    /// <summary>Method diffusion: every tile's server job, in order; null for the model passes alone.</summary>
    public IReadOnlyList<DiffusionPassRecord>? Diffusion { get; init; }

    /// <summary>With upscale.faces: each face the face model ran on (box, score, crop, pixels, time); null without.</summary>
    public IReadOnlyList<FaceUpscaleRecord>? Faces { get; init; }
}

/// <summary>The size a <c>cover: copies</c> target stood for on one image.</summary>
public sealed record CoverRecord(int Width, int Height, string Reason);
