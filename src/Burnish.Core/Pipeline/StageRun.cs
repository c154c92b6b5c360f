using System.Diagnostics;
using System.Text.Json;
using Burnish.Imaging;
using Burnish.Stages;

namespace Burnish.Pipeline;

/// <summary>
/// The catalogue loop over one image: each prepared stage in turn, each stage's image handed on as it was returned,
/// and one sidecar record per stage. A read-once streamed result (the upscale's) is held in memory only before a stage
/// that reads its input more than once, or for an intermediate; otherwise it flows on, and the caller reads the last
/// one through <see cref="Consume"/>. A re-readable one (the grade's) is never held. Dispose the run when the image is done.
/// </summary>
public sealed class StageRun : IDisposable
{
    private static readonly IReadOnlyDictionary<string, double> Empty = new Dictionary<string, double>();
    private readonly List<StageRecord> stages = [];
    private readonly List<ModelRecord> models = [];
    private IStreamedImage? stream;
    private int streamRecord = -1;
    // Re-readable streams of earlier stages (cleanup's, under the grade's): read through the last one, settled with it.
    private readonly List<(IStreamedImage Stream, int Record)> earlier = [];
    private readonly List<HeldImage> holds = [];
    private Stopwatch? streamClock;
    private bool materialised;

    private readonly TimeSpan budget;
    private readonly CancellationToken cancel;
    // Each stage's budget token, alive until the run ends: a stage's lazy work may still hold it (and the caller's
    // cancellation must reach it). A streamed stage works as its image is read, so its budget runs on until then.
    private readonly List<CancellationTokenSource> timers = [];
    private CancellationTokenSource? streamTimer;
    private string? streamKey;

    private StageRun(WorkImage image, TimeSpan budget, CancellationToken cancel) => (Image, this.budget, this.cancel) = (image, budget, cancel);

    /// <summary>The image after the last stage; streamed until <see cref="Materialise"/> or <see cref="Consume"/>.</summary>
    public WorkImage Image { get; private set; }

    /// <summary>One record per catalogue stage, in order, for the sidecar.</summary>
    public IReadOnlyList<StageRecord> Stages
    {
        get
        {
            // A re-readable stream's report is settled when asked for: after export or the encoder read it, its figures
            // cost nothing more; otherwise it computes the bands no one read.
            SettleEarlier();
            if (stream is { Rereadable: true }) Settle();
            return stages;
        }
    }

    /// <summary>Every model the stages ran, once each.</summary>
    public IReadOnlyList<ModelRecord> Models => [.. models.DistinctBy(m => m.Sha256)];

