using System.Text.Json.Serialization;
using Burnish.Backends;
using Burnish.Imaging;
using Burnish.Schema;

namespace Burnish.Stages.Upscale;

/// <summary>Where inference runs.</summary>
public enum Device { Cpu, Cuda }

/// <summary>How the alpha band is enlarged.</summary>
public enum AlphaPath
{
    /// <summary>Lanczos3, clamped to 0–1: smooth, never rings outside the range.</summary>
    Classical,
    /// <summary>Through the model as grey: crisper cut-out edges.</summary>
    Model,
}

/// <summary>How an upscale makes its detail.</summary>
public enum UpscaleMethod
{
    /// <summary>AI super-resolution models on ONNX Runtime.</summary>
    Model,
    /// <summary>The model passes, then your own Stable Diffusion server redraws each tile at low denoise (docs/diffusion.md).</summary>
    Diffusion,
}

/// <summary>What an upscale's target covers instead of a size of its own.</summary>
public enum CoverTarget
{
    /// <summary>The run's export copies: the smallest master from which none is enlarged.</summary>
    Copies,
}

/// <summary>How <c>model: auto</c> and a <c>cover</c> target trade time for detail.</summary>
public enum UpscaleQuality
{
    /// <summary>The fastest model, one model pass; the rest is resampled.</summary>
    Fast,
    /// <summary>A fast model with real detail; model passes until at most ×2.5 is left to resample.</summary>
    Balanced,
    /// <summary>The largest model; model passes reach the size, then it is trimmed.</summary>
    Best,
}

/// <summary>
/// Real-CUGAN's denoise level, a typed value: <c>conservative</c>, <c>none</c>, or <c>1</c>–<c>3</c> (1× to 3× denoise).
/// </summary>
[JsonConverter(typeof(TextValueJsonConverter<CuganDenoise>))]
public readonly record struct CuganDenoise : ITextValue<CuganDenoise>
{
    /// <summary>The levels in the catalogue's spelling (<see cref="Burnish.Models.Ncnn.NcnnModel.Denoise"/>).</summary>
    public static IReadOnlyList<string> Levels { get; } = ["conservative", "none", "1", "2", "3"];

    private readonly string? level;

    private CuganDenoise(string level) => this.level = level;

    /// <summary>The level as the catalogue spells it; conservative (Real-CUGAN's own default) when unset.</summary>
    public string Level => level ?? "conservative";

    public override string ToString() => Level;

    public static bool TryParse(string? text, out CuganDenoise value, out string problem)
    {
        var t = text?.Trim().ToLowerInvariant() ?? "";
        value = default;
        problem = "";
        if (Levels.Contains(t))
        {
            value = new CuganDenoise(t);
            return true;
        }
        problem = $"denoise must be one of {string.Join(", ", Levels)}, got '{text?.Trim()}'";
        return false;
    }
}

/// <summary>
/// An exact output size: a long edge, or a width and/or height (the other side keeps the aspect); or <c>cover: copies</c>,
/// the smallest size from which no export copy is enlarged.
/// </summary>
public sealed record TargetSize : ISelfValidating
{
    [Doc("copies: the smallest size at the image's aspect from which no export copy is enlarged (A4 at 300 ppi needs a 3508 px long edge, A3 4961), reached by model passes with the remainder resampled (see quality). An image that already covers every copy is not upscaled.")]
    public CoverTarget? Cover { get; init; }

    [Doc("Long edge of the result, in pixels.")]
    [Range(16, 262144)]
    public int? LongEdge { get; init; }

    [Doc("Width of the result, in pixels.")]
    [Range(16, 262144)]
    public int? Width { get; init; }

