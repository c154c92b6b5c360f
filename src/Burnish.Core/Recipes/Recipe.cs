using Burnish.Backends;
using Burnish.Stages.Cleanup;
using Burnish.Stages.Export;
using Burnish.Stages.Outpaint;
using Burnish.Stages.Grade;
using Burnish.Stages.Repair;
using Burnish.Stages.Sharpen;
using Burnish.Stages.Upscale;
using Burnish.Schema;

namespace Burnish.Recipes;

/// <summary>
/// A finishing recipe: one optional section per stage. The runner, not the recipe, fixes the order:
/// repair → outpaint → upscale → cleanup → grade → sharpen → export.
/// </summary>
public sealed record Recipe : ISelfValidating
{
    /// <summary>The recipe format this build reads.</summary>
    public const int CurrentVersion = 1;

    [Doc("Recipe format version. Required; this Burnish reads version 1.")]
    public int Version { get; init; }

    [Doc("Your own Stable Diffusion servers, each with a name that repair passes with method: diffusion or restore, and outpaint or upscale with method: diffusion, refer to (backend: NAME): kind, url, auth_env, concurrency, timeouts and retries. See docs/diffusion.md.")]
    [SharedSection]
    public IReadOnlyList<BackendSpec>? Backends { get; init; }

    [Doc("Repair passes, run in order before anything else, each on the result of the one before: each a mask (an image, the alpha, automatic text, boxes or ellipses, grown, shrunk or feathered) and a method (content-aware fill, telea for thin scratches, or a learned model). Pixels outside every mask are kept bit for bit; the sidecar records each pass (method, mask coverage, time, seed). Leave it out for none. See docs/repair.md.")]
    public IReadOnlyList<RepairPass>? Repair { get; init; }

    [Doc("Canvas extension to another aspect ratio after repair, in modest steps, filled from the image's own content: aspect: 16:9 (the set keeps its names), or aspects: [1:1, 4:5, 9:16, 16:9] for one complete set per aspect (BASE.16x9.master.png …, each with its own sidecar and --resume). Leave it out for none. Details in docs/outpaint.md.")]
    public OutpaintParams? Outpaint { get; init; }

    [Doc("AI super-resolution on ONNX Runtime: bundled ESRGAN models or your own .onnx, over seamless tiles, to a scale or an exact size. Leave it out for none.")]
    public UpscaleParams? Upscale { get; init; }

    [Doc("Cleanup after an AI upscale: halo suppression, detail strength per frequency band, masked softening and the colour-drift fix, each against a Lanczos upscale of the source (linear light, pixel centres aligned), in CIE Lab. Leave it out for none; an empty section is the light touch. Algorithms, report and measured figures: docs/cleanup.md.")]
    public CleanupParams? Cleanup { get; init; }

    [Doc("Colour grade, in linear BT.2020 (unbounded float), in this fixed order: white balance and exposure → tone curve → split toning → saturation and vibrance → LUT → halation → grain. Leave it out for none.")]
    public GradeParams? Grade { get; init; }

    [Doc("Output sharpening of each destination copy after its resize (never the master): an unsharp mask on L* only, so colours cannot fringe, with a noise threshold and a halo guard. Leave it out for none; an empty section is the light touch. Formula, radii per destination and measured figures: docs/sharpening.md.")]
    public SharpenParams? Sharpen { get; init; }

    [Doc("The master and the destination copies.")]
    public ExportParams Export { get; init; } = new();

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (Version == 0)
            yield return (null, $"'version: {CurrentVersion}' is required");
        else if (Version != CurrentVersion)
            yield return ("version", $"recipe version {Version} is not supported; this Burnish reads version {CurrentVersion}");
        var names = new HashSet<string>();
        for (var i = 0; i < (Backends?.Count ?? 0); i++)
            if (Backends![i].Name.Length > 0 && !names.Add(Backends[i].Name))
                yield return ($"backends[{i}].name", $"'{Backends[i].Name}' is named twice");
        for (var i = 0; i < (Repair?.Count ?? 0); i++)
            if (Repair![i].Backend is { } name && !names.Contains(name))
                yield return ($"repair[{i}].backend", $"no back-end named '{name}'"
                    + (names.Count == 0 ? "; add it under backends:" : $"; the recipe's backends are {string.Join(", ", names)}"));
        foreach (var (key, name) in new[] { ("outpaint.backend", Outpaint?.Backend), ("upscale.backend", Upscale?.Backend) })
            if (name is not null && !names.Contains(name))
                yield return (key, $"{key}: no back-end named '{name}'"
                    + (names.Count == 0 ? "; add it under backends:" : $"; the recipe's backends are {string.Join(", ", names)}"));
    }

    /// <summary>The recipe with each diffusion pass (repair, outpaint, upscale) given the server its backend names (what the stage connects to).</summary>
    public Recipe WithBackendsAttached()
    {
        if (Backends is null) return this;
        BackendSpec? Named(string? name) => name is null ? null : Backends.FirstOrDefault(b => b.Name == name);
        return this with
        {
            Repair = Repair is null ? null : [.. Repair.Select(p => Named(p.Backend) is { } spec ? p.WithEndpoint(spec) : p)],
            Outpaint = Outpaint is { } o && Named(o.Backend) is { } outpaintSpec ? o.WithEndpoint(outpaintSpec) : Outpaint,
            Upscale = Upscale is { } u && Named(u.Backend) is { } upscaleSpec ? u.WithEndpoint(upscaleSpec) : Upscale,
        };
    }
}
