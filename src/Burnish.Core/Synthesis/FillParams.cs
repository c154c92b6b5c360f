using Burnish.Schema;

namespace Burnish.Synthesis;

/// <summary>
/// Settings of the content-aware fill (<see cref="ContentAwareFill"/>). The defaults suit holes up to about a quarter
/// of the image; only the seed is part of a repair pass in a recipe.
/// </summary>
public sealed record FillParams : ISelfValidating
{
    public static FillParams Default { get; } = new();

    [Doc("Seed of the random search: the same seed gives the same pixels, whatever the number of cores.")]
    [Range(0, int.MaxValue)]
    public int Seed { get; init; }

    [Doc("Side of the square patches that are matched and copied, in pixels (odd). Larger keeps bigger structures, smaller follows fine detail.")]
    [Range(5, 15)]
    public int PatchSize { get; init; } = 9;

    [Doc("Width in pixels of the band just inside the hole's edge over which the fill is blended into its surroundings in the gradient domain (Poisson), so no seam shows. 0 turns it off.")]
    [Range(0, 64)]
    public int BlendBand { get; init; } = 8;

    [Doc("Search effort: EM rounds of PatchMatch and voting at the finest scale (coarser scales get more, as they are cheap).")]
    [Range(1, 20)]
    public int Iterations { get; init; } = 3;

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (PatchSize % 2 == 0) yield return ("patch_size", $"patch_size must be odd, got {PatchSize}");
    }
}
