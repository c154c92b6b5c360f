using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Burnish.Backends;
using Burnish.Imaging;
using Burnish.Imaging.Generation;
using Burnish.Schema;
using Burnish.Stages.Repair;
using Burnish.Stages.Repair.Diffusion;
using NetVips;

namespace Burnish.Core.Tests.Backends.A1111;

/// <summary>
/// <c>repair: [{method: diffusion}]</c> against the A1111 protocol test server (not a real SD server, which cannot run
/// here): what is sent (crop, size, mask polarity, prompt and settings from the image's metadata), how the answer is
/// pasted back, what the sidecar records, and one clear line for each way a server fails.
/// </summary>
public sealed class A1111RepairTests
{
    private static readonly GenerationParams Generation = new(GenerationTools.Automatic1111, "a house by a lake, golden hour", "blurry, lowres",
        1234, "v1-5-pruned-emaonly", "Euler a", null, 25, 6.5, 512, 512, new Dictionary<string, string> { ["Model hash"] = "6ce0161689" });

    private static SourceMetadata Metadata(GenerationParams? generation = null) => SourceMetadata.Empty with { Generation = generation ?? Generation };

    private static BackendSpec Spec(string url, double timeout = 600, int retries = 2) =>
        new() { Name = "gpu", Kind = BackendKind.A1111, Url = url, Timeout = timeout, Retries = retries, ConnectTimeout = 2 };

    private static RepairPass Pass(BackendSpec spec, double feather = 2, DiffusionParams? diffusion = null) => new RepairPass
    {
        Boxes = [[new Length(100, false), new Length(60, false), new Length(70, false), new Length(40, false)]],
        Feather = feather,
        Method = RepairMethod.Diffusion,
        Backend = spec.Name,
        Prompt = "a red wooden door",
        Negative = "text",
        Denoise = 0.55,
        Diffusion = diffusion,
    }.WithEndpoint(spec);

    private static (WorkImage Image, RepairReport Report) Repair(RepairPass pass, WorkImage image, SourceMetadata? metadata = null, CancellationToken cancel = default)
    {
        using var clients = new BackendClients();
        using var plan = RepairPlan.Load([pass], backends: clients.For);
        return Burnish.Stages.Repair.Repair.Apply(image, plan, metadata ?? Metadata(), null, cancel);
    }

    private static WorkImage Tree() => ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;

    [Fact]
    public async Task Sends_the_masked_crop_at_the_model_size_with_white_to_repaint_and_the_images_own_settings()
    {
        await using var server = await A1111TestServer.StartAsync();
        var image = Tree();
        var pass = Pass(Spec(server.Url));
        var (_, report) = Repair(pass, image);

        Assert.Empty(server.Problems);
        var body = Assert.Single(server.Requests);
        // The box 100,60 70×40 feathered by σ 2 reaches 2σ + the blur's tail past its edge; plus 32 px padding.
        var record = Assert.IsType<DiffusionPassRecord>(report.Passes[0].Server);
        var crop = record.Crop;
        Assert.InRange(crop[0], 100 - 32 - 10, 100 - 32);
        Assert.InRange(crop[1], 60 - 32 - 10, 60 - 32);
        Assert.Equal(512, Math.Max(record.ModelSize[0], record.ModelSize[1]));
        Assert.Equal(record.ModelSize[0], (int)body["width"]!);
        Assert.Equal(record.ModelSize[1], (int)body["height"]!);
        Assert.Equal("a red wooden door, a house by a lake, golden hour", (string)body["prompt"]!);
        Assert.Equal("text, blurry, lowres", (string)body["negative_prompt"]!);
        Assert.Equal(0.55, (double)body["denoising_strength"]!);
        Assert.Equal(1234, (long)body["seed"]!);
        Assert.Equal("Euler a", (string)body["sampler_name"]!);
        Assert.Equal(25, (int)body["steps"]!);
        Assert.Equal(6.5, (double)body["cfg_scale"]!);
        Assert.Equal(1, (int)body["inpainting_fill"]!);
        Assert.Equal(4, (int)body["mask_blur"]!);
        Assert.Equal(0, (int)body["inpainting_mask_invert"]!);
        Assert.Equal("v1-5-pruned-emaonly.safetensors [6ce0161689]", (string)body["override_settings"]!["sd_model_checkpoint"]!);

        // Polarity: the mask is white over the pass's coverage, scaled to the model's size. A model pixel that the
        // tent-filtered hole touches at all is repainted (better a little more than a seam), and the enlargement to a
        // non-whole factor goes up to the next whole one and back down, so the white may reach up to 2 image pixels
        // (2 × scale model pixels) further out, never less far.
        using var sentMask = Image.NewFromBuffer(Convert.FromBase64String((string)body["mask"]!));
        var scale = record.ModelSize[0] / (double)crop[2];
        var mask = RepairMasks.Build(pass, image, null, null);
        var (bx, by, bw, bh) = mask.Bounds()!.Value;
        var white = Bounds(sentMask.WriteToMemory<byte>(), sentMask.Width, sentMask.Height);
        Assert.InRange(white.X, (bx - crop[0] - 2) * scale, (bx - crop[0]) * scale + 1);
        Assert.InRange(white.Right, (bx + bw - crop[0]) * scale - 1, (bx + bw - crop[0] + 2) * scale);
        Assert.InRange(white.Y, (by - crop[1] - 2) * scale, (by - crop[1]) * scale + 1);
        Assert.InRange(white.Bottom, (by + bh - crop[1]) * scale - 1, (by + bh - crop[1] + 2) * scale);
    }

