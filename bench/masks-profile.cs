#!/usr/bin/env -S dotnet run
#:project ../src/Burnish.Core/Burnish.Core.csproj
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
// Where the time of the automatic masks goes on one image, in CPU and wall milliseconds (process CPU: every thread,
// ONNX Runtime's included), each figure the median of RUNS repeats after one warm-up: decoding, the sRGB float
// conversion, the resizes the detectors make, one ONNX Runtime run of each model, session creation, and each
// detector's whole Detect with its models loaded (what one image of a batch costs). Used for bench/masks-speed.sh's
// profile table; see docs/masks.md "Speed".
//   dotnet run bench/masks-profile.cs -- RUNS IMAGE [subject]
using System.Diagnostics;
using Burnish.Detection;
using Burnish.Detection.Hands;
using Burnish.Detection.Segmentation;
using Burnish.Detection.Subject;
using Burnish.Imaging;
using Burnish.Models;
using Microsoft.ML.OnnxRuntime;
using NetVips;

// As the CLI: no operation cache, so a repeat computes again rather than finding the last result.
Cache.Max = 0;
Cache.MaxFiles = 0;
var runs = int.Parse(args[0]);
var path = args[1];
var withSubject = args.Length > 2 && args[2] == "subject";
var cache = new ModelCache(ModelCache.DefaultRoot());
var process = Process.GetCurrentProcess();

void Time(string what, Action action, int repeats = -1)
{
    repeats = repeats < 0 ? runs : repeats;
    action(); // warm-up: first runs pay one-off costs (ORT's arena, libvips' caches)
    var cpu = new List<double>();
    var wall = new List<double>();
    for (var i = 0; i < repeats; i++)
    {
        process.Refresh();
        var c0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        action();
        wall.Add(clock.Elapsed.TotalMilliseconds);
        process.Refresh();
        cpu.Add((process.TotalProcessorTime - c0).TotalMilliseconds);
    }
    Console.WriteLine($"| {what} | {Median(cpu):F0} | {Median(wall):F0} |");
}

static double Median(List<double> v)
{
    v.Sort();
    return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
}

void Once(string what, Action action)
{
    process.Refresh();
    var c0 = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    action();
    process.Refresh();
    Console.WriteLine($"| {what} (once) | {(process.TotalProcessorTime - c0).TotalMilliseconds:F0} | {clock.Elapsed.TotalMilliseconds:F0} |");
}

Console.WriteLine($"| step ({Path.GetFileName(path)}) | CPU ms | wall ms |");
Console.WriteLine("|---|---:|---:|");
WorkImage image = null!;
Time("decode (PNG to float in memory)", () => image = ImageLoader.Load(path, LoadLimits.Default).Image);
Time("sRGB float, whole image into memory", () => { using var c = FaceDetector.SrgbColour(image).CopyMemory(); });
using var rgb = FaceDetector.SrgbColour(image).CopyMemory();
foreach (var side in new[] { 128, 256, 512 })
{
    Time($"resize to {side}² from memory", () => { using var r = rgb.Resize((double)side / rgb.Width, kernel: Enums.Kernel.Linear); r.WriteToMemory<float>(); });
}

void Ort(string what, string file, long[] shape)
{
    InferenceSession session = null!;
    Once($"{what}: session created", () => session = OrtSessions.Open(file, what, null, spinning: false));
    using (session)
    {
        var input = session.InputMetadata.Keys.Single();
        var tensor = new float[shape.Aggregate(1L, (a, b) => a * b)];
        new Random(1).NextSingle();
        for (var i = 0; i < tensor.Length; i++) tensor[i] = (i % 251) / 251f;
        Time($"{what}: one run {string.Join('×', shape)}", () =>
        {
            using var value = OrtValue.CreateTensorValueFromMemory(tensor, shape);
            using var outputs = session.Run(new RunOptions(), [input], [value], session.OutputMetadata.Keys.ToArray());
        });
    }
}

Ort("BlazeFace front", cache.PackedFile(FaceDetector.Package, FaceDetector.FrontFile, FaceDetector.Taken), [1, 128, 128, 3]);
Ort("BlazeFace back", cache.PackedFile(FaceDetector.Package, FaceDetector.BackFile, FaceDetector.Taken), [1, 256, 256, 3]);
Ort("palm detector", GraphModels.OnnxPath(cache, "handdetect"), [1, 256, 256, 3]);
Ort("hand landmarks (full)", GraphModels.OnnxPath(cache, "handlandmark-full"), [1, 224, 224, 3]);
Ort("selfie segmenter", GraphModels.OnnxPath(cache, "selfie"), [1, 256, 256, 3]);

using (var faces = FaceDetector.FromCache(cache))
{
    var n = 0;
    Time("face: Detect, models loaded", () => n = faces.Detect(image, FaceMaskParams.Default).Count);
    Console.WriteLine($"|   ({n} faces) | | |");
}
using (var hands = HandDetector.FromCache(cache))
{
    var n = 0;
    Time("hands: Detect, models loaded", () => n = hands.Detect(image, HandMaskParams.Default).Count);
    Time("hands: palms alone", () => hands.Palms(rgb, HandMaskParams.Default.MinScore));
    Console.WriteLine($"|   ({n} hands) | | |");
}
using (var person = PersonSegmenter.FromCache(cache))
    Time("person: Segment, model loaded", () => { var (m, _) = person.Segment(image); m.Dispose(); });
if (withSubject)
{
    SubjectDetector subject = null!;
    Once("subject: model checked and session created", () => subject = SubjectDetector.FromCache(cache));
    using (subject)
        Time("subject: Alpha, model loaded", () => subject.Alpha(image), Math.Min(runs, 3));
}
