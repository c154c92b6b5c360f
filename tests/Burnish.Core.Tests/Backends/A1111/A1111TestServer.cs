using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NetVips;

namespace Burnish.Core.Tests.Backends.A1111;

/// <summary>How the test server misbehaves, for the failure cases.</summary>
public sealed record A1111Behaviour
{
    /// <summary>img2img answers 500 with A1111's error body when the prompt holds this text.</summary>
    public string? Fail500When { get; init; }

    /// <summary>img2img takes the job (it shows as active in /internal/progress) and answers only after this long.</summary>
    public TimeSpan? HoldAccepted { get; init; }

    /// <summary>Bodies above this many bytes get a proxy's 413, as nginx's client_max_body_size gives.</summary>
    public long? MaxBodyBytes { get; init; }

    /// <summary>img2img returns an image this many pixels wider than asked.</summary>
    public int WrongWidthBy { get; init; }

    /// <summary>extra-single-image answers 500 with A1111's error body.</summary>
    public bool FailExtras { get; init; }

    /// <summary>extra-single-image answers only after this long (it has no task id, so nothing shows it was taken).</summary>
    public TimeSpan? HoldExtras { get; init; }

    /// <summary>USER:PASSWORD the server requires (A1111's --api-auth), or null.</summary>
    public string? Auth { get; init; }
}

/// <summary>
/// A protocol-faithful stand-in for AUTOMATIC1111's API, on Kestrel at 127.0.0.1 on a free port. It serves the routes
/// Burnish calls with the shapes of modules/api/models.py and modules/progress.py (recorded examples beside it in
/// recorded/), checks every field of each img2img request against those shapes (unknown keys, types, ranges, the mask
/// against the image) and answers with a deterministic transform: masked pixels (mask &gt; 127) inverted, the rest
/// as sent. Problems it finds are kept in <see cref="Problems"/> and answered 422 as FastAPI would.
/// </summary>
public sealed class A1111TestServer : IAsyncDisposable
{
    public const string Version = "v1.10.1";

    /// <summary>The checkpoints /sdapi/v1/sd-models lists (from the recorded example).</summary>
    public static readonly (string Title, string ModelName, string Hash)[] Checkpoints =
    [
        ("v1-5-pruned-emaonly.safetensors [6ce0161689]", "v1-5-pruned-emaonly", "6ce0161689"),
        ("sd_xl_base_1.0.safetensors [31e35c80fc]", "sd_xl_base_1.0", "31e35c80fc"),
    ];

    public static readonly string[] Samplers = ["DPM++ 2M", "Euler a", "Euler", "DDIM"];

    // StableDiffusionProcessingImg2Img's API fields (modules/processing.py __init__ parameters of the class and its
    // base, less API_NOT_ALLOWED, plus models.py's additional fields). Pydantic would drop an unknown key silently;
    // this server refuses it, so a misspelt key fails a test instead of being ignored.
    private static readonly HashSet<string> Img2ImgFields =
    [
        "init_images", "resize_mode", "denoising_strength", "image_cfg_scale", "mask", "mask_blur", "mask_blur_x", "mask_blur_y",
        "inpainting_fill", "inpaint_full_res", "inpaint_full_res_padding", "inpainting_mask_invert", "initial_noise_multiplier",
        "latent_mask", "force_task_id", "prompt", "styles", "seed", "subseed", "subseed_strength", "seed_resize_from_h",
        "seed_resize_from_w", "sampler_name", "scheduler", "batch_size", "n_iter", "steps", "cfg_scale", "width", "height",
        "restore_faces", "tiling", "do_not_save_samples", "do_not_save_grid", "negative_prompt", "eta", "s_min_uncond",
        "s_churn", "s_tmax", "s_tmin", "s_noise", "override_settings", "override_settings_restore_afterwards",
        "refiner_checkpoint", "refiner_switch_at", "disable_extra_networks", "firstpass_image", "comments", "include_init_images",
        "script_name", "script_args", "send_images", "save_images", "alwayson_scripts", "infotext",
    ];

    // ExtrasBaseRequest's fields plus ExtrasSingleImageRequest's image (modules/api/models.py, v1.10.1); refused when
    // unknown, as for img2img.
    private static readonly HashSet<string> ExtrasFields =
    [
        "resize_mode", "show_extras_results", "gfpgan_visibility", "codeformer_visibility", "codeformer_weight", "upscaling_resize",
        "upscaling_resize_w", "upscaling_resize_h", "upscaling_crop", "upscaler_1", "upscaler_2", "extras_upscaler_2_visibility",
        "upscale_first", "image",
    ];

