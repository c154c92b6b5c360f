using System.Text.Json;
using System.Text.Json.Serialization;
using Burnish.Imaging;
using Burnish.Imaging.Generation;
using Burnish.Stages;

namespace Burnish.Pipeline;

/// <summary>The sidecar NAME.burnish.json: everything needed to tell how an output was made, and to check it.</summary>
public sealed record Lineage(
    string Tool,
    string Version,
    string Status,
    InputRecord Input,
    RecipeRecord Recipe,
    IReadOnlyList<StageRecord> Stages,
    IReadOnlyList<ModelRecord> Models,
    IReadOnlyList<OutputRecord> Outputs,
    IReadOnlyList<OutputRecord> Intermediates,
    DateTimeOffset Started,
    double TotalMs)
{
    public const string Success = "success";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        WriteIndented = true,
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a sidecar; null when it is missing or not a Burnish sidecar.</summary>
    public static Lineage? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Lineage>(File.ReadAllBytes(path), Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record InputRecord(string Path, string Sha256, long Bytes, ImageFacts Info, GenerationParams? Generation)
{
    /// <summary>What reading the input warned about (an animated file's later frames left out).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed record RecipeRecord(string Source, string Sha256, JsonElement Normalised);

/// <summary>One stage as it ran: its resolved parameters, time, warnings and measurements.</summary>
public sealed record StageRecord(
    string Stage, string Status, JsonElement? Params, double Ms,
    IReadOnlyList<string> Warnings, IReadOnlyDictionary<string, double> Measurements);

/// <summary>A written file. <see cref="Path"/> is relative to the sidecar's folder.</summary>
public sealed record OutputRecord(
    string Role, string Path, int Width, int Height, string ColourSpace, string Format, long Bytes, string Sha256,
    int? Quality = null, string? Destination = null)
{
    /// <summary>The brand marks composited onto a copy (never the master): file or text, SHA-256, box.</summary>
    public IReadOnlyList<MarkRecord>? Marks { get; init; }
}
