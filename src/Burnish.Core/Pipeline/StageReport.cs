namespace Burnish.Pipeline;

/// <summary>What a stage tells the sidecar: warnings for a person, and measurements for numbers.</summary>
public sealed record StageReport(IReadOnlyList<string> Warnings, IReadOnlyDictionary<string, double> Measurements)
{
    public static StageReport Empty { get; } = new([], new Dictionary<string, double>());
}
