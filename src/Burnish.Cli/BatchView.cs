using System.Collections.Concurrent;
using Burnish.Pipeline;
using Spectre.Console;

namespace Burnish.Cli;

/// <summary>Shows a batch's progress: Spectre bars on a terminal, plain lines otherwise. Ends with the failure list.</summary>
public static class BatchView
{
    /// <param name="afterEach">Runs on each image's worker once it has finished (e.g. to write its report); a line it returns is shown as a problem.</param>
    public static async Task<IReadOnlyList<FinishResult>> RunAsync(BatchRequest request, CancellationToken cancel, Func<FinishResult, string?>? afterEach = null)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return await Batch.RunAsync(request, new SyncProgress<BatchEvent>(e =>
            {
                PlainLine(e);
                if (e.Result is { } r && afterEach?.Invoke(r) is { } problem) Console.Error.WriteLine($"burnish: {problem}");
            }), cancel);

        IReadOnlyList<FinishResult> results = [];
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var overall = ctx.AddTask($"[bold]{request.Inputs.Count} image(s)[/]", maxValue: Math.Max(1, request.Inputs.Count));
                var rows = new ConcurrentDictionary<int, ProgressTask>();
                var progress = new SyncProgress<BatchEvent>(e =>
                {
                    var name = Markup.Escape(Path.GetFileName(e.Input));
                    if (e.Result is { } result)
                    {
                        if (rows.TryRemove(e.Index, out var row)) row.StopTask();
                        overall.Increment(1);
                        if (result.Status == FinishStatus.Failed)
                            AnsiConsole.MarkupLine($"[red]failed[/] {Markup.Escape(result.Message)}");
                        var warnings = Warnings(result);
                        if (warnings.Count > 0) AnsiConsole.MarkupLine($"{name}: {Markup.Escape(result.Message)}");
                        foreach (var (line, prominent) in warnings)
                            AnsiConsole.MarkupLine(prominent ? $"[bold yellow]{Markup.Escape(line)}[/]" : $"[yellow]{Markup.Escape(line)}[/]");
                        if (afterEach?.Invoke(result) is { } problem)
                            AnsiConsole.MarkupLine($"[yellow]report[/] {Markup.Escape(problem)}");
                        return;
                    }
                    var task = rows.GetOrAdd(e.Index, _ => ctx.AddTask(name, maxValue: StageCatalogue.Canonical.Count));
                    if (e.Progress is { } p)
                    {
                        var step = p.Step.Length > 0 ? $" {p.Step}, {p.Detail}" : "";
                        task.Description = $"{name} [grey]{p.Stage}{step}[/]";
                        // The upscale dominates a run's time, so its tiles move the bar within the stage's step.
                        task.Value = StageCatalogue.Position(p.Stage) - 1 + p.Fraction;
                    }
                });
                results = await Batch.RunAsync(request, progress, cancel);
            });
        return results;
    }

    private static void PlainLine(BatchEvent e)
    {
        if (e.Result is not { } r) return;
        Console.WriteLine($"[{e.Index + 1}/{e.Total}] {Verb(r.Status)} {PathText.Show(e.Input)}: {r.Message}");
        foreach (var (line, _) in Warnings(r)) Console.WriteLine(line);
    }

    /// <summary>
    /// An image's warnings, one indented line each, grouped under it: a copy enlarged beyond the master first and in
    /// capitals, since it is the one that makes a visibly soft file; then the others in stage order.
    /// </summary>
    public static IReadOnlyList<(string Line, bool Prominent)> Warnings(FinishResult result)
    {
        var sets = result.Variants.Count > 0 ? result.Variants : [result];
        // The input's own warnings (an animated file) come first, as from a stage named "input".
        var warnings = sets.SelectMany(set => (set.Lineage is { } l ? (IEnumerable<StageRecord>)[new StageRecord("input", "", null, 0, l.Input.Warnings, new Dictionary<string, double>()), .. l.Stages] : []).SelectMany(stage => stage.Warnings.Select(w =>
        {
            // Export's wording (Stages/Export/Export.cs) for a copy larger than the master.
            var enlarged = w.Contains(" is enlarged ×", StringComparison.Ordinal);
            var aspect = result.Variants.Count > 0 ? $"{Path.GetFileName(set.Sidecar ?? "")}: " : "";
            return (Line: $"  {(enlarged ? "WARNING" : "warning")} {stage.Stage}: {aspect}{w}", Prominent: enlarged);
        })));
        return [.. warnings.OrderBy(w => w.Prominent ? 0 : 1)];
    }

    private static string Verb(FinishStatus s) => s switch
    {
        FinishStatus.Finished => "finished",
        FinishStatus.Skipped => "skipped",
        FinishStatus.Cancelled => "cancelled",
        _ => "FAILED",
    };

    /// <summary>Prints the summary and failure list; returns the exit code.</summary>
    public static int Summarise(IReadOnlyList<FinishResult> results)
    {
        var failed = results.Where(r => r.Status == FinishStatus.Failed).ToList();
        var finished = results.Count(r => r.Status == FinishStatus.Finished);
        var skipped = results.Count(r => r.Status == FinishStatus.Skipped);
        var cancelled = results.Count(r => r.Status == FinishStatus.Cancelled);
        Console.WriteLine($"{finished} finished, {skipped} skipped, {failed.Count} failed" + (cancelled > 0 ? $", {cancelled} cancelled" : ""));
        if (failed.Count == 0) return ExitCodes.Ok;
        Console.Error.WriteLine("Failures:");
        foreach (var f in failed) Console.Error.WriteLine($"  {f.Message}");
        return ExitCodes.SomeFailed;
    }
}
