using Burnish.Schema;

namespace Burnish.Stages.Grade.Film;

/// <summary>
/// Halation (recipe <c>grade.halation</c>): light from highlights that crosses the film base, reflects off its back
/// and exposes the red-sensitive layer again, a red-orange glow around bright things. The defaults are subtle;
/// <see cref="Off"/> turns it off.
/// </summary>
public sealed record HalationParams
{
    /// <summary>A subtle red-orange glow around highlights above 0.75.</summary>
    public static HalationParams Default { get; } = new();

    /// <summary>No halation: <see cref="Halation.Apply"/> leaves the buffer untouched.</summary>
    public static HalationParams Off { get; } = new() { Amount = 0 };

    [Doc("Strength: the glow adds amount × the highlight energy above the threshold, as luminance, spread by the blur. 0 turns halation off.")]
    [Range(0, 4)]
    public double Amount { get; init; } = 0.5;

    [Doc("Linear-light luminance above which highlights glow (1 = diffuse white). A soft knee eases in between threshold and 1.5 × threshold; nothing at or below it changes the image.")]
    [Range(0.05, 16)]
    public double Threshold { get; init; } = 0.75;

    [Doc("Spread of the glow as a fraction of the image's shorter side: the Gaussian sigma is radius × min(width, height) pixels (0.008 is 8 px at 1024, 33 px at 4096), so the look survives upscaling.")]
    [Range(0.0005, 0.05)]
    public double Radius { get; init; } = 0.008;

    [Doc("Colour of the glow, linear BT.2020 RGB. Only its hue and saturation matter: it is scaled to unit luminance. Default red-orange.")]
    public HalationTint Tint { get; init; } = new();
}

/// <summary>The glow's colour in linear BT.2020 RGB; scaled to unit luminance before use, so (1, 0.25, 0.05) and (0.5, 0.125, 0.025) are the same tint.</summary>
public sealed record HalationTint : ISelfValidating
{
    [Doc("Red share of the glow, linear.")]
    [Range(0, 1)]
    public double R { get; init; } = 1.0;

    [Doc("Green share of the glow, linear.")]
    [Range(0, 1)]
    public double G { get; init; } = 0.25;

    [Doc("Blue share of the glow, linear.")]
    [Range(0, 1)]
    public double B { get; init; } = 0.05;

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (!(Halation.Luminance(R, G, B) > 1e-6)) yield return (null, "a halation tint needs some light: r, g and b cannot all be 0");
    }
}
