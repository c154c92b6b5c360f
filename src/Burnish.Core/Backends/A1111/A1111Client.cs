using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static Burnish.Backends.BackendHttp;

namespace Burnish.Backends.A1111;

/// <summary>
/// A client of AUTOMATIC1111 / Forge's API (<c>/sdapi/v1</c>, the server started with <c>--api</c>). img2img is one
/// synchronous request, so progress comes from <c>/internal/progress</c> polled with our own
/// <c>force_task_id</c>, and that same id tells, after a timeout or a cut connection, whether the server took the job:
/// a job it knows is never sent again.
/// </summary>
public sealed class A1111Client : IDiffusionBackend, IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ShortCall = TimeSpan.FromSeconds(5);
    private readonly HttpClient http;
    private readonly SemaphoreSlim slots;
    private readonly Lock gate = new();
    private BackendCapabilities? capabilities;

    /// <param name="spec">The server.</param>
    /// <param name="handler">The HTTP handler; null for a socket handler with the spec's connect timeout.</param>
    public A1111Client(BackendSpec spec, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        var uri = new Uri(spec.Url.TrimEnd('/') + "/");
        var credentials = Credentials(spec, uri);
        handler ??= new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(spec.ConnectTimeout) };
        http = new HttpClient(handler) { BaseAddress = new UriBuilder(uri) { UserName = "", Password = "" }.Uri, Timeout = Timeout.InfiniteTimeSpan };
        if (credentials is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        slots = new SemaphoreSlim(spec.Concurrency);
    }

    public BackendSpec Spec { get; }

    private TimeSpan JobTimeout => TimeSpan.FromSeconds(Spec.Timeout);

    public async Task<BackendCapabilities> CapabilitiesAsync(CancellationToken cancel)
    {
        lock (gate)
            if (capabilities is not null) return capabilities;
        var models = await GetAsync<List<SdModelItem>>("sdapi/v1/sd-models", cancel);
        var samplers = await GetAsync<List<SamplerItem>>("sdapi/v1/samplers", cancel);
        var options = await GetAsync<JsonElement>("sdapi/v1/options", cancel);
        var upscalers = await GetAsync<List<UpscalerItem>>("sdapi/v1/upscalers", cancel);
        var current = options.ValueKind == JsonValueKind.Object && options.TryGetProperty("sd_model_checkpoint", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        var made = new BackendCapabilities(await VersionAsync(cancel),
            [.. models.Select(m => new CheckpointInfo(m.Title, m.ModelName, m.Hash))], [.. samplers.Select(s => s.Name)], current,
            [.. upscalers.Select(u => u.Name)]);
        lock (gate) capabilities ??= made;
        return made;
    }

    public async Task<InpaintResult> InpaintAsync(InpaintRequest request, IProgress<double>? progress, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        await slots.WaitAsync(cancel);
        try
        {
            var version = (await CapabilitiesAsync(cancel)).Version;
            var taskId = "burnish-" + Guid.NewGuid().ToString("N");
            var body = JsonSerializer.SerializeToUtf8Bytes(new Img2ImgRequest
            {
                InitImages = [Convert.ToBase64String(request.Image)],
                Mask = Convert.ToBase64String(request.Mask),
                MaskBlur = request.MaskBlur,
                InpaintingFill = (int)request.Fill,
                InpaintFullRes = false,
                InpaintFullResPadding = 0,
                DenoisingStrength = request.Denoise,
                Prompt = request.Prompt,
                NegativePrompt = request.Negative,
                Seed = request.Seed,
                SamplerName = request.Sampler,
                Steps = request.Steps,
                CfgScale = request.Cfg,
                Width = request.Width,
                Height = request.Height,
                OverrideSettings = request.Checkpoint is { } ckpt ? new Dictionary<string, string> { ["sd_model_checkpoint"] = ckpt } : new Dictionary<string, string>(),
                ForceTaskId = taskId,
            });
            for (var attempt = 0; ; attempt++)
            {
                var outcome = await SubmitAsync(body, taskId, attempt, progress, cancel);
                if (outcome is null)
                {
                    await Backoff(attempt, cancel);
                    continue;
                }
                return Read(outcome, request, version, taskId);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    public async Task<RestoreResult> RestoreFacesAsync(RestoreRequest request, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(request);
        await slots.WaitAsync(cancel);
        try
        {
            var version = (await CapabilitiesAsync(cancel)).Version;
            var body = JsonSerializer.SerializeToUtf8Bytes(new ExtrasSingleImageRequest
            {
                GfpganVisibility = request.Model == FaceRestorer.Gfpgan ? request.Strength : 0,
                CodeformerVisibility = request.Model == FaceRestorer.Codeformer ? request.Strength : 0,
                CodeformerWeight = request.Fidelity,
                Image = Convert.ToBase64String(request.Image),
            });
            for (var attempt = 0; ; attempt++)
            {
                using var job = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                job.CancelAfter(JobTimeout);
                HttpResponseMessage response;
                try
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    response = await http.PostAsync("sdapi/v1/extra-single-image", content, job.Token);
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
                catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
                {
                    // Extras take no task id, so the server cannot be asked whether it has the job, and /interrupt could
                    // stop someone else's: a job that may have arrived is left alone and never sent again.
                    if (cancel.IsCancellationRequested) throw new OperationCanceledException("cancelled", e, cancel);
                    var what = e is OperationCanceledException ? $"no result within {Spec.Timeout.ToString(CultureInfo.InvariantCulture)} s" : $"the connection was lost ({Reason(e)})";
                    throw Fail($"extra-single-image: {what}; the job may have reached the server, so it was not sent again");
                }
                using (response)
                {
                    if (!response.IsSuccessStatusCode) throw Fail("extra-single-image: " + await DescribeAsync(response));
                    ExtrasSingleImageResponse? answer;
                    try
                    {
                        answer = await response.Content.ReadFromJsonAsync<ExtrasSingleImageResponse>(cancel);
                    }
                    catch (JsonException e)
                    {
                        throw Fail($"the extra-single-image answer is not the documented JSON ({e.Message})");
                    }
                    if (answer?.Image is not { Length: > 0 } text) throw Fail("the server sent no image back from extra-single-image");
                    return new RestoreResult(FromBase64(text), version);
                }
            }
        }
        finally
        {
            slots.Release();
        }
    }

    // One try; null when the server never took the job and another try is allowed.
    private async Task<Img2ImgResponse?> SubmitAsync(byte[] body, string taskId, int attempt, IProgress<double>? progress, CancellationToken cancel)
    {
        using var job = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        job.CancelAfter(JobTimeout);
        using var polling = new CancellationTokenSource();
        var poll = progress is null ? Task.CompletedTask : PollAsync(taskId, progress, polling.Token);
        HttpResponseMessage response;
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            response = await http.PostAsync("sdapi/v1/img2img", content, job.Token);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && !cancel.IsCancellationRequested)
        {
            // Not connected: the job cannot have reached the server.
            if (attempt < Spec.Retries) return null;
            throw Fail($"cannot connect ({Reason(e)}), {attempt + 1} tries");
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
            // Cancelled, timed out or cut off after sending: whether the server took the job decides what follows.
            var state = await ProgressOfAsync(taskId);
            if (cancel.IsCancellationRequested)
            {
                if (state?.Active == true) await InterruptAsync();
                throw new OperationCanceledException("cancelled; the server's job was interrupted", e, cancel);
            }
            var what = e is OperationCanceledException ? $"no result within {Spec.Timeout.ToString(CultureInfo.InvariantCulture)} s" : $"the connection was lost ({Reason(e)})";
            if (state is { Known: true })
            {
                if (state.Active) await InterruptAsync();
                throw Fail($"{what}; the server had accepted the job ({taskId}), so it was {(state.Active ? "interrupted" : "left")} and not sent again");
            }
            if (state is not null && attempt < Spec.Retries) return null;
            throw Fail(what);
        }
        finally
        {
            await polling.CancelAsync();
            await poll;
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
            {
                // A proxy's answer: the server behind it may or may not have the job.
                var state = await ProgressOfAsync(taskId);
                if (state is { Known: false } && attempt < Spec.Retries) return null;
                throw Fail(await DescribeAsync(response) + (state is { Known: true } ? $"; the server had accepted the job ({taskId}), so it was not sent again" : ""));
            }
            if (!response.IsSuccessStatusCode) throw Fail(await DescribeAsync(response));
            try
            {
                return await response.Content.ReadFromJsonAsync<Img2ImgResponse>(cancel) ?? throw Fail("the img2img answer is empty");
            }
            catch (JsonException e)
            {
                throw Fail($"the img2img answer is not the documented JSON ({e.Message})");
            }
        }
    }

    private InpaintResult Read(Img2ImgResponse response, InpaintRequest request, string version, string taskId)
    {
        if (response.Images is not { Count: > 0 } images || string.IsNullOrEmpty(images[0]))
            throw Fail("the server sent no image back (send_images was true)");
        var image = FromBase64(images[0]);
        // info is a JSON string with what the job ran with (Processed.js()); the seed matters when -1 was asked.
        long seed = request.Seed;
        string? sampler = request.Sampler, checkpoint = request.Checkpoint;
        var (steps, cfg) = (request.Steps, request.Cfg);
        if (response.Info is { Length: > 0 } info)
        {
            try
            {
                using var doc = JsonDocument.Parse(info);
                var root = doc.RootElement;
                if (root.TryGetProperty("seed", out var s) && s.TryGetInt64(out var sv)) seed = sv;
                if (root.TryGetProperty("sampler_name", out var sn) && sn.ValueKind == JsonValueKind.String) sampler = sn.GetString();
                if (root.TryGetProperty("sd_model_name", out var m) && m.ValueKind == JsonValueKind.String) checkpoint = m.GetString();
                if (root.TryGetProperty("steps", out var st) && st.TryGetInt32(out var stv)) steps = stv;
                if (root.TryGetProperty("cfg_scale", out var cf) && cf.TryGetDouble(out var cfv)) cfg = cfv;
            }
            catch (JsonException)
            {
                // info is for people as much as for programs; what was asked stands.
            }
        }
        return new InpaintResult(image, seed, sampler, checkpoint, steps, cfg, version, taskId);
    }

    private byte[] FromBase64(string text)
    {
        try
        {
            // Some builds send a data: URI.
            if (text.StartsWith("data:", StringComparison.Ordinal)) text = text[(text.IndexOf(',', StringComparison.Ordinal) + 1)..];
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Fail("the returned image is not base64");
        }
    }

    private async Task PollAsync(string taskId, IProgress<double> progress, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(PollInterval, stop);
                using var response = await http.PostAsJsonAsync("internal/progress", new ProgressRequest(taskId), stop);
                if (!response.IsSuccessStatusCode) continue;
                var state = await response.Content.ReadFromJsonAsync<ProgressResponse>(stop);
                if (state?.Progress is { } p) progress.Report(Math.Clamp(p, 0, 1));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or JsonException)
        {
            // Progress is for display; the job's own request reports what matters.
        }
    }

    // The server's view of our task, or null when it cannot be asked.
    private async Task<ProgressResponse?> ProgressOfAsync(string taskId)
    {
        try
        {
            using var limit = new CancellationTokenSource(ShortCall);
            using var response = await http.PostAsJsonAsync("internal/progress", new ProgressRequest(taskId), limit.Token);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<ProgressResponse>(limit.Token) : null;
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Asks the server to stop the job it is running (A1111 runs one at a time; only called when that job is ours).</summary>
    private async Task InterruptAsync()
    {
        try
        {
            using var limit = new CancellationTokenSource(ShortCall);
            using var response = await http.PostAsync("sdapi/v1/interrupt", null, limit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
            // The job fails or is cancelled either way; a server that cannot be reached has nothing to stop.
        }
    }

    private async Task<string> VersionAsync(CancellationToken cancel)
    {
        // /internal/sysinfo (A1111 1.6 and later, Forge) holds "Version"; older servers do not say.
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            limit.CancelAfter(ShortCall);
            using var response = await http.GetAsync("internal/sysinfo", limit.Token);
            if (!response.IsSuccessStatusCode) return "unknown";
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(limit.Token));
            return doc.RootElement.TryGetProperty("Version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "unknown";
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !cancel.IsCancellationRequested))
        {
            return "unknown";
        }
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancel)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            limit.CancelAfter(TimeSpan.FromSeconds(Math.Min(Spec.Timeout, 60)));
            try
            {
                using var response = await http.GetAsync(path, limit.Token);
                if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout && attempt < Spec.Retries)
                {
                    await Backoff(attempt, cancel);
                    continue;
                }
                if (!response.IsSuccessStatusCode) throw Fail($"GET /{path}: {await DescribeAsync(response)}");
                return await response.Content.ReadFromJsonAsync<T>(limit.Token) ?? throw Fail($"GET /{path}: empty answer");
            }
            catch (HttpRequestException e) when (!cancel.IsCancellationRequested)
            {
                if (attempt < Spec.Retries)
                {
                    await Backoff(attempt, cancel);
                    continue;
                }
                throw Fail(e.HttpRequestError == HttpRequestError.ConnectionError ? $"cannot connect ({Reason(e)}), {attempt + 1} tries" : $"GET /{path}: {Reason(e)}");
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw Fail($"GET /{path}: no answer within {Math.Min(Spec.Timeout, 60).ToString(CultureInfo.InvariantCulture)} s");
            }
            catch (JsonException e)
            {
                throw Fail($"GET /{path}: not the documented JSON ({e.Message})");
            }
        }
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        var detail = "";
        try
        {
            var text = await response.Content.ReadAsStringAsync();
            var error = JsonSerializer.Deserialize<ErrorBody>(text);
            detail = error?.Detail.ValueKind == JsonValueKind.String && error.Detail.GetString() is { Length: > 0 } d ? d
                : error?.Detail.ValueKind is JsonValueKind.Array or JsonValueKind.Object ? error.Detail.GetRawText()
                : error?.Errors ?? "";
        }
        catch (JsonException)
        {
            // Not A1111's error body (a proxy's HTML page, say): the status says enough.
        }
        detail = detail.ReplaceLineEndings(" ");
        if (detail.Length > 200) detail = detail[..200] + "…";
        var said = detail.Length > 0 ? $": {detail}" : "";
        return response.StatusCode switch
        {
            HttpStatusCode.RequestEntityTooLarge => $"the request was refused as too large (HTTP 413{said}); lower the pass's size or raise the limit of the proxy in front of the server",
            HttpStatusCode.Unauthorized => $"the credentials were refused (HTTP 401{said}); set auth_env to a variable holding USER:PASSWORD",
            _ => $"HTTP {code} {response.ReasonPhrase}{said}",
        };
    }

    private BackendException Fail(string what) => new($"back-end {Spec}: {what}");

    public void Dispose()
    {
        http.Dispose();
        slots.Dispose();
    }
}
