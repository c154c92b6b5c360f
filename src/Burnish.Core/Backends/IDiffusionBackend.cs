namespace Burnish.Backends;

/// <summary>
/// A diffusion server as the stages see it, whatever its protocol. One instance serves every image of a run on
/// several threads; what belongs to one request lives in the call.
/// </summary>
public interface IDiffusionBackend
{
    BackendSpec Spec { get; }

    /// <summary>What the server has (checkpoints, samplers, version), asked once and kept while it answers.</summary>
    Task<BackendCapabilities> CapabilitiesAsync(CancellationToken cancel);

    /// <summary>
    /// Inpaints <see cref="InpaintRequest.Image"/> where <see cref="InpaintRequest.Mask"/> is white. Throws
    /// <see cref="BackendException"/> with one line naming the server when it cannot; on cancellation the server's
    /// own job is stopped before <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    Task<InpaintResult> InpaintAsync(InpaintRequest request, IProgress<double>? progress, CancellationToken cancel);

    /// <summary>
    /// Restores the faces in <see cref="RestoreRequest.Image"/> with the server's own face restorer, at the same size.
    /// Throws <see cref="BackendException"/> with one line when the server cannot (a protocol without one says so).
    /// </summary>
    Task<RestoreResult> RestoreFacesAsync(RestoreRequest request, CancellationToken cancel);
}

/// <summary>The face restorers A1111's extras offer.</summary>
public enum FaceRestorer
{
    /// <summary>GFPGAN (Tencent ARC): strong, smooths skin.</summary>
    Gfpgan,
    /// <summary>CodeFormer (S-Lab, NTU): keeps more identity at its middle fidelity.</summary>
    Codeformer,
}

/// <summary>
/// One face-restoration job: an sRGB 8-bit PNG, the restorer, how much of its result shows (0–1, A1111's visibility) and,
/// for CodeFormer, its fidelity weight (0 = strongest restoration, 1 = closest to the input).
/// </summary>
public sealed record RestoreRequest(byte[] Image, FaceRestorer Model, double Strength, double Fidelity);

/// <summary>The restored image (PNG) and the version of the server that made it.</summary>
public sealed record RestoreResult(byte[] Image, string ServerVersion);

/// <summary>What a server offers. <see cref="Version"/> is "unknown" when the server does not say.</summary>
public sealed record BackendCapabilities(
    string Version, IReadOnlyList<CheckpointInfo> Checkpoints, IReadOnlyList<string> Samplers, string? CurrentCheckpoint,
    IReadOnlyList<string> Upscalers)
{
    /// <summary>The node types a graph-running server (ComfyUI) has; empty for the others.</summary>
    public IReadOnlyList<string> Nodes { get; init; } = [];

    /// <summary>The server's title of the checkpoint <paramref name="name"/> names (title, file name without extension, or short hash), or null.</summary>
    public string? Checkpoint(string? name, string? hash = null)
    {
        if (string.IsNullOrWhiteSpace(name) && string.IsNullOrWhiteSpace(hash)) return null;
        foreach (var c in Checkpoints)
            if (name is not null && (string.Equals(c.Title, name, StringComparison.OrdinalIgnoreCase) || string.Equals(c.ModelName, name, StringComparison.OrdinalIgnoreCase)))
                return c.Title;
        foreach (var c in Checkpoints)
            if (hash is not null && c.Hash is not null && string.Equals(c.Hash, hash, StringComparison.OrdinalIgnoreCase))
                return c.Title;
        return null;
    }

    /// <summary>The server's spelling of sampler <paramref name="name"/>, or null when it has no such sampler.</summary>
    public string? Sampler(string? name) =>
        name is null ? null : Samplers.FirstOrDefault(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A checkpoint as the server lists it: its title (what requests name), file stem and short hash.</summary>
public sealed record CheckpointInfo(string Title, string ModelName, string? Hash);

/// <summary>How the masked area starts before denoising (A1111's inpainting_fill 0–3).</summary>
public enum InpaintingFill
{
    /// <summary>Blurred surrounding colours.</summary>
    Fill,
    /// <summary>The pixels already there: keeps the composition, the usual choice for a fix.</summary>
    Original,
    /// <summary>Fresh noise: for something new.</summary>
    LatentNoise,
    /// <summary>Zeros in latent space.</summary>
    LatentNothing,
}

/// <summary>
/// One inpainting job: an sRGB 8-bit PNG and a mask PNG of the same size (white = repaint), at the size the model
/// runs at. Null settings take the server's own.
/// </summary>
public sealed record InpaintRequest(
    byte[] Image, byte[] Mask, int Width, int Height,
    string Prompt, string Negative, double Denoise, long Seed,
    int Steps, double Cfg, string? Sampler, string? Checkpoint,
    int MaskBlur, InpaintingFill Fill)
{
    /// <summary>A ComfyUI API-format graph of the user's own with placeholders (<see cref="ComfyUi.GraphPlaceholders"/>), run instead of Burnish's; null for Burnish's.</summary>
    public System.Text.Json.Nodes.JsonObject? Graph { get; init; }
}

/// <summary>What came back: the image (PNG or another format the server chose) and the settings it ran with.</summary>
public sealed record InpaintResult(byte[] Image, long Seed, string? Sampler, string? Checkpoint, int Steps, double Cfg, string ServerVersion, string TaskId);

/// <summary>A server problem that fails the one image it happened on: one line, naming the server.</summary>
public sealed class BackendException(string message, Exception? inner = null) : BurnishException(message, inner);
