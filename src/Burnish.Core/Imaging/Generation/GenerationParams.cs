namespace Burnish.Imaging.Generation;

/// <summary>
/// Generation parameters recovered from an AI-generated image, normalised across tools.
/// Anything the source did not record, or that could not be read, is <see langword="null"/>.
/// </summary>
/// <param name="Tool">
/// The generator: one of <see cref="GenerationTools.Automatic1111"/>, <see cref="GenerationTools.ComfyUI"/>,
/// <see cref="GenerationTools.InvokeAI"/>, <see cref="GenerationTools.NovelAI"/>, <see cref="GenerationTools.Fooocus"/>.
/// </param>
/// <param name="Prompt">Positive prompt text.</param>
/// <param name="NegativePrompt">Negative prompt text; <see langword="null"/> when absent or empty.</param>
/// <param name="Seed">Noise seed; <see langword="null"/> when absent or beyond <see cref="long"/> (then kept in <paramref name="Extra"/> as "Seed").</param>
/// <param name="Model">Checkpoint / UNet / model name as the tool recorded it.</param>
/// <param name="Sampler">Sampler name in the tool's own spelling (e.g. "Euler a", "dpmpp_2m", "k_lms").</param>
/// <param name="Scheduler">Noise schedule in the tool's own spelling (e.g. "karras", "simple").</param>
/// <param name="Steps">Sampling steps.</param>
/// <param name="CfgScale">Classifier-free guidance scale.</param>
/// <param name="Width">Generation width in pixels.</param>
/// <param name="Height">Generation height in pixels.</param>
/// <param name="Extra">Other parsed key/values, keyed as the tool names them (e.g. A1111 "Model hash", "Denoising strength").</param>
public sealed record GenerationParams(
    string Tool,
    string? Prompt,
    string? NegativePrompt,
    long? Seed,
    string? Model,
    string? Sampler,
    string? Scheduler,
    int? Steps,
    double? CfgScale,
    int? Width,
    int? Height,
    IReadOnlyDictionary<string, string> Extra);

/// <summary>The <see cref="GenerationParams.Tool"/> values this parser produces.</summary>
public static class GenerationTools
{
    /// <summary>AUTOMATIC1111 stable-diffusion-webui and forks writing its "parameters" text.</summary>
    public const string Automatic1111 = "AUTOMATIC1111";

    /// <summary>ComfyUI (API prompt graph).</summary>
    public const string ComfyUI = "ComfyUI";

    /// <summary>InvokeAI (Dream, sd-metadata or invokeai_metadata).</summary>
    public const string InvokeAI = "InvokeAI";

    /// <summary>NovelAI.</summary>
    public const string NovelAI = "NovelAI";

    /// <summary>Fooocus (either of its metadata schemes).</summary>
    public const string Fooocus = "Fooocus";
}
