using System.Net;
using System.Net.Sockets;
using Burnish.Backends;
using Burnish.Imaging;
using Burnish.Stages.Repair;
using Burnish.Stages.Repair.Restore;
using NetVips;

namespace Burnish.Core.Tests.Backends.A1111;

/// <summary>
/// <c>repair: [{method: restore, model: gfpgan|codeformer}]</c> through A1111's <c>POST /sdapi/v1/extra-single-image</c>,
/// against the protocol test server (which checks the body against ExtrasSingleImageRequest and answers the image
/// inverted, as its stand-in for a restorer): what is sent, that only the mask changes, and the failure lines.
/// </summary>
public sealed class A1111RestoreTests
{
    private static BackendSpec Spec(string url, BackendKind kind = BackendKind.A1111, double timeout = 600) =>
        new() { Name = "gpu", Kind = kind, Url = url, Timeout = timeout, Retries = 1, ConnectTimeout = 2 };

    private static RepairPass Pass(BackendSpec spec, string model = "gfpgan", double? strength = 0.7, double? fidelity = null) => new RepairPass
    {
        Ellipses = [[new Length(130, false), new Length(90, false), new Length(30, false), new Length(40, false)]],
        Feather = 2,
        Method = RepairMethod.Restore,
        Model = model,
        Backend = spec.Name,
        Strength = strength,
        Fidelity = fidelity,
    }.WithEndpoint(spec);

    private static (WorkImage Image, RepairReport Report) Repair(RepairPass pass, WorkImage image)
    {
        using var clients = new BackendClients();
        using var plan = RepairPlan.Load([pass], backends: clients.For);
        return Burnish.Stages.Repair.Repair.Apply(image, plan, SourceMetadata.Empty, null);
    }

    private static WorkImage Tree() => ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;

    [Fact]
    public async Task Sends_the_masks_bounds_with_a_margin_at_their_own_size_and_changes_only_the_mask()
    {
        await using var server = await A1111TestServer.StartAsync();
        var image = Tree();
        var pass = Pass(Spec(server.Url));
        var (restored, report) = Repair(pass, image);

        Assert.Empty(server.Problems);
        var body = Assert.Single(server.ExtrasRequests);
        Assert.Equal(0.7, (double)body["gfpgan_visibility"]!);
        Assert.Equal(0, (double)body["codeformer_visibility"]!);
        Assert.Equal(1, (double)body["upscaling_resize"]!);
        Assert.Equal("None", (string)body["upscaler_1"]!);
        Assert.Equal(0, server.Img2ImgPosts);
        var record = Assert.IsType<RestorePassRecord>(report.Passes[0].Server);
        Assert.Equal(("a1111", server.Url, A1111TestServer.Version, "gfpgan", 0.7), (record.Kind, record.Url, record.ServerVersion, record.Model, record.Strength));
        Assert.Null(record.Fidelity);
        // The ellipse 100–160 × 50–130, feathered (σ 2), plus a margin of half its longer side, clipped to the image.
        var mask = RepairMasks.Build(pass, image, null, null);
        var (bx, by, bw, bh) = mask.Bounds()!.Value;
        var margin = Math.Max(RestoreMethod.MinMargin, (int)Math.Ceiling(RestoreMethod.MarginShare * Math.Max(bw, bh)));
        Assert.Equal(Math.Max(0, bx - margin), record.Crop[0]);
        Assert.Equal(Math.Max(0, by - margin), record.Crop[1]);
        using var sent = Image.NewFromBuffer(Convert.FromBase64String((string)body["image"]!));
        Assert.Equal((record.Crop[2], record.Crop[3]), (sent.Width, sent.Height));

        // Outside the mask, bit for bit; in its core, the server's answer (the sRGB inverse of the 8-bit crop): no
        // scaling either way, so within 1.5/255 on average (8-bit quantisation and the wide-gamut fixture's clip).
        var coverage = mask.ToArray();
        var before = Fixtures.Pixels(image.Pixels);
        var after = Fixtures.Pixels(restored.Pixels);
        var bands = image.Pixels.Bands;
        var changed = 0;
        for (var i = 0; i < coverage.Length; i++)
            if (coverage[i] == 0)
                for (var c = 0; c < bands; c++)
                    if (before[i * bands + c] != after[i * bands + c]) changed++;
        Assert.Equal(0, changed);
        var srgb = ColourSpaces.Convert(new WorkImage(image.Colour, image.Profile), ShippedProfiles.Srgb).Pixels.Crop(120, 70, 20, 40);
        var result = ColourSpaces.Convert(new WorkImage(restored.Colour, restored.Profile), ShippedProfiles.Srgb).Pixels.Crop(120, 70, 20, 40);
        var error = Fixtures.Pixels(srgb).Zip(Fixtures.Pixels(result), (a, b) => Math.Abs(1 - Math.Clamp(a, 0, 1) - b)).Average();
        Console.WriteLine($"restore paste: mean |result − inverse| in the core {error * 255:0.000}/255");
        Assert.True(error < 1.5 / 255.0, $"mean |result − inverse| {error * 255:0.00}/255");
    }

