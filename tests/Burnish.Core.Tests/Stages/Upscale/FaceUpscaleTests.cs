using Burnish.Core.Tests.Models;
using Burnish.Detection;
using Burnish.Imaging;
using Burnish.Stages;
using Burnish.Stages.Upscale;
using NetVips;
using Xunit;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Stages.Upscale;

/// <summary>
/// <c>upscale.faces</c> through the stage on a real AI generation (an SD 1.5 portrait, fixtures/faces/SOURCES.md): the main
/// upscale esrgan-slim ×4, the face model esrgan-medium ×4. Outside each face's oval and feather the result is the
/// main upscale to the bit; inside it is the face model's own whole-image upscale (the crop's context covers the
/// receptive field); the feathered band shows no step.
/// </summary>
[Collection("models")]
public class FaceUpscaleTests(ModelsFixture models, ITestOutputHelper output)
{
    private static readonly WorkImage Source = ImageLoader.Load(Fixtures.PathOf("faces", "comfyui-woman-256.png"), LoadLimits.Default).Image;
    private static readonly UpscaleParams Main = new() { Model = "esrgan-slim-x4" };

    private static (WorkImage Image, StageOutcome Outcome) Run(UpscaleParams p)
    {
        using var resources = new StageResources(TestModels.Cache, LoadLimits.Default, Path.GetTempPath());
        using var prepared = new UpscaleStage().Prepare(p, resources);
        var outcome = prepared.Apply(Source, new StageContext(Source, SourceMetadata.Empty));
        using var stream = (UpscaledImage)outcome.Stream!;
        return (stream.Materialise(), outcome with { Report = stream.Report });
    }

    /// <summary>The blend weight of every output pixel, from the faces found on the input, as the stage makes it.</summary>
    private static float[] Weights(int width, int height, double feather)
    {
        using var detector = FaceDetector.FromCache(TestModels.Cache);
        var all = new float[width * height];
        foreach (var found in detector.Detect(Source, FaceMaskParams.Default))
        {
            var face = FaceFeather.Scaled(found, (double)width / Source.Width);
            var sigma = feather * face.Box.Width;
            var (x0, y0, w, h) = FaceFeather.Reach(face, sigma, width, height);
            var oval = FaceFeather.Oval(face, x0, y0, w, h, sigma);
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                    all[(y0 + y) * width + x0 + x] = Math.Max(all[(y0 + y) * width + x0 + x], oval[y * w + x]);
        }
        return all;
    }

    private static float[] Linear(WorkImage image) => Fixtures.Pixels(SrgbCurve.ToLinear(image.Pixels));

    [Fact]
    public void OutsideTheFacesIsTheMainUpscaleAndInsideIsTheFaceModel()
    {
        var faces = new FaceUpscaleParams { Model = "esrgan-medium-x4" };
        var (result, outcome) = Run(Main with { Faces = faces });
        var main = Fixtures.Pixels(models.Upscale(Source, Main).Pixels);
        var faceModel = Fixtures.Pixels(models.Upscale(Source, Main with { Model = "esrgan-medium-x4" }).Pixels);
        var got = Fixtures.Pixels(result.Pixels);
        var weight = Weights(result.Width, result.Height, faces.Feather);
        long inside = 0, outside = 0;
        double worstInside = 0, differs = 0;
        for (var i = 0; i < weight.Length; i++)
        {
            var d = Enumerable.Range(0, 3).Max(c => Math.Abs(got[i * 3 + c] - main[i * 3 + c]));
            if (weight[i] == 0)
            {
                Assert.True(d == 0, $"pixel {i % result.Width},{i / result.Width} outside the faces differs from the main upscale by {d}");
                outside++;
            }
            else if (weight[i] >= 0.9999f)
            {
                worstInside = Math.Max(worstInside, Enumerable.Range(0, 3).Max(c => Math.Abs(got[i * 3 + c] - faceModel[i * 3 + c])));
                differs += Enumerable.Range(0, 3).Max(c => Math.Abs(faceModel[i * 3 + c] - main[i * 3 + c]));
                inside++;
            }
        }
        output.WriteLine($"inside {inside} px, outside {outside} px, worst inside vs face model {worstInside * 255:0.0000}/255, models differ by {differs / inside * 255:0.00}/255 on average");
        Assert.True(inside > 5_000 && outside > inside, $"{inside} px inside, {outside} outside");
        // Inside (weight ≥ 0.9999): the face model's own whole-image output, but for the last 1e-4 of weight times the
        // models' gap (≤ 0.2, so 2e-5) and the sRGB curve's round trip (float): under 0.02 of an 8-bit level (measured
        // 0.0098 on the Flux portrait). The two models differ there by far more.
        Assert.True(worstInside < 0.02 / 255, $"inside a face the result is {worstInside * 255:0.0000}/255 from the face model's own upscale");
        Assert.True(differs / inside > 1.0 / 255, $"the models differ by {differs / inside * 255:0.00}/255 on the face: the test could not tell them apart");

        var record = Assert.IsType<UpscaleRecord>(outcome.Detail);
        var face = Assert.Single(record.Faces!);
        Assert.True(face.Pixels > 5_000 && face.Box[2] > 100, $"{face.Pixels} px, box {string.Join(",", face.Box)}");
        Assert.Contains(outcome.Models, m => m.Name == "esrgan-medium-x4");
        Assert.Equal(1, outcome.Report.Measurements["faces"]);
    }

