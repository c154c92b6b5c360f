using System.Net.Http.Headers;
using System.Text.Json;
using Burnish.Pipeline;

namespace Burnish.Server.Client;

/// <summary>What a remote run did: one line per image and where its files went.</summary>
public sealed record RemoteImage(string Label, string Status, string? Error, IReadOnlyList<string> Files);

/// <summary>
/// <c>burnish finish --server URL</c>: submits the inputs as one job, follows its event stream and downloads every
/// output and sidecar into the output folder. The files are the service's, byte for byte (their hashes are checked).
/// </summary>
public sealed class ServiceClient(HttpClient http)
{
    /// <param name="report">Called with one line per event (image started, stage, progress, done, failed).</param>
    public async Task<IReadOnlyList<RemoteImage>> FinishAsync(IReadOnlyList<InputItem> inputs, string? preset, string? recipeText, string outputDir,
        Action<string> report, CancellationToken cancel)
    {
        using var form = new MultipartFormDataContent();
        foreach (var input in inputs)
            form.Add(new StreamContent(File.OpenRead(input.Path)) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
                "images", Path.GetFileName(input.Path));
        if (preset is not null) form.Add(new StringContent(preset), "preset");
        if (recipeText is not null) form.Add(new StringContent(recipeText), "recipe");
        using var submitted = await http.PostAsync("/v1/jobs", form, cancel);
        var body = await submitted.Content.ReadAsStringAsync(cancel);
        if (!submitted.IsSuccessStatusCode) throw new BurnishException($"the server refused the job ({(int)submitted.StatusCode}): {Detail(body)}");
        var accepted = JsonDocument.Parse(body).RootElement;
        var id = accepted.GetProperty("id").GetString()!;
        // An image job per input, or per input and outpaint aspect: each names the input it came from.
        var sources = accepted.GetProperty("images").EnumerateArray()
            .ToDictionary(i => i.GetProperty("index").GetInt32(), i => i.TryGetProperty("source", out var s) ? s.GetInt32() : i.GetProperty("index").GetInt32());
        report($"job {id}: {inputs.Count} image(s) queued on {http.BaseAddress}");
        // Queued where no running worker takes it: say so now rather than wait in silence (Ctrl+C cancels the job).
        if (accepted.TryGetProperty("waiting", out var waiting)) report($"job {id}: {waiting.GetString()}");

        try
        {
            await Follow(id, inputs, sources, report, cancel);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C here cancels the job there too, so no worker keeps finishing images nobody will fetch.
            using var _ = await http.DeleteAsync($"/v1/jobs/{id}", CancellationToken.None);
            throw;
        }

        using var final = await http.GetAsync($"/v1/jobs/{id}", cancel);
        var job = JsonDocument.Parse(await final.Content.ReadAsStringAsync(cancel)).RootElement;
        Directory.CreateDirectory(outputDir);
        var results = new List<RemoteImage>();
        foreach (var image in job.GetProperty("images").EnumerateArray())
        {
            var files = new List<string>();
            foreach (var output in image.GetProperty("outputs").EnumerateArray())
            {
                // The server prefixes NN- to keep a job's names unique; locally the input's own name is used.
                var name = output.GetProperty("name").GetString()!;
                var local = Path.Combine(outputDir, inputs[sources[image.GetProperty("index").GetInt32()]].RelativeBase + name[(name.IndexOf('.') is var dot and > 0 ? dot : 0)..]);
                var bytes = await http.GetByteArrayAsync(output.GetProperty("url").GetString(), cancel);
                if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) != output.GetProperty("sha256").GetString())
                    throw new BurnishException($"{name}: the download does not match the server's SHA-256");
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(local))!);
                Burnish.IO.AtomicFile.WriteAllBytes(local, bytes, overwrite: true);
                files.Add(local);
            }
            results.Add(new RemoteImage(image.GetProperty("label").GetString()!, image.GetProperty("status").GetString()!,
                image.TryGetProperty("error", out var e) ? e.GetString() : null, files));
        }
        return results;
    }

    private async Task Follow(string id, IReadOnlyList<InputItem> inputs, IReadOnlyDictionary<int, int> sources, Action<string> report, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id}/events");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var e = JsonDocument.Parse(line[6..]).RootElement;
            var type = e.GetProperty("type").GetString();
            if (type == "job-done") return;
            var who = e.TryGetProperty("image", out var i) ? $"[{i.GetInt32() + 1}/{sources.Count}] {Path.GetFileName(inputs[sources[i.GetInt32()]].Path)}" : $"job {id}";
            var stage = e.TryGetProperty("stage", out var s) ? s.GetString() : null;
            var fraction = e.TryGetProperty("fraction", out var f) ? $" {f.GetDouble():P0}" : "";
            var message = e.TryGetProperty("message", out var m) ? $": {m.GetString()}" : "";
            report(type switch
            {
                "stage-started" => $"{who}: {stage}",
                "progress" => $"{who}: {stage}{fraction}",
                _ => $"{who}: {type}{message}",
            });
        }
    }

    private static string Detail(string body)
    {
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            var detail = problem.GetProperty("detail").GetString();
            return problem.TryGetProperty("problems", out var list) && list.GetArrayLength() > 1
                ? detail + ": " + string.Join("; ", list.EnumerateArray().Select(p => p.GetString())) : detail ?? body;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }
}
