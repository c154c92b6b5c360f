using System.Security.Cryptography;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages;
using Microsoft.Extensions.Logging;

namespace Burnish.Server.Jobs;

/// <summary>
/// Finishes one image of a job: "finish this input with this recipe", idempotent. A run that was interrupted (worker
/// killed, host stopped) is run again with --resume semantics, so a complete sidecar is kept and leftovers are redone
/// in place; outputs appear whole or not at all (the core's output transaction).
/// </summary>
public sealed class ImageJob(JobBook book, StageResources resources, ServiceLimits limits, ImageBudget budget, ILogger<ImageJob> log)
{
    /// <summary>Runs of one image that fail unexpectedly (not the image's fault) before it is marked failed.</summary>
    public const int MaxAttempts = 3;

    private static readonly TimeSpan CancelPoll = TimeSpan.FromMilliseconds(250);

    /// <param name="shutdown">Cancelled when this worker stops: the image goes back to the queue and resumes elsewhere.</param>
    public async Task RunAsync(string jobId, int image, CancellationToken shutdown)
    {
        var job = book.Find(jobId);
        if (job is null || image < 0 || image >= job.Images.Count) return;
        var entry = job.Images[image];
        var state = book.State(jobId, image);
        if (state.Finished) return;
        var attempt = state.Attempts + 1;
        if (book.CancelRequested(jobId, image))
        {
            End(job, image, state with { Status = JobStatus.Cancelled, Attempts = attempt }, "image-cancelled", "cancelled before it started");
            return;
        }

        state = state with { Status = JobStatus.Running, Attempts = attempt, Updated = DateTimeOffset.UtcNow, Worker = $"{Environment.MachineName}:{Environment.ProcessId}" };
        book.Log(jobId, image, new JobEvent("started", DateTimeOffset.UtcNow, image, Message: attempt > 1 ? $"attempt {attempt}" : null));
        book.SetState(jobId, image, state);

        // A cancel request is a marker in the shared store, so it reaches a worker on any machine.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        await using var watch = new Timer(_ => { if (book.CancelRequested(jobId, image)) cancel.Cancel(); }, null, CancelPoll, CancelPoll);
        var progress = new ProgressLog(book, jobId, image, state);
        try
        {
            var (recipeText, origin) = job.RecipeOf(entry);
            var source = new RecipeSource(RecipeReader.Parse(ImageMasks.Recipe(book, job, entry.Source ?? entry.Index, recipeText, origin), origin), origin);
            var input = Path.Combine(book.Store.LocalFolder(Path.GetDirectoryName(entry.InputKey)!), Path.GetFileName(entry.InputKey));
            var outFolder = book.Store.LocalFolder(JobBook.OutputFolder(jobId));
            var names = new OutputNames(Path.Combine(outFolder, entry.OutputBase));
            SweepTemps(outFolder, entry.OutputBase);
            var result = await Task.Run(() =>
            {
                using var prepared = PreparedRecipe.Prepare(source, resources);
                return Finisher.Finish(input, names, prepared, new FinishOptions(new LoadLimits(limits.MaxPixels), Resume: true, Budget: budget) { Variant = entry.Variant }, progress, cancel.Token);
            }, CancellationToken.None);
            // As in a batch: libvips buffers are freed only when their wrappers are finalised.
            DroppedImages.ReleaseFinished();
            var current = progress.Current;
            if (result.Status == FinishStatus.Failed)
            {
                End(job, image, current with { Status = JobStatus.Failed, Error = Label(result.Message, input, entry) }, "image-failed", Label(result.Message, input, entry));
                return;
            }
            var (outputs, warnings, stageMs) = Collect(result, book.Store.LocalFolder(JobBook.OutputFolder(jobId)));
            End(job, image, current with { Status = JobStatus.Done, Stage = null, Fraction = 1, Outputs = outputs, Warnings = warnings, StageMs = stageMs },
                "image-done", result.Status == FinishStatus.Skipped ? "already finished" : result.Message);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // The worker is stopping: back to queued, and the queue hands the image to the next worker.
            book.SetState(jobId, image, progress.Current with { Status = JobStatus.Queued, Stage = null, Fraction = 0 });
            throw;
        }
        catch (OperationCanceledException)
        {
            End(job, image, progress.Current with { Status = JobStatus.Cancelled }, "image-cancelled", "cancelled; no partial files were left");
        }
        catch (BurnishException e)
        {
            End(job, image, progress.Current with { Status = JobStatus.Failed, Error = e.Message }, "image-failed", e.Message);
        }
        catch (Exception e) when (attempt < MaxAttempts)
        {
            log.LogWarning(e, "job {Job} image {Image}: attempt {Attempt} failed; it will be retried", jobId, image, attempt);
            book.SetState(jobId, image, progress.Current with { Status = JobStatus.Queued, Stage = null, Fraction = 0 });
            throw;
        }
        catch (Exception e)
        {
            var reason = $"unexpected error after {attempt} attempts: {e.Message.Split('\n')[0]} ({e.GetType().Name})";
            End(job, image, progress.Current with { Status = JobStatus.Failed, Error = reason }, "image-failed", reason);
        }
    }

