using System.Text.Json.Nodes;
using Burnish.Backends;
using Burnish.Backends.ComfyUi;
using Burnish.Imaging;
using Burnish.Stages.Repair.Learned;
using Burnish.Schema;
using NetVips;

namespace Burnish.Stages.Repair.Diffusion;

/// <summary>
/// <c>method: diffusion</c>: the user's own Stable Diffusion server regenerates the masked region from a prompt. Only
/// the mask's bounds plus padding are sent, scaled to the model's size, as 8-bit sRGB with a mask (white = repaint);
/// the result is scaled back and pasted in linear light with the pass's mask as the weight, so pixels the mask does
/// not reach keep their 16-bit values exactly.
/// </summary>
public sealed class DiffusionMethod(RepairPass pass, IDiffusionBackend backend, JsonObject? graph = null) : IRepairMethod
{
    /// <summary>The denoising strength when the pass gives none: the middle of the 0.5–0.8 usually advised for a fix.</summary>
    public const double DefaultDenoise = 0.6;

    private readonly DiffusionParams settings = pass.Diffusion ?? DiffusionParams.Default;

    /// <summary>Makes the method of <paramref name="pass"/> with the client <paramref name="backends"/> gives for its back-end.</summary>
    public static DiffusionMethod Create(RepairPass pass, Func<BackendSpec, IDiffusionBackend>? backends)
    {
        var spec = pass.Endpoint ?? throw new BurnishException(pass.Backend is null
            ? "method diffusion needs backend: the name of a back-end in the recipe's backends (or --backend KIND=URL)"
            : $"backend '{pass.Backend}' is not among the recipe's backends");
        var make = backends ?? throw new BurnishException("method diffusion needs the run's back-end clients; none were given");
        JsonObject? graph = null;
        if (pass.Diffusion?.Graph is { } path)
        {
            if (spec.Kind != BackendKind.Comfyui) throw new BurnishException($"diffusion.graph is for kind: comfyui; back-end {spec} is {Names.EnumValue(spec.Kind)}");
            graph = GraphPlaceholders.Load(path);
        }
        return new DiffusionMethod(pass, make(spec), graph);
    }

    public RepairMethod Method => RepairMethod.Diffusion;

    public int? Seed => null;

    public WorkImage Fill(WorkImage image, Mask mask, CancellationToken cancel) => Fill(image, mask, new RepairInput(SourceMetadata.Empty, null, cancel)).Image;

    public RepairFill Fill(WorkImage image, Mask mask, RepairInput input)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(input);
        if (image.IsGrey) throw new BurnishException("method diffusion needs a colour image; this one is grey");
        if (mask.Bounds() is not { } b) return new RepairFill(image);
        var plan = InpaintPlan.For(new PixelRect(b.X, b.Y, b.Width, b.Height), image.Width, image.Height, onlyMasked: true,
            settings.Padding, feather: 0, fixedSize: null, workingSize: settings.Size);
        var crop = plan.Crop;
        var coverage = mask.ToImage().Crop(crop.X, crop.Y, crop.Width, crop.Height);
        var (fill, record) = DiffusionRegion.Inpaint(backend, settings, input.Metadata.Generation, image,
            new RegionRect(crop.X, crop.Y, crop.Width, crop.Height), coverage, (plan.ModelWidth, plan.ModelHeight),
            new RegionAsk(pass.Prompt, pass.Negative, pass.Denoise ?? DefaultDenoise, settings.InpaintingFill), graph, input.Progress, input.Cancel);
        // The pass's feathered coverage is the paste's weight: pixels it does not reach keep their 16-bit values.
        return new RepairFill(DiffusionRegion.Paste(image, fill, coverage, crop.X, crop.Y), record);
    }

    public void Dispose()
    {
        // The client belongs to the run's back-end clients.
    }
}
