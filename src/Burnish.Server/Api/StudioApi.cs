using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Burnish.Imaging;
using Burnish.Recipes;
using Burnish.Report;
using Burnish.Server.Jobs;
using Burnish.Stages.Export;
using Burnish.Stages.Grade;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetVips;

namespace Burnish.Server.Api;

/// <summary>
/// The API the studio needs beyond jobs: a fast look preview from a cached working image, the destination presets,
/// and a finished image's compare page (the compare report's own slider, metrics and lineage).
/// </summary>
public static partial class StudioApi
{
    /// <summary>Long edge of the cached working image, and the largest preview served.</summary>
    public const int PreviewEdge = 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        // One cache per service (not static): two services in one process keep their own.
        var previews = new PreviewCache(16);
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/previews", (HttpRequest request, JobBook book, ServiceLimits limits, CancellationToken cancel) => Upload(request, book, limits, previews, cancel))
            .DisableAntiforgery().WithSummary($"Uploads an image (form field 'image') for look previews: a working copy (long edge {PreviewEdge}) is kept in memory.");
        v1.MapGet("/previews/{id}", (string id, string? look, int? edge, HttpContext http) => Render(id, look, edge, http, previews))
            .WithSummary("A JPEG of a preview image under a grade look (?look=NAME, none for the original; ?edge=N px, at most 1024).");
        v1.MapGet("/destinations", Destinations).WithSummary("The destination presets a recipe's export copies may name.");
        v1.MapGet("/jobs/{id}/images/{index:int}/compare", Compare)
            .WithSummary("The compare report (slider, 100 % zoom, crops, metrics, lineage) of a finished image: its input against its master.");
    }

    private static async Task<IResult> Upload(HttpRequest request, JobBook book, ServiceLimits limits, PreviewCache previews, CancellationToken cancel)
    {
        if (!request.HasFormContentType) return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "send multipart/form-data");
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancel);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Problems.BadRequest($"malformed multipart request: {e.Message}");
        }
        if (form.Files.GetFile("image") is not { } file) return Problems.BadRequest("no image: send one file in the multipart field 'image'");
        var key = $"scratch/{JobBook.NewId()}.upload";
        var label = Path.GetFileName((file.FileName ?? "image").Replace('\\', '/'));
        try
        {
            await using (var upload = file.OpenReadStream())
                await book.Store.PutAsync(key, upload, cancel);
            var path = Path.Combine(book.Store.LocalFolder("scratch"), Path.GetFileName(key));
            var loaded = ImageLoader.Load(path, new LoadLimits(limits.MaxPixels));
            var working = LookPreview.Working(loaded.Image, PreviewEdge);
            var id = previews.Add(working);
            return Results.Json(new { id, width = working.Width, height = working.Height, source = new { width = loaded.Facts.Width, height = loaded.Facts.Height }, url = $"/v1/previews/{id}" },
                statusCode: StatusCodes.Status201Created);
        }
        catch (ImageInputException e)
        {
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, $"{label}: {e.Problem}");
        }
        finally
        {
            book.Store.Delete(key);
        }
    }

    private static IResult Render(string id, string? look, int? edge, HttpContext http, PreviewCache previews)
    {
        if (previews.Find(id) is not { } working) return Problems.NotFound($"preview {id} (previews are kept in memory for a while; upload again)");
        if (edge is < 16 or > PreviewEdge) return Problems.BadRequest($"edge {edge} is out of range 16..{PreviewEdge}");
        GradeParams? grade = null;
        if (look is { Length: > 0 } and not "none")
        {
            if (!SectionPresets.Names<GradeParams>().Contains(look))
                return Problems.BadRequest($"unknown look '{look}'; looks: {string.Join(", ", SectionPresets.Names<GradeParams>())}");
            grade = SectionPresets.Load<GradeParams>(look);
        }
        var clock = Stopwatch.StartNew();
        var image = working;
        if (edge is { } e && e < Math.Max(working.Width, working.Height))
            image = LookPreview.Working(working, e);
        // Nothing here is disposed by hand: without a look the result may be the cached image itself.
        var srgb = grade is null ? LookPreview.ToSrgb(image) : LookPreview.Render(image, grade, http.RequestAborted);
        var jpeg = ColourSpaces.Quantise8(srgb).JpegsaveBuffer(q: 85, keep: Enums.ForeignKeep.None);
        // The render time, for the bench script and the browser's devtools.
        http.Response.Headers["Server-Timing"] = $"render;dur={clock.Elapsed.TotalMilliseconds:0.0}";
        http.Response.Headers.CacheControl = "private, max-age=600";
        return Results.Bytes(jpeg, "image/jpeg");
    }

    private static IResult Destinations() =>
        Results.Json(new
        {
            destinations = Stages.Export.Destinations.Presets.Values.Select(d => new
            {
                id = d.Id, description = d.Description, width = d.Width, height = d.Height, long_edge = d.LongEdge, fit = d.Fit.ToString().ToLowerInvariant(), ppi = d.Ppi,
            }),
        }, ServiceJson.Options);

    private static async Task Compare(string id, int index, HttpContext http, JobBook book, ServiceLimits limits)
    {
        if (book.Find(id) is not { } job || index < 0 || index >= job.Images.Count)
        {
            await Problems.NotFound($"image {index} of job {id}").ExecuteAsync(http);
            return;
        }
        var entry = job.Images[index];
        var master = book.State(id, index).Outputs.FirstOrDefault(o => o.Role == "master");
        if (master is null)
        {
            await Problems.Status(StatusCodes.Status409Conflict, $"image {index} of job {id} has no master yet").ExecuteAsync(http);
            return;
        }
        var input = Path.Combine(book.Store.LocalFolder(Path.GetDirectoryName(entry.InputKey)!), Path.GetFileName(entry.InputKey));
        var output = Path.Combine(book.Store.LocalFolder(JobBook.OutputFolder(id)), master.Name);
        string html;
        try
        {
            var report = await Task.Run(() => ReportBuilder.Build([new VersionSource(input, $"before: {entry.Label}"), new VersionSource(output, $"after: {master.Name}")],
                null, ReportOptions.Default with { Crops = 2 }, new LoadLimits(limits.MaxPixels), cancel: http.RequestAborted), http.RequestAborted);
            // The report names each version's file; a client is not shown the server's folders.
            html = ReportPage.Render(report, a => $"data:{a.MediaType};base64,{Convert.ToBase64String(a.Bytes)}")
                .Replace(WebUtility.HtmlEncode(input), "uploaded file").Replace(WebUtility.HtmlEncode(output), master.Name);
        }
        catch (BurnishException e)
        {
            await Problems.Status(StatusCodes.Status422UnprocessableEntity, e.Message.Split('\n')[0]).ExecuteAsync(http);
            return;
        }
        // The report inlines its script; allow exactly that script by its hash, and nothing from any network.
        var scripts = string.Join(' ', InlineScript().Matches(html).Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'"));
        StudioPage.Secure(http.Response, $"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {scripts}; base-uri 'none'; form-action 'none'; frame-ancestors 'self'");
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(html, http.RequestAborted);
    }

    [GeneratedRegex("<script>([\\s\\S]*?)</script>")]
    private static partial Regex InlineScript();
}

/// <summary>Working images for previews, the most recently used kept: each is at most 1024² float RGB (12 MB).</summary>
public sealed class PreviewCache(int capacity)
{
    private readonly Lock gate = new();
    private readonly LinkedList<(string Id, WorkImage Image)> order = new();

    public string Add(WorkImage image)
    {
        var id = JobBook.NewId();
        lock (gate)
        {
            order.AddFirst((id, image));
            // Not disposed here: a render may still hold it; the collector frees it.
            while (order.Count > capacity) order.RemoveLast();
        }
        return id;
    }

    public WorkImage? Find(string id)
    {
        lock (gate)
        {
            for (var node = order.First; node is not null; node = node.Next)
            {
                if (node.Value.Id != id) continue;
                order.Remove(node);
                order.AddFirst(node);
                return node.Value.Image;
            }
        }
        return null;
    }
}
