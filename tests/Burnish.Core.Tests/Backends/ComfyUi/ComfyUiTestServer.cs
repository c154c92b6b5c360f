using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NetVips;

namespace Burnish.Core.Tests.Backends.ComfyUi;

/// <summary>How the ComfyUI test server misbehaves.</summary>
public sealed record ComfyUiBehaviour
{
    /// <summary>The websocket is closed as soon as a job is taken: the client must find the result by polling /history.</summary>
    public bool DropSocket { get; init; }

    /// <summary>A node /object_info leaves out.</summary>
    public string? MissingNode { get; init; }

    /// <summary>Jobs run until /interrupt or a /queue delete.</summary>
    public bool Hold { get; init; }

    /// <summary>The sampler raises this (execution_error, and status_str error in the history).</summary>
    public string? ExecutionError { get; init; }

    /// <summary>/prompt takes the job at once and answers this much later (a slow or distant server).</summary>
    public TimeSpan AnswerDelay { get; init; }
}

/// <summary>
/// A protocol-faithful stand-in for ComfyUI's server.py, on Kestrel at 127.0.0.1 on a free port: /object_info (the core
/// nodes' input declarations, checkpoint and sampler lists), /system_stats, /upload/image (multipart), /prompt (an
/// API-format graph, validated node by node against /object_info: class types, required inputs, links to existing
/// nodes' outputs, list choices), /ws?clientId= (status, execution_start, executing, progress, executed,
/// execution_success / execution_error / execution_interrupted), /history/{id} (<c>{}</c> while running and for an
/// unknown id), /queue, /view and /interrupt. A job inverts the uploaded image where its alpha is below 128 (the mask
/// LoadImage makes is 1 − alpha). Message shapes: recorded/SOURCES.md.
/// </summary>
public sealed class ComfyUiTestServer : IAsyncDisposable
{
    public const string Version = "0.3.40";

    public static readonly string[] Checkpoints = ["v1-5-pruned-emaonly.safetensors", "sd_xl_base_1.0.safetensors"];
    public static readonly string[] Samplers = ["euler", "euler_ancestral", "dpmpp_2m"];
    public static readonly string[] Schedulers = ["normal", "karras"];

    private readonly WebApplication app;
    private readonly ComfyUiBehaviour behaviour;
    private readonly ConcurrentDictionary<string, byte[]> inputs = new();
    private readonly ConcurrentDictionary<string, byte[]> outputs = new();
    private readonly ConcurrentDictionary<string, JsonObject> history = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> running = new();
    private readonly ConcurrentDictionary<string, WebSocket> sockets = new();
    private int prompts;
    private int interrupts;
    private int deletes;
    private int socketsOpened;

    private ComfyUiTestServer(WebApplication app, ComfyUiBehaviour behaviour) => (this.app, this.behaviour) = (app, behaviour);

    public string Url { get; private set; } = "";

    public ConcurrentQueue<JsonObject> Prompts { get; } = new();

    public ConcurrentQueue<string> Problems { get; } = new();

    public int PromptPosts => Volatile.Read(ref prompts);

    public int Interrupts => Volatile.Read(ref interrupts);

    public int QueueDeletes => Volatile.Read(ref deletes);

    public int SocketsOpened => Volatile.Read(ref socketsOpened);

    /// <summary>Every websocket message sent, as text.</summary>
    public ConcurrentQueue<string> Sent { get; } = new();

    /// <summary>The uploaded files by name, for checking what was sent.</summary>
    public IReadOnlyDictionary<string, byte[]> Uploads => inputs;

    public static async Task<ComfyUiTestServer> StartAsync(ComfyUiBehaviour? behaviour = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        var server = new ComfyUiTestServer(app, behaviour ?? new ComfyUiBehaviour());
        server.Map();
        await app.StartAsync();
        server.Url = app.Urls.First();
        return server;
    }