    /// <summary>The event goes into the log before the state, so an event stream that sees the state finished has the event too.</summary>
    private void End(JobRecord job, int image, ImageState state, string type, string message)
    {
        book.Log(job.Id, image, new JobEvent(type, DateTimeOffset.UtcNow, image, Message: message));
        book.SetState(job.Id, image, state with { Updated = DateTimeOffset.UtcNow });
    }

    /// <summary>
    /// Removes the temp files a killed run of this image left (the core names them .BASE.….burnish-tmp…). Only this
    /// image's: other images of the job may be writing theirs in the same folder on other workers right now.
    /// </summary>
    private static void SweepTemps(string folder, string outputBase)
    {
        foreach (var file in Directory.EnumerateFiles(folder, $".{outputBase}.*{Burnish.IO.AtomicFile.TempMarker}*"))
            File.Delete(file);
    }

    /// <summary>The core names the input by its path in the store; the client knows it by its label.</summary>
    private static string Label(string message, string input, ImageEntry entry) => message.Replace(input, entry.Label);

    /// <summary>Every output and sidecar of the image (one set per aspect when it outpaints to several), from the sidecars.</summary>
    private static (IReadOnlyList<OutputFile>, IReadOnlyList<string>, IReadOnlyDictionary<string, double>) Collect(FinishResult result, string folder)
    {
        var outputs = new List<OutputFile>();
        var warnings = new List<string>();
        var stageMs = new Dictionary<string, double>();
        foreach (var set in result.Variants.Count > 0 ? result.Variants : [result])
        {
            if (set.Sidecar is null) continue;
            var lineage = set.Lineage ?? Lineage.TryRead(set.Sidecar)
                ?? throw new BurnishException($"{set.Sidecar}: the sidecar of a finished image cannot be read");
            var dir = Path.GetDirectoryName(Path.GetFullPath(set.Sidecar))!;
            outputs.AddRange(lineage.Outputs.Select(o => new OutputFile(Name(folder, Path.Combine(dir, o.Path)), o.Role, o.Bytes, o.Sha256)));
            using (var sidecar = File.OpenRead(set.Sidecar))
                outputs.Add(new OutputFile(Name(folder, set.Sidecar), "sidecar", sidecar.Length, Convert.ToHexStringLower(SHA256.HashData(sidecar))));
            warnings.AddRange(lineage.Stages.SelectMany(s => s.Warnings.Select(w => $"{s.Stage}: {w}")));
            foreach (var stage in lineage.Stages) stageMs[stage.Stage] = stageMs.GetValueOrDefault(stage.Stage) + stage.Ms;
        }
        return (outputs, warnings, stageMs);
    }

    private static string Name(string folder, string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');

    /// <summary>
    /// Turns the core's progress into events and state, throttled: every stage start, and progress when it moved by
    /// a tenth or a second passed, so a tiled upscale does not write thousands of lines.
    /// </summary>
    private sealed class ProgressLog(JobBook book, string jobId, int image, ImageState start) : IProgress<StageProgress>
    {
        private readonly Lock gate = new();
        private string? stage;
        private double reported;
        private DateTimeOffset reportedAt;

        public ImageState Current { get { lock (gate) return state; } }
        private ImageState state = start;

        public void Report(StageProgress value)
        {
            lock (gate)
            {
                var now = DateTimeOffset.UtcNow;
                if (value.Stage != stage)
                {
                    stage = value.Stage;
                    reported = value.Fraction;
                    reportedAt = now;
                    book.Log(jobId, image, new JobEvent("stage-started", now, image, value.Stage));
                }
                else if (value.Fraction - reported >= 0.1 || (now - reportedAt).TotalSeconds >= 1 && value.Fraction > reported)
                {
                    reported = value.Fraction;
                    reportedAt = now;
                    book.Log(jobId, image, new JobEvent("progress", now, image, value.Stage, Math.Round(value.Fraction, 3), value.Step));
                }
                else return;
                state = state with { Stage = value.Stage, Fraction = Math.Round(value.Fraction, 3), Updated = now };
                book.SetState(jobId, image, state);
            }
        }
    }
}

/// <summary>The limits a service enforces, beyond the recipe.</summary>
/// <param name="MaxUploadBytes">Largest request body (413 beyond it).</param>
/// <param name="MaxPixels">Largest input, as the CLI's --max-pixels (413 at submission beyond it).</param>
/// <param name="MaxImagesPerJob">Most images in one job (413 beyond it).</param>
/// <param name="MaxUnfinishedPerClient">Most unfinished jobs one client may have (429 beyond it).</param>
public sealed record ServiceLimits(long MaxUploadBytes, long MaxPixels, int MaxImagesPerJob, int MaxUnfinishedPerClient)
{
    /// <summary>Wall time one stage may take on one image (--stage-timeout); null: <see cref="ImageBudget.DefaultStageTime"/>.</summary>
    public TimeSpan? StageTime { get; init; }

    /// <summary>Estimated working memory one image may need (--max-memory-mb); null: the machine's share per worker.</summary>
    public long? MaxMemoryBytes { get; init; }

    public static ServiceLimits Default { get; } = new(200L << 20, LoadLimits.Default.MaxPixels, 100, 20);
}
