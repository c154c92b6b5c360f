namespace Burnish.Stages;

/// <summary>What a stage tells the sidecar: warnings for a person, and measurements for numbers.</summary>
public sealed record StageReport(IReadOnlyList<string> Warnings, IReadOnlyDictionary<string, double> Measurements)
{
    public static StageReport Empty { get; } = new([], new Dictionary<string, double>());
}

/// <summary>A model a stage ran, by name and the SHA-256 of its file.</summary>
public sealed record ModelRecord(string Name, string Sha256, string? Licence = null);