    // Each core node's inputs as /object_info declares them: name → (type or choice list, required).
    private static readonly Dictionary<string, (Dictionary<string, JsonNode> Required, string[] Outputs)> NodeTypes = new()
    {
        ["CheckpointLoaderSimple"] = (new() { ["ckpt_name"] = new JsonArray(new JsonArray([.. Checkpoints.Select(c => JsonValue.Create(c))])) }, ["MODEL", "CLIP", "VAE"]),
        ["LoadImage"] = (new() { ["image"] = new JsonArray(new JsonArray(), new JsonObject { ["image_upload"] = true }) }, ["IMAGE", "MASK"]),
        ["CLIPTextEncode"] = (new() { ["text"] = new JsonArray("STRING", new JsonObject { ["multiline"] = true }), ["clip"] = new JsonArray("CLIP") }, ["CONDITIONING"]),
        ["InpaintModelConditioning"] = (new()
        {
            ["positive"] = new JsonArray("CONDITIONING"), ["negative"] = new JsonArray("CONDITIONING"), ["vae"] = new JsonArray("VAE"),
            ["pixels"] = new JsonArray("IMAGE"), ["mask"] = new JsonArray("MASK"), ["noise_mask"] = new JsonArray("BOOLEAN", new JsonObject { ["default"] = true }),
        }, ["CONDITIONING", "CONDITIONING", "LATENT"]),
        ["KSampler"] = (new()
        {
            ["model"] = new JsonArray("MODEL"), ["seed"] = new JsonArray("INT", new JsonObject { ["min"] = 0, ["max"] = 18446744073709551615.0 }),
            ["steps"] = new JsonArray("INT", new JsonObject { ["min"] = 1, ["max"] = 10000 }), ["cfg"] = new JsonArray("FLOAT", new JsonObject { ["min"] = 0.0, ["max"] = 100.0 }),
            ["sampler_name"] = new JsonArray(new JsonArray([.. Samplers.Select(s => JsonValue.Create(s))])),
            ["scheduler"] = new JsonArray(new JsonArray([.. Schedulers.Select(s => JsonValue.Create(s))])),
            ["positive"] = new JsonArray("CONDITIONING"), ["negative"] = new JsonArray("CONDITIONING"), ["latent_image"] = new JsonArray("LATENT"),
            ["denoise"] = new JsonArray("FLOAT", new JsonObject { ["min"] = 0.0, ["max"] = 1.0 }),
        }, ["LATENT"]),
        ["VAEDecode"] = (new() { ["samples"] = new JsonArray("LATENT"), ["vae"] = new JsonArray("VAE") }, ["IMAGE"]),
        ["SaveImage"] = (new() { ["images"] = new JsonArray("IMAGE"), ["filename_prefix"] = new JsonArray("STRING", new JsonObject { ["default"] = "ComfyUI" }) }, []),
    };

