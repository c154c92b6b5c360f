using System.Globalization;
using Burnish.Detection;
using Burnish.Imaging;

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
        if (parameters.Faces is { } faces) models.Scales(faces.Model);
        // The face detector is the resources' (cleanup shares it), made only when faces are asked for.
        var detector = new Lazy<FaceDetector>(() => resources.Shared("face-detector", () => FaceDetector.FromCache(resources.Models, progress: resources.Notices)));
        return new PreparedUpscale(parameters, models, detector);
    }

    /// <summary>The shared sessions for a device and thread count: one set per process, whatever the number of runs.</summary>
    public static UpscaleModels SessionsFor(UpscaleParams p, StageResources resources) =>
        resources.Shared($"upscale-models:{p.Device}:{p.Threads?.ToString(CultureInfo.InvariantCulture) ?? "auto"}",
            () => new UpscaleModels(resources.Models, p.Device, p.Threads, resources.Notices));

    /// <summary>Tile progress as the generic kind: the fraction over every pass, the pass and tile count as the label.</summary>
    public static StageProgress Progress(TileProgress t) =>
        new("upscale", (t.Pass - 1 + (double)t.Done / t.Total) / t.Passes, $"pass {t.Pass}/{t.Passes}", $"{t.Done}/{t.Total} tiles");

    private sealed class PreparedUpscale(UpscaleParams p, UpscaleModels models, Lazy<FaceDetector> detector) : IPreparedStage
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
            // The result streams from the last model pass; the pipeline takes the report from the stream once it has been read.
            return new StageOutcome(upscaled.Image, StageReport.Empty, "done", upscaled.Models)
            {
                Stream = upscaled,
                Reference = image,
                Detail = new UpscaleRecord(p, choice, cover is { } c ? new CoverRecord(c.Width, c.Height, "the smallest master from which no export copy is enlarged") : null)
                {
                    Faces = faces?.Records,
                },
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
    /// <summary>With upscale.faces: each face the face model ran on (box, score, crop, pixels, time); null without.</summary>
    public IReadOnlyList<FaceUpscaleRecord>? Faces { get; init; }
}

/// <summary>The size a <c>cover: copies</c> target stood for on one image.</summary>
public sealed record CoverRecord(int Width, int Height, string Reason);
