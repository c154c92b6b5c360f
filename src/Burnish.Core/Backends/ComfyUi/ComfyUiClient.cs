using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using static Burnish.Backends.BackendHttp;
using System.Text.Json.Nodes;
using NetVips;

namespace Burnish.Backends.ComfyUi;

/// <summary>
/// A client of ComfyUI's server (server.py): the image and its mask go up as one RGBA PNG through
/// <c>POST /upload/image</c> (multipart; LoadImage makes the mask from its alpha), the job as an API-format graph of
/// core nodes through <c>POST /prompt</c> with our own prompt_id and client_id, progress over the <c>/ws</c>
/// websocket, and when the socket drops, <c>GET /history/{id}</c> polled instead (it is <c>{}</c> both while a job runs
/// and for an unknown id, so acceptance is read from <c>GET /queue</c>). The result comes through <c>GET /view</c>.
/// </summary>
public sealed class ComfyUiClient : IDiffusionBackend, IDisposable
{
    /// <summary>The core nodes Burnish's inpainting graph uses; a server without one is refused before anything is sent.</summary>
    public static readonly string[] Nodes = ["CheckpointLoaderSimple", "LoadImage", "CLIPTextEncode", "InpaintModelConditioning", "KSampler", "VAEDecode", "SaveImage"];

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ShortCall = TimeSpan.FromSeconds(5);
    private readonly HttpClient http;
    private readonly Uri socketBase;
    private readonly string? authorization;
    private readonly SemaphoreSlim slots;
    private readonly Lock gate = new();
    private BackendCapabilities? capabilities;
    private IReadOnlyList<string> schedulers = [];

