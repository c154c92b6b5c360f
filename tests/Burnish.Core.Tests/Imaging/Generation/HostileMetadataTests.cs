using System.Text;
using System.Text.RegularExpressions;
using Burnish.Imaging.Generation;
using Burnish.IO;

namespace Burnish.Core.Tests.Imaging.Generation;

/// <summary>
/// Crafted metadata from issue 11 that stalled <c>finish</c> and <c>info</c>. Work is bounded by counting what the
/// parser does, not by timing it; the xunit timeouts are only hang guards (the old code took minutes), not measurements.
/// </summary>
public class HostileMetadataTests
{
    // n KSamplers whose latents all come from one chain of n latent nodes: a walk per sampler pair was cubic.
    private static string SamplerChainGraph(int n, bool withSaves)
    {
        var sb = new StringBuilder("{\"clip\":{\"class_type\":\"CLIPTextEncode\",\"inputs\":{\"text\":\"a cat\"}},");
        sb.Append("\"L0\":{\"class_type\":\"EmptyLatentImage\",\"inputs\":{\"width\":512,\"height\":512}},");
        for (var i = 1; i < n; i++)
            sb.Append($"\"L{i}\":{{\"class_type\":\"LatentUpscaleBy\",\"inputs\":{{\"samples\":[\"L{i - 1}\",0],\"scale_by\":1.0}}}},");
        for (var i = 0; i < n; i++)
        {
            sb.Append($"\"{1000000 + i}\":{{\"class_type\":\"KSampler\",\"inputs\":{{\"latent_image\":[\"L{n - 1}\",0],\"positive\":[\"clip\",0],\"seed\":{i},\"steps\":20}}}},");
            if (withSaves)
                sb.Append($"\"S{i}\":{{\"class_type\":\"SaveImage\",\"inputs\":{{\"images\":[\"{1000000 + i}\",0]}}}},");
        }
        sb.Length--;
        return sb.Append('}').ToString();
    }

    [Theory(Timeout = 60_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ComfyUi_graph_of_1200_samplers_on_one_chain_is_walked_in_linear_work(bool withSaves)
    {
        const int n = 1200;
        var json = SamplerChainGraph(n, withSaves);
        var nodes = 2 * n + 1 + (withSaves ? n : 0);

        var (result, visits) = await Task.Run(() => (ComfyUiGraph.Parse(json, InputLimits.Default, out var v), v));

        Assert.NotNull(result);
        Assert.Equal("a cat", result.Prompt);
        Assert.Equal(0L, result.Seed); // no sampler feeds another, so the lowest id wins
        Assert.Equal(20, result.Steps);
        // Each node is visited at most twice by the one multi-source walk; the old pairwise walks visited ~n³ = 1.7e9.
        Assert.InRange(visits, 1, 4L * nodes);
    }

    [Fact]
    public void ComfyUi_graph_over_the_node_limit_is_not_walked()
    {
        var json = SamplerChainGraph(50, withSaves: false);
        var limits = InputLimits.Default with { MaxGraphNodes = 60 };

        Assert.Null(ComfyUiGraph.Parse(json, limits, out var visits));
        Assert.Equal(0L, visits);
    }

    [Fact(Timeout = 30_000)]
    public async Task A1111_text_with_a_320000_character_last_line_is_read_as_prompt()
    {
        var text = "a cat\n" + new string('a', 320_000);

        var p = await Task.Run(() => GenerationMetadata.Parse(GenerationSource.FromTextChunks(new Dictionary<string, string> { ["parameters"] = text })));

        Assert.NotNull(p);
        Assert.Equal(text, p.Prompt);
        Assert.Null(p.Steps);
    }

    // webui's own re_param_code, kept here as the oracle the one-pass parser must agree with.
    private static readonly Regex WebuiParamPair = new("""\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)""");

    [Theory]
    [InlineData("Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model hash: abc")]
    [InlineData("Steps: 20, Lora hashes: \"a: 1, b: 2\", Seed: 5")]
    [InlineData("Steps: 20, Bad quote: \"unterminated, Seed: 5")]
    [InlineData("Steps: 20, Quoted: \"x\" tail, Seed: 5")]
    [InlineData("Steps: 20, Escaped: \"a \\\" b, c\", Seed: 5")]
    [InlineData("Steps: 20, Empty quote: \"\", Seed: 5")]
    [InlineData("  a: 1,b:2 , c d-e/f: 3, x:, :y, __: 4, é ü: 5")]
    [InlineData("no pairs here at all")]
    [InlineData("Steps:20,\tTab key:\t7,Trailing:")]
    [InlineData("Clé: 1, 日本語: 2, a/b: 3, -x: 4, ,,, k\\: 5")]
    [InlineData("Key: \"ends with backslash\\")]
    public void Settings_line_pairs_match_webuis_regex(string line)
    {
        var expected = WebuiParamPair.Matches(line).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

        Assert.Equal(expected, A1111Parameters.ParamPairs(line));
    }

    [Fact]
    public void Settings_line_pairs_match_webuis_regex_on_random_lines()
    {
        // Fixed seed: a short deterministic sweep over the characters that matter to the grammar.
        var random = new Random(11);
        const string alphabet = "ab1_ -/:,\"\\\té";
        for (var i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var k = 0; k < chars.Length; k++) chars[k] = alphabet[random.Next(alphabet.Length)];
            var line = new string(chars);
            var expected = WebuiParamPair.Matches(line).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
            Assert.True(expected.SequenceEqual(A1111Parameters.ParamPairs(line)), $"differs on '{line}'");
        }
    }

    [Fact]
    public void Metadata_chunk_over_the_size_limit_is_not_parsed()
    {
        var settings = "\nSteps: 20, Sampler: Euler, Seed: 1";
        var limit = InputLimits.Default.MaxMetadataChunkChars;
        var atLimit = new string('a', limit - settings.Length) + settings;
        var overLimit = "a" + atLimit;

        Assert.Equal(20, GenerationMetadata.Parse(GenerationSource.FromTextChunks(new Dictionary<string, string> { ["parameters"] = atLimit }))!.Steps);
        Assert.Null(GenerationMetadata.Parse(GenerationSource.FromTextChunks(new Dictionary<string, string> { ["parameters"] = overLimit })));
        Assert.Null(GenerationMetadata.Parse(new GenerationSource(new Dictionary<string, string>(), null, overLimit)));
    }
}
