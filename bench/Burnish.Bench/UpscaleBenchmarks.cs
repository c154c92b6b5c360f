using BenchmarkDotNet.Attributes;
using Burnish.Imaging;
using Burnish.Models;
using Burnish.Stages.Upscale;

namespace Burnish.Bench;

/// <summary>
/// The upscale stage on UpscalerJS's own 128 px fixture, whole image, as bench/upscale-throughput.sh times UpscalerJS
/// (tfjs, wasm backend) on the same weights: model run, clip, result in memory. Sessions are created once in setup,
/// as in a batch. Models come from the model cache ($BURNISH_MODELS, which the script sets, or the user's cache).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class UpscaleBenchmarks
{
    private UpscaleModels models = null!;
    private WorkImage input = null!;

    /// <summary>Model and input edge: 128 is UpscalerJS's fixture; 512 adds tiling (left out for thick, ~30 s a run).</summary>
    [Params("esrgan-slim-x2@128", "esrgan-slim-x4@128", "esrgan-medium-x2@128", "esrgan-medium-x4@128", "esrgan-thick-x2@128", "esrgan-thick-x4@128",
        "esrgan-slim-x4@512", "esrgan-medium-x4@512")]
    public string Case { get; set; } = "";

    private string Model => Case.Split('@')[0];
    private int Edge => int.Parse(Case.Split('@')[1], System.Globalization.CultureInfo.InvariantCulture);

    [GlobalSetup]
    public void Setup()
    {
        NetVips.Cache.Max = 0;
        models = new UpscaleModels(new ModelCache(ModelCache.DefaultRoot()), Device.Cpu, null);
        var fixture = ImageLoader.Load(Repository.File("tests/Burnish.Core.Tests/fixtures/sr-golden/fixture_128.png"), LoadLimits.Default).Image;
        var rgb = fixture.WithPixels(fixture.Colour);
        input = Edge == 128 ? rgb : rgb.WithPixels(rgb.Pixels.Replicate(Edge / 128, Edge / 128).CopyMemory());
        Run(); // loads the session
    }

    [Benchmark]
    public int Run()
    {
        using var result = Upscale.Apply(input, new UpscaleParams { Model = Model }, models);
        return result.Materialise().Width;
    }

    [GlobalCleanup]
    public void Cleanup() => models.Dispose();
}
