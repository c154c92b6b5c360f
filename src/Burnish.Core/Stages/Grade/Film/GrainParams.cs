using Burnish.Schema;

namespace Burnish.Stages.Grade.Film;

/// <summary>
/// Film grain (recipe <c>grade.grain</c>). Zero-mean noise in perceptual lightness whose strength follows
/// <see cref="Grain.Amplitude"/>: strongest in the midtones, nothing at black and at white and above.
/// The defaults are barely visible; <see cref="Off"/> turns grain off.
/// </summary>
public sealed record GrainParams
{
    /// <summary>Barely visible grain: 1.5 L* units at mid grey, pixel-sized, monochrome, seed 0.</summary>
    public static GrainParams Default { get; } = new();

    /// <summary>No grain: <see cref="Grain.Apply"/> leaves the buffer untouched.</summary>
    public static GrainParams Off { get; } = new() { Amount = 0 };

    [Doc("Grain strength: the standard deviation of lightness (L*/100) at mid grey. It falls to nothing at black and white as amount × 4·L*·(1 − L*). 0 turns grain off; 0.015 is barely visible, 0.05 is heavy.")]
    [Range(0, 0.2)]
    public double Amount { get; init; } = 0.015;

    [Doc("Grain size in pixels: the coarse structure is white noise blurred with a Gaussian of sigma size/2, the fine structure with sigma size/4.")]
    [Range(0.5, 4)]
    public double Size { get; init; } = 1.0;

    [Doc("How much of the grain's variance is fine structure rather than coarse: 0 is soft and clumpy, 1 is crisp and sandy.")]
    [Range(0, 1)]
    public double Roughness { get; init; } = 0.5;

    [Doc("Noise seed. The same seed gives byte-identical grain on every run, machine and thread count; change it for a different pattern.")]
    [Range(0, int.MaxValue)]
    public int Seed { get; init; }

    [Doc("false: one monochrome grain on lightness, hue and saturation kept; true: independent grain in R, G and B, as film's three dye layers.")]
    public bool Colour { get; init; }
}
