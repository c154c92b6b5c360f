using System.Globalization;
using System.Text;
using System.Text.Json;
using Burnish.Server.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Burnish.Server.Api;

/// <summary>One blind A/B judgement: which of two versions of an image a rater preferred, or "same".</summary>
/// <param name="Image">The image job rated; in an A/B job, the submitted image (both arms finished it).</param>
/// <param name="A">The version shown on the left (after the page's random draw).</param>
/// <param name="B">The version shown on the right.</param>
/// <param name="Choice">a, b or same.</param>
public sealed record Rating(int Image, string A, string B, string Choice, string? Rater, DateTimeOffset Time);

/// <summary>What a rating request sends.</summary>
public sealed record RatingRequest(int Image, string A, string B, string Choice, string? Rater);

/// <summary>
/// Blind A/B ratings of a job's images, stored per job as a log in the store, and summarised as win rates with a
/// Wilson score interval. An ordinary job compares each input with its master; an A/B job (recipe B given at
/// submission) compares the masters of recipe A and recipe B of each submitted image. The page draws the sides.
/// </summary>
public static class Ratings
{
    /// <summary>The versions a rating of an ordinary job may name: the image as uploaded and the finished master.</summary>
    public static readonly string[] Versions = ["source", "master"];

    /// <summary>The versions a rating of an A/B job names: the master of recipe A and of recipe B.</summary>
    public static readonly string[] Arms = [JobArm.A, JobArm.B];

    /// <summary>What the ratings of <paramref name="job"/> compare.</summary>
    public static IReadOnlyList<string> VersionsOf(JobRecord job) => job.RecipeB is null ? Versions : Arms;

    /// <summary>How many images can be rated: image jobs, or in an A/B job the submitted images.</summary>
    private static int Rateable(JobRecord job) => job.RecipeB is null ? job.Images.Count : job.Images.Select(e => e.Source ?? e.Index).Distinct().Count();

    private static string Describe(JobRecord job, string version) => version switch
    {
        JobArm.A => $"recipe A: {job.RecipeOrigin}",
        JobArm.B => $"recipe B: {job.RecipeB?.RecipeOrigin}",
        "source" => "the upload",
        _ => $"the master ({job.RecipeOrigin})",
    };

    private const double Z95 = 1.959964;

    public static string Key(string id) => $"jobs/{id}/ratings.jsonl";

    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/jobs/{id}/images/{index:int}/source", Source).WithSummary("The image as it was uploaded (the 'source' version of a rating).");
        v1.MapPost("/jobs/{id}/ratings", Add).WithSummary("Records one blind A/B rating: {image, a, b, choice: a|b|same, rater}; a and b are source or master, or in an A/B job the recipes a and b.");
        v1.MapGet("/jobs/{id}/ratings", Summary)
            .WithSummary("The job's ratings and, per version, wins, losses, ties and the win rate with a 95 % Wilson interval (ties left out); ?format=csv gives every rating as CSV.");
    }

    private static IResult Source(string id, int index, JobBook book)
    {
        if (book.Find(id) is not { } job || index < 0 || index >= job.Images.Count) return Problems.NotFound($"image {index} of job {id}");
        if (book.Store.OpenRead(job.Images[index].InputKey) is not { } stream) return Problems.NotFound($"the input of image {index} of job {id}");
        // Typed by its bytes (an upload's name or type is never trusted), and only as an image a browser shows.
        var head = new byte[12];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        var type = head.AsSpan(0, read) switch
        {
            [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
            [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
            [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P'] => "image/webp",
            [(byte)'G', (byte)'I', (byte)'F', ..] => "image/gif",
            _ => "application/octet-stream",
        };
        return Results.Stream(stream, type);
    }

    private static IResult Add(string id, RatingRequest? request, JobBook book)
    {
        if (book.Find(id) is not { } job) return Problems.NotFound($"job {id}");
        if (request is null) return Problems.BadRequest("send JSON: {image, a, b, choice}");
        if (request.Image < 0 || request.Image >= Rateable(job)) return Problems.BadRequest($"image {request.Image}: the job has {Rateable(job)} images to rate");
        var versions = VersionsOf(job);
        if (!versions.Contains(request.A) || !versions.Contains(request.B) || request.A == request.B)
            return Problems.BadRequest($"a and b must be two different versions of: {string.Join(", ", versions)}");
        if (request.Choice is not ("a" or "b" or "same")) return Problems.BadRequest($"choice '{request.Choice}' is not one of: a, b, same");
        var rater = new string([.. (request.Rater ?? "").Where(c => !char.IsControl(c)).Take(64)]) is { Length: > 0 } r ? r : null;
        var rating = new Rating(request.Image, request.A, request.B, request.Choice, rater, DateTimeOffset.UtcNow);
        book.Store.Append(Key(id), JsonSerializer.Serialize(rating, ServiceJson.Options));
        return Results.Json(rating, ServiceJson.Options, statusCode: StatusCodes.Status201Created);
    }

    public static IReadOnlyList<Rating> Read(JobBook book, string id)
    {
        var bytes = book.Store.Read(Key(id));
        if (bytes is null) return [];
        return [.. Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<Rating>(l, ServiceJson.Options)!)];
    }

    private static IResult Summary(string id, string? format, JobBook book)
    {
        if (book.Find(id) is not { } job) return Problems.NotFound($"job {id}");
        var ratings = Read(book, id);
        if (format == "csv")
        {
            var csv = new StringBuilder("time,image,a,b,choice,winner,rater\n");
            foreach (var r in ratings)
                csv.Append(CultureInfo.InvariantCulture, $"{r.Time:O},{r.Image},{r.A},{r.B},{r.Choice},{Winner(r) ?? "same"},{Csv(r.Rater)}\n");
            return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"{id}-ratings.csv");
        }
        if (format is not null) return Problems.BadRequest($"format '{format}' is not csv");
        var versions = VersionsOf(job).Select(v =>
        {
            var mine = ratings.Where(r => r.A == v || r.B == v).ToList();
            int wins = mine.Count(r => Winner(r) == v), ties = mine.Count(r => r.Choice == "same"), losses = mine.Count - wins - ties;
            var (low, high) = Wilson(wins, wins + losses);
            return new { version = v, label = Describe(job, v), wins, losses, ties, win_rate = wins + losses == 0 ? (double?)null : (double)wins / (wins + losses), ci95 = new[] { low, high } };
        });
        return Results.Json(new { count = ratings.Count, versions, ratings }, ServiceJson.Options);
    }

    private static string? Winner(Rating r) => r.Choice switch { "a" => r.A, "b" => r.B, _ => null };

    private static string Csv(string? text) => text is null ? "" : "\"" + text.Replace("\"", "\"\"") + "\"";

    /// <summary>The 95 % Wilson score interval of <paramref name="wins"/> out of <paramref name="n"/> (Wilson 1927); 0–1 when n is 0.</summary>
    public static (double Low, double High) Wilson(int wins, int n)
    {
        if (n == 0) return (0, 1);
        double p = (double)wins / n, z2 = Z95 * Z95;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z95 * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
