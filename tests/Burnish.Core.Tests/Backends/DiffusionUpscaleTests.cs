using System.Text.Json.Nodes;
using Burnish.Backends;
using Burnish.Core.Tests.Backends.A1111;
using Burnish.Imaging;
using Burnish.Imaging.Generation;
using Burnish.Stages.Upscale;
using NetVips;

namespace Burnish.Core.Tests.Backends;

/// <summary>
/// <c>upscale: {method: diffusion}</c>'s tile redraw against the A1111 protocol test server (not a real SD server, which
/// cannot run here), whose transform is per pixel (masked pixels inverted): tiled against a single tile and on a
/// gradient, any difference is the tiling's own (placement, weights, quantisation), since the server adds none. A
/// stand-in that drifts per tile, as a real redraw does, measures what the feathered cut does to such a step.
/// </summary>
public sealed class DiffusionUpscaleTests
{
    private static readonly GenerationParams Generation = new(GenerationTools.Automatic1111, "a girl in a flower field, film photo", "cartoon",
        5, "v1-5-pruned-emaonly", "DPM++ 2M", null, 24, 6, 512, 512, new Dictionary<string, string>());

    private static BackendSpec Spec(string url) => new() { Name = "gpu", Kind = BackendKind.A1111, Url = url, Retries = 1, ConnectTimeout = 2 };

    private static UpscaleParams Params(BackendSpec spec, int size, int padding) => new UpscaleParams
    {
        Method = UpscaleMethod.Diffusion,
        Backend = spec.Name,
        Prompt = "sharp focus",
        Diffusion = new DiffusionParams { Size = size, Padding = padding },
    }.WithEndpoint(spec);

    private static WorkImage Girl() => ImageLoader.Load(Fixtures.PathOf("upscale", "flux-girl-256.png"), LoadLimits.Default).Image;

    private static DiffusionRedraw Redraw(IDiffusionBackend backend, WorkImage image, UpscaleParams p) =>
        DiffusionTiles.Redraw(image, p, new UpscaleServer(backend, Generation));

    [Fact]
    public async Task Tiled_equals_one_tile_and_every_tile_carries_the_images_own_prompt()
    {
        await using var server = await A1111TestServer.StartAsync();
        using var clients = new BackendClients();
        var spec = Spec(server.Url);
        var image = Girl();
        var tiled = Redraw(clients.For(spec), image, Params(spec, 96, 16));
        var tiles = server.Requests.Count;
        var single = Redraw(clients.For(spec), image, Params(spec, 256, 16));

        Assert.Empty(server.Problems);
        // 256 px in 96 px tiles overlapping by 16: cores of at most 64 px, 4 a side.
        Assert.Equal(TilePlan.Overlapping(256, 256, 96, 16).Count, tiles);
        Assert.Equal(16, tiles);
        Assert.Equal(tiles + 1, server.Requests.Count);
        foreach (var body in server.Requests)
        {
            Assert.Equal("sharp focus, a girl in a flower field, film photo", (string)body["prompt"]!);
            Assert.Equal("cartoon", (string)body["negative_prompt"]!);
            Assert.Equal(0.3, (double)body["denoising_strength"]!);
            Assert.Equal(5, (long)body["seed"]!);
            using var mask = Image.NewFromBuffer(Convert.FromBase64String((string)body["mask"]!));
            Assert.Equal(255, mask.Min()); // the whole tile is redrawn (img2img)
        }
        Assert.Equal(tiles, tiled.Jobs.Count);
        // The server's transform is per pixel, so the tiles agree wherever they overlap and the cross-fade of equal
        // values is that value: tiled and single differ only by float rounding (bound 1e-4, measured below).
        var a = Fixtures.Pixels(tiled.Image.Colour);
        var b = Fixtures.Pixels(single.Image.Colour);
        var worst = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        Console.WriteLine($"diffusion upscale: tiled vs one tile, max |Δ| {worst:E2}");
        Assert.True(worst < 1e-4, $"tiled vs one tile: max |Δ| {worst}");
        Assert.Equal(image.Alpha is null, tiled.Image.Alpha is null);
    }

    [Fact]
    public async Task A_gradient_redrawn_in_tiles_has_no_step_at_the_cuts()
    {
        await using var server = await A1111TestServer.StartAsync();
        using var clients = new BackendClients();
        var spec = Spec(server.Url);
        // A 16-bit-smooth ramp, 0.1 → 0.9 across 400 px: each neighbour step 0.002 (0.51/255).
        var ramp = (Image.Xyz(400, 1)[0].Cast(Enums.BandFormat.Float) / 399.0 * 0.8 + 0.1)
            .Embed(0, 0, 400, 64, extend: Enums.Extend.Copy);
        var image = new WorkImage(ramp.Bandjoin(ramp, ramp).Copy(interpretation: Enums.Interpretation.Srgb).CopyMemory(), ShippedProfiles.Srgb);
        var p = Params(spec, 128, 32);
        var redrawn = Redraw(clients.For(spec), image, p);
        var plan = TilePlan.Overlapping(400, 64, 128, 32);
        Assert.True(plan.Columns.Count > 2);

        var row = Fixtures.Pixels(redrawn.Image.Colour.Crop(0, 32, 400, 1).ExtractBand(0));
        var steps = row.Zip(row.Skip(1), (x, y) => Math.Abs(y - x)).ToArray();
        var atCuts = plan.Columns.Skip(1).SelectMany(c => Enumerable.Range(c.CoreStart - c.Feather - 1, 2 * c.Feather + 2)).Select(x => steps[x]).Max();
        var elsewhere = steps.Max();
        Console.WriteLine($"diffusion upscale gradient: largest step at the cuts {atCuts * 255:0.00}/255, anywhere {elsewhere * 255:0.00}/255");
        // The 8-bit trip quantises the ramp into steps of at most 1/255 (two ramp steps can share a level); the cuts
        // may add nothing to that: bound 1/255 + 1e-4.
        Assert.True(elsewhere <= 1 / 255.0 + 1e-4, $"largest step {elsewhere * 255:0.000}/255");
        Assert.True(atCuts <= elsewhere + 1e-6);
    }

