using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Burnish.Server.Store;

namespace Burnish.Server.Jobs;

/// <summary>
/// Jobs as the store keeps them, readable by the API and every worker that shares the store:
/// jobs/ID/job.json (the submission), jobs/ID/images/N/state.json (rewritten whole), append-only event logs
/// (jobs/ID/events.jsonl and one per image, each with one writer at a time) and a cancel marker.
/// </summary>
public sealed class JobBook(IBlobStore store)
{
    // Unfinished jobs by client, for the per-client queue limit; filled from the store on first use.
    private readonly ConcurrentDictionary<string, string> active = new();
    private int indexed;
    // Jobs admitted under the per-client limit whose uploads are still being stored; they count against it.
    private readonly ConcurrentDictionary<string, string> admitted = new();
    private readonly Lock admission = new();

    public IBlobStore Store { get; } = store;

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Ids are made here (24 hex digits); anything else a client sends names no job.</summary>
    public static bool IsId(string id) => id.Length == 24 && id.All(char.IsAsciiHexDigitLower);

    public static string JobKey(string id) => $"jobs/{id}/job.json";
    public static string JobLog(string id) => $"jobs/{id}/events.jsonl";
    public static string ImageLog(string id, int image) => $"jobs/{id}/images/{image}/events.jsonl";
    public static string InputKey(string id, int image) => $"jobs/{id}/inputs/{image}.upload";
    public static string OutputFolder(string id) => $"jobs/{id}/out";
    private static string StateKey(string id, int image) => $"jobs/{id}/images/{image}/state.json";
    private static string TicketKey(string id, int image) => $"jobs/{id}/images/{image}/ticket";
    private static string CancelKey(string id) => $"jobs/{id}/cancel";
    private static string CancelKey(string id, int image) => $"jobs/{id}/images/{image}/cancel";

    /// <summary>Records a new job: every image queued, and the job's first event.</summary>
    public void Create(JobRecord job)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var image in job.Images) SetState(job.Id, image.Index, ImageState.Queued(now));
        Store.Put(JobKey(job.Id), JsonSerializer.SerializeToUtf8Bytes(job, ServiceJson.Options));
        Log(job.Id, null, new JobEvent("queued", now, Message: $"{job.Images.Count} image(s)"));
        EnsureIndexed();
        // Moved from admitted to active as one step: a count between the two (TryAdmit's, under the same lock) would
        // otherwise miss the job in both and admit one over the limit (seen: 31 of 30 under load).
        lock (admission)
        {
            active[job.Id] = job.Client;
            admitted.TryRemove(job.Id, out _);
        }
    }

    /// <summary>Admits job <paramref name="id"/> when <paramref name="client"/> has fewer than <paramref name="limit"/> unfinished ones, atomically.</summary>
    public bool TryAdmit(string id, string client, int limit)
    {
        lock (admission)
        {
            if (Unfinished(client) + admitted.Values.Count(c => c == client) >= limit) return false;
            admitted[id] = client;
            return true;
        }
    }

    public JobRecord? Find(string id) =>
        IsId(id) && Store.Read(JobKey(id)) is { } bytes ? JsonSerializer.Deserialize<JobRecord>(bytes, ServiceJson.Options) : null;

    /// <summary>Every job id, newest first.</summary>
    public IReadOnlyList<JobRecord> All() =>
        [.. Store.List("jobs").Where(IsId).Select(Find).OfType<JobRecord>().OrderByDescending(j => j.Created)];

    public ImageState State(string id, int image) =>
        Store.Read(StateKey(id, image)) is { Length: > 0 } bytes
            ? JsonSerializer.Deserialize<ImageState>(bytes, ServiceJson.Options)!
            : ImageState.Queued(DateTimeOffset.UtcNow);

    public IReadOnlyList<ImageState> States(JobRecord job) => [.. job.Images.Select(i => State(job.Id, i.Index))];

    public void SetState(string id, int image, ImageState state) =>
        Store.Put(StateKey(id, image), JsonSerializer.SerializeToUtf8Bytes(state, ServiceJson.Options));

    /// <summary>Appends to the image's log, or the job's when <paramref name="image"/> is null.</summary>
    public void Log(string id, int? image, JobEvent e) =>
        Store.Append(image is { } i ? ImageLog(id, i) : JobLog(id), JsonSerializer.Serialize(e, ServiceJson.Options));

    public void SetTicket(string id, int image, string ticket) => Store.Put(TicketKey(id, image), System.Text.Encoding.UTF8.GetBytes(ticket));

    public string? Ticket(string id, int image) =>
        Store.Read(TicketKey(id, image)) is { Length: > 0 } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    public void RequestCancel(string id) => Store.Put(CancelKey(id), "cancel"u8);

    public bool CancelRequested(string id) => Store.Exists(CancelKey(id));

    /// <summary>Cancels one image of a job; the others go on.</summary>
    public void RequestCancel(string id, int image) => Store.Put(CancelKey(id, image), "cancel"u8);

    /// <summary>Whether the image, or its whole job, was cancelled.</summary>
    public bool CancelRequested(string id, int image) => Store.Exists(CancelKey(id)) || Store.Exists(CancelKey(id, image));

    /// <summary>Removes what a refused submission had already stored.</summary>
    public void Discard(string id)
    {
        admitted.TryRemove(id, out _);
        Store.Delete($"jobs/{id}");
    }

    /// <summary>The parent's status from its children: finished only when every image is.</summary>
    public static JobStatus StatusOf(IReadOnlyList<ImageState> images)
    {
        if (images.All(i => i.Finished))
            return images.Any(i => i.Status == JobStatus.Cancelled) ? JobStatus.Cancelled
                : images.Any(i => i.Status == JobStatus.Failed) ? JobStatus.Failed : JobStatus.Done;
        return images.All(i => i.Status == JobStatus.Queued) ? JobStatus.Queued : JobStatus.Running;
    }

    /// <summary>How many of <paramref name="client"/>'s jobs are not finished yet.</summary>
    public int Unfinished(string client)
    {
        EnsureIndexed();
        var count = 0;
        foreach (var (id, owner) in active)
        {
            if (owner != client) continue;
            var job = Find(id);
            if (job is null || StatusOf(States(job)) is JobStatus.Done or JobStatus.Failed or JobStatus.Cancelled)
                active.TryRemove(id, out _);
            else
                count++;
        }
        return count;
    }

    private void EnsureIndexed()
    {
        if (Interlocked.Exchange(ref indexed, 1) == 1) return;
        foreach (var job in All())
            if (StatusOf(States(job)) is JobStatus.Queued or JobStatus.Running) active.TryAdd(job.Id, job.Client);
    }
}
