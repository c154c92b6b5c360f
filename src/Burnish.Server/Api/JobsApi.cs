using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Server.Jobs;
using Burnish.Server.Queue;
using Burnish.Stages;
using Burnish.Stages.Grade;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.OpenApi;

namespace Burnish.Server.Api;

/// <summary>The HTTP API under /v1: jobs, their events and files, and what a client needs to write a request.</summary>
public static class JobsApi
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/jobs", Submit).DisableAntiforgery()
            .AddOpenApiOperationTransformer(DescribeSubmission)
            .Produces(StatusCodes.Status202Accepted)
            .WithSummary("Submit images with a preset or recipe: uploaded (multipart) or already in the store (JSON); one image job per image and outpaint aspect.");
        v1.MapGet("/jobs", List).WithSummary("Jobs, newest first.");
        v1.MapGet("/jobs/{id}", Get).WithSummary("A job's status, per image: stage, fraction, warnings, error and outputs.");
        v1.MapGet("/jobs/{id}/events", EventStream.Serve).WithSummary("Server-Sent Events of a job; reconnect with Last-Event-ID to resume.");
        v1.MapGet("/jobs/{id}/files/{name}", Download).WithSummary("One output or sidecar of a job.");
        v1.MapGet("/jobs/{id}/archive", Archive).WithSummary("A zip of every output and sidecar of a job, streamed.");
        v1.MapDelete("/jobs/{id}", Cancel).WithSummary("Cancels a job: queued images never start, running ones stop at their next cancellation point.");
        v1.MapPost("/jobs/{id}/cancel", Cancel).WithSummary("Cancels a job, as DELETE does.");
        v1.MapPost("/jobs/{id}/images/{index:int}/cancel", CancelImage).WithSummary("Cancels one image of a job; the others go on.");
        v1.MapGet("/presets", Presets).WithSummary("The shipped recipes.");
        v1.MapGet("/looks", Looks).WithSummary("The shipped grade looks.");
        v1.MapGet("/models", Models).WithSummary("The models and whether this machine has them: the bundled upscalers, the opt-in models and the automatic masks' models, each with its licence.");
        v1.MapGet("/workers", Workers).WithSummary("The worker processes taking jobs now: the queues each takes, and what it stated (GPU, opt-in and cached models).");
        v1.MapPost("/recipes/validate", Validate).DisableAntiforgery().WithSummary("Validates recipe text (the body, or a 'recipe' form field).");
        v1.MapPost("/info", Info).DisableAntiforgery().WithSummary("burnish info of an uploaded image (form field 'image').");
    }

    /// <summary>
    /// Both bodies in the description. Accepts() metadata would also route by content type, and an unsupported one
    /// would then get the router's empty 415 instead of the handler's problem details.
    /// </summary>
    private static async Task DescribeSubmission(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancel)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "Uploaded images (multipart/form-data), or images already in the store (application/json).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(JobUpload), null, cancel) },
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(StoredJobRequest), null, cancel) },
            },
        };
    }

    private static async Task<IResult> Submit(HttpContext http, JobBook book, IJobQueue queue, ServiceLimits limits, CancellationToken cancel)
    {
        if (http.Request.HasJsonContentType()) return await SubmitStored(http, book, queue, limits, cancel);
        var (form, refusal) = await ReadForm(http.Request, limits, cancel);
        if (refusal is not null) return refusal;
        var files = form!.Files.GetFiles("images");
        if (files.Count == 0) return Problems.BadRequest("no images: send one or more files in the multipart field 'images'");
        if (files.Count > limits.MaxImagesPerJob)
            return Problems.TooLarge($"{files.Count} images in one job; the limit is {limits.MaxImagesPerJob}");
        var aspects = form["aspects"].SelectMany(a => (a ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var request = new JobRequest(Field(form, "preset"), Field(form, "recipe"), Field(form, "look"), aspects, Field(form, "queue"))
        {
            BPreset = Field(form, "b_preset"), BRecipe = Field(form, "b_recipe"), BLook = Field(form, "b_look"),
        };
        if (Prepare(http, book, limits, request, out var recipe, out var b, out var id, out var queueName) is { } problem) return problem;

        var sources = new List<JobSource>();
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                var key = JobBook.InputKey(id, i);
                await using (var upload = files[i].OpenReadStream())
                    await book.Store.PutAsync(key, upload, cancel);
                var (sha, bytes) = Hash(book, key);
                sources.Add(new JobSource(Label(files[i].FileName, i), key, bytes, sha));
            }
        }
        catch
        {
            book.Discard(id);
            throw;
        }
        if (await MaskUpload.StoreAsync(form, files.Count, book, id, cancel) is { } badMask)
        {
            book.Discard(id);
            return badMask;
        }
        return Enqueue(book, queue, limits, id, http, recipe, b, queueName, sources);
    }

    /// <summary>
    /// A job over images already in the store, named in JSON: an earlier job's input (<c>{job, image}</c>) or one of its
    /// finished files (<c>{job, file}</c>, a name its status lists). Nothing is uploaded or copied; no client text becomes a path.
    /// </summary>
    private static async Task<IResult> SubmitStored(HttpContext http, JobBook book, IJobQueue queue, ServiceLimits limits, CancellationToken cancel)
    {
        if (http.Request.ContentLength > MaxJsonBytes)
            return Problems.TooLarge($"the request is {http.Request.ContentLength:N0} bytes; a JSON job is at most {MaxJsonBytes:N0}");
        StoredJobRequest? body;
        try
        {
            // Read whole, to a bound: without a Content-Length the cap is checked while reading.
            using var buffer = new MemoryStream();
            var chunk = new byte[16 << 10];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, cancel)) > 0)
            {
                if (buffer.Length + read > MaxJsonBytes) return Problems.TooLarge($"a JSON job is at most {MaxJsonBytes:N0} bytes");
                buffer.Write(chunk, 0, read);
            }
            body = System.Text.Json.JsonSerializer.Deserialize<StoredJobRequest>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ServiceJson.Options);
        }
        catch (System.Text.Json.JsonException e)
        {
            return Problems.BadRequest($"malformed JSON: {e.Message.Split('\n')[0]}");
        }
        catch (BadHttpRequestException e)
        {
            return Problems.Status(e.StatusCode, e.Message);
        }
        if (body?.Images is not { Count: > 0 } images) return Problems.BadRequest("no images: give 'images', a list of {job, image} or {job, file}");
        if (images.Count > limits.MaxImagesPerJob)
            return Problems.TooLarge($"{images.Count} images in one job; the limit is {limits.MaxImagesPerJob}");

        var sources = new List<JobSource>();
        for (var i = 0; i < images.Count; i++)
        {
            var named = images[i];
            if (named is null || (named.Image is null) == (named.File is null))
                return Problems.BadRequest($"images[{i}]: give 'job' with either 'image' (an input's index) or 'file' (a finished file's name)");
            if (named.Job is not { } jobId || book.Find(jobId) is not { } earlier) return Problems.NotFound($"images[{i}]: job {named.Job}");
            if (named.Image is { } index)
            {
                if (earlier.Images.FirstOrDefault(e => e.Index == index) is not { } entry) return Problems.NotFound($"images[{i}]: image {index} of job {jobId}");
                sources.Add(new JobSource(entry.Label, entry.InputKey, entry.Bytes, entry.Sha256));
            }
            else
            {
                // Only finished images and sidecar-listed files: a name is looked up, never used as a path.
                var output = book.States(earlier).SelectMany(s => s.Outputs).FirstOrDefault(o => o.Name == named.File && o.Role != "sidecar");
                if (output is null) return Problems.NotFound($"images[{i}]: file {named.File} of job {jobId}");
                sources.Add(new JobSource(output.Name, $"{JobBook.OutputFolder(jobId)}/{output.Name}", output.Bytes, output.Sha256));
            }
        }
        var request = new JobRequest(body.Preset, body.Recipe, body.Look, body.Aspects ?? [], body.Queue) { BPreset = body.BPreset, BRecipe = body.BRecipe, BLook = body.BLook };
        if (Prepare(http, book, limits, request, out var recipe, out var b, out var id, out var queueName) is { } problem) return problem;
        return Enqueue(book, queue, limits, id, http, recipe, b, queueName, sources);
    }

    private const long MaxJsonBytes = 1L << 20;

    /// <summary>What a submission asks for, however it was sent.</summary>
    private sealed record JobRequest(string? Preset, string? Recipe, string? Look, IReadOnlyList<string> Aspects, string? Queue)
    {
        public string QueueName => Queue ?? QueueNames.Default;

        /// <summary>Recipe B of a blind A/B job; none of the three: an ordinary job.</summary>
        public string? BPreset { get; init; }

        public string? BRecipe { get; init; }

        public string? BLook { get; init; }

        public bool IsComparison => BPreset is not null || BRecipe is not null || BLook is not null;
    }

    /// <summary>One stored image a job finishes: its label, where it lies in the store, its size and hash.</summary>
    private sealed record JobSource(string Label, string Key, long Bytes, string Sha256);

    /// <summary>
    /// Validates the recipe and queue, then admits a new job under the per-client limit; a problem is the answer. The
    /// job's queue adds to the client's choice (a GPU or not) the opt-in models its recipes need.
    /// </summary>
    private static IResult? Prepare(HttpContext http, JobBook book, ServiceLimits limits, JobRequest request,
        out (string Text, string Origin, Recipe Recipe) recipe, out JobArm? b, out string id, out string queueName)
    {
        recipe = default;
        b = null;
        id = "";
        queueName = QueueNames.Default;
        IReadOnlyList<string> optIn;
        try
        {
            recipe = RecipeRequest.Resolve(request.Preset, request.Recipe, request.Look, request.Aspects);
            optIn = StageCatalogue.RequiredOptInModels(recipe.Recipe);
        }
        catch (RecipeException e)
        {
            return RecipeProblems(e);
        }
        catch (BurnishException e)
        {
            return Problems.BadRequest(e.Message);
        }
        if (request.IsComparison)
        {
            // Each image is finished once per recipe; aspects would multiply that again and blur what is compared.
            if (request.Aspects.Count > 0) return Problems.BadRequest("an A/B job takes no aspects: compare recipes on one canvas");
            try
            {
                // With only b_look, B is recipe A under another look.
                var (text, origin, parsed) = request.BPreset is null && request.BRecipe is null
                    ? RecipeRequest.Resolve(request.Preset, request.Recipe, request.BLook, [])
                    : RecipeRequest.Resolve(request.BPreset, request.BRecipe, request.BLook, []);
                var sha = RecipeReader.Hash(parsed);
                if (sha == RecipeReader.Hash(recipe.Recipe)) return Problems.BadRequest("recipe B is the same as recipe A: nothing to compare");
                b = new JobArm(origin, text, sha);
                optIn = [.. optIn.Union(StageCatalogue.RequiredOptInModels(parsed))];
            }
            catch (RecipeException e)
            {
                return RecipeProblems(e);
            }
            catch (BurnishException e)
            {
                return Problems.BadRequest($"recipe B: {e.Message}");
            }
        }
        // Work that needs a GPU goes to the queue only workers started with --gpu take.
        if (request.QueueName is not (QueueNames.Default or QueueNames.Gpu))
            return Problems.BadRequest($"queue '{request.QueueName}' is not one of: {QueueNames.Default}, {QueueNames.Gpu}");
        queueName = QueueNames.For(request.QueueName == QueueNames.Gpu, optIn);
        id = JobBook.NewId();
        if (!book.TryAdmit(id, Client(http), limits.MaxUnfinishedPerClient))
            return Problems.Status(StatusCodes.Status429TooManyRequests,
                $"this client has {limits.MaxUnfinishedPerClient} unfinished jobs, the limit; submit again when one finishes");
        return null;
    }

    /// <summary>
    /// Checks each image's pixels, records the job and queues one image job per image and outpaint aspect: each aspect
    /// is a child of its own, run, retried and resumed alone, and the parent's status follows from all of them.
    /// </summary>
    private static IResult Enqueue(JobBook book, IJobQueue queue, ServiceLimits limits, string id, HttpContext http,
        (string Text, string Origin, Recipe Recipe) recipe, JobArm? b, string queueName, IReadOnlyList<JobSource> sources)
    {
        var aspects = recipe.Recipe.Outpaint?.Aspects is { Count: > 1 } several ? several : null;
        var entries = new List<ImageEntry>();
        for (var i = 0; i < sources.Count; i++)
        {
            var source = sources[i];
            if (Pixels(book, source.Key) is { } pixels && pixels > limits.MaxPixels)
            {
                book.Discard(id);
                return Problems.TooLarge($"{source.Label}: {pixels:N0} pixels, over the limit of {limits.MaxPixels:N0}");
            }
            var stem = $"{i:00}-{Stem(source.Label)}";
            if (b is not null)
                foreach (var arm in new[] { JobArm.A, JobArm.B })
                    entries.Add(new ImageEntry(entries.Count, source.Label, source.Key, $"{stem}.{arm}", source.Bytes, source.Sha256) { Source = i, Arm = arm });
            else if (aspects is null)
                entries.Add(new ImageEntry(entries.Count, source.Label, source.Key, stem, source.Bytes, source.Sha256));
            else
                for (var v = 0; v < aspects.Count; v++)
                    entries.Add(new ImageEntry(entries.Count, source.Label, source.Key, $"{stem}.{aspects[v].FileTag}", source.Bytes, source.Sha256)
                        { Variant = v, Aspect = aspects[v].Text, Source = i });
        }
        var job = new JobRecord(id, DateTimeOffset.UtcNow, Client(http), recipe.Origin, recipe.Text, RecipeReader.Hash(recipe.Recipe), queueName, entries) { RecipeB = b };
        book.Create(job);
        foreach (var entry in entries)
            book.SetTicket(id, entry.Index, queue.Enqueue(new ImageWork(id, entry.Index, queueName)));
        var states = book.States(job);
        return Results.Json(View(job, states, Waiting(job, states, queue)), ServiceJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static string Client(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static IResult List(JobBook book) =>
        Results.Json(new { jobs = book.All().Take(200).Select(j => Summary(j, book.States(j))) }, ServiceJson.Options);

    private static IResult Get(string id, JobBook book, IJobQueue queue)
    {
        if (book.Find(id) is not { } job) return Problems.NotFound($"job {id}");
        var states = book.States(job);
        return Results.Json(View(job, states, Waiting(job, states, queue)), ServiceJson.Options);
    }

    /// <summary>Why the job's queued images wait: no live worker takes its queue. Null when one does, or nothing is queued.</summary>
    private static string? Waiting(JobRecord job, IReadOnlyList<ImageState> states, IJobQueue queue)
    {
        if (!states.Any(s => s.Status == JobStatus.Queued) || queue.Servers().Any(s => s.Queues.Contains(job.Queue))) return null;
        return $"no running worker takes queue '{job.Queue}'; its images wait for {QueueNames.Describe(job.Queue)}";
    }

    private static IResult Workers(IJobQueue queue, JobBook book) =>
        Results.Json(new
        {
            workers = queue.Servers().Select(s => new { id = s.Name, workers = s.Workers, queues = s.Queues, heartbeat = s.Heartbeat, stated = QueueWorkers.Statement(book.Store, s.Name) }),
        }, ServiceJson.Options);

    private static IResult Download(string id, string name, JobBook book)
    {
        if (book.Find(id) is not { } job) return Problems.NotFound($"job {id}");
        // Only names the job's sidecars list are served, so no client text ever becomes a path.
        var output = book.States(job).SelectMany(s => s.Outputs).FirstOrDefault(o => o.Name == name);
        if (output is null || book.Store.OpenRead($"{JobBook.OutputFolder(id)}/{output.Name}") is not { } stream)
            return Problems.NotFound($"file {name} of job {id}");
        return Results.Stream(stream, ContentType(name), name, enableRangeProcessing: true);
    }

    private static async Task Archive(string id, HttpContext http, JobBook book)
    {
        if (book.Find(id) is not { } job)
        {
            await Problems.NotFound($"job {id}").ExecuteAsync(http);
            return;
        }
        var outputs = book.States(job).SelectMany(s => s.Outputs).ToList();
        http.Response.ContentType = "application/zip";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{id}.zip\"";
        // ZipArchive writes synchronously; this response streams straight to the client without buffering the zip.
        http.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
        using var zip = new ZipArchive(http.Response.Body, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var output in outputs)
        {
            await using var source = book.Store.OpenRead($"{JobBook.OutputFolder(id)}/{output.Name}");
            if (source is null) continue;
            // Images are already compressed; only the sidecars shrink.
            var entry = zip.CreateEntry(output.Name, output.Role == "sidecar" ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            await using var target = entry.Open();
            await source.CopyToAsync(target, http.RequestAborted);
        }
    }

    private static IResult Cancel(string id, JobBook book, IJobQueue queue)
    {
        if (book.Find(id) is not { } job) return Problems.NotFound($"job {id}");
        book.RequestCancel(id);
        foreach (var image in job.Images) Withdraw(book, queue, id, image.Index);
        return Results.Json(View(job, book.States(job)), ServiceJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult CancelImage(string id, int index, JobBook book, IJobQueue queue)
    {
        if (book.Find(id) is not { } job || index < 0 || index >= job.Images.Count) return Problems.NotFound($"image {index} of job {id}");
        book.RequestCancel(id, index);
        Withdraw(book, queue, id, index);
        return Results.Json(View(job, book.States(job)), ServiceJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>A queued image is taken out of the queue at once; a running one stops at its next cancellation point.</summary>
    private static void Withdraw(JobBook book, IJobQueue queue, string id, int image)
    {
        if (book.State(id, image).Status != JobStatus.Queued) return;
        if (book.Ticket(id, image) is { } ticket && queue.Withdraw(ticket))
        {
            var at = DateTimeOffset.UtcNow;
            book.Log(id, image, new JobEvent("image-cancelled", at, image, Message: "cancelled before it started"));
            book.SetState(id, image, ImageState.Queued(at) with { Status = JobStatus.Cancelled });
        }
    }

    private static IResult Presets() =>
        Results.Json(new { presets = RecipePresets.Names.Select(n => new { name = n, description = Description(RecipePresets.Text(n), 2), @default = n == RecipePresets.Default }) },
            ServiceJson.Options);

    private static IResult Looks() =>
        Results.Json(new { looks = SectionPresets.Names<GradeParams>().Select(n => new { name = n, description = Description(SectionPresets.Text<GradeParams>(n), 1) }) },
            ServiceJson.Options);

    private static IResult Models(StageResources resources) =>
        Results.Json(new
        {
            root = resources.Models.Root,
            models = resources.Models.List(),
            opt_in = new Models.OptInModels(resources.Models.Root).List(),
            masks = MaskModels.List(resources.Models),
        }, Lineage.Json);

    private static async Task<IResult> Validate(HttpRequest request, ServiceLimits limits, CancellationToken cancel)
    {
        string text;
        // curl --data-binary sends a urlencoded content type; only multipart is read as a form.
        if (request.HasFormContentType && request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            var (form, refusal) = await ReadForm(request, limits, cancel);
            if (refusal is not null) return refusal;
            text = Field(form!, "recipe") ?? "";
        }
        else
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            try
            {
                text = await reader.ReadToEndAsync(cancel);
            }
            catch (BadHttpRequestException e)
            {
                return Problems.Status(e.StatusCode, e.Message);
            }
        }
        try
        {
            var (_, _, recipe) = RecipeRequest.Resolve(null, text, null, []);
            return Results.Json(new { valid = true, sha256 = RecipeReader.Hash(recipe), normalised = RecipeReader.Normalise(recipe) }, ServiceJson.Options);
        }
        catch (RecipeException e)
        {
            return RecipeProblems(e);
        }
    }

    private static async Task<IResult> Info(HttpRequest request, JobBook book, ServiceLimits limits, CancellationToken cancel)
    {
        var (form, refusal) = await ReadForm(request, limits, cancel);
        if (refusal is not null) return refusal;
        if (form!.Files.GetFile("image") is not { } file) return Problems.BadRequest("no image: send one file in the multipart field 'image'");
        var key = $"scratch/{JobBook.NewId()}.upload";
        try
        {
            await using (var upload = file.OpenReadStream())
                await book.Store.PutAsync(key, upload, cancel);
            var path = LocalPath(book, key);
            var (facts, metadata) = ImageLoader.Inspect(path, new LoadLimits(limits.MaxPixels));
            return Results.Json(new { file = Label(file.FileName, 0), info = facts, generation = metadata.Generation,
                text_chunks = metadata.TextChunks.Select(c => c.Key), exif = metadata.Exif is not null, xmp = metadata.Xmp is not null }, Lineage.Json);
        }
        catch (ImageInputException e)
        {
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, $"{Label(file.FileName, 0)}: {e.Problem}");
        }
        finally
        {
            book.Store.Delete(key);
        }
    }

    /// <summary>Reads a multipart form, turning every way it can be wrong into a 4xx rather than an exception.</summary>
    private static async Task<(IFormCollection?, IResult?)> ReadForm(HttpRequest request, ServiceLimits limits, CancellationToken cancel)
    {
        if (request.ContentLength > limits.MaxUploadBytes)
            return (null, Problems.TooLarge($"the request is {request.ContentLength:N0} bytes; the limit is {limits.MaxUploadBytes:N0} (--max-upload-mb)"));
        if (!request.HasFormContentType)
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "send multipart/form-data"));
        try
        {
            return (await request.ReadFormAsync(cancel), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.TooLarge($"the request is over the limit of {limits.MaxUploadBytes:N0} bytes (--max-upload-mb)"));
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.TooLarge($"the upload is over a limit: {e.Message}"));
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, Problems.BadRequest($"malformed multipart request: {e.Message}"));
        }
    }

    private static IResult RecipeProblems(RecipeException e)
    {
        var problems = e.Problems.Select(p => $"{p.Line}:{p.Column}: {p.Message}").ToList();
        return Problems.Status(StatusCodes.Status400BadRequest,
            problems.Count == 1 ? e.Problems[0].ToString() : $"{problems.Count} problems in the recipe", problems);
    }

    private static object View(JobRecord job, IReadOnlyList<ImageState> states, string? waiting = null) => new
    {
        id = job.Id,
        status = JobBook.StatusOf(states),
        waiting,
        created = job.Created,
        recipe = new { origin = job.RecipeOrigin, sha256 = job.RecipeSha256 },
        recipe_b = job.RecipeB is { } b ? new { origin = b.RecipeOrigin, sha256 = b.RecipeSha256 } : null,
        queue = job.Queue,
        events = $"/v1/jobs/{job.Id}/events",
        archive = $"/v1/jobs/{job.Id}/archive",
        images = job.Images.Zip(states, (image, state) => new
        {
            index = image.Index,
            label = image.Label,
            source = image.Source ?? image.Index,
            aspect = image.Aspect,
            arm = image.Arm,
            input = new { bytes = image.Bytes, sha256 = image.Sha256 },
            status = state.Status,
            stage = state.Stage,
            fraction = state.Fraction,
            attempts = state.Attempts,
            worker = state.Worker,
            warnings = state.Warnings,
            error = state.Error,
            outputs = state.Outputs.Select(o => new { name = o.Name, role = o.Role, bytes = o.Bytes, sha256 = o.Sha256, url = $"/v1/jobs/{job.Id}/files/{Uri.EscapeDataString(o.Name)}" }),
        }),
    };

    private static object Summary(JobRecord job, IReadOnlyList<ImageState> states) => new
    {
        id = job.Id,
        status = JobBook.StatusOf(states),
        created = job.Created,
        images = job.Images.Count,
        done = states.Count(s => s.Status == JobStatus.Done),
        url = $"/v1/jobs/{job.Id}",
    };

    private static string? Field(IFormCollection form, string name) => form.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;

    /// <summary>A client's file name, kept only as a label: its last segment, printable, at most 200 characters.</summary>
    private static string Label(string? fileName, int index)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        name = new string([.. name.Where(c => !char.IsControl(c))]);
        return name.Length == 0 ? $"image-{index}" : name[..Math.Min(name.Length, 200)];
    }

    /// <summary>The part of an output name taken from the label: ASCII letters, digits, '-' and '_' only.</summary>
    private static string Stem(string? fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(Path.GetFileName((fileName ?? "").Replace('\\', '/')));
        var safe = new string([.. stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]).Trim('_');
        return safe.Length == 0 ? "image" : safe[..Math.Min(safe.Length, 48)];
    }

    private static string Description(string yaml, int line) =>
        yaml.Split('\n').Take(line).LastOrDefault()?.TrimStart('#', ' ').Trim() ?? "";

    private static string ContentType(string name) => ContentTypes.TryGetContentType(name, out var type) ? type : "application/octet-stream";

    private static string LocalPath(JobBook book, string key) =>
        Path.Combine(book.Store.LocalFolder(Path.GetDirectoryName(key)!), Path.GetFileName(key));

    private static (string Sha256, long Bytes) Hash(JobBook book, string key)
    {
        using var stream = book.Store.OpenRead(key)!;
        return (Convert.ToHexStringLower(SHA256.HashData(stream)), stream.Length);
    }

    /// <summary>The upload's pixel count from its header; null when it is no readable image (its job then fails with the loader's reason).</summary>
    private static long? Pixels(JobBook book, string key)
    {
        try
        {
            var (facts, _) = ImageLoader.Inspect(LocalPath(book, key), new LoadLimits(long.MaxValue));
            return (long)facts.Width * facts.Height;
        }
        catch (BurnishException)
        {
            return null;
        }
    }
}
