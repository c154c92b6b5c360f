using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Burnish.Backends;
using Burnish.Core.Tests.Backends.A1111;
using Burnish.Core.Tests.Backends.ComfyUi;
using Burnish.Imaging;
using Burnish.Imaging.Generation;
using Burnish.Stages.Outpaint;
using NetVips;

namespace Burnish.Core.Tests.Backends;

/// <summary>
/// <c>outpaint: {method: diffusion}</c> against the protocol test servers (not real SD servers, which cannot run here):
/// each band of the stepped plan goes up as the padded canvas with the band white, then the seam strip again at low
/// denoise; the original outside the seam strips stays bit for bit, the drift check still measures every band, and
/// each way a server fails is one line.
/// </summary>
public sealed class DiffusionOutpaintTests
{
    private static readonly GenerationParams Generation = new(GenerationTools.Automatic1111, "a valley in yosemite, granite cliffs", "blurry",
        99, "v1-5-pruned-emaonly", "Euler a", null, 20, 7, 512, 512, new Dictionary<string, string>());

    private static WorkImage Valley() => ImageLoader.Load(Fixtures.PathOf("outpaint", "yosemite-384x288.png"), LoadLimits.Default).Image;

    private static BackendSpec Spec(string url, BackendKind kind = BackendKind.A1111, double timeout = 600, int retries = 1) =>
        new() { Name = "gpu", Kind = kind, Url = url, Timeout = timeout, Retries = retries, ConnectTimeout = 2 };

    private static OutpaintParams Params(BackendSpec spec) => new OutpaintParams
    {
        Aspect = AspectRatio.Parse("16:9"),
        Method = OutpaintMethod.Diffusion,
        Backend = spec.Name,
        Prompt = "more of the valley",
        Diffusion = new DiffusionParams { Size = 256 },
    }.WithEndpoint(spec);

    private static OutpaintResult Extend(OutpaintParams p, WorkImage image, CancellationToken cancel = default)
    {
        using var clients = new BackendClients();
        return Outpaint.Extend(image, p.Aspect!.Value, p, new OutpaintServer(clients.For(p.Endpoint!), Generation), cancel);
    }

    [Fact]
    public async Task Each_band_is_the_padded_canvas_with_the_band_white_then_its_seam_at_low_denoise()
    {
        await using var server = await A1111TestServer.StartAsync();
        var image = Valley();
        var p = Params(Spec(server.Url));
        var result = Extend(p, image);

        Assert.Empty(server.Problems);
        var plan = OutpaintPlan.For(image.Width, image.Height, p.Aspect!.Value, p.Anchor, p.Step);
        Assert.Equal((plan.CanvasWidth, plan.CanvasHeight), (result.Image.Width, result.Image.Height));
        var bands = plan.Steps.Sum(s => (s.Before > 0 ? 1 : 0) + (s.After > 0 ? 1 : 0));
        Assert.Equal(2 * bands, server.Requests.Count);
        Assert.Equal(2 * bands, result.Server.Count);
        var byTask = server.Requests.ToDictionary(r => (string)r["force_task_id"]!);
        foreach (var job in result.Server)
        {
            var body = byTask[job.TaskId];
            Assert.Equal("more of the valley, a valley in yosemite, granite cliffs", (string)body["prompt"]!);
            Assert.Equal(256, Math.Max((int)body["width"]!, (int)body["height"]!));
            var seam = job.Part!.EndsWith(" seam", StringComparison.Ordinal);
            // Bands start from blurred surroundings at high denoise; seams from what is there at low denoise.
            Assert.Equal(seam ? 0.35 : 0.9, (double)body["denoising_strength"]!);
            Assert.Equal(seam ? 1 : 0, (int)body["inpainting_fill"]!);
            using var mask = Image.NewFromBuffer(Convert.FromBase64String((string)body["mask"]!));
            var columns = ColumnMeans(mask);
            var outerFirst = job.Part.Contains(".left", StringComparison.Ordinal);
            var (outer, inner) = outerFirst ? (columns[0], columns[^1]) : (columns[^1], columns[0]);
            if (seam)
                // A strip across the boundary: white inside, black at both ends of its window.
                Assert.True(columns.Max() > 254 && outer < 1 && inner < 1, $"{job.Part}: max column mean {columns.Max():0.0}, ends {outer:0.0}, {inner:0.0}");
            else
                // White (repaint) on the outer side, where the canvas grew; black over the existing image.
                Assert.True(outer > 254 && inner < 1, $"{job.Part}: outer column mean {outer:0.0}, inner {inner:0.0}");
        }

        // The original outside the seam strips (half the seam width inside its edges) is untouched, bit for bit.
        var keep = p.Seam / 2;
        var before = Fixtures.Pixels(image.Pixels.Crop(keep, 0, image.Width - 2 * keep, image.Height));
        var after = Fixtures.Pixels(result.Image.Pixels.Crop(plan.OriginX + keep, 0, image.Width - 2 * keep, image.Height));
        Assert.Equal(before, after);

        // The drift check still measures every band.
        Assert.Equal(plan.Steps.Count, result.Report.Measurements["steps"]);
        Assert.Contains("step1.left.dE", result.Report.Measurements.Keys);
        Assert.Contains("step2.right.dE", result.Report.Measurements.Keys);
    }

