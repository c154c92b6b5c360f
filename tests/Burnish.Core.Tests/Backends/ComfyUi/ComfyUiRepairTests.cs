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

    [Theory]
    // Found as a flaky run of the first case: a cancel that came while the server's answer to POST /prompt was on
    // its way left the job running there (0 interrupts). The second case holds the answer back to make that certain.
    [InlineData(0)]
    [InlineData(2)]
    public async Task Cancelling_interrupts_the_servers_job(double answerDelaySeconds)
    {
        await using var server = await ComfyUiTestServer.StartAsync(new ComfyUiBehaviour { Hold = true, AnswerDelay = TimeSpan.FromSeconds(answerDelaySeconds) });
        using var cancel = new CancellationTokenSource();
        var run = Task.Run(() => Repair(Pass(Spec(server.Url)), Tree(), cancel.Token));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (server.PromptPosts == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal((1, 1), (server.PromptPosts, server.Interrupts));
    }
}

/// <summary>A team's own ComfyUI graph with placeholders, run inside a repair pass.</summary>
public sealed class ComfyUiOwnGraphTests
{
    // Burnish's core nodes arranged as a user might: fixed steps and scheduler, a style prefix on the prompt.
    private const string Graph = """
        {
          "10": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
          "11": {"class_type": "LoadImage", "inputs": {"image": "{{image}}"}},
          "12": {"class_type": "CLIPTextEncode", "inputs": {"text": "masterpiece, {{prompt}}", "clip": ["10", 1]}},
          "13": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative}}", "clip": ["10", 1]}},
          "14": {"class_type": "InpaintModelConditioning", "inputs": {"positive": ["12", 0], "negative": ["13", 0], "vae": ["10", 2], "pixels": ["11", 0], "mask": ["11", 1], "noise_mask": true}},
          "6": {"class_type": "KSampler", "inputs": {"model": ["10", 0], "seed": "{{seed}}", "steps": 8, "cfg": "{{cfg}}", "sampler_name": "dpmpp_2m", "scheduler": "karras", "positive": ["14", 0], "negative": ["14", 1], "latent_image": ["14", 2], "denoise": "{{denoise}}"}},
          "16": {"class_type": "VAEDecode", "inputs": {"samples": ["6", 0], "vae": ["10", 2]}},
          "2": {"class_type": "SaveImage", "inputs": {"images": ["16", 0], "filename_prefix": "team"}}
        }
        """;

    private static RepairPass Pass(BackendSpec spec, string graph) => new RepairPass
    {
        Boxes = [[new Length(100, false), new Length(60, false), new Length(70, false), new Length(40, false)]],
        Method = RepairMethod.Diffusion,
        Backend = spec.Name,
        Prompt = "a red wooden door",
        Diffusion = new DiffusionParams { Graph = graph, Seed = 99 },
    }.WithEndpoint(spec);

    [Fact]
    public async Task Placeholders_are_filled_numbers_as_numbers_and_the_server_accepts_the_graph()
    {
        await using var server = await ComfyUiTestServer.StartAsync();
        using var dir = new TempDir();
        File.WriteAllText(dir.File("team.json"), Graph);
        var spec = new BackendSpec { Name = "comfy", Kind = BackendKind.Comfyui, Url = server.Url };
        using (var clients = new BackendClients())
        using (var plan = RepairPlan.Load([Pass(spec, dir.File("team.json"))], backends: clients.For))
            Burnish.Stages.Repair.Repair.Apply(ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image, plan,
                SourceMetadata.Empty with { Generation = new GenerationParams(GenerationTools.ComfyUI, "a house", null, null, "sd_xl_base_1.0.safetensors", null, null, null, null, null, null, new Dictionary<string, string>()) }, null);

        Assert.Empty(server.Problems);
        var graph = Assert.Single(server.Prompts)["prompt"]!;
        Assert.Equal("masterpiece, a red wooden door, a house", (string)graph["12"]!["inputs"]!["text"]!);
        Assert.Equal("sd_xl_base_1.0.safetensors", (string)graph["10"]!["inputs"]!["ckpt_name"]!);
        Assert.Equal(99, (long)graph["6"]!["inputs"]!["seed"]!);
        Assert.Equal(8, (int)graph["6"]!["inputs"]!["steps"]!);
        Assert.Equal(0.6, (double)graph["6"]!["inputs"]!["denoise"]!);
        Assert.StartsWith("burnish-", (string)graph["11"]!["inputs"]!["image"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"1\": {\"class_type\": \"SaveImage\", \"inputs\": {\"filename_prefix\": \"x\"}}}", "no {{image}} placeholder")]
    [InlineData("{\"1\": {\"class_type\": \"LoadImage\", \"inputs\": {\"image\": \"{{image}}\", \"x\": \"{{colour}}\"}}}", "unknown placeholder {{colour}}")]
    [InlineData("{\"nodes\": [], \"links\": []}", "not ComfyUI's API format")]
    public void A_graph_that_cannot_be_used_fails_when_the_plan_is_made(string graph, string message)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("g.json"), graph);
        var spec = new BackendSpec { Name = "comfy", Kind = BackendKind.Comfyui, Url = "http://127.0.0.1:9" };
        using var clients = new BackendClients();
        var e = Assert.Throws<BurnishException>(() => RepairPlan.Load([Pass(spec, dir.File("g.json"))], backends: clients.For));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_graph_is_refused_for_an_a1111_backend()
    {
        var spec = new BackendSpec { Name = "a", Kind = BackendKind.A1111, Url = "http://127.0.0.1:9" };
        using var clients = new BackendClients();
        var e = Assert.Throws<BurnishException>(() => RepairPlan.Load([Pass(spec, "team.json")], backends: clients.For));
        Assert.Contains("diffusion.graph is for kind: comfyui", e.Message, StringComparison.Ordinal);
    }
}
