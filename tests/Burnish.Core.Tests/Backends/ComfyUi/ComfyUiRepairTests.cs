using Burnish.Backends;
using Burnish.Imaging;
using Burnish.Imaging.Generation;
using Burnish.Stages.Repair;
using Burnish.Stages.Repair.Diffusion;
using NetVips;

namespace Burnish.Core.Tests.Backends.ComfyUi;

/// <summary>
/// <c>repair: [{method: diffusion}]</c> on a <c>kind: comfyui</c> back-end, against the ComfyUI protocol test server
/// (HTTP and websocket; not a real ComfyUI): the graph, the upload, the websocket and its /history fallback, and the
/// failure lines.
/// </summary>
public sealed class ComfyUiRepairTests
{
    private static readonly GenerationParams Generation = new(GenerationTools.ComfyUI, "a house by a lake", "blurry",
        4321, "v1-5-pruned-emaonly.safetensors", "euler_ancestral", "karras", 12, 5.5, 512, 512, new Dictionary<string, string>());

    private static BackendSpec Spec(string url, double timeout = 600) =>
        new() { Name = "comfy", Kind = BackendKind.Comfyui, Url = url, Timeout = timeout, Retries = 1, ConnectTimeout = 2 };

    private static RepairPass Pass(BackendSpec spec) => new RepairPass
    {
        Boxes = [[new Length(100, false), new Length(60, false), new Length(70, false), new Length(40, false)]],
        Feather = 2,
        Method = RepairMethod.Diffusion,
        Backend = spec.Name,
        Prompt = "a red wooden door",
        Denoise = 0.5,
    }.WithEndpoint(spec);

    private static WorkImage Tree() => ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;

    private static (WorkImage Image, RepairReport Report) Repair(RepairPass pass, WorkImage image, CancellationToken cancel = default)
    {
        using var clients = new BackendClients();
        using var plan = RepairPlan.Load([pass], backends: clients.For);
        return Burnish.Stages.Repair.Repair.Apply(image, plan, SourceMetadata.Empty with { Generation = Generation }, null, cancel);
    }

    [Fact]
    public async Task Sends_a_valid_core_node_graph_with_the_images_settings_and_pastes_only_under_the_mask()
    {
        await using var server = await ComfyUiTestServer.StartAsync();
        var image = Tree();
        var pass = Pass(Spec(server.Url));
        var (repaired, report) = Repair(pass, image);

        Assert.Empty(server.Problems);
        var body = Assert.Single(server.Prompts);
        var graph = body["prompt"]!;
        Assert.Equal("a red wooden door, a house by a lake", (string)graph["3"]!["inputs"]!["text"]!);
        Assert.Equal("blurry", (string)graph["4"]!["inputs"]!["text"]!);
        Assert.Equal("v1-5-pruned-emaonly.safetensors", (string)graph["1"]!["inputs"]!["ckpt_name"]!);
        var sampler = graph["6"]!["inputs"]!;
        Assert.Equal((4321L, 12, 5.5, "euler_ancestral", 0.5), ((long)sampler["seed"]!, (int)sampler["steps"]!, (double)sampler["cfg"]!, (string)sampler["sampler_name"]!, (double)sampler["denoise"]!));

        // The upload is the crop with the mask as alpha: transparent (LoadImage's mask 1) where the pass repaints.
        using var upload = Image.NewFromBuffer(Assert.Single(server.Uploads).Value);
        Assert.Equal(4, upload.Bands);
        var record = Assert.IsType<DiffusionPassRecord>(report.Passes[0].Server);
        Assert.Equal((record.ModelSize[0], record.ModelSize[1]), (upload.Width, upload.Height));
        Assert.Equal(0, upload[3].Min());
        Assert.Equal(255, upload[3].Max());
        Assert.Equal(("comfyui", ComfyUiTestServer.Version, server.Url), (record.Kind, record.ServerVersion, record.Url));

        var mask = RepairMasks.Build(pass, image, null, null).ToArray();
        var (before, after) = (Fixtures.Pixels(image.Pixels), Fixtures.Pixels(repaired.Pixels));
        var bands = image.Pixels.Bands;
        Assert.Equal(0, Enumerable.Range(0, mask.Length).Count(i => mask[i] == 0 && Enumerable.Range(0, bands).Any(c => before[i * bands + c] != after[i * bands + c])));
        // Inside, the server's inverse (as in the A1111 test, within 5/255 on average).
        var s = Fixtures.Pixels(ColourSpaces.Convert(new WorkImage(image.Colour, image.Profile), ShippedProfiles.Srgb).Pixels.Crop(103, 63, 64, 34));
        var r = Fixtures.Pixels(ColourSpaces.Convert(new WorkImage(repaired.Colour, repaired.Profile), ShippedProfiles.Srgb).Pixels.Crop(103, 63, 64, 34));
        Assert.True(s.Zip(r, (a, b) => Math.Abs(1 - Math.Clamp(a, 0, 1) - b)).Average() < 5 / 255.0);
    }

    [Fact]
    public async Task A_dropped_websocket_is_recovered_by_polling_the_history_without_sending_again()
    {
        await using var server = await ComfyUiTestServer.StartAsync(new ComfyUiBehaviour { DropSocket = true });
        var (_, report) = Repair(Pass(Spec(server.Url)), Tree());
        Assert.IsType<DiffusionPassRecord>(report.Passes[0].Server);
        Assert.Equal(1, server.PromptPosts);
        Assert.Empty(server.Problems);
    }

    [Fact]
    public async Task A_node_missing_from_object_info_is_one_line_and_nothing_is_sent()
    {
        await using var server = await ComfyUiTestServer.StartAsync(new ComfyUiBehaviour { MissingNode = "InpaintModelConditioning" });
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec(server.Url)), Tree()));
        Assert.Contains("lacks the node InpaintModelConditioning (GET /object_info)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(0, server.PromptPosts);
    }

    [Fact]
    public async Task An_execution_error_is_one_line_naming_the_node()
    {
        await using var server = await ComfyUiTestServer.StartAsync(new ComfyUiBehaviour { ExecutionError = "CUDA out of memory" });
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec(server.Url)), Tree()));
        Assert.Contains("the job failed in node 6 (KSampler): CUDA out of memory", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.PromptPosts);
    }

    [Fact]
    public async Task A_timeout_after_acceptance_interrupts_and_deletes_the_job_and_never_sends_it_again()
    {
        await using var server = await ComfyUiTestServer.StartAsync(new ComfyUiBehaviour { Hold = true });
        var e = Assert.Throws<BurnishException>(() => Repair(Pass(Spec(server.Url, timeout: 1.5)), Tree()));
        Assert.Contains("had accepted the job", e.Message, StringComparison.Ordinal);
        Assert.Equal((1, 1, 1), (server.PromptPosts, server.Interrupts, server.QueueDeletes));
    }

    [Fact]
    public async Task Cancelling_interrupts_the_servers_job()
    {
        await using var server = await ComfyUiTestServer.StartAsync(new ComfyUiBehaviour { Hold = true });
        using var cancel = new CancellationTokenSource();
        var run = Task.Run(() => Repair(Pass(Spec(server.Url)), Tree(), cancel.Token));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (server.PromptPosts == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal((1, 1), (server.PromptPosts, server.Interrupts));
    }
}
