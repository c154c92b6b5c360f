using System.Text.Json.Nodes;
using Burnish.Core.Tests.Backends.A1111;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages;
using Burnish.Stages.Export;

namespace Burnish.Core.Tests.Backends;

/// <summary>
/// Recipes with the new diffusion methods (outpaint, tiled upscale after a model pass, face restore) run as batches
/// against the A1111 protocol test server: one failing image is one line and the others finish, and each sidecar
/// records every server job.
/// </summary>
public sealed class DiffusionBatchTests
{
    private static InputItem Input(TempDir dir, string name, string prompt, string fixture, string model = "v1-5-pruned-emaonly", string hash = "6ce0161689")
    {
        var image = ImageLoader.Load(fixture, LoadLimits.Default).Image;
        var path = dir.File($"in/{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A1111's own "parameters" text, as its PNGs carry it.
        var parameters = $"{prompt}\nNegative prompt: blurry\nSteps: 22, Sampler: Euler a, CFG scale: 6, Seed: 777, Size: 512x512, Model hash: {hash}, Model: {model}";
        ImageFiles.Save16(image, MasterFormat.Png, new OutputMetadata([new("parameters", parameters)], [], [], 72, true), path);
        return new InputItem(path, name);
    }

    private static Task<IReadOnlyList<FinishResult>> Run(string yaml, TempDir dir, params InputItem[] inputs) => Run(yaml, dir, FinishOptions.Default, inputs);

    private static async Task<IReadOnlyList<FinishResult>> Run(string yaml, TempDir dir, FinishOptions options, params InputItem[] inputs)
    {
        var recipe = RecipeReader.Parse(yaml, "diffusion.yaml");
        using var resources = StageResources.ForProcess(LoadLimits.Default);
        using var prepared = PreparedRecipe.Prepare(new RecipeSource(recipe, "diffusion.yaml"), resources);
        return await Batch.RunAsync(new BatchRequest(inputs, dir.File("out"), prepared, options, Parallelism: 1), null, CancellationToken.None);
    }

    [Fact]
    public async Task Resume_runs_an_image_again_when_the_server_would_use_another_checkpoint()
    {
        await using var server = await A1111TestServer.StartAsync();
        using var dir = new TempDir();
        var yaml = $$"""
            version: 1
            backends:
              - {name: studio, kind: a1111, url: "{{server.Url}}"}
            repair:
              - {boxes: [[100, 60, 70, 40]], method: diffusion, backend: studio, prompt: a red door}
            export:
              copies: [{long_edge: 64}]
            """;
        // Made with a model the server does not have, so the job runs on the server's current checkpoint.
        var input = Input(dir, "house", "a house by a lake", Fixtures.PathOf("tree_alpha_16bit.png"), model: "someone-elses-model", hash: "0000000000");
        var resume = FinishOptions.Default with { Resume = true };
        Assert.Equal(FinishStatus.Finished, (await Run(yaml, dir, resume, input))[0].Status);
        Assert.Equal(FinishStatus.Skipped, (await Run(yaml, dir, resume, input))[0].Status);
        Assert.Equal(1, server.Img2ImgPosts);

        // The user loads SDXL in the web UI: the same recipe would now run on it, so the image is made again.
        server.CurrentCheckpoint = A1111TestServer.Checkpoints[1].Title;
        var again = (await Run(yaml, dir, resume, input))[0];
        Assert.Equal(FinishStatus.Finished, again.Status);
        Assert.Equal(2, server.Img2ImgPosts);
        Assert.Contains("sd_xl_base_1.0", File.ReadAllText(again.Sidecar!), StringComparison.Ordinal);
        Assert.Equal(FinishStatus.Skipped, (await Run(yaml, dir, resume, input))[0].Status);
    }

    [Fact]
    public async Task An_outpaint_that_fails_on_one_image_is_one_line_and_the_other_is_outpainted_and_restored()
    {
        await using var server = await A1111TestServer.StartAsync(new A1111Behaviour { Fail500When = "castle" });
        using var dir = new TempDir();
        var valley = Fixtures.PathOf("outpaint", "yosemite-384x288.png");
        var results = await Run($$"""
            version: 1
            backends:
              - {name: studio, kind: a1111, url: "{{server.Url}}"}
            repair:
              - boxes: [[150, 100, 60, 60]]
                method: restore
                model: codeformer
                backend: studio
            outpaint:
              aspect: "16:9"
              method: diffusion
              backend: studio
              prompt: more of the same
              diffusion: {size: 256}
            export:
              copies: [{long_edge: 64}]
            """, dir, Input(dir, "castle", "a castle on a hill", valley), Input(dir, "house", "a house by a lake", valley));

        Assert.Equal(FinishStatus.Failed, results[0].Status);
        Assert.Contains("outpaint 16:9, step 1", results[0].Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", results[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', results[0].Message);
        Assert.Empty(Directory.EnumerateFiles(dir.File("out"), "castle*"));

        Assert.Equal(FinishStatus.Finished, results[1].Status);
        Assert.Empty(server.Problems);
        Assert.Equal(2, server.ExtrasPosts);
        var sidecar = JsonNode.Parse(File.ReadAllText(dir.File("out/house.burnish.json")))!;
        var stages = sidecar["stages"]!.AsArray();
        var outpaint = stages.First(s => (string)s!["stage"]! == "outpaint")!;
        var jobs = outpaint["params"]!["server"]!.AsArray();
        Assert.Equal(8, jobs.Count);
        foreach (var job in jobs)
        {
            Assert.Equal("a1111", (string)job!["kind"]!);
            Assert.Equal("v1-5-pruned-emaonly", (string)job["checkpoint"]!);
            Assert.Equal(777, (long)job["seed"]!);
            Assert.Equal("more of the same, a house by a lake", (string)job["prompt"]!);
        }
        Assert.Contains(jobs, j => ((string)j!["part"]!).EndsWith(" seam", StringComparison.Ordinal) && (double)j["denoise"]! == 0.35);
        var repair = stages.First(s => (string)s!["stage"]! == "repair")!.ToJsonString();
        Assert.Contains("\"model\":\"codeformer\"", repair, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_diffusion_upscale_runs_the_model_first_then_redraws_tiles_with_the_images_own_prompt()
    {
        await using var server = await A1111TestServer.StartAsync();
        using var dir = new TempDir();
        var results = await Run($$"""
            version: 1
            backends:
              - {name: studio, kind: a1111, url: "{{server.Url}}"}
            upscale:
              model: esrgan-slim-x2
              method: diffusion
              backend: studio
              diffusion: {size: 512, padding: 64}
            export:
              copies: [{long_edge: 64}]
            """, dir, Input(dir, "field", "a field of flowers at dusk", Fixtures.PathOf("outpaint", "yosemite-384x288.png")));

        Assert.Equal(FinishStatus.Finished, results[0].Status);
        Assert.Empty(server.Problems);
        // 768×576 after the ×2 model pass, in 512 px tiles overlapping by 64: 2 × 2.
        Assert.Equal(4, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("a field of flowers at dusk", (string)r["prompt"]!));
        Assert.All(server.Requests, r => Assert.Equal(512, (int)r["width"]!));
        var sidecar = JsonNode.Parse(File.ReadAllText(dir.File("out/field.burnish.json")))!;
        var upscale = sidecar["stages"]!.AsArray().First(s => (string)s!["stage"]! == "upscale")!;
        Assert.Equal(4, upscale["params"]!["diffusion"]!.AsArray().Count);
        Assert.Equal(4, (double)upscale["measurements"]!["diffusion.tiles"]!);
        Assert.Contains("esrgan-slim", sidecar.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(768, (int)sidecar["outputs"]![0]!["width"]!);
    }
}
