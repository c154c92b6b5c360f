#!/usr/bin/env -S dotnet run
#:project ../src/Burnish.Core/Burnish.Core.csproj
#:property JsonSerializerIsReflectionEnabledByDefault=true
// What the face mesh costs per face (bench/masks-mesh-cost.sh): BlazeFace finds the faces once (mesh off), then each
// face's mesh is fitted ROUNDS times (crop + model run + points back) and its four masks rasterised, timed by the
// process's CPU time (user + sys, all threads) and by the wall clock. ONNX Runtime with 1 thread and with its default.
//   dotnet run bench/masks-mesh-cost.cs -- ROUNDS IMAGE...
using System.Diagnostics;
using Burnish.Detection;
using Burnish.Imaging;
using Burnish.Models;

var rounds = int.Parse(args[0]);
var cache = new ModelCache(ModelCache.DefaultRoot());
Console.WriteLine("| image | size | faces | ORT threads | mesh CPU ms / face | mesh wall ms / face | masks CPU ms / face (4 parts) |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var threads in new int?[] { 1, null })
{
    using var detector = FaceDetector.FromCache(cache, threads);
    using var mesh = FaceMesh.FromCache(cache, threads);
    foreach (var path in args.Skip(1))
    {
        var image = ImageLoader.Load(path, LoadLimits.Default).Image;
        using var rgb = FaceDetector.SrgbColour(image);
        var faces = detector.Detect(rgb, FaceMaskParams.Default with { Mesh = false });
        if (faces.Count == 0) { Console.WriteLine($"| {Path.GetFileName(path)} | {image.Width}×{image.Height} | 0 | | | | |"); continue; }
        mesh.Fit(rgb, faces[0]); // warm-up: the session's first run
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var fitted = new List<DetectedFace>();
        for (var r = 0; r < rounds; r++)
        {
            fitted.Clear();
            foreach (var f in faces) fitted.Add(mesh.Refine(rgb, f, 0.0));
        }
        var wall = clock.Elapsed.TotalMilliseconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalMilliseconds;
        var cpu1 = process.TotalProcessorTime;
        for (var r = 0; r < rounds; r++)
            foreach (var part in Enum.GetValues<FacePart>())
                using (FaceMasks.Rasterise(fitted, image.Width, image.Height, part)) { }
        process.Refresh();
        var masks = (process.TotalProcessorTime - cpu1).TotalMilliseconds;
        var n = (double)rounds * faces.Count;
        Console.WriteLine($"| {Path.GetFileName(path)} | {image.Width}×{image.Height} | {faces.Count} | {threads?.ToString() ?? "default (" + Environment.ProcessorCount + ")"} | {cpu / n:0.0} | {wall / n:0.0} | {masks / n:0.0} |");
    }
}