    private void Map()
    {
        app.MapGet("/object_info", () =>
        {
            var info = new JsonObject();
            foreach (var (name, (required, outs)) in NodeTypes.Where(n => n.Key != behaviour.MissingNode))
            {
                var req = new JsonObject();
                foreach (var (key, decl) in required)
                    req[key] = key == "image" && name == "LoadImage" ? new JsonArray(new JsonArray([.. inputs.Keys.Select(k => JsonValue.Create(k))]), new JsonObject { ["image_upload"] = true }) : decl.DeepClone();
                info[name] = new JsonObject
                {
                    ["input"] = new JsonObject { ["required"] = req }, ["output"] = new JsonArray([.. outs.Select(o => JsonValue.Create(o))]),
                    ["output_is_list"] = new JsonArray([.. outs.Select(_ => JsonValue.Create(false))]), ["output_name"] = new JsonArray([.. outs.Select(o => JsonValue.Create(o))]),
                    ["name"] = name, ["display_name"] = name, ["description"] = "", ["category"] = "test", ["output_node"] = name == "SaveImage",
                };
            }
            return Results.Content(info.ToJsonString(), "application/json");
        });
        app.MapGet("/system_stats", () => Results.Content(new JsonObject
        {
            ["system"] = new JsonObject { ["os"] = "posix", ["comfyui_version"] = Version, ["python_version"] = "3.12.3", ["embedded_python"] = false },
            ["devices"] = new JsonArray(),
        }.ToJsonString(), "application/json"));
        app.MapPost("/upload/image", async (HttpContext context) =>
        {
            if (!context.Request.HasFormContentType) return Refuse("upload/image: not multipart");
            var form = await context.Request.ReadFormAsync();
            var file = form.Files["image"];
            if (file is null) return Refuse("upload/image: no 'image' part");
            if (form["type"].ToString() is not ("input" or "")) return Refuse($"upload/image: type '{form["type"]}'");
            using var stream = new MemoryStream();
            await file.CopyToAsync(stream);
            inputs[file.FileName] = stream.ToArray();
            return Results.Json(new { name = file.FileName, subfolder = "", type = "input" });
        });
        app.MapPost("/prompt", async (HttpContext context) =>
        {
            Interlocked.Increment(ref prompts);
            var body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
            var problems = body is null ? ["body is not an object"] : Validate(body);
            if (problems.Count > 0)
            {
                foreach (var p in problems) Problems.Enqueue(p);
                return Results.Json(new Dictionary<string, object>
                {
                    ["error"] = new Dictionary<string, object> { ["type"] = "prompt_outputs_failed_validation", ["message"] = "Prompt outputs failed validation", ["details"] = string.Join("; ", problems), ["extra_info"] = new { } },
                    ["node_errors"] = new { },
                }, statusCode: 400);
            }
            var id = body!["prompt_id"]!.GetValue<string>();
            Prompts.Enqueue(body);
            var client = body["client_id"]!.GetValue<string>();
            var stop = new CancellationTokenSource();
            running[id] = stop;
            _ = Task.Run(() => Execute(id, client, body["prompt"]!.AsObject(), stop.Token));
            await Task.Delay(behaviour.AnswerDelay, CancellationToken.None);
            return Results.Json(new { prompt_id = id, number = PromptPosts, node_errors = new { } });
        });
        app.MapGet("/history/{id}", (string id) => Results.Content(history.TryGetValue(id, out var entry) ? new JsonObject { [id] = entry.DeepClone() }.ToJsonString() : "{}", "application/json"));
        app.MapGet("/queue", () => Results.Content(new JsonObject
        {
            ["queue_running"] = new JsonArray([.. running.Keys.Select(k => (JsonNode)new JsonArray(0, k, new JsonObject(), new JsonObject(), new JsonArray("8")))]),
            ["queue_pending"] = new JsonArray(),
        }.ToJsonString(), "application/json"));
        app.MapGet("/view", (string filename, string? subfolder, string? type) =>
            type == "output" && outputs.TryGetValue(filename, out var bytes) ? Results.Bytes(bytes, "image/png") : Results.NotFound());
        app.MapPost("/interrupt", async (HttpContext context) =>
        {
            Interlocked.Increment(ref interrupts);
            var body = context.Request.ContentLength > 0 ? await JsonNode.ParseAsync(context.Request.Body) : null;
            if (body?["prompt_id"]?.GetValue<string>() is { } id && running.TryGetValue(id, out var stop)) await stop.CancelAsync();
            return Results.Ok();
        });
        app.MapPost("/queue", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            if (body?["delete"] is JsonArray ids)
            {
                Interlocked.Increment(ref deletes);
                foreach (var id in ids.Select(i => i?.GetValue<string>() ?? ""))
                    if (running.TryGetValue(id, out var stop)) await stop.CancelAsync();
            }
            return Results.Ok();
        });
        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest) return Results.BadRequest();
            var clientId = context.Request.Query["clientId"].ToString();
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            sockets[clientId] = socket;
            Interlocked.Increment(ref socketsOpened);
            await Send(socket, "status", new JsonObject { ["status"] = new JsonObject { ["exec_info"] = new JsonObject { ["queue_remaining"] = 0 } }, ["sid"] = clientId });
            var buffer = new byte[1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var r = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    if (r.MessageType == WebSocketMessageType.Close) break;
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The client went away.
            }
            sockets.TryRemove(clientId, out _);
            return Results.Empty;
        });
    }

    private async Task Execute(string id, string client, JsonObject graph, CancellationToken stop)
    {
        var socket = sockets.GetValueOrDefault(client);
        if (behaviour.DropSocket && socket is not null)
        {
            try { socket.Abort(); } catch (WebSocketException) { }
            socket = null;
        }
        var messages = new JsonArray();
        async Task Event(string type, JsonObject data)
        {
            data["prompt_id"] = id;
            if (type is "execution_start" or "execution_success" or "execution_error" or "execution_interrupted")
                messages.Add(new JsonArray(type, data.DeepClone()));
            if (socket is { State: WebSocketState.Open })
            {
                try { await Send(socket, type, data); } catch (WebSocketException) { }
            }
        }
        await Event("execution_start", new JsonObject { ["timestamp"] = 1 });
        JsonNode Of(string type) => graph.First(kv => kv.Value?["class_type"]?.GetValue<string>() == type).Value!;
        var steps = Of("KSampler")["inputs"]!["steps"]!.GetValue<int>();
        try
        {
            await Event("executing", new JsonObject { ["node"] = "6", ["display_node"] = "6" });
            for (var i = 1; i <= steps; i++)
            {
                await Event("progress", new JsonObject { ["value"] = i, ["max"] = steps, ["node"] = "6" });
                if (behaviour.ExecutionError is { } error && i == 1)
                {
                    var data = new JsonObject { ["node_id"] = "6", ["node_type"] = "KSampler", ["executed"] = new JsonArray(), ["exception_message"] = error, ["exception_type"] = "RuntimeError", ["traceback"] = new JsonArray(), ["current_inputs"] = new JsonObject(), ["current_outputs"] = new JsonObject() };
                    await Event("execution_error", data);
                    history[id] = Entry(graph, new JsonObject(), "error", messages);
                    return;
                }
            }
            if (behaviour.Hold) await Task.Delay(Timeout.Infinite, stop);
            var name = Of("LoadImage")["inputs"]!["image"]!.GetValue<string>();
            using var uploaded = Image.NewFromBuffer(inputs[name]);
            using var rgb = uploaded.ExtractBand(0, 3);
            using var hole = uploaded[3] < 128;
            using var inverted = hole.Bandjoin(hole, hole).Ifthenelse(255 - rgb, rgb).Cast(Enums.BandFormat.Uchar);
            var file = $"burnish_{outputs.Count + 1:00000}_.png";
            outputs[file] = inverted.PngsaveBuffer();
            var images = new JsonObject { ["images"] = new JsonArray(new JsonObject { ["filename"] = file, ["subfolder"] = "", ["type"] = "output" }) };
            var save = graph.First(kv => kv.Value?["class_type"]?.GetValue<string>() == "SaveImage").Key;
            await Event("executed", new JsonObject { ["node"] = save, ["display_node"] = save, ["output"] = images.DeepClone() });
            await Event("execution_success", new JsonObject { ["timestamp"] = 2 });
            history[id] = Entry(graph, new JsonObject { [save] = images }, "success", messages);
        }
        catch (OperationCanceledException)
        {
            await Event("execution_interrupted", new JsonObject { ["node_id"] = "6", ["node_type"] = "KSampler", ["executed"] = new JsonArray() });
            history[id] = Entry(graph, new JsonObject(), "error", messages);
        }
        finally
        {
            running.TryRemove(id, out _);
        }
    }

    private static JsonObject Entry(JsonObject graph, JsonObject outputs, string status, JsonArray messages) => new()
    {
        ["prompt"] = new JsonArray(1, "id", graph.DeepClone(), new JsonObject(), new JsonArray("8")),
        ["outputs"] = outputs,
        ["status"] = new JsonObject { ["status_str"] = status, ["completed"] = status == "success", ["messages"] = messages.DeepClone() },
        ["meta"] = new JsonObject(),
    };

    private Task Send(WebSocket socket, string type, JsonObject data)
    {
        var text = new JsonObject { ["type"] = type, ["data"] = data.DeepClone() }.ToJsonString();
        Sent.Enqueue(text);
        return socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
    }

    private IResult Refuse(string problem)
    {
        Problems.Enqueue(problem);
        return Results.BadRequest(problem);
    }

    // server.py's validate_prompt, for the nodes and input kinds Burnish sends: every node a known class with every
    // required input, each link to an existing node's output of the declared type, each choice one of the list,
    // each number inside its min/max.
    private List<string> Validate(JsonObject body)
    {
        var problems = new List<string>();
        foreach (var key in body.Select(kv => kv.Key).Where(k => k is not ("prompt" or "client_id" or "prompt_id" or "extra_data" or "front" or "number")))
            problems.Add($"unknown field '{key}'");
        if (body["client_id"]?.GetValueKind() != System.Text.Json.JsonValueKind.String) problems.Add("client_id is not a string");
        if (body["prompt_id"]?.GetValueKind() != System.Text.Json.JsonValueKind.String) problems.Add("prompt_id is not a string");
        if (body["prompt"] is not JsonObject graph)
        {
            problems.Add("prompt is not an object");
            return problems;
        }
        foreach (var (id, node) in graph)
        {
            var type = node?["class_type"]?.GetValue<string>() ?? "";
            if (!NodeTypes.TryGetValue(type, out var declared) || type == behaviour.MissingNode)
            {
                problems.Add($"node {id}: unknown class_type '{type}'");
                continue;
            }
            var nodeInputs = node!["inputs"] as JsonObject ?? [];
            foreach (var key in nodeInputs.Select(kv => kv.Key).Where(k => !declared.Required.ContainsKey(k)))
                problems.Add($"node {id} ({type}): unknown input '{key}'");
            foreach (var (name, decl) in declared.Required)
            {
                var value = nodeInputs[name];
                if (value is null) { problems.Add($"node {id} ({type}): required input '{name}' missing"); continue; }
                if (decl[0] is JsonArray choices)
                {
                    var allowed = type == "LoadImage" ? [.. inputs.Keys] : choices.Select(c => c!.GetValue<string>()).ToList();
                    if (value.GetValueKind() != System.Text.Json.JsonValueKind.String || !allowed.Contains(value.GetValue<string>()))
                        problems.Add($"node {id} ({type}): {name} '{value}' is not one of {string.Join(", ", allowed)}");
                    continue;
                }
                var kind = decl[0]!.GetValue<string>();
                if (value is JsonArray link)
                {
                    var from = link.Count == 2 ? graph[link[0]!.GetValue<string>()] : null;
                    var fromType = from?["class_type"]?.GetValue<string>() ?? "";
                    var index = link.Count == 2 ? link[1]!.GetValue<int>() : -1;
                    if (from is null || !NodeTypes.TryGetValue(fromType, out var source) || index < 0 || index >= source.Outputs.Length || source.Outputs[index] != kind)
                        problems.Add($"node {id} ({type}): {name} links to {link.ToJsonString()}, not a {kind} output");
                    continue;
                }
                var ok = kind switch
                {
                    "INT" => value.GetValueKind() == System.Text.Json.JsonValueKind.Number && value.GetValue<double>() % 1 == 0,
                    "FLOAT" => value.GetValueKind() == System.Text.Json.JsonValueKind.Number,
                    "STRING" => value.GetValueKind() == System.Text.Json.JsonValueKind.String,
                    "BOOLEAN" => value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
                    _ => false,
                };
                if (!ok) problems.Add($"node {id} ({type}): {name} is {value.ToJsonString()}, not {kind}");
                else if (decl.AsArray().Count > 1 && decl[1] is JsonObject limits && kind is "INT" or "FLOAT" &&
                         ((limits["min"] is { } min && value.GetValue<double>() < Number(min)) || (limits["max"] is { } max && value.GetValue<double>() > Number(max))))
                    problems.Add($"node {id} ({type}): {name} {value} is out of range");
            }
        }
        return problems;
    }

    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        foreach (var stop in running.Values) await stop.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
