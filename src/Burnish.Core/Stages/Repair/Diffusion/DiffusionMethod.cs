using System.Diagnostics;
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
        var clock = Stopwatch.StartNew();
        var plan = InpaintPlan.For(new PixelRect(b.X, b.Y, b.Width, b.Height), image.Width, image.Height, onlyMasked: true,
            settings.Padding, feather: 0, fixedSize: null, workingSize: settings.Size);
        var crop = plan.Crop;
        var (mw, mh) = (plan.ModelWidth, plan.ModelHeight);
        var coverage = mask.ToImage().Crop(crop.X, crop.Y, crop.Width, crop.Height);

        var generation = input.Metadata.Generation;
        var capabilities = Run(backend.CapabilitiesAsync(input.Cancel));
        var request = Request(image, coverage, crop, mw, mh, generation, capabilities);
        var result = Run(backend.InpaintAsync(request, input.Progress, input.Cancel));

        using var returned = Decode(result.Image, mw, mh);
        var fill = Scale(returned, crop.Width, crop.Height).Clamp(min: 0.0, max: 1.0);
        var original = image.Colour.Crop(crop.X, crop.Y, crop.Width, crop.Height);
        var weight = coverage.Cast(Enums.BandFormat.Float).Clamp(min: 0.0, max: 1.0);
        // Light adds up in linear light: a half-covered edge pixel is half the server's light and half the original's.
        var originalLight = ColourSpaces.ToLinear(new WorkImage(original, image.Profile));
        var fillLight = ColourSpaces.ToLinear(new WorkImage(fill.Copy(interpretation: Enums.Interpretation.Srgb), ShippedProfiles.Srgb));
        var mixed = ColourSpaces.FromLinear((originalLight * (1.0 - weight) + fillLight * weight).Copy(interpretation: Enums.Interpretation.Xyz), image.Profile);
        // Where the weight is 0 the original is taken as it is, not computed, so it stays bit for bit.
        var blended = (weight > 0).Ifthenelse(mixed, original);
        var colour = image.Colour.Insert(blended, crop.X, crop.Y).Copy(interpretation: image.Colour.Interpretation);
        var filled = image.WithPixels(ColourSpaces.WithAlpha(colour, image.Alpha));
        var record = new DiffusionPassRecord(Names.EnumValue(backend.Spec.Kind), backend.Spec.PublicUrl, result.ServerVersion,
            result.Checkpoint, result.Sampler, result.Steps, result.Cfg, result.Seed, request.Denoise, request.Prompt, request.Negative,
            [crop.X, crop.Y, crop.Width, crop.Height], [mw, mh], result.TaskId, Math.Round(clock.Elapsed.TotalMilliseconds, 1));
        return new RepairFill(filled, record);
    }

    private InpaintRequest Request(WorkImage image, Image coverage, PixelRect crop, int mw, int mh,
        Imaging.Generation.GenerationParams? generation, BackendCapabilities capabilities)
    {
        string? checkpoint;
        if (settings.Checkpoint is { } asked)
            checkpoint = capabilities.Checkpoint(asked) ?? throw new BackendException(
                $"back-end {backend.Spec}: has no checkpoint '{asked}'; it has {string.Join(", ", capabilities.Checkpoints.Select(c => c.Title).DefaultIfEmpty("none"))}");
        else
        {
            var hash = generation?.Extra.TryGetValue("Model hash", out var h) == true ? h : null;
            checkpoint = capabilities.Checkpoint(generation?.Model, hash);
        }
        string? sampler;
        if (settings.Sampler is { } wanted)
            sampler = capabilities.Sampler(wanted) ?? throw new BackendException(
                $"back-end {backend.Spec}: has no sampler '{wanted}'; it has {string.Join(", ", capabilities.Samplers.DefaultIfEmpty("none"))}");
        else
            sampler = capabilities.Sampler(generation?.Sampler);

        var rgb = ColourSpaces.Convert(new WorkImage(image.Colour, image.Profile), ShippedProfiles.Srgb).Pixels.Crop(crop.X, crop.Y, crop.Width, crop.Height);
        var sent = ColourSpaces.Quantise8(Scale(rgb, mw, mh)).Copy(interpretation: Enums.Interpretation.Srgb);
        // Any coverage is repainted; the pass's feathered coverage is the paste's weight, not the server's.
        var hole = (Scale((coverage > 0).Cast(Enums.BandFormat.Float), mw, mh, Enums.Kernel.Linear) > 1e-3).Copy(interpretation: Enums.Interpretation.Bw);
        return new InpaintRequest(sent.PngsaveBuffer(), hole.PngsaveBuffer(), mw, mh,
            Join(pass.Prompt, settings.OwnPrompt ? generation?.Prompt : null),
            Join(pass.Negative, settings.OwnPrompt ? generation?.NegativePrompt : null),
            pass.Denoise ?? DefaultDenoise,
            settings.Seed ?? generation?.Seed ?? 0,
            settings.Steps ?? generation?.Steps ?? 30,
            settings.Cfg ?? generation?.CfgScale ?? 7,
            sampler, checkpoint, settings.MaskBlur, settings.InpaintingFill) { Graph = graph };
    }

    // The pass's text first: it is what this region needs; the image's own prompt keeps the style.
    private static string Join(string? first, string? then) =>
        string.Join(", ", new[] { first, then }.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()));

    private Image Decode(byte[] bytes, int width, int height)
    {
        Image image;
        try
        {
            image = Image.NewFromBuffer(bytes, access: Enums.Access.Random);
            _ = image.Width;
        }
        catch (VipsException e)
        {
            throw new BackendException($"back-end {backend.Spec}: the returned image cannot be read ({e.Message.Split('\n')[0]})");
        }
        if (image.Width != width || image.Height != height)
            throw new BackendException($"back-end {backend.Spec}: returned a {image.Width}×{image.Height} image for a {width}×{height} request");
        var max = image.Format == Enums.BandFormat.Ushort ? 65535.0 : 255.0;
        var colour = image.Bands switch
        {
            1 or 2 => image[0].Bandjoin(image[0], image[0]),
            _ => image.ExtractBand(0, 3),
        };
        return colour.Cast(Enums.BandFormat.Float) / max;
    }

    // Centre-aligned both ways (libvips' own enlargement is half a pixel off, which a round trip would double).
    private static Image Scale(Image image, int w, int h, Enums.Kernel kernel = Enums.Kernel.Lanczos3) =>
        image.Width == w && image.Height == h ? image : Resampling.Resize(image, w, h, kernel);

    // The stage contract is synchronous (a run's images already use every core); the server's wait is I/O.
    private static T Run<T>(Task<T> task) => task.GetAwaiter().GetResult();

    public void Dispose()
    {
        // The client belongs to the run's back-end clients.
    }
}

/// <summary>
/// What one diffusion pass sent and got, for the sidecar: the server (URL without credentials), its version and the
/// settings the job ran with.
/// </summary>
public sealed record DiffusionPassRecord(
    string Kind, string Url, string ServerVersion, string? Checkpoint, string? Sampler, int Steps, double Cfg, long Seed,
    double Denoise, string Prompt, string Negative, IReadOnlyList<int> Crop, IReadOnlyList<int> ModelSize, string TaskId, double ServerMs);
