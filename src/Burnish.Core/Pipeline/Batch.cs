using Burnish.IO;
using Burnish.Imaging;
using Burnish.Stages;

namespace Burnish.Pipeline;

/// <summary>What happened, for a progress display: an image started, moved within a stage, or ended.</summary>
public sealed record BatchEvent(int Index, int Total, string Input, StageProgress? Progress, FinishResult? Result);

/// <summary>A batch: every input finished with one prepared recipe (the caller's, disposed by it) into one folder.</summary>
public sealed record BatchRequest(IReadOnlyList<InputItem> Inputs, string OutputDir, PreparedRecipe Recipe, FinishOptions Options, int Parallelism);

/// <summary>Runs a batch. A failed image never stops the others; every outcome is returned in input order.</summary>
public static class Batch
{
    public static async Task<IReadOnlyList<FinishResult>> RunAsync(BatchRequest request, IProgress<BatchEvent>? progress, CancellationToken cancel)
    {
        CheckWritable(request.OutputDir);
        // A run that was killed leaves only temp files behind; they are never outputs.
        AtomicFile.SweepStale(request.OutputDir);

        var options = request.Options with
        {
            BatchInputs = request.Inputs.Select(i => Path.GetFullPath(i.Path)).ToHashSet(),
            BatchBases = PlanBases(request),
            OutputRoot = request.OutputDir,
            // Images running at once share the machine's memory.
            Budget = request.Options.Budget ?? ImageBudget.ForMachine(request.Parallelism),
        };
        var results = new FinishResult[request.Inputs.Count];
        var total = request.Inputs.Count;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.Parallelism), CancellationToken = cancel };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, total), parallel, (i, ct) =>
            {
                var item = request.Inputs[i];
                progress?.Report(new BatchEvent(i, total, item.Path, null, null));
                var names = new OutputNames(Path.Combine(request.OutputDir, item.RelativeBase));
                var result = Finisher.Finish(item.Path, names, request.Recipe, options,
                    new SyncProgress<StageProgress>(p => progress?.Report(new BatchEvent(i, total, item.Path, p, null))), ct);
                results[i] = result;
                DroppedImages.ReleaseFinished();
                progress?.Report(new BatchEvent(i, total, item.Path, null, result));
                return ValueTask.CompletedTask;
            });
        }
        catch (OperationCanceledException)
        {
            // Images not started are reported as such; the cancelled ones left nothing behind.
            for (var i = 0; i < total; i++)
                results[i] ??= new FinishResult(request.Inputs[i].Path, FinishStatus.Cancelled, $"{request.Inputs[i].Path}: cancelled");
            throw new BatchCancelledException(results);
        }
        return results;
    }

    /// <summary>
    /// Every output base the batch's images own, fixed before any runs (an outpaint to several aspects owns one per
    /// aspect): with -j 2, a renamed a.png can then never take a-1, which belongs to a-1.png.
    /// </summary>
    public static IReadOnlySet<string> PlanBases(BatchRequest request)
    {
        var tags = request.Recipe.Variants is { Count: > 1 } variants ? variants.Select(v => "." + v.FileTag).ToList() : [""];
        return request.Inputs.SelectMany(i => tags.Select(t => Path.GetFullPath(Path.Combine(request.OutputDir, i.RelativeBase + t)))).ToHashSet();
    }

    /// <summary>Fails early, with one line, when the output folder cannot be created or written.</summary>
    public static void CheckWritable(string dir)
    {
        if (File.Exists(dir))
            throw new OutputException(dir, "is a file, not a folder");
        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".write-test{AtomicFile.TempMarker}-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException(dir, $"output folder is not writable ({e.Message})", e);
        }
    }
}

/// <summary>A batch stopped by cancellation, with what had finished.</summary>
public sealed class BatchCancelledException(IReadOnlyList<FinishResult> results) : OperationCanceledException("cancelled")
{
    public IReadOnlyList<FinishResult> Results { get; } = results;
}

/// <summary>Reports on the calling thread; <see cref="Progress{T}"/> would post to a thread pool and reorder events.</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
