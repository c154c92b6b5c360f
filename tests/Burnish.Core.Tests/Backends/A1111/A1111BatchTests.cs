using System.Text.Json;
using System.Text.Json.Nodes;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages;
using Burnish.Stages.Export;

namespace Burnish.Core.Tests.Backends.A1111;

/// <summary>A recipe with a diffusion pass run as a batch against the A1111 test server: sidecars and one failing image.</summary>
public sealed class A1111BatchTests
{
    private static InputItem Input(TempDir dir, string name, string prompt)
    {
        var tree = ImageLoader.Load(Fixtures.PathOf("tree_alpha_16bit.png"), LoadLimits.Default).Image;
        var path = dir.File($"in/{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A1111's own "parameters" text, as its PNGs carry it.
        var parameters = $"{prompt}\nNegative prompt: blurry\nSteps: 22, Sampler: Euler a, CFG scale: 6, Seed: 777, Size: 512x512, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly";
        ImageFiles.Save16(tree, MasterFormat.Png, new OutputMetadata([new("parameters", parameters)], [], [], 72, true), path);
        return new InputItem(path, name);
    }

    [Fact]
    public async Task A_failing_image_is_one_line_the_others_finish_and_their_sidecars_record_the_server()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { Fail500When = "castle" });
        using var dir = new TempDir();
        var recipe = RecipeReader.Parse($"""
            version: 1
            backends:
              - {"{"}name: studio, kind: a1111, url: "{server.Url}"{"}"}
            repair:
              - boxes: [[100, 60, 70, 40]]
                feather: 2
                method: diffusion
                backend: studio
                prompt: a red wooden door
            export:
              copies: [{"{"}long_edge: 64{"}"}]
            """, "diffusion.yaml");
        using var resources = StageResources.ForProcess(LoadLimits.Default);
        using var prepared = PreparedRecipe.Prepare(new RecipeSource(recipe, "diffusion.yaml"), resources);
        var inputs = new[] { Input(dir, "castle", "a castle on a hill"), Input(dir, "house", "a house by a lake") };

        var results = await Batch.RunAsync(new BatchRequest(inputs, dir.File("out"), prepared, FinishOptions.Default, Parallelism: 1), null, CancellationToken.None);

        Assert.Equal(FinishStatus.Failed, results[0].Status);
        Assert.EndsWith("castle.png", results[0].Input, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", results[0].Message, StringComparison.Ordinal);
        Assert.Contains("CUDA out of memory", results[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', results[0].Message);
        Assert.Empty(Directory.EnumerateFiles(dir.File("out"), "castle*"));

        Assert.Equal(FinishStatus.Finished, results[1].Status);
        Assert.Empty(server.Problems);
        Assert.Equal(2, server.Img2ImgPosts);
        var sidecar = JsonNode.Parse(File.ReadAllText(dir.File("out/house.burnish.json")))!;
        var text = sidecar.ToJsonString();
        var pass = FindObject(sidecar, "server") ?? throw new Xunit.Sdk.XunitException($"no server record in the sidecar: {text}");
        Assert.Equal("a1111", (string)pass["kind"]!);
        Assert.Equal(server.Url, (string)pass["url"]!);
        Assert.Equal(A1111TestServer.Version, (string)pass["server_version"]!);
        Assert.Equal("v1-5-pruned-emaonly", (string)pass["checkpoint"]!);
        Assert.Equal("Euler a", (string)pass["sampler"]!);
        Assert.Equal(22, (int)pass["steps"]!);
        Assert.Equal(6, (double)pass["cfg"]!);
        Assert.Equal(777, (long)pass["seed"]!);
        Assert.Equal(0.6, (double)pass["denoise"]!);
        Assert.Equal("a red wooden door, a house by a lake", (string)pass["prompt"]!);
    }

    // The first object under a property named `name`, anywhere in the document.
    private static JsonObject? FindObject(JsonNode? node, string name) => node switch
    {
        JsonObject o => o[name] as JsonObject ?? o.Select(kv => FindObject(kv.Value, name)).FirstOrDefault(x => x is not null),
        JsonArray a => a.Select(x => FindObject(x, name)).FirstOrDefault(x => x is not null),
        _ => null,
    };
}