    [Doc("Height of the result, in pixels.")]
    [Range(16, 262144)]
    public int? Height { get; init; }

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (Cover is not null)
        {
            if (LongEdge is not null || Width is not null || Height is not null)
                yield return ("cover", "give cover or a size (long_edge, width, height), not both");
            yield break;
        }
        if (LongEdge is null && Width is null && Height is null)
            yield return (null, "target needs long_edge, or width and/or height, or cover: copies");
        if (LongEdge is not null && (Width is not null || Height is not null))
            yield return ("long_edge", "give long_edge or width/height, not both");
    }

    /// <summary>The exact size for an input of <paramref name="w"/>×<paramref name="h"/> (a size target; a cover target is resolved by the stage).</summary>
    public (int Width, int Height) For(int w, int h)
    {
        if (Cover is not null) throw new InvalidOperationException("a cover target has no size of its own");
        if (LongEdge is { } edge)
            return w >= h ? (edge, Math.Max(1, (int)Math.Round((double)h * edge / w))) : (Math.Max(1, (int)Math.Round((double)w * edge / h)), edge);
        if (Width is { } tw && Height is { } th) return (tw, th);
        if (Width is { } ow) return (ow, Math.Max(1, (int)Math.Round((double)h * ow / w)));
        var oh = Height!.Value;
        return (Math.Max(1, (int)Math.Round((double)w * oh / h)), oh);
    }
}

/// <summary>
/// AI super-resolution (recipe section <c>upscale:</c>): model passes on ONNX Runtime over measured-seamless tiles,
/// then, where the wanted size is not a product of model scales, a Lanczos3 resample in linear light to the exact size.
/// </summary>
public sealed record UpscaleParams : ISelfValidating
{
    [Doc("The model: auto (chosen per image by content and quality; docs/upscale.md, \"Choosing a model\"), a bundled family (esrgan-slim, esrgan-medium, esrgan-thick, default-model, realesrgan-x4plus, realesr-general-x4v3, realesrgan-x4plus-anime, realesr-animevideov3, realcugan) whose scale variant is picked to waste least, a variant such as esrgan-medium-x4, or a path to your own .onnx. `burnish models list` shows them.")]
    public string Model { get; init; } = "auto";

    [Doc("For model: auto, fast (the smallest model), balanced (a fast model with real detail) or best (the largest); with target cover: copies also how far model passes go: fast one pass, balanced until at most ×2.5 is left to resample, best all the way.")]
    public UpscaleQuality Quality { get; init; } = UpscaleQuality.Balanced;

    [Doc("Real-CUGAN's denoise level: conservative, none, 1, 2 or 3 (1 and 2 exist at ×2 only). Only with model realcugan; replaces the realcugan-none and realcugan-denoiseN names.")]
    public CuganDenoise? Denoise { get; init; }

    [Doc("Overall enlargement, e.g. 4 or 3.2. Default: the model's own scale. Give scale or target, not both.")]
    [Range(1, 64)]
    public double? Scale { get; init; }

    [Doc("Exact output size instead of a scale: {long_edge: 6000} or {width: 4000, height: 6000}; width or height alone keeps the aspect.")]
    public TargetSize? Target { get; init; }

    [Doc("Model passes, e.g. [2, 2] for a clean 2× and then 2× again; each is a model scale, 2, 3, 4 or 8 (at most 4 passes). Default: the fewest passes of the best-fitting variant.")]
    public IReadOnlyList<int>? Passes { get; init; }

    [Doc("Tile edge in input pixels, margins included: auto (the largest tile whose inference fits tile_budget_mb) or a number from 32 to 4096. The margin is the model's receptive field either way.")]
    public TileSize Tile { get; init; } = TileSize.Auto;

    [Doc("Memory for one tile's inference, in MiB, when tile is auto.")]
    [Range(64, 65536)]
    public int TileBudgetMb { get; init; } = 1024;

    [Doc("How the alpha band is enlarged: classical (Lanczos3) or model.")]
    public AlphaPath Alpha { get; init; } = AlphaPath.Classical;

    [Doc("A second model for faces: each face found on the image (BlazeFace) is run through faces.model on a crop with the model's receptive field of context, and blended over the main upscale with a feathered oval, in linear light. Leave it out for none. Details in docs/masks.md.")]
    public FaceUpscaleParams? Faces { get; init; }

