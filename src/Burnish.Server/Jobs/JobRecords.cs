using System.Text.Json;
using System.Text.Json.Serialization;

namespace Burnish.Server.Jobs;

/// <summary>Where a job or one of its images stands.</summary>
public enum JobStatus { Queued, Running, Done, Failed, Cancelled }

/// <summary>A submitted job: the parent of one image job per input, written once at submission.</summary>
/// <param name="Client">Who submitted it (the remote address), for the per-client queue limit.</param>
/// <param name="RecipeOrigin">preset:NAME, or "recipe" for uploaded text; the sidecar records it.</param>
/// <param name="RecipeText">The recipe as it runs (with look and aspects applied), read again by each image job.</param>
/// <param name="Queue">The queue its image jobs go to: "default", or "gpu" for work only GPU workers take.</param>
public sealed record JobRecord(
    string Id, DateTimeOffset Created, string Client, string RecipeOrigin, string RecipeText, string RecipeSha256,
    string Queue, IReadOnlyList<ImageEntry> Images)
{
    /// <summary>Recipe B of a blind A/B job (the job's own recipe is A): every image is finished by both; null otherwise.</summary>
    public JobArm? RecipeB { get; init; }

    /// <summary>The recipe text and origin image job <paramref name="entry"/> runs: B's for the B arm, else the job's.</summary>
    public (string Text, string Origin) RecipeOf(ImageEntry entry) =>
        entry.Arm == JobArm.B && RecipeB is { } b ? (b.RecipeText, b.RecipeOrigin) : (RecipeText, RecipeOrigin);
}

/// <summary>The second recipe of an A/B job.</summary>
public sealed record JobArm(string RecipeOrigin, string RecipeText, string RecipeSha256)
{
    public const string A = "a", B = "b";
}

/// <summary>One input of a job. <see cref="Label"/> is the client's file name, kept only for people; files are named by the server.</summary>
public sealed record ImageEntry(int Index, string Label, string InputKey, string OutputBase, long Bytes, string Sha256)
{
    /// <summary>Which outpaint aspect of the recipe this image job makes, when it makes several (one job each); null: all.</summary>
    public int? Variant { get; init; }

    /// <summary>That aspect as the client wrote it (16:9), for people.</summary>
    public string? Aspect { get; init; }

    /// <summary>The submitted image this job finishes (several jobs share one when there are aspects); null: <see cref="Index"/>.</summary>
    public int? Source { get; init; }

    /// <summary>In an A/B job, the recipe this image job runs: <see cref="JobArm.A"/> or <see cref="JobArm.B"/>; null otherwise.</summary>
    public string? Arm { get; init; }
}

/// <summary>One image job's state, rewritten whole by the worker that runs it.</summary>
public sealed record ImageState(
    JobStatus Status, string? Stage, double Fraction, IReadOnlyList<string> Warnings, string? Error,
    IReadOnlyList<OutputFile> Outputs, int Attempts, DateTimeOffset Updated)
{
    /// <summary>Milliseconds each stage took, from the sidecar, once the image is done.</summary>
    public IReadOnlyDictionary<string, double>? StageMs { get; init; }

    /// <summary>The process that ran (or runs) the image, HOST:PID, for operators following a job across machines.</summary>
    public string? Worker { get; init; }

    public static ImageState Queued(DateTimeOffset at) => new(JobStatus.Queued, null, 0, [], null, [], 0, at);

    [JsonIgnore]
    public bool Finished => Status is JobStatus.Done or JobStatus.Failed or JobStatus.Cancelled;
}

/// <summary>A finished file of a job: <see cref="Name"/> is unique within the job and is how it is downloaded.</summary>
public sealed record OutputFile(string Name, string Role, long Bytes, string Sha256);

/// <summary>One line of a job's or an image's event log, as the event stream sends it.</summary>
public sealed record JobEvent(string Type, DateTimeOffset Time, int? Image = null, string? Stage = null, double? Fraction = null,
    string? Step = null, string? Message = null);

/// <summary>The JSON form of everything the service stores and answers.</summary>
public static class ServiceJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
