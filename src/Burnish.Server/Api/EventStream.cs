using System.Text;
using System.Text.Json;
using Burnish.Server.Jobs;
using Microsoft.AspNetCore.Http;

namespace Burnish.Server.Api;

/// <summary>
/// A job's events as Server-Sent Events, read from the store's logs (so they come from workers on any machine).
/// An event's id is the read position in every log ("J-I0-I1-…", bytes); a client that reconnects with
/// Last-Event-ID gets exactly what followed. The stream ends with job-done once every image has finished.
/// </summary>
public static class EventStream
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private const string EndId = "end";

    public static async Task Serve(string id, HttpContext http, JobBook book)
    {
        if (book.Find(id) is not { } job)
        {
            await Problems.NotFound($"job {id}").ExecuteAsync(http);
            return;
        }
        var cancel = http.RequestAborted;
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        var logs = new[] { JobBook.JobLog(id) }.Concat(job.Images.Select(i => JobBook.ImageLog(id, i.Index))).ToArray();
        var lastId = http.Request.Headers["Last-Event-ID"].ToString();
        var offsets = Parse(lastId, logs.Length);
        var lastWrite = DateTimeOffset.UtcNow;
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                // States before logs: an image's last event is logged before its state says finished.
                var states = book.States(job);
                var sent = false;
                for (var k = 0; k < logs.Length; k++)
                {
                    var bytes = book.Store.Read(logs[k], offsets[k]);
                    if (bytes is null or { Length: 0 }) continue;
                    var end = Array.LastIndexOf(bytes, (byte)'\n');
                    if (end < 0) continue;
                    var start = 0;
                    while (start <= end)
                    {
                        var stop = Array.IndexOf(bytes, (byte)'\n', start);
                        var line = Encoding.UTF8.GetString(bytes, start, stop - start);
                        offsets[k] += stop - start + 1;
                        start = stop + 1;
                        var type = JsonSerializer.Deserialize<JobEvent>(line, ServiceJson.Options)?.Type ?? "message";
                        await response.WriteAsync($"id: {string.Join('-', offsets)}\nevent: {type}\ndata: {line}\n\n", cancel);
                        sent = true;
                    }
                }
                var status = JobBook.StatusOf(states);
                if (status is JobStatus.Done or JobStatus.Failed or JobStatus.Cancelled && !sent)
                {
                    var done = new JobEvent("job-done", DateTimeOffset.UtcNow, Message: $"{states.Count(s => s.Status == JobStatus.Done)} of {states.Count} image(s) done");
                    var data = JsonSerializer.Serialize(new { type = done.Type, time = done.Time, status, message = done.Message }, ServiceJson.Options);
                    await response.WriteAsync($"id: {EndId}\nevent: job-done\ndata: {data}\n\n", cancel);
                    await response.Body.FlushAsync(cancel);
                    return;
                }
                if (sent) lastWrite = DateTimeOffset.UtcNow;
                else if (DateTimeOffset.UtcNow - lastWrite > KeepAlive)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancel);
                    lastWrite = DateTimeOffset.UtcNow;
                }
                await response.Body.FlushAsync(cancel);
                await Task.Delay(Poll, cancel);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away; nothing to clean up.
        }
    }

    /// <summary>The positions a Last-Event-ID names; from the start when there is none or it is not one of ours.</summary>
    private static long[] Parse(string lastId, int logs)
    {
        var offsets = new long[logs];
        if (lastId == EndId) return [.. Enumerable.Repeat(long.MaxValue / 2, logs)];
        var parts = lastId.Split('-');
        if (parts.Length != logs) return offsets;
        for (var k = 0; k < logs; k++)
        {
            if (!long.TryParse(parts[k], out var n) || n < 0) return new long[logs];
            offsets[k] = n;
        }
        return offsets;
    }
}