    /// <summary>
    /// Runs <paramref name="steps"/> over <paramref name="image"/>. With <paramref name="keepIntermediates"/>, each
    /// stage's own result goes to <see cref="StageContext.Files"/> as an intermediate. A stage that runs past
    /// <paramref name="stageBudget"/> (none by default) is cancelled and the run throws <see cref="StageTimeoutException"/>.
    /// </summary>
    public static StageRun Over(IReadOnlyList<PreparedStep> steps, WorkImage image, StageContext context, bool keepIntermediates,
        TimeSpan? stageBudget = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(context);
        var run = new StageRun(image, stageBudget ?? Timeout.InfiniteTimeSpan, context.Cancel);
        // The copies' sizes are known before any stage runs, so an upscale before export can cover them.
        context = context with { Outputs = context.Outputs ?? steps.Select(s => s.Prepared).OfType<IMasterSizes>().FirstOrDefault() };
        try
        {
            foreach (var step in steps) context = run.Step(step, context, keepIntermediates);
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    private StageContext Step(PreparedStep step, StageContext context, bool keepIntermediates)
    {
        context.Cancel.ThrowIfCancellationRequested();
        var key = step.Stage.Key;
        if (step.Prepared is not { } stage)
        {
            stages.Add(new StageRecord(key, "not in recipe", null, 0, [], Empty));
            return context;
        }
        context.Report(key, 0);
        var clock = Stopwatch.StartNew();
        // A read-once stream (the upscale's) can be read once, top to bottom; a stage that reads its input more than
        // once (cleanup, export) gets it in memory. This is the one place a streamed result is materialised.
        if (stage.Access == ImageAccess.Random && stream is { Rereadable: false }) Materialise();
        var held = materialised;
        var outcome = Apply(stage, key, context);
        Image = outcome.Image;
        if (held)
        {
            // The in-memory copy of a stream was this stage's input; once the stage no longer refers to it, free it
            // now rather than when the GC gets round to its wrapper, before the next stage allocates its own.
            materialised = false;
            DroppedImages.Release();
        }
        models.AddRange(outcome.Models);
        if (outcome.Reference is { } reference) context = context with { Reference = reference };
        if (stage is ISharpensOutput sharpen) context = context with { Sharpener = sharpen.Sharpener };
        stages.Add(outcome.Skipped
            ? new StageRecord(key, outcome.Status, null, 0, [], Empty)
            : new StageRecord(key, outcome.Status, JsonSerializer.SerializeToElement(outcome.Detail ?? step.Parameters, Lineage.Json),
                clock.Elapsed.TotalMilliseconds, outcome.Report.Warnings, outcome.Report.Measurements));
        if (outcome.Stream is { } streamed)
        {
            // A re-readable stream is read through the new one (cleanup's bands as the grade's are made): its report
            // waits until then, so that no band is computed for it alone.
            if (stream is { Rereadable: true }) earlier.Add((stream, streamRecord));
            else stream?.Dispose();
            (stream, streamRecord, streamClock) = (streamed, stages.Count - 1, clock);
        }
        if (keepIntermediates && outcome.MadeImage && context.Files is { } files)
        {
            // Writing the intermediate reads the image once more, so a streamed one is held in memory first.
            Materialise();
            files.Intermediate(key, "", Image);
        }
        return context;
    }

    /// <summary>
    /// Applies one stage under the time budget, through the token the context already carries: expiry cancels the
    /// stage at its next cancellation point, and is reported as this stage's timeout rather than as a cancellation.
    /// </summary>
    private StageOutcome Apply(IPreparedStage stage, string key, StageContext context)
    {
        if (budget == Timeout.InfiniteTimeSpan) return stage.Apply(Image, context);
        var timer = CancellationTokenSource.CreateLinkedTokenSource(context.Cancel);
        timers.Add(timer);
        timer.CancelAfter(budget);
        try
        {
            var outcome = stage.Apply(Image, context with { Cancel = timer.Token });
            if (outcome.Stream is not null) (streamTimer, streamKey) = (timer, key);
            else timer.CancelAfter(Timeout.InfiniteTimeSpan); // done: the clock stops, the link stays
            return outcome;
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !context.Cancel.IsCancellationRequested)
        {
            throw new StageTimeoutException(key, budget);
        }
    }

    /// <summary>Reads the stream; its stage's budget running out while it is read is that stage's timeout.</summary>
    private void Read(Action<WorkImage> consume)
    {
        try
        {
            stream!.Consume(consume);
        }
        catch (OperationCanceledException) when (streamTimer is { IsCancellationRequested: true } && !cancel.IsCancellationRequested)
        {
            throw new StageTimeoutException(streamKey!, budget);
        }
    }

    /// <summary>
    /// Holds a streamed last image (a no-op otherwise) and returns the image: in memory, or beyond
    /// <see cref="HeldImage.MemoryLimitBytes"/> (a 16384² float image) in a scratch file that libvips maps by windows.
    /// </summary>
    public WorkImage Materialise()
    {
        if (stream is null) return Image;
        // The last image may be derived from the stream by sequential stages since; copying it reads the stream once.
        var current = Image;
        HeldImage? copy = null;
        Read(_ => copy = HeldImage.Hold(current.Pixels, Path.GetTempPath()));
        if (copy!.OnDisk) holds.Add(copy); // a file to remove at the end (where it could not be removed while open)
        Image = current.WithPixels(copy!.Image);
        materialised = true;
        Settle();
        return Image;
    }

    /// <summary>Reads the last image once through <paramref name="consume"/> (an encoder), straight from its stream when it has one.</summary>
    public void Consume(Action<WorkImage> consume)
    {
        ArgumentNullException.ThrowIfNull(consume);
        if (stream is null)
        {
            consume(Image);
            return;
        }
        var current = Image;
        Read(_ => consume(current));
        Settle();
    }

    // Earlier re-readable streams keep their stage's own time; their figures are complete once the last image was read.
    private void SettleEarlier()
    {
        foreach (var (earlierStream, record) in earlier)
        {
            var report = earlierStream.Report;
            stages[record] = stages[record] with { Warnings = report.Warnings, Measurements = report.Measurements };
            earlierStream.Dispose();
        }
        earlier.Clear();
    }

    // A streamed stage's report and time are complete only once its image has been read.
    private void Settle()
    {
        SettleEarlier();
        var report = stream!.Report;
        stages[streamRecord] = stages[streamRecord] with
        {
            // A re-readable stream is computed inside its readers (export), whose time holds it; the stage keeps its own.
            Ms = stream.Rereadable ? stages[streamRecord].Ms : streamClock!.Elapsed.TotalMilliseconds,
            Warnings = report.Warnings,
            Measurements = report.Measurements,
        };
        stream.Dispose();
        stream = null;
        streamTimer?.CancelAfter(Timeout.InfiniteTimeSpan);
        streamTimer = null;
    }

    public void Dispose()
    {
        foreach (var hold in holds) hold.Dispose();
        holds.Clear();
        foreach (var (earlierStream, _) in earlier) earlierStream.Dispose();
        earlier.Clear();
        stream?.Dispose();
        stream = null;
        streamTimer = null;
        foreach (var timer in timers) timer.Dispose();
        timers.Clear();
    }
}

/// <summary>A stage ran past its time budget on one image; that image fails, the batch goes on.</summary>
public sealed class StageTimeoutException(string stage, TimeSpan budget)
    : BurnishException($"stage '{stage}' ran past its time budget of {Seconds(budget)} (raise it with --stage-timeout)")
{
    public string Stage { get; } = stage;

    private static string Seconds(TimeSpan t) => t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.#} s" : $"{t.TotalMilliseconds:0} ms";
}
