using System.Text.Json;

namespace Burnish.Server.Tests;

/// <summary>One event of a text/event-stream.</summary>
public sealed record SseEvent(string Id, string Type, JsonElement Data);

/// <summary>Reads a job's event stream until job-done, the stream ends, <paramref name="stopAfter"/> events, or <paramref name="until"/> is cancelled.</summary>
public static class ServerSentEvents
{
    public static async Task<IReadOnlyList<SseEvent>> ReadAsync(HttpClient client, string id, string? lastEventId = null, int stopAfter = int.MaxValue,
        CancellationToken until = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(until);
        timeout.CancelAfter(ServiceHost.JobTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id}/events");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<SseEvent>();
        string? eventId = null, type = null, data = null;
        while (await ReadLineAsync(reader, until, timeout.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal)) eventId = line[4..];
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            else if (line.Length == 0 && type is not null)
            {
                events.Add(new SseEvent(eventId!, type, JsonDocument.Parse(data!).RootElement.Clone()));
                if (type == "job-done" || events.Count >= stopAfter) break;
                (eventId, type, data) = (null, null, null);
            }
        }
        return events;
    }

    /// <summary>The next line, or null once <paramref name="until"/> is cancelled (the reader hung up on purpose).</summary>
    private static async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken until, CancellationToken timeout)
    {
        try
        {
            return await reader.ReadLineAsync(timeout);
        }
        catch (OperationCanceledException) when (until.IsCancellationRequested)
        {
            return null;
        }
    }
}
