#!/usr/bin/env -S dotnet run
#:project ../src/Burnish.Core/Burnish.Core.csproj
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
// Where the time of the automatic masks goes, for bench/masks-speed.sh. Every figure is process CPU (all threads, ONNX
// Runtime's included) and wall milliseconds, the median of RUNS repeats after one warm-up, with the 1-minute load
// average when it was taken.
//   dotnet run -c Release bench/masks-profile.cs -- detect RUNS KINDS IMAGE...   one TSV row per image and kind (face, face-flip,
//       hands, person, subject): each detector's whole detection with its models loaded, as for each image of a batch
//   dotnet run -c Release bench/masks-profile.cs -- steps RUNS IMAGE [subject]   a Markdown table of the steps: decoding, the sRGB
//       float conversion, the resizes, session creation, one ONNX Runtime run of each model (sessions opened as the
//       detectors open them), the palm search alone
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
var mode = args[0];
var runs = int.Parse(args[1]);
var cache = new ModelCache(ModelCache.DefaultRoot());
var process = Process.GetCurrentProcess();

static string Load1() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

(double Cpu, double Wall) Time(Action action, int repeats)
{
    action(); // warm-up: first runs pay one-off costs (ORT's arena, first-run allocations)
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
    return (Median(cpu), Median(wall));
}

static double Median(List<double> v)
{
    v.Sort();
    return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
}

if (mode == "detect")
{
    var kinds = args[2].Split(',');
    var images = args.Skip(3).ToList();
    using var faces = kinds.Contains("face") || kinds.Contains("face-flip") ? FaceDetector.FromCache(cache) : null;
    using var hands = kinds.Contains("hands") ? HandDetector.FromCache(cache) : null;
    using var person = kinds.Contains("person") ? PersonSegmenter.FromCache(cache) : null;
    using var subject = kinds.Contains("subject") ? SubjectDetector.FromCache(cache) : null;
    foreach (var path in images)
    {
        var picture = ImageLoader.Load(path, LoadLimits.Default).Image;
        void Row(string kind, Func<int> detect)
        {
            var found = 0;
            var load = Load1();
            var (cpu, wall) = Time(() => found = detect(), kind == "subject" ? Math.Min(runs, 3) : runs);
            Console.WriteLine($"{Path.GetFileName(path)}\t{kind}\t{found}\t{cpu:F0}\t{wall:F0}\t{load}");
        }
        if (kinds.Contains("face")) Row("face", () => faces!.Detect(picture, FaceMaskParams.Default).Count);
        if (kinds.Contains("face-flip")) Row("face-flip", () => faces!.Detect(picture, FaceMaskParams.Default with { Flip = true }).Count);
        if (hands is not null) Row("hands", () => hands.Detect(picture, HandMaskParams.Default).Count);
        if (person is not null) Row("person", () => { var (m, r) = person.Segment(picture); m.Dispose(); return r is null ? 0 : 1; });
        if (subject is not null) Row("subject", () => SubjectMasks.From(subject.Alpha(picture), picture.Width, picture.Height, SubjectSide.Subject).Regions.Count);
    }
    return;
}

var file = args[2];
var withSubject = args.Length > 3 && args[3] == "subject";
void Step(string what, Action action, int repeats = -1)
{
    var load = Load1();
    var (cpu, wall) = Time(action, repeats < 0 ? runs : repeats);
    Console.WriteLine($"| {what} | {cpu:F0} | {wall:F0} | {load} |");
}

void Once(string what, Action action)
{
    var load = Load1();
    process.Refresh();
    var c0 = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    action();
    process.Refresh();
    Console.WriteLine($"| {what} (once) | {(process.TotalProcessorTime - c0).TotalMilliseconds:F0} | {clock.Elapsed.TotalMilliseconds:F0} | {load} |");
}

Console.WriteLine($"| step ({Path.GetFileName(file)}) | CPU ms | wall ms | load |");
Console.WriteLine("|---|---:|---:|---:|");
WorkImage image = null!;
Step("decode (PNG to float in memory)", () => image = ImageLoader.Load(file, LoadLimits.Default).Image);
Step("sRGB float, whole image into memory", () => { using var c = FaceDetector.SrgbColour(image).CopyMemory(); });
using var rgb = FaceDetector.SrgbColour(image).CopyMemory();
foreach (var side in new[] { 128, 256, 512 })
    Step($"resize to {side}² (from memory)", () => { using var r = rgb.Resize((double)side / rgb.Width, kernel: Enums.Kernel.Linear); r.WriteToMemory<float>(); });

void Ort(string what, string model, long[] shape)
{
    InferenceSession session = null!;
    // As the detectors open theirs: spinning off (written out, so that this file also builds against older checkouts).
    using var options = OrtSessions.Options(null);
    options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
    Once($"{what}: session created", () => session = new InferenceSession(model, options));
    using (session)
    {
        var input = session.InputMetadata.Keys.Single();
        var tensor = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < tensor.Length; i++) tensor[i] = (i % 251) / 251f;
        Step($"{what}: one run {string.Join('×', shape)}", () =>
        {
            using var value = OrtValue.CreateTensorValueFromMemory(tensor, shape);
            using var options = new RunOptions();
            using var outputs = session.Run(options, [input], [value], session.OutputMetadata.Keys.ToArray());
        });
    }
}

Ort("BlazeFace front", cache.PackedFile(FaceDetector.Package, FaceDetector.FrontFile, FaceDetector.Taken), [1, 128, 128, 3]);
Ort("BlazeFace back", cache.PackedFile(FaceDetector.Package, FaceDetector.BackFile, FaceDetector.Taken), [1, 256, 256, 3]);
Ort("palm detector", GraphModels.OnnxPath(cache, "handdetect"), [1, 256, 256, 3]);
Ort("hand landmarks (full)", GraphModels.OnnxPath(cache, "handlandmark-full"), [1, 224, 224, 3]);
Ort("selfie segmenter", GraphModels.OnnxPath(cache, "selfie"), [1, 256, 256, 3]);
using (var hands = HandDetector.FromCache(cache))
{
    var palms = 0;
    Step("hands: the palm search alone (10 windows, NMS)", () => palms = hands.Palms(rgb, HandMaskParams.Default.MinScore).Count);
    Console.WriteLine($"| hands: palms found, each a landmark run (at most {HandDetector.MaxPalms}) | {palms} | | |");
}
if (withSubject)
{
    SubjectDetector subject = null!;
    Once("subject: SHA-256 check, widening to float32, session created", () => subject = SubjectDetector.FromCache(cache));
    using (subject)
        Step("subject: alpha (pre-processing, ISNet, post-processing)", () => subject.Alpha(image), Math.Min(runs, 3));
}
