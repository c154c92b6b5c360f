using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Burnish.Backends;
using Burnish.Imaging;
using Burnish.Imaging.Generation;
using Burnish.Stages.Repair;

namespace Burnish.Core.Tests.Backends.ComfyUi;

/// <summary>The ComfyUI test server answers and talks with exactly the keys of the recorded examples (recorded/SOURCES.md).</summary>
public sealed class ComfyUiRecordedShapeTests
{
    private static string Recorded(string name)
    {
        var root = Fixtures.RepositoryRoot() ?? throw new InvalidOperationException("the tests run from a checkout");
        return File.ReadAllText(Path.Combine(root, "tests", "Burnish.Core.Tests", "Backends", "ComfyUi", "recorded", name));
    }

    private static IEnumerable<string> Keys(JsonNode? node) => node!.AsObject().Select(kv => kv.Key).Order();

    [Fact]
    public async Task A_job_over_http_and_the_websocket_has_the_documented_shapes()
    {
        await using var server = await ComfyUiTestServer.StartAsync();
        var spec = new BackendSpec { Name = "c", Kind = BackendKind.Comfyui, Url = server.Url };
        using (var clients = new BackendClients())
        using (var plan = RepairPlan.Load([new RepairPass { Boxes = [[new Length(10, false), new Length(10, false), new Length(20, false), new Length(20, false)]], Method = RepairMethod.Diffusion, Backend = "c" }.WithEndpoint(spec)], backends: clients.For))
        {
            var tree = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;
            Burnish.Stages.Repair.Repair.Apply(tree, plan, SourceMetadata.Empty, null);
        }
        Assert.Equal(1, server.SocketsOpened);
        var recorded = Recorded("ws-messages.jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToDictionary(m => (string)m["type"]!);
        var sent = server.Sent.Select(t => JsonNode.Parse(t)!).ToList();
        Assert.Equal(["status", "execution_start", "executing", "progress", "executed", "execution_success"], sent.Select(m => (string)m["type"]!).Distinct());
        foreach (var message in sent)
            Assert.Equal(Keys(recorded[(string)message["type"]!]["data"]), Keys(message["data"]));

        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var id = (string)Assert.Single(server.Prompts)["prompt_id"]!;
        var history = JsonNode.Parse(await http.GetStringAsync($"/history/{id}"))!;
        var expected = JsonNode.Parse(Recorded("history.json"))!.AsObject().Single().Value;
        Assert.Equal(Keys(expected), Keys(history[id]));
        Assert.Equal(Keys(expected!["status"]), Keys(history[id]!["status"]));
        Assert.Equal("{}", await http.GetStringAsync("/history/no-such-id"));

        using var bad = await http.PostAsJsonAsync("/prompt", new { prompt = new { x = new { class_type = "Nope", inputs = new { } } }, client_id = "a", prompt_id = "b" });
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Equal(Keys(JsonNode.Parse(Recorded("prompt-error.json"))), Keys(JsonNode.Parse(await bad.Content.ReadAsStringAsync())));
        Assert.Equal(Keys(JsonNode.Parse(Recorded("prompt-error.json"))!["error"]), Keys(JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["error"]));
    }
}
