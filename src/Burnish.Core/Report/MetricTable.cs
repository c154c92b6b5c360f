using System.Globalization;
using Burnish.Metrics;

namespace Burnish.Report;

/// <summary>One metric across the versions, with the best value(s) found.</summary>
/// <param name="Name">The <see cref="Burnish.Metrics.MetricSet"/> property.</param>
/// <param name="Label">Its name for a person.</param>
/// <param name="Explanation">What it measures, in a few words.</param>
/// <param name="HigherIsBetter">From <see cref="Burnish.Metrics.ImageMetrics.HigherIsBetter"/>.</param>
/// <param name="Values">Per version; null where not measured (the reference itself, or no reference of the same framing).</param>
/// <param name="Best">Indices of the best value; empty when fewer than two values were measured or all are equal.</param>
public sealed record MetricRow(string Name, string Label, string Explanation, bool HigherIsBetter, IReadOnlyList<double?> Values, IReadOnlySet<int> Best)
{
    public string Format(double value) => MetricTable.Format(Name, value);
}

/// <summary>Turns each version's <see cref="MetricSet"/> into rows, one per metric, in the record's order.</summary>
public static class MetricTable
{
    private static readonly Dictionary<string, (string Label, string Explanation)> Known = new()
    {
        [nameof(MetricSet.Sharpness)] = ("Sharpness", "variance of the Laplacian of L*"),
        [nameof(MetricSet.Acutance)] = ("Acutance", "RMS gradient of L* at edges"),
        [nameof(MetricSet.Noise)] = ("Noise", "estimated noise σ in L*"),
        [nameof(MetricSet.ShadowClip)] = ("Shadow clip", "% of pixels with a channel at 0"),
        [nameof(MetricSet.HighlightClip)] = ("Highlight clip", "% of pixels with a channel at 255"),
        [nameof(MetricSet.Halo)] = ("Halo", "overshoot around strong edges, %"),
        [nameof(MetricSet.DeltaE00)] = ("Colour drift ΔE00", "mean CIEDE2000 against the reference"),
        [nameof(MetricSet.Psnr)] = ("PSNR", "against the reference as ground truth, dB"),
        [nameof(MetricSet.Ssim)] = ("SSIM", "against the reference as ground truth"),
    };

    public static IReadOnlyList<MetricRow> Rows(IReadOnlyList<MetricSet> sets)
    {
        return [.. MetricSet.Names.Select(name =>
        {
            var values = sets.Select(s => s[name]).Select(v => v is { } d && double.IsFinite(d) ? v : null).ToList();
            var higher = ImageMetrics.HigherIsBetter(name);
            var (label, explanation) = Known.GetValueOrDefault(name, (name, ""));
            return new MetricRow(name, label, explanation, higher, values, Best(values, higher));
        })];
    }

    /// <summary>The indices holding the best value (ties all marked); none when there is nothing to choose between.</summary>
    public static IReadOnlySet<int> Best(IReadOnlyList<double?> values, bool higherIsBetter)
    {
        var measured = values.Select((v, i) => (v, i)).Where(x => x.v.HasValue).ToList();
        if (measured.Count < 2) return new HashSet<int>();
        var best = higherIsBetter ? measured.Max(x => x.v!.Value) : measured.Min(x => x.v!.Value);
        if (measured.All(x => x.v!.Value == best)) return new HashSet<int>();
        return measured.Where(x => x.v!.Value == best).Select(x => x.i).ToHashSet();
    }

    public static string Format(string metric, double value) => metric switch
    {
        nameof(MetricSet.ShadowClip) or nameof(MetricSet.HighlightClip) => value.ToString("0.00", CultureInfo.InvariantCulture) + " %",
        nameof(MetricSet.Halo) => value.ToString("0.0", CultureInfo.InvariantCulture) + " %",
        nameof(MetricSet.Psnr) => value.ToString("0.00", CultureInfo.InvariantCulture) + " dB",
        nameof(MetricSet.Ssim) => value.ToString("0.0000", CultureInfo.InvariantCulture),
        _ => Math.Abs(value) >= 100 ? value.ToString("#,0", CultureInfo.InvariantCulture)
            : Math.Abs(value) >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture)
            : value.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
