using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary>Generation metadata (ComfyUI graphs, A1111 parameters) survives into the master and is read back by <c>info</c>.</summary>
public sealed class GenerationMetadataTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    public static TheoryData<string, string[]> Generations => new()
    {
        { "comfyui-sdxl-turbo.png", ["prompt", "workflow"] },
        { "a1111-parameters.png", ["parameters"] },
    };

    /// <summary>
    /// What <c>info</c> must print, read straight from the fixture's own text chunk (not through Burnish's parsers):
    /// the ComfyUI API graph's nodes, or the A1111 parameters text.
    /// </summary>
    private static Dictionary<string, string> ExpectedFromFixture(string fixture)
    {
        var text = Png.TextChunks(fixture);
        if (text.TryGetValue("parameters", out var parameters))
        {
            var p = Encoding.UTF8.GetString(parameters);
            string Field(string name) => Regex.Match(p, $@"(?:^|, ){Regex.Escape(name)}: ([^,\n]+)", RegexOptions.Multiline).Groups[1].Value;
            return new()
            {
                ["prompt"] = p.Split('\n')[0],
                ["seed"] = Field("Seed"),
                ["steps"] = Field("Steps"),
                ["sampler"] = Field("Sampler"),
                ["model"] = Field("Model"),
            };
        }
        using var graph = JsonDocument.Parse(text["prompt"]);
        var nodes = graph.RootElement.EnumerateObject().ToDictionary(n => n.Name, n => n.Value);
        JsonElement Inputs(string classType) => nodes.Values.Single(n => n.GetProperty("class_type").GetString() == classType).GetProperty("inputs");
        var sampler = Inputs("SamplerCustom");
        var positive = nodes[sampler.GetProperty("positive")[0].GetString()!].GetProperty("inputs");
        return new()
        {
            ["prompt"] = positive.GetProperty("text").GetString()!,
            ["seed"] = sampler.GetProperty("noise_seed").GetRawText(),
            ["steps"] = Inputs("SDTurboScheduler").GetProperty("steps").GetRawText(),
            ["sampler"] = Inputs("KSamplerSelect").GetProperty("sampler_name").GetString()!,
            ["model"] = Inputs("CheckpointLoaderSimple").GetProperty("ckpt_name").GetString()!,
        };
    }

    private static Dictionary<string, string> InfoLines(string stdout) =>
        Regex.Matches(stdout, @"^\s+(prompt|seed|steps|sampler|model):\s+(.*)$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.TrimEnd());

    [Theory]
    [MemberData(nameof(Generations))]
    public void TextChunksAreByteIdenticalInTheMaster(string fixture, string[] keys)
    {
        var input = ws.Copy(Path.Combine(Fixtures.Dir, fixture), folder: "in");
        var outDir = ws.PathOf("out");

        var run = ws.Burnish("finish", input, "-r", ws.Write("recipe.yaml", Fixtures.SmallRecipe()), "-o", outDir);

        Assert.True(run.ExitCode == 0, run.ToString());
        var source = Png.TextChunks(input);
        var master = Png.TextChunks(Path.Combine(outDir, Path.GetFileNameWithoutExtension(fixture) + ".master.png"));
        foreach (var key in keys)
        {
            Assert.True(source.ContainsKey(key), $"fixture lacks '{key}'");
            Assert.True(master.ContainsKey(key), $"master lacks the '{key}' text chunk");
            Assert.True(source[key].AsSpan().SequenceEqual(master[key]), $"'{key}' differs: {source[key].Length} bytes in, {master[key].Length} out");
        }
    }

    [Theory]
    [MemberData(nameof(Generations))]
    public void InfoPrintsTheGenerationParametersOfInputAndMaster(string fixture, string[] _)
    {
        var input = ws.Copy(Path.Combine(Fixtures.Dir, fixture), folder: "in");
        var outDir = ws.PathOf("out");
        Assert.Equal(0, ws.Burnish("finish", input, "-r", ws.Write("recipe.yaml", Fixtures.SmallRecipe()), "-o", outDir).ExitCode);
        var master = Path.Combine(outDir, Path.GetFileNameWithoutExtension(fixture) + ".master.png");
        var expected = ExpectedFromFixture(input);
        Assert.All(expected, e => Assert.False(string.IsNullOrWhiteSpace(e.Value), $"could not read {e.Key} from the fixture"));

        foreach (var file in new[] { input, master })
        {
            var info = ws.Burnish("info", file);

            Assert.True(info.ExitCode == 0, info.ToString());
            Assert.Equal(expected.OrderBy(e => e.Key), InfoLines(info.Stdout).OrderBy(e => e.Key));
        }
    }
}