    private static readonly string[] Upscalers = ["None", "Lanczos", "R-ESRGAN 4x+"];

    private readonly WebApplication app;
    private readonly A1111Behaviour behaviour;
    private readonly ConcurrentDictionary<string, string> tasks = new(); // id → queued | active | completed
    private int img2imgPosts;
    private int extrasPosts;
    private int interrupts;

    private A1111TestServer(WebApplication app, A1111Behaviour behaviour) => (this.app, this.behaviour) = (app, behaviour);

    public string Url { get; private set; } = "";

    /// <summary>The checkpoint /sdapi/v1/options names as loaded, and that a job without override_settings runs on; a test may switch it, as a user does in the web UI.</summary>
    public string CurrentCheckpoint { get; set; } = Checkpoints[0].Title;

    /// <summary>Every img2img body that passed validation, in order.</summary>
    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    /// <summary>What the server found wrong in Burnish's requests; a test expects none.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>Every POST to img2img, valid or not: a resubmission shows here.</summary>
    public int Img2ImgPosts => Volatile.Read(ref img2imgPosts);

    public int Interrupts => Volatile.Read(ref interrupts);

    /// <summary>Every POST to extra-single-image, valid or not.</summary>
    public int ExtrasPosts => Volatile.Read(ref extrasPosts);

    /// <summary>Every extra-single-image body that passed validation, in order.</summary>
    public ConcurrentQueue<JsonObject> ExtrasRequests { get; } = new();

    private readonly TaskCompletionSource accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first valid img2img job is taken.</summary>
    public Task Accepted => accepted.Task;

    public static async Task<A1111TestServer> StartAsync(A1111Behaviour? behaviour = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var server = new A1111TestServer(app, behaviour ?? new A1111Behaviour());
        server.Map();
        await app.StartAsync();
        server.Url = app.Urls.First();
        return server;
    }

