using Burnish.Imaging;
using Burnish.Server.Jobs;
using Burnish.Stages;
using Burnish.Stages.Repair;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetVips;

namespace Burnish.Server.Api;

/// <summary>
/// Automatic masks as layers for the studio's mask editor: the repair stage's own finders (every <c>auto:</c> kind
/// the core has), run on an uploaded image before any job, each answered as a grey PNG (white = masked) at the size
/// the editor holds its mask. The person accepts, hides or edits them; the accepted union goes with the job as
/// <c>maskN</c>, like a painted mask.
/// </summary>
public static class MaskLayers
{
    /// <summary>The largest layer edge a client may ask for (the editor holds masks at most 1024 px).</summary>
    public const int MaxEdge = 4096;

    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/masks", () => Results.Json(new { kinds = AutoMaskLayers.Kinds }))
            .WithSummary("The automatic mask kinds POST /v1/masks finds: every kind a repair pass's auto: accepts.");
        v1.MapPost("/masks", Find).DisableAntiforgery()
            .WithSummary("Finds automatic masks on an image (multipart 'image'; 'kinds' comma-separated, all when absent; 'width' and 'height' of the layers, the image's own when absent): one grey PNG per kind, white = masked.");
    }

    private static async Task<IResult> Find(HttpRequest request, JobBook book, ServiceLimits limits, StageResources resources, CancellationToken cancel)
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
        var names = form["kinds"].SelectMany(k => (k ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        if (names.Count == 0) names = [.. AutoMaskLayers.Kinds];
        var kinds = new List<AutoMask>();
        foreach (var name in names)
        {
            if (AutoMaskLayers.Parse(name) is not { } kind) return Problems.BadRequest($"unknown mask kind '{name}'; kinds: {string.Join(", ", AutoMaskLayers.Kinds)}");
            kinds.Add(kind);
        }
        int? width = Size(form, "width"), height = Size(form, "height");
        if (width is -1 || height is -1 || (width is null) != (height is null))
            return Problems.BadRequest($"width and height: give both or neither, each a whole number 1..{MaxEdge}");

        var key = $"scratch/{JobBook.NewId()}.upload";
        var label = Path.GetFileName((file.FileName ?? "image").Replace('\\', '/'));
        try
        {
            await using (var upload = file.OpenReadStream())
                await book.Store.PutAsync(key, upload, cancel);
            var path = Path.Combine(book.Store.LocalFolder("scratch"), Path.GetFileName(key));
            // Detection is seconds of CPU: off the request thread, and stopped when the client goes.
            return await Task.Run(() =>
            {
                var image = ImageLoader.Load(path, new LoadLimits(limits.MaxPixels)).Image;
                var layers = AutoMaskLayers.Find(image, kinds, resources, cancel);
                var (w, h) = (width ?? image.Width, height ?? image.Height);
                return Results.Json(new
                {
                    width = w, height = h, source = new { width = image.Width, height = image.Height },
                    layers = layers.Select(l => new
                    {
                        kind = l.Kind,
                        png = "data:image/png;base64," + Convert.ToBase64String(Png(l.Mask, w, h)),
                        coverage_percent = Math.Round(100 * l.Mask.Avg(), 3),
                        regions = l.Regions.Count,
                        warnings = l.Warnings,
                        ms = l.Ms,
                    }),
                }, ServiceJson.Options);
            }, cancel);
        }
        catch (ImageInputException e)
        {
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, $"{label}: {e.Problem}");
        }
        catch (BurnishException e)
        {
            // A detector that cannot be loaded (its model package missing and not fetchable) is the server's problem.
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, $"masks: {e.Message.Split('\n')[0]}");
        }
        finally
        {
            book.Store.Delete(key);
        }
    }

    /// <summary>The field as a size: null when absent, -1 when not a whole number in range.</summary>
    private static int? Size(IFormCollection form, string field)
    {
        if (!form.TryGetValue(field, out var value) || string.IsNullOrWhiteSpace(value)) return null;
        return int.TryParse(value, System.Globalization.NumberStyles.None, null, out var n) && n is >= 1 and <= MaxEdge ? n : -1;
    }

    /// <summary>The 0–1 mask as an 8-bit grey PNG of W×H: resized as coverage (linear, which averages when shrinking), so edges stay partial.</summary>
    private static byte[] Png(Image mask, int width, int height)
    {
        var sized = mask.Width == width && mask.Height == height
            ? mask
            : mask.Resize((double)width / mask.Width, Enums.Kernel.Linear, vscale: (double)height / mask.Height);
        // Cast truncates and clips to 0–255 (a resize may overshoot a little): +0.5 rounds.
        var grey = (sized * 255 + 0.5).Cast(Enums.BandFormat.Uchar);
        return grey.Copy(interpretation: Enums.Interpretation.Bw).PngsaveBuffer();
    }
}