    [Fact]
    public async Task Pixels_the_mask_does_not_reach_keep_their_16_bit_values_and_the_masked_ones_take_the_servers()
    {
        await using var server = await A1111TestServer.StartAsync();
        var image = Tree();
        var pass = Pass(Spec(server.Url));
        var (repaired, _) = Repair(pass, image);
        var mask = RepairMasks.Build(pass, image, null, null).ToArray();

        var before = Fixtures.Pixels(image.Pixels);
        var after = Fixtures.Pixels(repaired.Pixels);
        Assert.Equal(before.Length, after.Length);
        var bands = image.Pixels.Bands;
        var changedOutside = 0;
        for (var i = 0; i < mask.Length; i++)
            if (mask[i] == 0)
                for (var c = 0; c < bands; c++)
                    if (before[i * bands + c] != after[i * bands + c]) changedOutside++;
        Assert.Equal(0, changedOutside);

        // Inside the box's core (fully covered, 3 px from its edge) the result is the server's transform, the sRGB
        // inverse of the 8-bit sRGB it was sent (the fixture's wide-gamut colours clipped to sRGB on the way), back through
        // a Lanczos scale each way and the profile: within 5/255 on average (measured 3.85/255, the round trip on the
        // tree's fine texture; with libvips' own enlargement, half a pixel off, it was 8.5/255).
        var srgb = ColourSpaces.Convert(new WorkImage(image.Colour, image.Profile), ShippedProfiles.Srgb).Pixels;
        var result = ColourSpaces.Convert(new WorkImage(repaired.Colour, repaired.Profile), ShippedProfiles.Srgb).Pixels;
        var (s, r) = (Fixtures.Pixels(srgb.Crop(103, 63, 64, 34)), Fixtures.Pixels(result.Crop(103, 63, 64, 34)));
        var error = s.Zip(r, (a, b) => Math.Abs(1 - Math.Clamp(a, 0, 1) - b)).Average();
        Assert.True(error < 5 / 255.0, $"mean |result − inverse| in the core {error * 255:0.00}/255");
        Console.WriteLine($"diffusion paste: mean |result − inverse| in the core {error * 255:0.000}/255");
        Assert.Equal(image.Alpha is null, repaired.Alpha is null);
    }