    [Fact]
    public void A_tile_that_drifts_is_faded_across_the_cut_not_butted()
    {
        // A redraw that lifts each tile by its own amount (0, 8/255, 16/255 … by column), as a real model's tiles drift.
        var image = new WorkImage((Image.Black(400, 32, bands: 3) + 0.5).Copy(interpretation: Enums.Interpretation.Srgb).CopyMemory(), ShippedProfiles.Srgb);
        var backend = new DriftingBackend(8);
        var p = Params(Spec("http://127.0.0.1:9"), 128, 32);
        var redrawn = Redraw(backend, image, p);
        var plan = TilePlan.Overlapping(400, 32, 128, 32);
        var row = Fixtures.Pixels(redrawn.Image.Colour.Crop(0, 16, 400, 1).ExtractBand(0));
        var largest = row.Zip(row.Skip(1), (x, y) => Math.Abs(y - x)).Max();
        // Butted, the 8/255 step would show whole; faded over 2 × feather px it is at most 8/255 / (2 × feather),
        // plus the 8-bit quantisation of each tile (1/255) that the ramp crosses.
        var bound = (8 / 255.0) / (2 * plan.Feather) + 1 / 255.0;
        Console.WriteLine($"diffusion upscale drift: feather {plan.Feather} px, largest step {largest * 255:0.00}/255 (bound {bound * 255:0.00}/255)");
        Assert.True(largest <= bound, $"largest step {largest * 255:0.00}/255, bound {bound * 255:0.00}/255");
        Assert.True(largest < 8 / 255.0 / 2);

        // The same drift with no overlap (padding 0) is a butt cut: the whole step shows.
        var butted = Redraw(new DriftingBackend(8), image, Params(Spec("http://127.0.0.1:9"), 128, 0));
        var buttRow = Fixtures.Pixels(butted.Image.Colour.Crop(0, 16, 400, 1).ExtractBand(0));
        Assert.True(buttRow.Zip(buttRow.Skip(1), (x, y) => Math.Abs(y - x)).Max() > 7 / 255.0);
    }

    [Fact]
    public async Task Cancelling_the_redraw_interrupts_the_servers_job_and_returns_nothing()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { HoldAccepted = TimeSpan.FromSeconds(60) });
        using var clients = new BackendClients();
        var spec = Spec(server.Url);
        using var cancel = new CancellationTokenSource();
        var run = Task.Run(() => DiffusionTiles.Redraw(Girl(), Params(spec, 96, 16), new UpscaleServer(clients.For(spec), Generation), cancel: cancel.Token));
        await server.Accepted.WaitAsync(TimeSpan.FromSeconds(60));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(1, server.Img2ImgPosts);
        Assert.Equal(1, server.Interrupts);
    }

    [Fact]
    public void Diffusion_keys_need_method_diffusion_and_a_core_in_each_tile()
    {
        Assert.Contains(new UpscaleParams { Method = UpscaleMethod.Diffusion }.Problems(), p => p.Key == "method");
        Assert.Contains(new UpscaleParams { Prompt = "sharp" }.Problems(), p => p.Key == "prompt");
        Assert.Contains(new UpscaleParams { Method = UpscaleMethod.Diffusion, Backend = "x", Diffusion = new DiffusionParams { Size = 128, Padding = 60 } }.Problems(),
            p => p.Key == "diffusion.padding");
    }

    /// <summary>An in-process server whose answer is the tile, lifted by <c>step</c>/255 per tile column it starts in (as real redraws drift).</summary>
    private sealed class DriftingBackend(int step) : IDiffusionBackend
    {
        private int calls;

        public BackendSpec Spec { get; } = new() { Name = "drift", Kind = BackendKind.A1111, Url = "http://127.0.0.1:9" };

        public Task<BackendCapabilities> CapabilitiesAsync(CancellationToken cancel) =>
            Task.FromResult(new BackendCapabilities("test", [], [], null, []));

        public Task<InpaintResult> InpaintAsync(InpaintRequest request, IProgress<double>? progress, CancellationToken cancel)
        {
            var lift = step * Interlocked.Increment(ref calls);
            using var sent = Image.NewFromBuffer(request.Image);
            using var lifted = (sent + lift).Cast(Enums.BandFormat.Uchar);
            return Task.FromResult(new InpaintResult(lifted.PngsaveBuffer(), request.Seed, null, null, request.Steps, request.Cfg, "test", $"t{calls}"));
        }

        public Task<RestoreResult> RestoreFacesAsync(RestoreRequest request, CancellationToken cancel) => throw new NotSupportedException();
    }
}
