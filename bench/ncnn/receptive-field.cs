// Effective receptive field of an upscale model, measured on real generations: how far a cut (a tile's window edge)
// changes the output. Runs the model on a whole crop and on the part of it left of (or above) a cut at the crop's
// middle, and prints, per distance d from the cut in input pixels, the largest |cut − whole| over rows and channels,
// in 8-bit levels (outputs clamped to 0–1 as the stage clamps them).
// Usage: dotnet run bench/ncnn/receptive-field.cs -- MODEL EDGE IMAGE:X:Y [IMAGE:X:Y …]
#:project ../../src/Burnish.Core/Burnish.Core.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
using Burnish.Imaging;
using Burnish.Models;
using Burnish.Stages.Upscale;

var model = args[0];
var edge = int.Parse(args[1]);
using var engine = new UpscaleModels(new ModelCache(ModelCache.DefaultRoot()), Device.Cpu, null);
var m = engine.Get(model, model.Contains("-x") ? int.Parse(model[(model.LastIndexOf("-x") + 2)..]) : 4);
var s = m.Scale;
var cut = edge / 2;
var worst = new double[cut];
foreach (var spec in args[2..])
{
    var parts = spec.Split(':');
    var image = ImageLoader.Load(parts[0], LoadLimits.Default).Image;
    var crop = PixelBuffer.From(image.Pixels.Crop(int.Parse(parts[1]), int.Parse(parts[2]), edge, edge).ExtractBand(0, 3));
    var whole = Run(crop, 0, 0, edge, edge);
    // Left part [0, cut) of every row, then top part [0, cut) of every column.
    foreach (var vertical in new[] { false, true })
    {
        int w = vertical ? edge : cut, h = vertical ? cut : edge;
        var part = Run(crop, 0, 0, w, h);
        int ow = w * s, oh = h * s, n = ow * oh, wn = edge * s * edge * s;
        for (var y = 0; y < oh; y++)
            for (var x = 0; x < ow; x++)
            {
                var d = (int)Math.Floor(cut - ((vertical ? y : x) + 0.5) / s);
                for (var c = 0; c < 3; c++)
                {
                    var a = Math.Clamp(part[c * n + y * ow + x], 0f, 1f);
                    var b = Math.Clamp(whole[c * wn + y * edge * s + x], 0f, 1f);
                    worst[d] = Math.Max(worst[d], Math.Abs(a - b) * 255);
                }
            }
    }
    Console.Error.WriteLine($"{model}: {spec} done");
}
Console.WriteLine($"# {model}, {edge}² crops, cut at {cut}: largest |cut − whole| (8-bit levels) at input distance d from the cut");
Console.WriteLine("d\tmax\tmax beyond d");
var tail = 0.0;
var beyond = new double[cut];
for (var d = cut - 1; d >= 0; d--) beyond[d] = tail = Math.Max(tail, worst[d]);
for (var d = 0; d < cut; d++) Console.WriteLine($"{d}\t{worst[d]:F4}\t{beyond[d]:F4}");

float[] Run(PixelBuffer source, int x0, int y0, int w, int h)
{
    var planar = new float[3 * w * h];
    for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            for (var c = 0; c < 3; c++)
                planar[c * w * h + y * w + x] = source.Data[((y0 + y) * source.Width + x0 + x) * source.Bands + c];
    var output = new float[3 * w * h * s * s];
    m.Run(planar, h, w, output);
    return output;
}