    /// <summary>
    /// The step test: across the feathered edge, the blend's gradient (linear light, neighbour differences) may not
    /// exceed the larger of the two upscales' own gradients there by more than the feather's own slope can add:
    /// r₁ − r₀ = (1 − w₁)(M₁ − M₀) + w₁(F₁ − F₀) + (w₁ − w₀)(F₀ − M₀), so the excess over max(|ΔM|, |ΔF|) is at most
    /// |Δw|·|F − M|, and |Δw| ≤ 1/(σ√(2π)) for a gaussian edge. A hard paste (feather 0) puts the whole |F − M| in one
    /// pixel; the test checks it would see that.
    /// </summary>
    [Fact]
    public void TheFeatheredEdgeHasNoStep()
    {
        var main = Linear(models.Upscale(Source, Main));
        var faceModel = Linear(models.Upscale(Source, Main with { Model = "esrgan-medium-x4" }));
        var soft = new FaceUpscaleParams { Model = "esrgan-medium-x4" };
        var (feathered, _) = Run(Main with { Faces = soft });
        var (hard, _) = Run(Main with { Faces = soft with { Feather = 0 } });
        int w = feathered.Width, h = feathered.Height;
        var weight = Weights(w, h, soft.Feather);
        var hardWeight = Weights(w, h, 0);

        (double Band, double Interior, double Excess, double Own) Measure(float[] r, float[] wt)
        {
            double band = 0, interior = 0, excess = 0, ownBand = 0;
            long nb = 0, ni = 0;
            for (var y = 0; y < h - 1; y++)
                for (var x = 0; x < w - 1; x++)
                {
                    var i = y * w + x;
                    foreach (var j in new[] { i + 1, i + w })
                    {
                        var (w0, w1) = (wt[i], wt[j]);
                        var inner = w0 >= 0.999f && w1 >= 0.999f;
                        var crossing = w0 != w1 && !inner;
                        for (var c = 0; c < 3; c++)
                        {
                            var dr = Math.Abs(r[j * 3 + c] - r[i * 3 + c]);
                            var own = Math.Max(Math.Abs(main[j * 3 + c] - main[i * 3 + c]), Math.Abs(faceModel[j * 3 + c] - faceModel[i * 3 + c]));
                            if (crossing) { band += dr; ownBand += own; nb++; excess = Math.Max(excess, dr - own); }
                            else if (inner) { interior += dr; ni++; }
                        }
                    }
                }
            return (band / nb, interior / ni, excess, ownBand / nb);
        }

        var soft1 = Measure(Linear(feathered), weight);
        var hard1 = Measure(Linear(hard), hardWeight);
        var faceWidth = Assert.Single(Assert.IsType<UpscaleRecord>(Run(Main with { Faces = soft }).Outcome.Detail).Faces!).Box[2];
        var slope = 1 / (soft.Feather * faceWidth * Math.Sqrt(2 * Math.PI));
        var gap = Enumerable.Range(0, main.Length).Where(k => weight[k / 3] > 0).Max(k => Math.Abs(faceModel[k] - main[k]));
        output.WriteLine($"feathered: band gradient {soft1.Band:0.00000} (the larger upscale's {soft1.Own:0.00000}), interior {soft1.Interior:0.00000}, worst excess {soft1.Excess:0.00000} (bound {slope * gap:0.00000} = slope {slope:0.0000} × gap {gap:0.0000})");
        output.WriteLine($"hard paste: band gradient {hard1.Band:0.00000} (the larger upscale's {hard1.Own:0.00000}), interior {hard1.Interior:0.00000}, worst excess {hard1.Excess:0.00000}");
        // The bound, plus float slack for the sRGB round trip (1e-5 in linear light).
        Assert.True(soft1.Excess <= slope * gap + 1e-5, $"the feathered edge steps by {soft1.Excess:0.00000} beyond both upscales' gradients (bound {slope * gap:0.00000})");
        // On average across the band the blend is no busier than the busier of the two upscales there.
        Assert.True(soft1.Band <= soft1.Own, $"band gradient {soft1.Band:0.00000} above the upscales' own {soft1.Own:0.00000}");
        // A hard paste would fail the same bound: the measure can see a step.
        Assert.True(hard1.Excess > 4 * (slope * gap + 1e-5), $"a hard paste steps by only {hard1.Excess:0.00000}");
    }

