using System.Globalization;
using Burnish.Imaging;
using Burnish.Synthesis;

namespace Burnish.Stages.Repair.Fill;

/// <summary><c>method: fill</c>: content-aware fill, multi-scale PatchMatch (Barnes et al. 2009) from the image's own patches.</summary>
public sealed class FillMethod(int seed) : IRepairMethod
{
    /// <summary>Above this share of the image, content-aware fill has too little left to draw from; it still runs, with a warning.</summary>
    public const double LargeHoleFraction = 0.30;

    public RepairMethod Method => RepairMethod.Fill;

    public int? Seed => seed;

    public string? Caution(double holeFraction) => holeFraction > LargeHoleFraction
        ? string.Create(CultureInfo.InvariantCulture, $"the mask covers {100 * holeFraction:0.##} % of the image; content-aware fill is made for up to about 25 %")
        : null;

    public WorkImage Fill(WorkImage image, Mask mask, CancellationToken cancel) =>
        ContentAwareFill.Fill(image, mask, FillParams.Default with { Seed = seed }, cancel);

    public void Dispose() { }
}
