#!/usr/bin/env -S dotnet run
#:project ../src/Burnish.Core/Burnish.Core.csproj
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
// Every automatic-mask detection on the labelled images of bench/masks (faces at score ≥ 0.5 with and without the
// flip, hands at palm score 0.3 and 0.5, the person region and mask) and on the subject fixtures (ISNet alpha, when
// fetched), written at full precision, one line per image and kind: run it on two builds and diff the files to show
// that a speed change keeps every box, score and pixel (bench/masks-speed.sh --same BASE-CHECKOUT does both).
//   (from the repository root) dotnet run bench/masks-same.cs -- TESTDATA-DIR OUT-FILE [subject]
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Burnish.Detection;
using Burnish.Detection.Hands;
using Burnish.Detection.Segmentation;
using Burnish.Detection.Subject;
using Burnish.Imaging;
using Burnish.Models;
using NetVips;

Cache.Max = 0;
Cache.MaxFiles = 0;
var data = args[0];
var withSubject = args.Length > 2 && args[2] == "subject";
var root = Directory.GetCurrentDirectory(); // the repository root: the labels and fixtures are read from there
var cache = new ModelCache(ModelCache.DefaultRoot());
var faceFiles = Images(Path.Combine(root, "bench/masks/face-labels.json"));
var handFiles = Images(Path.Combine(root, "bench/masks/hand-labels.json"));
string[] generations = ["comfyui/flux__flux_dev_example.png", "comfyui/flux__girl_in_field.png", "comfyui/sdxl__sdxl_simple_example.png",
    "comfyui/hidream__hidream_dev_example.png", "comfyui/cosmos_predict2__cosmos_predict2_2b_t2i_example.png"];
var all = faceFiles.Concat(handFiles).Concat(generations.Select(g => "ai-generations/" + g)).Distinct().Order().ToList();
var lines = new List<string>();
static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
static string P(Point2 p) => $"{N(p.X)},{N(p.Y)}";
static string B(Box b) => $"{N(b.X)},{N(b.Y)},{N(b.Width)},{N(b.Height)}";

using var faces = FaceDetector.FromCache(cache);
using var hands = HandDetector.FromCache(cache);
using var person = PersonSegmenter.FromCache(cache);
using var subject = withSubject ? SubjectDetector.FromCache(cache) : null;
foreach (var file in all)
{
    var image = ImageLoader.Load(Path.Combine(data, file), LoadLimits.Default).Image;
    if (faceFiles.Contains(file) || generations.Any(g => file.EndsWith(g)))
        foreach (var flip in new[] { false, true })
        {
            var found = faces.Detect(image, FaceMaskParams.Default with { MinScore = 0.5, Flip = flip });
            lines.Add($"{file} face flip={flip}: " + string.Join(" | ", found.Select(f => $"{N(f.Score)} [{B(f.Box)}] {string.Join(' ', f.KeyPoints.Select(P))}")));
        }
    if (handFiles.Contains(file) || generations.Any(g => file.EndsWith(g)))
        foreach (var score in new[] { 0.3, 0.5 })
        {
            var found = hands.Detect(image, HandMaskParams.Default with { MinScore = score });
            lines.Add($"{file} hands score={score}: " + string.Join(" | ", found.Select(h => $"{N(h.Presence)} {N(h.PalmScore)} [{B(h.Palm)}] {string.Join(' ', h.Landmarks.Select(P))}")));
        }
    var (mask, region) = person.Segment(image);
    using (mask)
        lines.Add($"{file} person: {Hash(mask.WriteToMemory<float>())} {(region is null ? "none" : JsonSerializer.Serialize(region.Box) + " " + N(region.Score) + " " + region.Pixels)}");
}
if (subject is not null)
    foreach (var file in Directory.GetFiles(Path.Combine(root, "tests/Burnish.Core.Tests/fixtures/subject"), "*.png").Order()
        .Concat(generations.Take(4).Select(g => Path.Combine(data, "ai-generations", g))))
    {
        var alpha = subject.Alpha(ImageLoader.Load(file, LoadLimits.Default).Image);
        lines.Add($"{Path.GetFileName(file)} subject: {Convert.ToHexString(SHA256.HashData(alpha))[..16]} sum {alpha.Sum(a => (long)a)}");
    }
File.WriteAllLines(args[1], lines);
Console.WriteLine($"{lines.Count} lines in {args[1]}");

static HashSet<string> Images(string labels) =>
    JsonDocument.Parse(File.ReadAllText(labels)).RootElement.GetProperty("images").EnumerateArray().Select(e => e.GetProperty("file").GetString()!).ToHashSet();

static string Hash(float[] values)
{
    var bytes = new byte[values.Length * 4];
    Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
    return Convert.ToHexString(SHA256.HashData(bytes))[..16] + " sum " + N(values.Sum(v => (double)v));
}