    [Doc("Where inference runs: cpu, or cuda where the GPU build of ONNX Runtime is installed.")]
    public Device Device { get; init; } = Device.Cpu;

    [Doc("Inference threads on cpu. Default: one per core, shared by the images run at once (finish -j N, serve --threads-per-job).")]
    [Range(1, 1024)]
    public int? Threads { get; init; }

    [Doc("model: the model passes alone; diffusion: the model passes, then your own Stable Diffusion server redraws the result tile by tile at diffusion_denoise (img2img on Burnish's own tile plan, tiles of diffusion.size px overlapping by diffusion.padding and cross-faded in linear light; each tile's prompt is the image's own). backend: NAME; docs/diffusion.md.")]
    public UpscaleMethod Method { get; init; } = UpscaleMethod.Model;

    [Doc("method diffusion: the name of the server, one of the recipe's backends.")]
    public string? Backend { get; init; }

    [Doc("method diffusion: text put before the image's own prompt in every tile (\"sharp focus, fine detail\"); keep it about quality, since every tile gets it.")]
    public string? Prompt { get; init; }

    [Doc("method diffusion: text put before the image's own negative prompt in every tile.")]
    public string? Negative { get; init; }

    [Doc("method diffusion: denoising strength of each tile's redraw: 0.2–0.35 adds texture and keeps the composition; higher invents content that differs from tile to tile.")]
    [Range(0, 1)]
    public double DiffusionDenoise { get; init; } = 0.3;

    [Doc("method diffusion: the tile edge (size, 512–1024 is usual), the overlap (padding), steps, CFG, sampler, checkpoint, seed and own graph. Left out, the image's own generation settings where its metadata has them.")]
    public DiffusionParams? Diffusion { get; init; }

    private BackendSpec? endpoint;

    /// <summary>The server <see cref="Backend"/> names, attached from the recipe's backends before the run; not a recipe key.</summary>
    [JsonIgnore]
    public BackendSpec? Endpoint => endpoint;

    /// <summary>These parameters with <paramref name="spec"/> as the server <see cref="Backend"/> names.</summary>
    public UpscaleParams WithEndpoint(BackendSpec? spec)
    {
        var copy = this with { };
        copy.endpoint = spec;
        return copy;
    }

    /// <summary>The explicit tile edge, or null for auto.</summary>
    public int? TileEdge => Tile.Edge;

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (string.IsNullOrWhiteSpace(Model))
            yield return ("model", "model is empty; use auto, a bundled model name or a path to an .onnx file");
        if (Scale is not null && Target is not null)
            yield return ("scale", "give scale or target, not both");
        if (Passes is { } passes)
        {
            if (passes.Count == 0) yield return ("passes", "passes is empty; leave it out for the default");
            if (passes.Any(p => p is not (2 or 3 or 4 or 8)))
                yield return ("passes", $"each pass is a model scale: 2, 3, 4 or 8, got [{string.Join(", ", passes)}]");
            if (passes.Count > 4) yield return ("passes", "at most 4 passes");
        }
        if (Method == UpscaleMethod.Diffusion && string.IsNullOrWhiteSpace(Backend))
            yield return ("method", "method diffusion needs backend: the name of one of the recipe's backends");
        foreach (var (key, set) in new[] { ("backend", Backend is not null), ("prompt", Prompt is not null), ("negative", Negative is not null), ("diffusion", Diffusion is not null) })
            if (set && Method != UpscaleMethod.Diffusion)
                yield return (key, $"{key} is for method: diffusion");
        if (Method == UpscaleMethod.Diffusion && Diffusion is { } d && d.Size - 2 * d.Padding < TilePlan.MinCore)
            yield return ("diffusion.padding", $"diffusion.padding {d.Padding} leaves no core in a {d.Size} px tile; keep it under a third of size");
    }
}
