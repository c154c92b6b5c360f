using System.Text;
using Burnish.Cli.Tests.Infrastructure;
using NetVips;

namespace Burnish.Cli.Tests;

/// <summary>
/// Issue 11's batch: 20 good generations with crafted files mixed in. Every good image is finished, each bad one is
/// reported in one line naming it, and nothing a bad file did reaches another image's outputs. Small images and a
/// light recipe keep it to one process run of a few seconds' work.
/// </summary>
public sealed class HostileBatchTests : IDisposable
{
    private const int Good = 20;

    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    // n KSamplers all fed by one chain of n latent nodes: the ComfyUI graph walk that was cubic (52 s at n = 600).
    private static string SamplerChainGraph(int n)
    {
        var sb = new StringBuilder("{\"clip\":{\"class_type\":\"CLIPTextEncode\",\"inputs\":{\"text\":\"a cat\"}},");
        sb.Append("\"L0\":{\"class_type\":\"EmptyLatentImage\",\"inputs\":{\"width\":512,\"height\":512}},");
        for (var i = 1; i < n; i++)
            sb.Append($"\"L{i}\":{{\"class_type\":\"LatentUpscaleBy\",\"inputs\":{{\"samples\":[\"L{i - 1}\",0],\"scale_by\":1.0}}}},");
        for (var i = 0; i < n; i++)
            sb.Append($"\"{1000000 + i}\":{{\"class_type\":\"KSampler\",\"inputs\":{{\"latent_image\":[\"L{n - 1}\",0],\"positive\":[\"clip\",0],\"seed\":{i},\"steps\":20}}}},");
        sb.Length--;
        return sb.Append('}').ToString();
    }

    [Fact]
    public void Twenty_good_images_finish_and_each_crafted_file_fails_alone_in_one_line()
    {
        for (var i = 0; i < Good; i++) ws.Copy(Fixtures.A1111, $"gen-{i:00}.png", "in");
        var png = File.ReadAllBytes(Fixtures.ComfyUi);
        byte[] icc;
        using (var tree = Image.NewFromFile(Fixtures.Tree16)) icc = (byte[])tree.Get("icc-profile-data");
        var tagCount = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(icc.AsSpan(128));
        for (var i = 132 + tagCount * 12; i < icc.Length; i++) icc[i] = (byte)(i * 37);
        var bad = new Dictionary<string, string>
        {
            [ws.Write("in/truncated.png", png[..(png.Length * 2 / 5)])] = "corrupt or truncated",
            [ws.Write("in/zero.png", [])] = "empty file",
            // A sound header claiming 100000² pixels, refused before decoding.
            [ws.Write("in/bomb-header.png", [.. Png.Signature, .. Png.Ihdr(100_000, 100_000), .. Png.Chunk("IDAT", Png.Deflate(new byte[64])), .. Png.Chunk("IEND", [])])] = "over the limit",
            // A real 3000² flat PNG (a few kB) that decodes fine but needs more working memory than the budget below.
            [ws.Write("in/bomb-flat.png", Png.Grey(3000))] = "of working memory",
            [ws.Write("in/bad-icc.png", Png.Grey(8, Png.Iccp(Png.Deflate(icc))))] = "unreadable ICC profile",
        };
        // Valid pixels with a metadata chunk that used to stall the parser for minutes: it now finishes as a good image.
        ws.Write("in/stalling-metadata.png", Png.Grey(64, Png.Chunk("tEXt", [.. "prompt"u8, 0, .. Encoding.Latin1.GetBytes(SamplerChainGraph(1200))])));
        var outDir = ws.PathOf("out");

        // 500 MB: room for a 256×192 generation with this recipe (about 330 MB estimated), not for a 3000² one (about 610 MB).
        var run = ws.Burnish("finish", ws.PathOf("in"), "-o", outDir, "-j", "2", "--max-memory-mb", "500",
            "-r", ws.Write("recipe.yaml", Fixtures.SmallRecipe(longEdge: 128)));

        Assert.True(run.ExitCode == 1, $"expected exit 1 (some images failed), got {run}");
        Assert.Contains($"{Good + 1} finished, 0 skipped, {bad.Count} failed", run.Stdout);
        Assert.Equal(bad.Count, run.FailureList.Count);
        foreach (var (path, problem) in bad)
        {
            var entry = Assert.Single(run.FailureList, l => l.Contains(Path.GetFileName(path), StringComparison.Ordinal));
            Assert.Contains(problem, entry, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(Directory.EnumerateFiles(outDir, Path.GetFileNameWithoutExtension(path) + ".*"));
        }
        Assert.DoesNotContain("unexpected error", run.AllOutput);
        Assert.DoesNotContain("   at ", run.AllOutput);
        for (var i = 0; i < Good; i++)
        {
            Assert.Equal("success", Sidecar.Read(Path.Combine(outDir, $"gen-{i:00}.burnish.json")).Status);
        }
        Assert.True(File.Exists(Path.Combine(outDir, "stalling-metadata.burnish.json")));
        Workspace.AssertNoTempFiles(outDir);
    }
}