    public ComfyUiClient(BackendSpec spec, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        var uri = new Uri(spec.Url.TrimEnd('/') + "/");
        var credentials = Credentials(spec, uri);
        var bare = new UriBuilder(uri) { UserName = "", Password = "" }.Uri;
        handler ??= new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(spec.ConnectTimeout) };
        http = new HttpClient(handler) { BaseAddress = bare, Timeout = Timeout.InfiniteTimeSpan };
        if (credentials is not null)
        {
            authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));
            http.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }
        socketBase = new UriBuilder(bare) { Scheme = bare.Scheme == "https" ? "wss" : "ws" }.Uri;
        slots = new SemaphoreSlim(spec.Concurrency);
    }

    public BackendSpec Spec { get; }

    public async Task<BackendCapabilities> CapabilitiesAsync(CancellationToken cancel)
    {
        lock (gate)
            if (capabilities is not null) return capabilities;
        var info = await GetJsonAsync("object_info", cancel) as JsonObject ?? throw Fail("GET /object_info: not a JSON object");
        static IReadOnlyList<string> Choices(JsonNode? node) =>
            node is JsonArray { Count: > 0 } a && a[0] is JsonArray list ? [.. list.Select(v => v?.GetValue<string>() ?? "")] : [];
        var checkpoints = Choices(info["CheckpointLoaderSimple"]?["input"]?["required"]?["ckpt_name"]);
        var samplers = Choices(info["KSampler"]?["input"]?["required"]?["sampler_name"]);
        var version = "unknown";
        try
        {
            version = (await GetJsonAsync("system_stats", cancel))?["system"]?["comfyui_version"]?.GetValue<string>() ?? "unknown";
        }
        catch (BackendException)
        {
            // Older servers have no system_stats; the version is then unknown.
        }
        var made = new BackendCapabilities(version,
            [.. checkpoints.Select(c => new CheckpointInfo(c, Path.GetFileNameWithoutExtension(c), null))], samplers, null, [])
        {
            Nodes = [.. info.Select(kv => kv.Key)],
        };
        lock (gate)
        {
            schedulers = Choices(info["KSampler"]?["input"]?["required"]?["scheduler"]);
            capabilities ??= made;
        }
        return made;
    }

    public async Task<InpaintResult> InpaintAsync(InpaintRequest request, IProgress<double>? progress, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        await slots.WaitAsync(cancel);
        try
        {
            var caps = await CapabilitiesAsync(cancel);
            var checkpoint = request.Checkpoint ?? caps.Checkpoints.FirstOrDefault()?.Title ?? throw Fail("the server lists no checkpoint");
            var sampler = request.Sampler ?? (caps.Samplers.Contains("euler") ? "euler" : caps.Samplers.FirstOrDefault() ?? "euler");
            string scheduler;
            lock (gate) scheduler = schedulers.Contains("normal") ? "normal" : schedulers.FirstOrDefault() ?? "normal";
            // Every node the graph needs must exist before anything is uploaded.
            var needed = request.Graph is { } own ? GraphPlaceholders.NodeTypes(own) : Nodes;
            var missing = needed.Where(n => !caps.Nodes.Contains(n)).Distinct().ToList();
            if (missing.Count > 0)
                throw Fail($"the server lacks the node{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} (GET /object_info); {(request.Graph is null ? "update ComfyUI" : "install them or change the graph")}");
            var uploaded = await UploadAsync(request, cancel);
            var graph = request.Graph is { } template
                ? GraphPlaceholders.Fill(template, request, uploaded, checkpoint, sampler)
                : Graph(request, uploaded, checkpoint, sampler, scheduler);
            var promptId = Guid.NewGuid().ToString();
            var clientId = Guid.NewGuid().ToString("N");
            using var socket = await ConnectAsync(clientId, cancel);
            try
            {
                await SubmitAsync(graph, promptId, clientId, cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // Cancelled while the POST was on its way: the server may have taken the job, and the id is ours.
                await CancelAsync(promptId);
                throw;
            }
            using var job = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            job.CancelAfter(TimeSpan.FromSeconds(Spec.Timeout));
            try
            {
                var outputs = await WaitAsync(socket, promptId, progress, job.Token);
                var image = await FetchAsync(outputs, cancel);
                return new InpaintResult(image, request.Seed, sampler, checkpoint, request.Steps, request.Cfg, caps.Version, promptId);
            }
            catch (OperationCanceledException) when (job.IsCancellationRequested)
            {
                await CancelAsync(promptId);
                if (cancel.IsCancellationRequested) throw new OperationCanceledException("cancelled; the server's job was interrupted", cancel);
                throw Fail($"no result within {Spec.Timeout.ToString(CultureInfo.InvariantCulture)} s; the server had accepted the job ({promptId}), so it was interrupted and not sent again");
            }
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>ComfyUI has no face restorer among its core nodes, so this is refused before anything is sent.</summary>
    public Task<RestoreResult> RestoreFacesAsync(RestoreRequest request, CancellationToken cancel) =>
        throw Fail("face restoration (method restore) needs kind a1111: ComfyUI's core nodes have no face restorer");

    /// <summary>The API-format graph of core nodes: checkpoint, image with its alpha mask, prompts, InpaintModelConditioning, KSampler, decode, save.</summary>
    public static JsonObject Graph(InpaintRequest request, string image, string checkpoint, string sampler, string scheduler)
    {
        ArgumentNullException.ThrowIfNull(request);
        static JsonArray Link(string node, int output) => [node, output];
        return new JsonObject
        {
            ["1"] = Node("CheckpointLoaderSimple", new JsonObject { ["ckpt_name"] = checkpoint }),
            ["2"] = Node("LoadImage", new JsonObject { ["image"] = image }),
            ["3"] = Node("CLIPTextEncode", new JsonObject { ["text"] = request.Prompt, ["clip"] = Link("1", 1) }),
            ["4"] = Node("CLIPTextEncode", new JsonObject { ["text"] = request.Negative, ["clip"] = Link("1", 1) }),
            ["5"] = Node("InpaintModelConditioning", new JsonObject
            {
                ["positive"] = Link("3", 0), ["negative"] = Link("4", 0), ["vae"] = Link("1", 2), ["pixels"] = Link("2", 0), ["mask"] = Link("2", 1),
                ["noise_mask"] = true,
            }),
            ["6"] = Node("KSampler", new JsonObject
            {
                ["model"] = Link("1", 0), ["seed"] = request.Seed, ["steps"] = request.Steps, ["cfg"] = request.Cfg, ["sampler_name"] = sampler,
                ["scheduler"] = scheduler, ["positive"] = Link("5", 0), ["negative"] = Link("5", 1), ["latent_image"] = Link("5", 2),
                ["denoise"] = request.Denoise,
            }),
            ["7"] = Node("VAEDecode", new JsonObject { ["samples"] = Link("6", 0), ["vae"] = Link("1", 2) }),
            ["8"] = Node("SaveImage", new JsonObject { ["images"] = Link("7", 0), ["filename_prefix"] = "burnish" }),
        };
    }

    private static JsonObject Node(string type, JsonObject inputs) => new() { ["class_type"] = type, ["inputs"] = inputs };

    // The image with the mask as its alpha: LoadImage's MASK output is 1 − alpha, so transparent = repaint.
    private async Task<string> UploadAsync(InpaintRequest request, CancellationToken cancel)
    {
        byte[] png;
        using (var rgb = Image.NewFromBuffer(request.Image))
        using (var mask = Image.NewFromBuffer(request.Mask))
        using (var rgba = rgb.Bandjoin((255 - mask[0]).Cast(Enums.BandFormat.Uchar)))
            png = rgba.PngsaveBuffer();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "image", $"burnish-{Guid.NewGuid():N}.png");
        form.Add(new StringContent("input"), "type");
        form.Add(new StringContent("true"), "overwrite");
        var answer = await SendAsync(() => http.PostAsync("upload/image", form, cancel), "POST /upload/image", cancel);
        var name = answer?["name"]?.GetValue<string>() ?? throw Fail("POST /upload/image: no name in the answer");
        var subfolder = answer["subfolder"]?.GetValue<string>() ?? "";
        return subfolder.Length == 0 ? name : $"{subfolder}/{name}";
    }

    private async Task<ClientWebSocket?> ConnectAsync(string clientId, CancellationToken cancel)
    {
        var socket = new ClientWebSocket();
        if (authorization is not null) socket.Options.SetRequestHeader("Authorization", authorization);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            limit.CancelAfter(TimeSpan.FromSeconds(Spec.ConnectTimeout));
            await socket.ConnectAsync(new Uri(socketBase, $"ws?clientId={clientId}"), limit.Token);
            return socket;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            // Progress then comes from polling /history alone.
            socket.Dispose();
            return null;
        }
    }

    private async Task SubmitAsync(JsonObject graph, string promptId, string clientId, CancellationToken cancel)
    {
        var body = new JsonObject { ["prompt"] = graph, ["client_id"] = clientId, ["prompt_id"] = promptId };
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                limit.CancelAfter(TimeSpan.FromSeconds(Math.Min(Spec.Timeout, 60)));
                response = await http.PostAsJsonAsync("prompt", body, limit.Token);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && !cancel.IsCancellationRequested)
            {
                if (attempt < Spec.Retries)
                {
                    await Backoff(attempt, cancel);
                    continue;
                }
                throw Fail($"cannot connect ({Reason(e)}), {attempt + 1} tries");
            }
            catch (Exception e) when ((e is HttpRequestException or OperationCanceledException) && !cancel.IsCancellationRequested)
            {
                // Sent, no answer: our own prompt_id in the queue or the history says whether it was taken.
                if (await KnownAsync(promptId) is false && attempt < Spec.Retries)
                {
                    await Backoff(attempt, cancel);
                    continue;
                }
                throw Fail($"POST /prompt: {Reason(e)}; the job may be on the server ({promptId}), so it was not sent again");
            }
            using (response)
            {
                if (response.IsSuccessStatusCode) return;
                var text = await response.Content.ReadAsStringAsync(cancel);
                throw Fail($"POST /prompt: HTTP {(int)response.StatusCode}: {PromptError(text)}");
            }
        }
    }

    // What server.py's 400 says: error.message, then each node's errors.
    private static string PromptError(string text)
    {
        try
        {
            var doc = JsonNode.Parse(text);
            var message = doc?["error"]?["message"]?.GetValue<string>() ?? doc?["error"]?.ToJsonString() ?? text;
            var nodes = (doc?["node_errors"] as JsonObject)?.Select(kv =>
                $"node {kv.Key} ({kv.Value?["class_type"]}): {string.Join("; ", (kv.Value?["errors"] as JsonArray ?? []).Select(x => $"{x?["message"]} {x?["details"]}".Trim()))}");
            var all = nodes is null ? message : string.Join("; ", new[] { message }.Concat(nodes));
            return all.Length > 300 ? all[..300] + "…" : all;
        }
        catch (JsonException)
        {
            return text.Length > 200 ? text[..200] + "…" : text;
        }
    }

    // Websocket messages while the socket lives; /history polled once it drops (messages get lost, sockets close).
    private async Task<JsonObject> WaitAsync(ClientWebSocket? socket, string promptId, IProgress<double>? progress, CancellationToken cancel)
    {
        if (socket is not null)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    using var message = new MemoryStream();
                    WebSocketReceiveResult received;
                    do
                    {
                        received = await socket.ReceiveAsync(buffer, cancel);
                        message.Write(buffer, 0, received.Count);
                    }
                    while (!received.EndOfMessage);
                    if (received.MessageType == WebSocketMessageType.Close) break;
                    // Binary messages are live previews.
                    if (received.MessageType != WebSocketMessageType.Text) continue;
                    var node = JsonNode.Parse(message.ToArray());
                    var data = node?["data"];
                    if (data?["prompt_id"]?.GetValue<string>() != promptId) continue;
                    switch (node?["type"]?.GetValue<string>())
                    {
                        case "progress" when data["max"]?.GetValue<double>() is > 0 and var max:
                            progress?.Report(Math.Clamp(data["value"]!.GetValue<double>() / max, 0, 1));
                            break;
                        case "execution_error":
                            throw Fail($"the job failed in node {data["node_id"]} ({data["node_type"]}): {data["exception_message"]?.GetValue<string>()?.Trim()}");
                        case "execution_interrupted":
                            throw Fail("the job was interrupted on the server");
                        case "execution_success":
                            return await HistoryAsync(promptId, cancel) ?? throw Fail($"GET /history/{promptId}: no outputs after success");
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or JsonException)
            {
                // Dropped: fall back to polling below.
            }
        }
        while (true)
        {
            if (await HistoryAsync(promptId, cancel) is { } outputs) return outputs;
            await Task.Delay(PollInterval, cancel);
        }
    }

    // The job's outputs once its history entry says it completed; null while it runs (history is {} then).
    private async Task<JsonObject?> HistoryAsync(string promptId, CancellationToken cancel)
    {
        var history = await GetJsonAsync($"history/{Uri.EscapeDataString(promptId)}", cancel);
        if (history?[promptId] is not JsonObject entry) return null;
        var status = entry["status"];
        if (status?["status_str"]?.GetValue<string>() == "error")
        {
            var error = (status["messages"] as JsonArray ?? []).OfType<JsonArray>().FirstOrDefault(m => m[0]?.GetValue<string>() == "execution_error")?[1];
            throw Fail($"the job failed{(error is null ? "" : $" in node {error["node_id"]} ({error["node_type"]}): {error["exception_message"]?.GetValue<string>()?.Trim()}")}");
        }
        return status?["completed"]?.GetValue<bool>() == true ? entry["outputs"] as JsonObject ?? throw Fail("the job's history has no outputs") : null;
    }

    private async Task<byte[]> FetchAsync(JsonObject outputs, CancellationToken cancel)
    {
        var image = outputs.Select(kv => kv.Value?["images"] as JsonArray).OfType<JsonArray>().SelectMany(a => a).FirstOrDefault(i => i?["type"]?.GetValue<string>() == "output")
            ?? throw Fail("the job saved no image");
        var query = $"view?filename={Uri.EscapeDataString(image["filename"]!.GetValue<string>())}&subfolder={Uri.EscapeDataString(image["subfolder"]?.GetValue<string>() ?? "")}&type=output";
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(TimeSpan.FromSeconds(Math.Min(Spec.Timeout, 60)));
        using var response = await http.GetAsync(query, limit.Token);
        if (!response.IsSuccessStatusCode) throw Fail($"GET /view: HTTP {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync(limit.Token);
    }

    // True when the server has the job queued, running or done; null when it cannot be asked.
    private async Task<bool?> KnownAsync(string promptId)
    {
        try
        {
            using var limit = new CancellationTokenSource(ShortCall);
            var queue = JsonNode.Parse(await http.GetStringAsync("queue", limit.Token));
            var queued = new[] { "queue_running", "queue_pending" }.SelectMany(k => queue?[k] as JsonArray ?? [])
                .Any(item => item is JsonArray entry && entry.Count > 1 && entry[1]?.GetValue<string>() == promptId);
            if (queued) return true;
            var history = JsonNode.Parse(await http.GetStringAsync($"history/{Uri.EscapeDataString(promptId)}", limit.Token));
            return history?[promptId] is not null;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Stops our job wherever it is: running (/interrupt, for this prompt_id) or waiting (deleted from /queue).</summary>
    private async Task CancelAsync(string promptId)
    {
        foreach (var (path, body) in new (string, object)[] { ("interrupt", new { prompt_id = promptId }), ("queue", new { delete = new[] { promptId } }) })
        {
            try
            {
                using var limit = new CancellationTokenSource(ShortCall);
                using var response = await http.PostAsJsonAsync(path, body, limit.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // A server that cannot be reached has nothing to stop.
            }
        }
    }

    private async Task<JsonNode?> GetJsonAsync(string path, CancellationToken cancel) =>
        await SendAsync(() => http.GetAsync(path, cancel), $"GET /{path}", cancel, idempotent: true);

    private async Task<JsonNode?> SendAsync(Func<Task<HttpResponseMessage>> send, string what, CancellationToken cancel, bool idempotent = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await send().WaitAsync(TimeSpan.FromSeconds(Math.Min(Spec.Timeout, 60)), cancel);
                if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout && idempotent && attempt < Spec.Retries)
                {
                    await Backoff(attempt, cancel);
                    continue;
                }
                var text = await response.Content.ReadAsStringAsync(cancel);
                if (!response.IsSuccessStatusCode)
                    throw Fail($"{what}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{(response.StatusCode == HttpStatusCode.RequestEntityTooLarge ? "; the request was refused as too large" : "")}");
                return JsonNode.Parse(text);
            }
            catch (HttpRequestException e) when (!cancel.IsCancellationRequested && (idempotent || e.HttpRequestError == HttpRequestError.ConnectionError))
            {
                if (attempt < Spec.Retries)
                {
                    await Backoff(attempt, cancel);
                    continue;
                }
                throw Fail(e.HttpRequestError == HttpRequestError.ConnectionError ? $"cannot connect ({Reason(e)}), {attempt + 1} tries" : $"{what}: {Reason(e)}");
            }
            catch (TimeoutException)
            {
                throw Fail($"{what}: no answer within {Math.Min(Spec.Timeout, 60).ToString(CultureInfo.InvariantCulture)} s");
            }
            catch (JsonException e)
            {
                throw Fail($"{what}: not JSON ({e.Message})");
            }
        }
    }

    private BackendException Fail(string what) => new($"back-end {Spec}: {what}");

    public void Dispose()
    {
        http.Dispose();
        slots.Dispose();
    }
}
