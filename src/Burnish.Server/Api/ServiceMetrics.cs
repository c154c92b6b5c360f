using System.Globalization;
using System.Text;
using Burnish.Server.Jobs;
using Burnish.Server.Queue;

namespace Burnish.Server.Api;

/// <summary>
/// Prometheus' plain text format: queue depth, jobs by state, workers, stage durations of finished images, and the
/// process's CPU time and garbage-collection pauses (what tells whether more workers can help).
/// </summary>
public static class ServiceMetrics
{
    public static string Render(JobBook book, IJobQueue queue)
    {
        var text = new StringBuilder();
        void Line(string name, string labels, double value) =>
            text.Append(name).Append(labels.Length > 0 ? "{" + labels + "}" : "").Append(' ').AppendLine(value.ToString(CultureInfo.InvariantCulture));

        var figures = queue.Figures();
        text.AppendLine("# HELP burnish_queue_depth Image jobs waiting in each queue.\n# TYPE burnish_queue_depth gauge");
        foreach (var (name, depth) in figures.Enqueued) Line("burnish_queue_depth", $"queue=\"{name}\"", depth);
        text.AppendLine("# HELP burnish_workers Workers of every server taking jobs.\n# TYPE burnish_workers gauge");
        Line("burnish_workers", "", figures.Workers);
        text.AppendLine("# HELP burnish_servers Processes taking jobs.\n# TYPE burnish_servers gauge");
        Line("burnish_servers", "", figures.Servers);

        var jobs = book.All();
        var images = jobs.SelectMany(book.States).ToList();
        text.AppendLine("# HELP burnish_jobs Jobs by status.\n# TYPE burnish_jobs gauge");
        foreach (var group in jobs.GroupBy(j => JobBook.StatusOf(book.States(j))))
            Line("burnish_jobs", $"status=\"{Name(group.Key)}\"", group.Count());
        text.AppendLine("# HELP burnish_images Image jobs by status.\n# TYPE burnish_images gauge");
        foreach (var group in images.GroupBy(s => s.Status))
            Line("burnish_images", $"status=\"{Name(group.Key)}\"", group.Count());
        text.AppendLine("# HELP burnish_stage_seconds Time spent in each stage by finished images.\n# TYPE burnish_stage_seconds summary");
        foreach (var stage in images.SelectMany(s => s.StageMs ?? new Dictionary<string, double>()).GroupBy(kv => kv.Key))
        {
            Line("burnish_stage_seconds_sum", $"stage=\"{stage.Key}\"", Math.Round(stage.Sum(kv => kv.Value) / 1000, 3));
            Line("burnish_stage_seconds_count", $"stage=\"{stage.Key}\"", stage.Count());
        }
        var cpu = Environment.CpuUsage;
        text.AppendLine("# HELP process_cpu_seconds_total CPU time of this process, user and system.\n# TYPE process_cpu_seconds_total counter");
        Line("process_cpu_seconds_total", "", Math.Round(cpu.TotalTime.TotalSeconds, 3));
        text.AppendLine("# HELP dotnet_gc_pause_seconds_total Time every thread of this process was paused by the garbage collector.\n# TYPE dotnet_gc_pause_seconds_total counter");
        Line("dotnet_gc_pause_seconds_total", "", Math.Round(GC.GetTotalPauseDuration().TotalSeconds, 3));
        text.AppendLine("# HELP process_resident_memory_bytes Resident memory of this process.\n# TYPE process_resident_memory_bytes gauge");
        Line("process_resident_memory_bytes", "", Environment.WorkingSet);
        text.AppendLine("# HELP dotnet_gc_heap_bytes Managed heap in use after the last collection.\n# TYPE dotnet_gc_heap_bytes gauge");
        Line("dotnet_gc_heap_bytes", "", GC.GetGCMemoryInfo().HeapSizeBytes);
        text.AppendLine("# HELP libvips_tracked_bytes Pixel buffers libvips holds (freed only when their images are finalised).\n# TYPE libvips_tracked_bytes gauge");
        Line("libvips_tracked_bytes", "", global::NetVips.Stats.Mem);
        text.AppendLine("# HELP dotnet_gc_collections_total Garbage collections by generation.\n# TYPE dotnet_gc_collections_total counter");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
            Line("dotnet_gc_collections_total", $"generation=\"{generation}\"", GC.CollectionCount(generation));
        return text.ToString();
    }

    private static string Name(JobStatus status) => status.ToString().ToLowerInvariant();
}
