using Burnish.Schema;

namespace Burnish.Backends;

/// <summary>
/// How a pass with <c>method: diffusion</c> (repair, outpaint or upscale) runs on its server, beyond the pass's backend,
/// prompt, negative and denoise. Settings left out take the image's own generation settings when its metadata has them
/// and the server has them too, else the values given here.
/// </summary>
public sealed record DiffusionParams
{
    public static DiffusionParams Default { get; } = new();

    [Doc("The size the model works at: the crop around the mask (plus padding), or an outpaint band with its context, is scaled so its longer side is this many pixels, each side a multiple of 8 (512 for SD 1.5, 1024 for SDXL). Only this crop is sent. upscale: the tile edge in pixels of the upscaled image, sent at its own size (512–1024 is usual).")]
    [Range(64, 4096)]
    public int Size { get; init; } = 512;

    [Doc("Context around the mask's bounds, in image pixels, that is sent with it (A1111's only-masked padding). upscale: the overlap of neighbouring tiles on each side of a cut; the cut is cross-faded over half of it.")]
    [Range(0, 1024)]
    public int Padding { get; init; } = 32;

    [Doc("The server's own blur of the mask edge, in pixels at the model's size (A1111's mask_blur). Burnish's paste uses the pass's feather.")]
    [Range(0, 64)]
    public int MaskBlur { get; init; } = 4;

    [Doc("What the masked area starts from before denoising: original keeps what is there (a fix), latent-noise starts fresh (something new), fill starts from blurred surroundings, latent-nothing from zeros.")]
    public InpaintingFill InpaintingFill { get; init; } = InpaintingFill.Original;

    [Doc("Sampling steps; left out, the image's own (from its metadata), else 30.")]
    [Range(1, 500)]
    public int? Steps { get; init; }

    [Doc("Classifier-free guidance scale; left out, the image's own, else 7.")]
    [Range(0, 50)]
    public double? Cfg { get; init; }

    [Doc("Sampler, in the server's spelling (Euler a, DPM++ 2M); left out, the image's own when the server has it, else the server's default.")]
    public string? Sampler { get; init; }

    [Doc("Checkpoint, by the server's title or file name; refused before any image is sent when the server does not have it. Left out, the image's own when the server has it (by name or hash), else the server's current one.")]
    public string? Checkpoint { get; init; }

    [Doc("Noise seed; left out, the image's own, else 0. The seed that ran is in the sidecar.")]
    [Range(0, int.MaxValue)]
    public int? Seed { get; init; }

    [Doc("kind comfyui: your own workflow in ComfyUI's API format (\"Save (API)\"), run instead of Burnish's graph. String inputs may hold placeholders: {{image}} (required: the uploaded crop, its alpha the mask), {{mask}} (the same file, for LoadImageMask on its alpha), {{prompt}}, {{negative}}, {{seed}}, {{steps}}, {{cfg}}, {{denoise}}, {{checkpoint}}, {{sampler}}, {{width}}, {{height}}; a value that is exactly a number's placeholder becomes that number. Read and checked when the run is prepared.")]
    public string? Graph { get; init; }

    [Doc("Add the image's own prompt and negative (from its metadata) after the pass's text. Off: the pass's text alone.")]
    public bool OwnPrompt { get; init; } = true;
}