    [Fact]
    public async Task The_sidecar_records_the_server_without_credentials_and_what_the_job_ran_with()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { Auth = "burnish:s3cret" });
        var url = server.Url.Replace("http://", "http://burnish:s3cret@", StringComparison.Ordinal);
        var (_, report) = Repair(Pass(Spec(url)), Tree());
        var record = Assert.IsType<DiffusionPassRecord>(report.Passes[0].Server);
        Assert.Equal("a1111", record.Kind);
        Assert.Equal(server.Url, record.Url);
        Assert.DoesNotContain("s3cret", System.Text.Json.JsonSerializer.Serialize(report));
        Assert.Equal(A1111TestServer.Version, record.ServerVersion);
        Assert.Equal("v1-5-pruned-emaonly", record.Checkpoint);
        Assert.Equal(("Euler a", 25, 6.5, 1234L, 0.55), (record.Sampler, record.Steps, record.Cfg, record.Seed, record.Denoise));
        Assert.StartsWith("burnish-", record.TaskId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_the_server_lacks_fall_back_to_its_own_and_the_pass_can_leave_out_the_images_prompt()
    {
        await using var server = await A1111TestServer.StartAsync();
        var generation = Generation with { Model = "someone-elses-model", Sampler = "UniPC", Extra = new Dictionary<string, string>() };
        Repair(Pass(Spec(server.Url), diffusion: new DiffusionParams { OwnPrompt = false }), Tree(), Metadata(generation));
        var body = Assert.Single(server.Requests);
        Assert.Null(body["sampler_name"]);
        Assert.Null(body["override_settings"]!["sd_model_checkpoint"]);
        Assert.Equal("a red wooden door", (string)body["prompt"]!);
    }

    [Fact]
    public async Task An_unknown_checkpoint_is_one_line_and_nothing_is_sent()
    {
        await using var server = await A1111TestServer.StartAsync();
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec(server.Url), diffusion: new DiffusionParams { Checkpoint = "nope" }), Tree()));
        Assert.Contains("has no checkpoint 'nope'", e.Message, StringComparison.Ordinal);
        Assert.Contains("v1-5-pruned-emaonly.safetensors [6ce0161689]", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(0, server.Img2ImgPosts);
    }

    [Fact]
    public void A_refused_connection_is_tried_again_then_one_line()
    {
        var port = FreePort();
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec($"http://127.0.0.1:{port}", retries: 1)), Tree()));
        Assert.Contains($"gpu (a1111 http://127.0.0.1:{port})", e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot connect", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 tries", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task A_server_error_is_one_line_with_its_reason_and_is_not_sent_again()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { Fail500When = "door" });
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec(server.Url)), Tree()));
        Assert.Contains("HTTP 500", e.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA out of memory", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Img2ImgPosts);
    }

    [Fact]
    public async Task A_timeout_after_the_server_accepted_the_job_interrupts_it_and_never_sends_it_again()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { HoldAccepted = TimeSpan.FromSeconds(60) });
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec(server.Url, timeout: 1.5, retries: 3)), Tree()));
        Assert.Contains("no result within 1.5 s", e.Message, StringComparison.Ordinal);
        Assert.Contains("had accepted the job", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Img2ImgPosts);
        Assert.Equal(1, server.Interrupts);
    }

    [Fact]
    public async Task Cancelling_interrupts_the_servers_job()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { HoldAccepted = TimeSpan.FromSeconds(60) });
        using var cancel = new CancellationTokenSource();
        var run = Task.Run(() => Repair(Pass(Spec(server.Url)), Tree(), cancel: cancel.Token));
        await server.Accepted.WaitAsync(TimeSpan.FromSeconds(60));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(1, server.Img2ImgPosts);
        Assert.Equal(1, server.Interrupts);
    }

    [Fact]
    public async Task An_oversized_request_is_one_line_that_says_what_to_change()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { MaxBodyBytes = 10_000 });
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec(server.Url)), Tree()));
        Assert.Contains("refused as too large (HTTP 413)", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Img2ImgPosts);
    }

    [Fact]
    public async Task An_image_of_another_size_is_refused_not_stretched()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { WrongWidthBy = 8 });
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec(server.Url)), Tree()));
        Assert.Matches(@"returned a \d+×\d+ image for a \d+×\d+ request", e.Message);
    }

    [Fact]
    public void A_pass_without_a_known_backend_fails_when_the_plan_is_made()
    {
        var pass = (Pass(Spec("http://127.0.0.1:9")) with { Backend = "nowhere" }).WithEndpoint(null);
        var e = Assert.Throws<BurnishException>(() => RepairPlan.Load([pass], backends: new BackendClients().For));
        Assert.Contains("backend 'nowhere' is not among the recipe's backends", e.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static (int X, int Y, int Right, int Bottom) Bounds(byte[] mask, int width, int height)
    {
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                if (mask[y * width + x] > 127) (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
        return (x0, y0, x1 + 1, y1 + 1);
    }
}
