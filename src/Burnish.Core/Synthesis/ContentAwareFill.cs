using Burnish.Imaging;

namespace Burnish.Synthesis;

/// <summary>
/// Content-aware fill: the hole is rebuilt from the image's own patches by multi-scale PatchMatch completion in
/// CIE L*a*b* (<see cref="PatchMatchCompletion"/>), then blended into its surroundings in the gradient domain
/// (<see cref="PoissonBlend"/>). The hole may touch the image's border and may cover up to about a quarter of the image.
/// Pixels outside the mask are returned bit for bit; pixels with partial coverage are blended by it.
/// </summary>
public static class ContentAwareFill
{
    /// <summary>Fills <paramref name="hole"/> in <paramref name="image"/>. The same seed gives the same pixels on any number of cores.</summary>
    public static WorkImage Fill(WorkImage image, Mask hole, FillParams p, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(hole);
        ArgumentNullException.ThrowIfNull(p);
        hole.CheckFillable(image);
        if (p.PatchSize % 2 == 0 || p.PatchSize < 3) throw new ArgumentOutOfRangeException(nameof(p), p.PatchSize, "patch size must be odd and at least 3");
        if (image.Width < p.PatchSize || image.Height < p.PatchSize)
            throw new BurnishException($"the image ({image.Width}×{image.Height}) is smaller than one {p.PatchSize}×{p.PatchSize} patch: too small to fill from");

        var canvas = LabCanvas.From(image, cancel);
        cancel.ThrowIfCancellationRequested();
        var unknown = hole.Unknown();
        var result = PatchMatchCompletion.Run(canvas.Pixels, unknown, image.Width, image.Height, p, cancel);
        PoissonBlend.Apply(result.Filled, unknown, result.Synth, result.HasSynth, image.Width, image.Height, p.BlendBand, cancel);
        return LabCanvas.Composite(image, canvas, new LabCanvas(image.Width, image.Height, result.Filled), hole.Values);
    }
}

/// <summary>Fast-marching inpainting (Telea 2004) as a repair method: for thin scratches, lines and small spots.</summary>
public static class TeleaInpaint
{
    /// <summary>Neighbourhood radius in pixels that each filled pixel is averaged from.</summary>
    public const int DefaultRadius = 5;

    /// <summary>Fills <paramref name="hole"/> in <paramref name="image"/> from its edge inwards. Deterministic.</summary>
    public static WorkImage Fill(WorkImage image, Mask hole, int radius = DefaultRadius, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(hole);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(radius);
        hole.CheckFillable(image);
        var canvas = LabCanvas.From(image, cancel);
        var filled = canvas.Clone();
        Telea.Inpaint(filled.Pixels, hole.Unknown(), image.Width, image.Height, radius, cancel);
        return LabCanvas.Composite(image, canvas, filled, hole.Values);
    }
}