    private void Map()
    {
        app.Use(async (context, next) =>
        {
            if (behaviour.Auth is { } auth && context.Request.Headers.Authorization.ToString() != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(auth)))
            {
                context.Response.StatusCode = 401;
                context.Response.Headers.WWWAuthenticate = "Basic";
                await context.Response.WriteAsJsonAsync(Error("HTTPException", "Incorrect username or password"));
                return;
            }
            await next();
        });
        app.MapGet("/sdapi/v1/sd-models", () => Checkpoints.Select(c => new Dictionary<string, object?>
        {
            ["title"] = c.Title, ["model_name"] = c.ModelName, ["hash"] = c.Hash, ["sha256"] = null,
            ["filename"] = $"/models/Stable-diffusion/{c.ModelName}.safetensors", ["config"] = null,
        }));
        app.MapGet("/sdapi/v1/samplers", () => Samplers.Select(s => new { name = s, aliases = new[] { s.ToLowerInvariant() }, options = new { } }));
        app.MapGet("/sdapi/v1/upscalers", () => Upscalers.Select(n => new { name = n, model_name = (string?)null, model_path = (string?)null, model_url = (string?)null, scale = 4.0 }));
        app.MapGet("/sdapi/v1/options", () => new Dictionary<string, object> { ["sd_model_checkpoint"] = CurrentCheckpoint, ["samples_format"] = "png" });
        app.MapGet("/internal/sysinfo", () => new Dictionary<string, object> { ["Platform"] = "Linux", ["Version"] = Version, ["Commit"] = "82a973c04367123ae98bd9abdf80d9eda9b910e2" });
        app.MapPost("/sdapi/v1/interrupt", () =>
        {
            Interlocked.Increment(ref interrupts);
            foreach (var id in tasks.Where(t => t.Value == "active").Select(t => t.Key)) tasks[id] = "completed";
            return Results.Json(new { });
        });
        app.MapPost("/internal/progress", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
            var id = body?["id_task"]?.GetValue<string>() ?? "";
            var state = tasks.TryGetValue(id, out var s) ? s : "";
            return Results.Json(new Dictionary<string, object?>
            {
                ["active"] = state == "active", ["queued"] = state == "queued", ["paused"] = false, ["completed"] = state == "completed",
                ["progress"] = state == "active" ? 0.5 : null, ["eta"] = null, ["live_preview"] = null, ["id_live_preview"] = -1,
                ["textinfo"] = state == "queued" ? "Queued..." : state == "active" ? null : "Waiting...",
            });
        });
        app.MapPost("/sdapi/v1/img2img", (Func<HttpContext, Task<IResult>>)Img2Img);
        app.MapPost("/sdapi/v1/extra-single-image", (Func<HttpContext, Task<IResult>>)ExtraSingleImage);
    }

    // POST /sdapi/v1/extra-single-image (modules/api/api.py extras_single_image_api → run_extras): the image through the
    // face restorers and upscalers the body names. Answers ExtrasSingleImageResponse {html_info, image}; the
    // deterministic "restoration" is the image inverted, scaled by upscaling_resize (1 keeps the size).
    private async Task<IResult> ExtraSingleImage(HttpContext context)
    {
        Interlocked.Increment(ref extrasPosts);
        JsonObject body;
        try
        {
            body = (await JsonNode.ParseAsync(context.Request.Body)) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            return Refuse($"body is not a JSON object: {e.Message}");
        }
        var problems = new List<string>();
        foreach (var key in body.Select(kv => kv.Key).Where(k => !ExtrasFields.Contains(k)))
            problems.Add($"unknown field '{key}'");
        void Need(string key, JsonValueKind kind, Func<JsonNode, bool>? ok = null, string? why = null)
        {
            var node = body[key];
            if (node is null) return; // every field has a default in ExtrasBaseRequest
            var actual = node.GetValueKind();
            var fits = kind == JsonValueKind.True ? actual is JsonValueKind.True or JsonValueKind.False : actual == kind;
            if (!fits) problems.Add($"{key} is {actual}, not {(kind == JsonValueKind.True ? "a boolean" : kind)}");
            else if (ok is not null && !ok(node)) problems.Add($"{key}: {why}");
        }
        static bool Unit(JsonNode n) => n.GetValue<double>() is >= 0 and <= 1;
        Need("resize_mode", JsonValueKind.Number, n => n.GetValue<double>() is 0 or 1, "not 0 or 1 (Literal[0, 1])");
        Need("show_extras_results", JsonValueKind.True);
        Need("gfpgan_visibility", JsonValueKind.Number, Unit, "outside 0–1");
        Need("codeformer_visibility", JsonValueKind.Number, Unit, "outside 0–1");
        Need("codeformer_weight", JsonValueKind.Number, Unit, "outside 0–1");
        Need("upscaling_resize", JsonValueKind.Number, n => n.GetValue<double>() is >= 1 and <= 8, "outside 1–8");
        Need("upscaling_resize_w", JsonValueKind.Number, n => n.GetValue<double>() >= 1, "below 1");
        Need("upscaling_resize_h", JsonValueKind.Number, n => n.GetValue<double>() >= 1, "below 1");
        Need("upscaling_crop", JsonValueKind.True);
        Need("upscaler_1", JsonValueKind.String, n => Upscalers.Contains(n.GetValue<string>()), "not one of /sdapi/v1/upscalers");
        Need("upscaler_2", JsonValueKind.String, n => Upscalers.Contains(n.GetValue<string>()), "not one of /sdapi/v1/upscalers");
        Need("extras_upscaler_2_visibility", JsonValueKind.Number, Unit, "outside 0–1");
        Need("upscale_first", JsonValueKind.True);
        if (body["image"] is not { } imageNode || imageNode.GetValueKind() != JsonValueKind.String || imageNode.GetValue<string>().Length == 0)
            problems.Add("image is missing: the default \"\" has nothing to work on");
        if (problems.Count > 0) return Refuse(string.Join("; ", problems));
        Image input;
        try
        {
            input = Image.NewFromBuffer(Convert.FromBase64String(body["image"]!.GetValue<string>()));
        }
        catch (Exception e) when (e is FormatException or VipsException)
        {
            return Refuse($"image is not base64 image data: {e.Message}");
        }
        using (input)
        {
            if (input.Bands != 3 || input.Format != Enums.BandFormat.Uchar) return Refuse($"image has {input.Bands} bands of {input.Format}, not 8-bit RGB");
            if ((body["gfpgan_visibility"]?.GetValue<double>() ?? 0) == 0 && (body["codeformer_visibility"]?.GetValue<double>() ?? 0) == 0)
                return Refuse("neither gfpgan_visibility nor codeformer_visibility is above 0: no face restorer would run");
            ExtrasRequests.Enqueue(body);
            if (behaviour.FailExtras)
                return Results.Json(Error("RuntimeError", "", "CUDA out of memory. Tried to allocate 512.00 MiB"), statusCode: 500);
            if (behaviour.HoldExtras is { } hold)
            {
                try
                {
                    await Task.Delay(hold, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }
            }
            var scale = body["upscaling_resize"]?.GetValue<double>() ?? 2;
            using var inverted = (255 - input).Cast(Enums.BandFormat.Uchar);
            using var sized = scale == 1 ? inverted.Copy() : inverted.Resize(scale);
            using var output = behaviour.WrongWidthBy == 0 ? sized.Copy() : sized.Embed(0, 0, sized.Width + behaviour.WrongWidthBy, sized.Height, extend: Enums.Extend.Copy);
            return Results.Json(new Dictionary<string, object?>
            {
                ["html_info"] = "<p>GFPGAN visibility: …</p>",
                ["image"] = Convert.ToBase64String(output.PngsaveBuffer()),
            });
        }
    }

    private async Task<IResult> Img2Img(HttpContext context)
    {
        Interlocked.Increment(ref img2imgPosts);
        if (behaviour.MaxBodyBytes is { } max && context.Request.ContentLength > max)
            return Results.Content("<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center></body></html>", "text/html", statusCode: 413);
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            return Refuse($"content type is {context.Request.ContentType}, not application/json");
        JsonObject body;
        try
        {
            body = (await JsonNode.ParseAsync(context.Request.Body)) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            return Refuse($"body is not a JSON object: {e.Message}");
        }
        var problems = Validate(body, out var init, out var mask);
        if (problems.Count > 0) return Refuse(string.Join("; ", problems));
        var taskId = body["force_task_id"]!.GetValue<string>();
        // The checkpoint is checked as the fork read for this server does (api.py validate_model: 404 "Model not found").
        if (body["override_settings"]?["sd_model_checkpoint"]?.GetValue<string>() is { } ckpt && Checkpoints.All(c => c.Title != ckpt))
            return Results.Json(Error("HTTPException", "Model not found"), statusCode: 404);
        Requests.Enqueue(body);
        tasks[taskId] = "active";
        accepted.TrySetResult();
        try
        {
            if (behaviour.Fail500When is { } marker && body["prompt"]!.GetValue<string>().Contains(marker, StringComparison.Ordinal))
                return Results.Json(Error("RuntimeError", "", "CUDA out of memory. Tried to allocate 2.00 GiB"), statusCode: 500);
            if (behaviour.HoldAccepted is { } hold)
            {
                try
                {
                    await Task.Delay(hold, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client hung up; the job goes on as A1111's would, until /interrupt.
                    while (tasks[taskId] == "active") await Task.Delay(20);
                    return Results.Empty;
                }
            }
            using var inverted = ((mask! > 127).Bandjoin(mask! > 127, mask! > 127)).Ifthenelse(255 - init!, init!).Cast(Enums.BandFormat.Uchar);
            using var output = behaviour.WrongWidthBy == 0 ? inverted.Copy() : inverted.Embed(0, 0, inverted.Width + behaviour.WrongWidthBy, inverted.Height, extend: Enums.Extend.Copy);
            var info = new JsonObject
            {
                ["prompt"] = body["prompt"]!.GetValue<string>(), ["negative_prompt"] = body["negative_prompt"]?.GetValue<string>() ?? "",
                ["seed"] = body["seed"]?.GetValue<long>() ?? -1, ["sampler_name"] = body["sampler_name"]?.GetValue<string>() ?? Samplers[0],
                ["steps"] = body["steps"]?.GetValue<int>() ?? 20, ["cfg_scale"] = body["cfg_scale"]?.GetValue<double>() ?? 7.0,
                ["width"] = output.Width, ["height"] = output.Height, ["denoising_strength"] = body["denoising_strength"]!.GetValue<double>(),
                ["sd_model_name"] = Checkpoints.First(c => c.Title == (body["override_settings"]?["sd_model_checkpoint"]?.GetValue<string>() ?? CurrentCheckpoint)).ModelName,
            };
            return Results.Json(new Dictionary<string, object?>
            {
                ["images"] = new[] { Convert.ToBase64String(output.PngsaveBuffer()) },
                ["parameters"] = body,
                ["info"] = info.ToJsonString(),
            });
        }
        finally
        {
            init?.Dispose();
            mask?.Dispose();
            tasks[taskId] = "completed";
        }
    }

    private IResult Refuse(string problem)
    {
        Problems.Enqueue(problem);
        return Results.Json(Error("RequestValidationError", problem), statusCode: 422);
    }

    private static Dictionary<string, string> Error(string type, string detail, string? errors = null) =>
        new() { ["error"] = type, ["detail"] = detail, ["body"] = "", ["errors"] = errors ?? detail };

    private static List<string> Validate(JsonObject body, out Image? init, out Image? mask)
    {
        var problems = new List<string>();
        (init, mask) = (null, null);
        foreach (var key in body.Select(kv => kv.Key).Where(k => !Img2ImgFields.Contains(k)))
            problems.Add($"unknown field '{key}'");
        void Need(string key, JsonValueKind kind, Func<JsonNode, bool>? ok = null, string? why = null)
        {
            var node = body[key];
            if (node is null) problems.Add($"{key} is missing");
            else if (node.GetValueKind() != kind) problems.Add($"{key} is {node.GetValueKind()}, not {kind}");
            else if (ok is not null && !ok(node)) problems.Add($"{key}: {why}");
        }
        Need("init_images", JsonValueKind.Array, n => n.AsArray().Count == 1 && n[0]!.GetValueKind() == JsonValueKind.String, "one base64 string");
        Need("mask", JsonValueKind.String);
        Need("prompt", JsonValueKind.String);
        Need("negative_prompt", JsonValueKind.String);
        Need("force_task_id", JsonValueKind.String, n => n.GetValue<string>().Length > 0, "empty");
        Need("denoising_strength", JsonValueKind.Number, n => n.GetValue<double>() is >= 0 and <= 1, "outside 0–1");
        Need("inpainting_fill", JsonValueKind.Number, n => n.GetValue<double>() is 0 or 1 or 2 or 3, "not 0, 1, 2 or 3");
        Need("mask_blur", JsonValueKind.Number, n => n.GetValue<double>() >= 0 && n.GetValue<double>() % 1 == 0, "not a whole number ≥ 0");
        Need("inpaint_full_res", JsonValueKind.False);
        Need("inpainting_mask_invert", JsonValueKind.Number, n => n.GetValue<double>() == 0, "Burnish's masks are white = repaint (0)");
        Need("steps", JsonValueKind.Number, n => n.GetValue<double>() is >= 1 and <= 150 && n.GetValue<double>() % 1 == 0, "not 1–150");
        Need("cfg_scale", JsonValueKind.Number);
        Need("seed", JsonValueKind.Number, n => n.GetValue<double>() % 1 == 0, "not whole");
        Need("width", JsonValueKind.Number, n => n.GetValue<double>() % 8 == 0, "not a multiple of 8");
        Need("height", JsonValueKind.Number, n => n.GetValue<double>() % 8 == 0, "not a multiple of 8");
        Need("send_images", JsonValueKind.True);
        if (body["sampler_name"] is { } sampler && (sampler.GetValueKind() != JsonValueKind.String || !Samplers.Contains(sampler.GetValue<string>())))
            problems.Add($"sampler_name '{sampler}' is not one of /sdapi/v1/samplers");
        if (body["override_settings"] is { } settings && (settings is not JsonObject o || o.Any(kv => kv.Value?.GetValueKind() != JsonValueKind.String)))
            problems.Add("override_settings is not an object of strings");
        if (problems.Count > 0) return problems;
        try
        {
            init = Image.NewFromBuffer(Convert.FromBase64String(body["init_images"]![0]!.GetValue<string>()));
            mask = Image.NewFromBuffer(Convert.FromBase64String(body["mask"]!.GetValue<string>()));
        }
        catch (Exception e) when (e is FormatException or VipsException)
        {
            problems.Add($"an image is not base64 PNG: {e.Message}");
            return problems;
        }
        if (init.Bands != 3 || init.Format != Enums.BandFormat.Uchar) problems.Add($"init image has {init.Bands} bands of {init.Format}, not 8-bit RGB");
        if (mask.Bands != 1) problems.Add($"mask has {mask.Bands} bands, not 1");
        if (mask.Width != init.Width || mask.Height != init.Height) problems.Add($"mask is {mask.Width}×{mask.Height}, image {init.Width}×{init.Height}");
        if (init.Width != body["width"]!.GetValue<int>() || init.Height != body["height"]!.GetValue<int>())
            problems.Add($"init image is {init.Width}×{init.Height} but width×height is {body["width"]}×{body["height"]}: the server would resize it");
        if (problems.Count == 0 && mask.Max() < 255) problems.Add("mask has no white: nothing to repaint");
        return problems;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