    [Fact]
    public async Task Codeformer_sends_its_visibility_and_fidelity()
    {
        await using var server = await A1111TestServer.StartAsync();
        var (_, report) = Repair(Pass(Spec(server.Url), "codeformer", strength: null, fidelity: 0.3), Tree());
        Assert.Empty(server.Problems);
        var body = Assert.Single(server.ExtrasRequests);
        Assert.Equal(0, (double)body["gfpgan_visibility"]!);
        Assert.Equal(RestoreMethod.DefaultStrength, (double)body["codeformer_visibility"]!);
        Assert.Equal(0.3, (double)body["codeformer_weight"]!);
        Assert.Equal(0.3, Assert.IsType<RestorePassRecord>(report.Passes[0].Server).Fidelity);
    }

    [Fact]
    public void A_comfyui_backend_or_an_unknown_restorer_is_refused_when_the_plan_is_made()
    {
        var comfy = Assert.Throws<BurnishException>(() => RepairPlan.Load([Pass(Spec("http://127.0.0.1:9", BackendKind.Comfyui))], backends: new BackendClients().For));
        Assert.Contains("method restore needs kind a1111", comfy.Message, StringComparison.Ordinal);
        var model = Assert.Throws<BurnishException>(() => RepairPlan.Load([Pass(Spec("http://127.0.0.1:9"), "restoreformer")], backends: new BackendClients().For));
        Assert.Contains("model 'restoreformer' is not gfpgan or codeformer", model.Message, StringComparison.Ordinal);
        Assert.Contains(new RepairPass { Boxes = [[new Length(0, false), new Length(0, false), new Length(4, false), new Length(4, false)]], Strength = 0.5 }.Problems(),
            p => p.Key == "strength");
    }

    [Fact]
    public async Task A_server_error_is_one_line_with_its_reason()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { FailExtras = true });
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec(server.Url)), Tree()));
        Assert.Contains("extra-single-image: HTTP 500", e.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA out of memory", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(1, server.ExtrasPosts);
    }

    [Fact]
    public async Task A_timeout_is_one_line_and_the_job_is_never_sent_twice()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { HoldExtras = TimeSpan.FromSeconds(60) });
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec(server.Url, timeout: 1.5)), Tree()));
        Assert.Contains("no result within 1.5 s", e.Message, StringComparison.Ordinal);
        Assert.Contains("not sent again", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.ExtrasPosts);
    }

    [Fact]
    public async Task An_answer_of_another_size_is_refused()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { WrongWidthBy = 8 });
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec(server.Url)), Tree()));
        Assert.Matches(@"returned a \d+×\d+ image for a \d+×\d+ request", e.Message);
    }

    [Fact]
    public void A_refused_connection_is_tried_again_then_one_line()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec($"http://127.0.0.1:{port}")), Tree()));
        Assert.Contains("cannot connect", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 tries", e.Message, StringComparison.Ordinal);
    }
}
