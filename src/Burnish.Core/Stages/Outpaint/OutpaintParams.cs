using System.Text.Json.Serialization;
using Burnish.Backends;
using Burnish.Imaging;
using Burnish.Schema;

namespace Burnish.Stages.Outpaint;

/// <summary>Where the original sits on the grown canvas; the canvas grows on the other side(s).</summary>
public enum OutpaintAnchor
{
    /// <summary>In the middle: the canvas grows equally on both sides.</summary>
    [AlsoWritten("centre")]
    Center,
    Left,
    Right,
    Top,
    Bottom,
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

/// <summary>How the new bands are filled.</summary>
public enum OutpaintMethod
{
    /// <summary>Content-aware fill from the image's own patches.</summary>
    Fill,
    /// <summary>Your own Stable Diffusion server inpaints each band of the padded canvas from a prompt (docs/diffusion.md).</summary>
    Diffusion,
}

/// <summary>
/// Canvas extension to another aspect ratio (recipe section <c>outpaint:</c>). The canvas only ever grows, in steps of
/// at most <see cref="Step"/> of its current size, each new band filled from the image's own content
/// (<see cref="Synthesis.ContentAwareFill"/>) and its seam re-filled across the old/new boundary.
/// The defaults are the light touch; only the target is required.
/// </summary>
public sealed record OutpaintParams : ISelfValidating
{
    [Doc("Target aspect ratio, W:H: 16:9, 4:5, 1:1, 9:16, 1.91:1… The canvas grows on one axis to the nearest whole pixel of this ratio; it is never cropped. Give aspect or aspects, not both.")]
    public AspectRatio? Aspect { get; init; }

    [Doc("Several target aspect ratios, such as [1:1, 4:5, 9:16, 16:9]: each becomes its own variant of the image, made from the original (feed, story and banner from one generation).")]
    public IReadOnlyList<AspectRatio>? Aspects { get; init; }

    [Doc("Where the original sits on the grown canvas: center, left, right, top, bottom, top-left, top-right, bottom-left, bottom-right. The canvas grows away from it; center grows both sides equally.")]
    public OutpaintAnchor Anchor { get; init; } = OutpaintAnchor.Center;

    [Doc("Largest step, as a fraction of the current size along the growing axis: each step adds at most this much (both sides together), and steps are made equal. Smaller steps keep the fill closer to the original, at more time.")]
    [Range(0.05, 1)]
    public double Step { get; init; } = 0.3;

    [Doc("How much existing image each new band's fill sees and copies from, as a multiple of the band's width (at least 64 pixels; the whole image when it is smaller). More gives the fill more to choose from, at more time.")]
    [Range(1, 16)]
    public double Context { get; init; } = 3;

    [Doc("Width in pixels of the strip across each old/new boundary that is filled again once both sides exist, so no line shows: half of it lies in the existing image (rounded down), which there fades back to the original pixels. 0 leaves the fill's own edge blend alone.")]
    [Range(0, 256)]
    public int Seam { get; init; } = 16;

    [Doc("Warn when a new band's mean colour differs from the original's border strip of the same width by more than this CIEDE2000 (15: clearly another colour; a border strip that holds part of the subject can reach it while the fill is right). The figures for every band (dL, da, db, spread and ΔE per step) are in the sidecar either way.")]
    [Range(0, 100)]
    public double DriftWarn { get; init; } = 15;

    [Doc("Seed of the fill's random search: the same seed gives the same pixels.")]
    [Range(0, int.MaxValue)]
    public int Seed { get; init; }

    [Doc("fill: content-aware fill from the image's own patches; diffusion: your own Stable Diffusion server inpaints each band of the padded canvas (the band with its context, at the model's size) at denoise, then the seam strip again at seam_denoise (backend: NAME; docs/diffusion.md).")]
    public OutpaintMethod Method { get; init; } = OutpaintMethod.Fill;

    [Doc("method diffusion: the name of the server, one of the recipe's backends.")]
    public string? Backend { get; init; }

    [Doc("method diffusion: what the new bands should show (\"more of the misty forest\"); it comes first, before the image's own prompt.")]
    public string? Prompt { get; init; }

    [Doc("method diffusion: what the new bands should not show; before the image's own negative prompt.")]
    public string? Negative { get; init; }

    [Doc("method diffusion: denoising strength of a new band, which starts from blurred surroundings (A1111's fill) and needs nearly all new content.")]
    [Range(0, 1)]
    public double Denoise { get; init; } = 0.9;

    [Doc("method diffusion: denoising strength of the seam strip's second pass, which starts from what is there and only joins the two sides.")]
    [Range(0, 1)]
    public double SeamDenoise { get; init; } = 0.35;

    [Doc("method diffusion: the model's size, steps, CFG, sampler, checkpoint, seed and own graph. Left out, the image's own generation settings where its metadata has them.")]
    public DiffusionParams? Diffusion { get; init; }

    private BackendSpec? endpoint;

    /// <summary>The server <see cref="Backend"/> names, attached from the recipe's backends before the run; not a recipe key.</summary>
    [JsonIgnore]
    public BackendSpec? Endpoint => endpoint;

    /// <summary>These parameters with <paramref name="spec"/> as the server <see cref="Backend"/> names.</summary>
    public OutpaintParams WithEndpoint(BackendSpec? spec)
    {
        var copy = this with { };
        copy.endpoint = spec;
        return copy;
    }

    /// <summary>The target ratios, in the order given (<see cref="Aspect"/> alone, or every entry of <see cref="Aspects"/>).</summary>
    public IReadOnlyList<AspectRatio> Targets() => Aspect is { } one ? [one] : [.. Aspects ?? []];

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (Aspect is not null && Aspects is not null)
            yield return ("aspects", "give aspect or aspects, not both");
        else if (Aspect is null && (Aspects is null || Aspects.Count == 0))
            yield return (null, "a target is needed: aspect (such as 16:9) or aspects (such as [1:1, 4:5, 16:9])");
        if (Method == OutpaintMethod.Diffusion && string.IsNullOrWhiteSpace(Backend))
            yield return ("method", "method diffusion needs backend: the name of one of the recipe's backends");
        foreach (var (key, set) in new[] { ("backend", Backend is not null), ("prompt", Prompt is not null), ("negative", Negative is not null), ("diffusion", Diffusion is not null) })
            if (set && Method != OutpaintMethod.Diffusion)
                yield return (key, $"{key} is for method: diffusion");
        var seen = new Dictionary<double, string>();
        for (var i = 0; i < (Aspects?.Count ?? 0); i++)
        {
            var aspect = Aspects![i];
            if (!seen.TryAdd(Math.Round(aspect.Ratio, 9), aspect.Text))
                yield return ($"aspects[{i}]", $"{aspect.Text} is the same ratio as {seen[Math.Round(aspect.Ratio, 9)]}, listed before it");
        }
    }
}
