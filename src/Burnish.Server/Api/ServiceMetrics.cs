using System.Diagnostics.Metrics;
using Burnish.Server.Jobs;
using Burnish.Server.Queue;

namespace Burnish.Server.Api;

/// <summary>
/// The service's figures as OpenTelemetry instruments, read when /metrics is scraped (OpenTelemetry's Prometheus
/// exporter): queue depth per queue, workers and worker processes, jobs and images by status, the time finished
/// images spent in each stage, and the pixel memory libvips holds. Job figures come from the store, so they count
/// the images of every worker, on any machine. The process's CPU time, garbage-collection pauses and memory come
/// from .NET's own <c>System.Runtime</c> meter, and the API's latency from ASP.NET Core's.
/// </summary>
public sealed class ServiceMetrics
{
    public const string MeterName = "Burnish.Server";

    /// <summary>The meters /metrics exports.</summary>
    public static IReadOnlyList<string> Meters { get; } = [MeterName, "System.Runtime", "Microsoft.AspNetCore.Hosting"];

    // One scrape reads every instrument; the store and the queue are read once for all of them.
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    private readonly JobBook book;
    private readonly IJobQueue queue;
    private readonly Lock gate = new();
    private (DateTime At, Figures Figures)? last;

    public ServiceMetrics(IMeterFactory meters, JobBook book, IJobQueue queue)
    {
        ArgumentNullException.ThrowIfNull(meters);
        (this.book, this.queue) = (book, queue);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("burnish.queue.depth", () => Read().Queue.Enqueued.Select(kv => Tagged(kv.Value, "queue", kv.Key)),
            "{image}", "Image jobs waiting in each queue.");
        meter.CreateObservableGauge("burnish.workers", () => (long)Read().Queue.Workers, "{worker}", "Workers of every process taking jobs.");
        meter.CreateObservableGauge("burnish.servers", () => (long)Read().Queue.Servers, "{process}", "Processes taking jobs.");
        meter.CreateObservableGauge("burnish.jobs", () => Read().Jobs.Select(kv => Tagged(kv.Value, "status", Name(kv.Key))), "{job}", "Jobs by status.");
        meter.CreateObservableGauge("burnish.images", () => Read().Images.Select(kv => Tagged(kv.Value, "status", Name(kv.Key))), "{image}", "Image jobs by status.");
        meter.CreateObservableCounter("burnish.stage.time", () => Read().Stages.Select(s => new Measurement<double>(s.Seconds, new KeyValuePair<string, object?>("stage", s.Stage))),
            "s", "Time finished images spent in each stage.");
        meter.CreateObservableCounter("burnish.stage.images", () => Read().Stages.Select(s => Tagged(s.Images, "stage", s.Stage)),
            "{image}", "Finished images that ran each stage.");
        meter.CreateObservableGauge("burnish.libvips.memory", () => global::NetVips.Stats.Mem, "By", "Pixel buffers libvips holds (freed only when their images are finalised).");
    }

    private Figures Read()
    {
        lock (gate)
        {
            if (last is { } held && DateTime.UtcNow - held.At < Fresh) return held.Figures;
            var jobs = book.All().Select(j => (Job: j, States: book.States(j))).ToList();
            var images = jobs.SelectMany(j => j.States).ToList();
            var figures = new Figures(
                queue.Figures(),
                jobs.GroupBy(j => JobBook.StatusOf(j.States)).ToDictionary(g => g.Key, g => (long)g.Count()),
                images.GroupBy(s => s.Status).ToDictionary(g => g.Key, g => (long)g.Count()),
                [.. images.SelectMany(s => s.StageMs ?? new Dictionary<string, double>()).GroupBy(kv => kv.Key)
                    .Select(g => new StageFigure(g.Key, g.Sum(kv => kv.Value) / 1000, g.Count()))]);
            last = (DateTime.UtcNow, figures);
            return figures;
        }
    }

    private static Measurement<long> Tagged(long value, string key, string tag) => new(value, new KeyValuePair<string, object?>(key, tag));

    private static string Name(JobStatus status) => status.ToString().ToLowerInvariant();

    private sealed record Figures(QueueFigures Queue, Dictionary<JobStatus, long> Jobs, Dictionary<JobStatus, long> Images, IReadOnlyList<StageFigure> Stages);

    private sealed record StageFigure(string Stage, double Seconds, long Images);
}