    [Fact]
    public void AFaceModelPastTheMainScaleIsResampledToIt()
    {
        // Main ×2, face model ×4 only: the face crop goes ×4 and is brought to ×2 in linear light; the rest is untouched.
        var main = Main with { Model = "esrgan-slim-x2" };
        var faces = new FaceUpscaleParams { Model = "esrgan-medium-x4" };
        var (result, outcome) = Run(main with { Faces = faces });
        Assert.Equal((512, 512), (result.Width, result.Height));
        var plain = Fixtures.Pixels(models.Upscale(Source, main).Pixels);
        var got = Fixtures.Pixels(result.Pixels);
        var weight = Weights(result.Width, result.Height, faces.Feather);
        double inside = 0;
        long n = 0;
        for (var i = 0; i < weight.Length; i++)
        {
            var d = Enumerable.Range(0, 3).Max(c => Math.Abs(got[i * 3 + c] - plain[i * 3 + c]));
            if (weight[i] == 0) Assert.True(d == 0, $"pixel {i % result.Width},{i / result.Width} outside the faces differs by {d}");
            else if (weight[i] >= 0.9999f) { inside += d; n++; }
        }
        Assert.True(n > 1_000 && inside / n > 1.0 / 255, $"{n} px inside moved by {inside / n * 255:0.00}/255 on average");
        var face = Assert.Single(Assert.IsType<UpscaleRecord>(outcome.Detail).Faces!);
        Assert.True(face.Box[2] is > 100 and < 180, $"box {string.Join(",", face.Box)} in the ×2 output"); // 68 px on the input
    }

    [Fact]
    public void TwoMainPassesTakeTheFacesFromTheOriginalInput()
    {
        // Main ×2 then ×2 (the second pass streams), face model one ×4 pass on a crop of the original input.
        var main = Main with { Model = "esrgan-slim-x2", Passes = [2, 2] };
        var faces = new FaceUpscaleParams { Model = "esrgan-medium-x4" };
        var (result, _) = Run(main with { Faces = faces });
        var plain = Fixtures.Pixels(models.Upscale(Source, main).Pixels);
        var faceModel = Fixtures.Pixels(models.Upscale(Source, Main with { Model = "esrgan-medium-x4" }).Pixels);
        var got = Fixtures.Pixels(result.Pixels);
        var weight = Weights(result.Width, result.Height, faces.Feather);
        double worst = 0;
        for (var i = 0; i < weight.Length; i++)
        {
            if (weight[i] == 0) Assert.True(Enumerable.Range(0, 3).All(c => got[i * 3 + c] == plain[i * 3 + c]), $"pixel {i % result.Width},{i / result.Width} outside the faces changed");
            else if (weight[i] >= 0.9999f) worst = Math.Max(worst, Enumerable.Range(0, 3).Max(c => Math.Abs(got[i * 3 + c] - faceModel[i * 3 + c])));
        }
        output.WriteLine($"two passes: worst inside vs esrgan-medium-x4's own upscale {worst * 255:0.0000}/255");
        Assert.True(worst < 0.02 / 255, $"inside a face the result is {worst * 255:0.0000}/255 from the face model's own upscale");
    }

    [Fact]
    public void NoFaceIsAWarningAndTheMainUpscale()
    {
        var tree = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;
        using var resources = new StageResources(TestModels.Cache, LoadLimits.Default, Path.GetTempPath());
        using var prepared = new UpscaleStage().Prepare(Main with { Faces = new FaceUpscaleParams { Model = "esrgan-medium-x4" } }, resources);
        var outcome = prepared.Apply(tree, new StageContext(tree, SourceMetadata.Empty));
        using var stream = (UpscaledImage)outcome.Stream!;
        var image = stream.Materialise();
        Assert.Contains("upscale.faces: no face found; the whole image took the main model", stream.Report.Warnings);
        Assert.Equal(Fixtures.Pixels(models.Upscale(tree, Main).Pixels), Fixtures.Pixels(image.Pixels));
        Assert.Empty(Assert.IsType<UpscaleRecord>(outcome.Detail).Faces!);
    }

    [Fact]
    public void AutoIsNotAFaceModel()
    {
        Assert.Contains(new FaceUpscaleParams { Model = "auto" }.Problems(), p => p.Key == "model");
        Assert.Empty(new FaceUpscaleParams().Problems());
    }
}
