#!/usr/bin/env -S dotnet run
#:project ../../src/Burnish.Core/Burnish.Core.csproj
// Cleanup at its defaults over upscaled images: halo score, colour drift and sharpness before and after, with the
// plain Lanczos upscale as the sharpness baseline. Prints a Markdown table (docs/cleanup.md holds one).
//
//   dotnet run tools/cleanup-table/cleanup-table.cs -- [--stand-in SOURCE...] [--pair SOURCE UPSCALED]...
//
// --stand-in SOURCE: the upscale is made here, as a careless AI upscale would leave it: Lanczos ×2 in linear light,
//   an unsharp mask on L* (σ 1.5, amount 1.5) and a colour cast (a* +4, b* −3).
// --pair SOURCE UPSCALED: a real upscale (any factor) of SOURCE, e.g. from the upscale stage or another tool.
using System.Diagnostics;
using System.Globalization;
using Burnish.Imaging;
using Burnish.Metrics;
using Burnish.Stages.Cleanup;
using NetVips;

NetVips.Cache.Max = 0;
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var jobs = new List<(string Name, Func<(WorkImage Source, WorkImage Upscaled)> Load)>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--stand-in":
            for (; i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal); i++)
            {
                var path = args[i + 1];
                jobs.Add((Path.GetFileNameWithoutExtension(path) + " (stand-in ×2)", () => StandIn(Load(path))));
            }
            break;
        case "--pair" when i + 2 < args.Length:
            var (source, upscaled) = (args[i + 1], args[i + 2]);
            jobs.Add((Path.GetFileNameWithoutExtension(upscaled), () => (Load(source), Load(upscaled))));
            i += 2;
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; use --stand-in SOURCE... or --pair SOURCE UPSCALED");
            return 2;
    }
}

Console.WriteLine("| image | source → upscaled | halo % before → after | ΔE00 drift before → after | sharpness: Lanczos / before / after | time s |");
Console.WriteLine("|---|---|---:|---:|---:|---:|");
var failures = 0;
foreach (var (name, load) in jobs)
{
    var (source, upscaled) = load();
    var clock = Stopwatch.StartNew();
    var (_, report) = Cleanup.Apply(upscaled, source, CleanupParams.Default);
    var seconds = clock.Elapsed.TotalSeconds;
    var m = report.Measurements;
    double lanczos = m["sharpness_lanczos"], before = m["sharpness_before"], after = m["sharpness_after"];
    // The claim: halo and drift go down, and sharpness stays at or above the Lanczos upscale's. An AI result that was
    // already below it (a smoothing model) must at least not lose more than 2 % to the cleanup.
    var sharpness = after >= lanczos ? "" : before < lanczos && after >= 0.98 * before ? " (already below Lanczos)" : " ✗";
    var lowered = m["halo_after"] <= m["halo_before"] && m["colour_drift_de00_after"] <= m["colour_drift_de00_before"];
    if (!lowered || sharpness.EndsWith('✗')) failures++;
    Console.WriteLine($"| {name} | {source.Width}×{source.Height} → {upscaled.Width}×{upscaled.Height} | {m["halo_before"]:0.00} → {m["halo_after"]:0.00}{(lowered ? "" : " ✗")} | " +
        $"{m["colour_drift_de00_before"]:0.00} → {m["colour_drift_de00_after"]:0.00} | {lanczos:0.0} / {before:0.0} / {after:0.0}{sharpness} | {seconds:0.0} |");
}
return failures == 0 ? 0 : 1;

static WorkImage Load(string path) => ImageLoader.Load(path, LoadLimits.Default).Image;

static (WorkImage, WorkImage) StandIn(WorkImage source)
{
    var lanczos = ImageMetrics.ClassicalResize(source, 2 * source.Width, 2 * source.Height);
    var lab = ColourSpaces.ToLab(lanczos);
    var l = lab[0];
    var sharpened = l + (l - l.Gaussblur(1.5, minAmpl: 0.001, precision: Enums.Precision.Float)) * 1.5;
    var shifted = sharpened.Bandjoin(lab[1] + 4.0, lab[2] - 3.0).Cast(Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Lab);
    var colour = ColourSpaces.FromLab(shifted, source.Profile).CopyMemory();
    return (source, new WorkImage(ColourSpaces.WithAlpha(colour, lanczos.Alpha), source.Profile));
}