    [Fact]
    public async Task A_bands_core_is_the_servers_answer_pasted_back_at_the_canvas_size()
    {
        await using var server = await A1111TestServer.StartAsync();
        var image = Valley();
        var p = Params(Spec(server.Url)) with { Seam = 0 };
        var result = Extend(p, image);
        // The test server inverts what it is sent under the mask; a band starts as copies of the edge column, so the
        // outermost step-1 column on the left holds the inverse of the original's first column: within 3/255 on
        // average after the Lanczos scale to 256 px and back (measured below).
        var plan = OutpaintPlan.For(image.Width, image.Height, p.Aspect!.Value, p.Anchor, p.Step);
        var step1 = plan.Steps[0];
        var x = plan.OriginX - step1.Before / 2;
        var edge = Fixtures.Pixels(Srgb(image).Crop(0, 0, 1, image.Height));
        var band = Fixtures.Pixels(Srgb(result.Image).Crop(x, 0, 1, image.Height));
        var error = edge.Zip(band, (a, b) => Math.Abs(1 - a - b)).Average();
        Console.WriteLine($"outpaint diffusion: mean |band − inverse of the edge| {error * 255:0.00}/255");
        Assert.True(error < 3 / 255.0, $"mean |band − inverse of the edge| {error * 255:0.00}/255");
    }

    [Fact]
    public async Task On_comfyui_each_band_and_seam_is_one_graph_with_the_band_as_the_uploads_transparency()
    {
        await using var server = await ComfyUiTestServer.StartAsync();
        var image = Valley();
        var p = Params(Spec(server.Url, BackendKind.Comfyui));
        var result = Extend(p, image);
        Assert.Empty(server.Problems);
        Assert.Equal(result.Server.Count, server.PromptPosts);
        var denoise = server.Prompts.Select(g => (double)g["prompt"]!.AsObject().Select(kv => kv.Value!).First(n => (string)n["class_type"]! == "KSampler")["inputs"]!["denoise"]!).ToList();
        Assert.Equal(result.Server.Count / 2, denoise.Count(d => d == 0.9));
        Assert.Equal(result.Server.Count / 2, denoise.Count(d => d == 0.35));
    }

    [Fact]
    public async Task A_server_error_is_one_line_naming_the_step_and_band()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { Fail500When = "valley" });
        var e = Assert.Throws<BurnishException>(() => Extend(Params(Spec(server.Url)), Valley()));
        Assert.Matches(@"^outpaint 16:9, step 1 (left|right) band: back-end gpu \(a1111 .*\): HTTP 500", e.Message);
        Assert.Contains("CUDA out of memory", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_timeout_after_acceptance_interrupts_and_sends_nothing_twice()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { HoldAccepted = TimeSpan.FromSeconds(60) });
        var e = Assert.Throws<BurnishException>(() => Extend(Params(Spec(server.Url, timeout: 1.5, retries: 3)), Valley()));
        Assert.Contains("no result within 1.5 s", e.Message, StringComparison.Ordinal);
        Assert.Contains("had accepted the job", e.Message, StringComparison.Ordinal);
        // Both sides of step 1 were sent at once; each was taken once and never again.
        Assert.InRange(server.Img2ImgPosts, 1, 2);
        Assert.Equal(server.Requests.Count, server.Img2ImgPosts);
        Assert.Equal(server.Requests.Select(r => (string)r["force_task_id"]!).Distinct().Count(), server.Img2ImgPosts);
    }

    [Fact]
    public async Task An_answer_of_another_size_is_refused()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { WrongWidthBy = 8 });
        var e = Assert.Throws<BurnishException>(() => Extend(Params(Spec(server.Url)), Valley()));
        Assert.Matches(@"returned a \d+×\d+ image for a \d+×\d+ request", e.Message);
    }

    [Fact]
    public void A_refused_connection_is_one_line()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var e = Assert.Throws<BurnishException>(() => Extend(Params(Spec($"http://127.0.0.1:{port}")), Valley()));
        Assert.Contains("cannot connect", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Diffusion_keys_need_method_diffusion_and_a_backend()
    {
        Assert.Contains(new OutpaintParams { Aspect = AspectRatio.Parse("16:9"), Method = OutpaintMethod.Diffusion }.Problems(), p => p.Key == "method");
        Assert.Contains(new OutpaintParams { Aspect = AspectRatio.Parse("16:9"), Prompt = "sky" }.Problems(), p => p.Key == "prompt");
    }

    private static Image Srgb(WorkImage image) => ColourSpaces.Convert(new WorkImage(image.Colour, image.Profile), ShippedProfiles.Srgb).Pixels;

    private static double[] ColumnMeans(Image mask)
    {
        var data = mask.WriteToMemory<byte>();
        var means = new double[mask.Width];
        for (var y = 0; y < mask.Height; y++)
            for (var x = 0; x < mask.Width; x++)
                means[x] += data[y * mask.Width + x] / (double)mask.Height;
        return means;
    }
}
