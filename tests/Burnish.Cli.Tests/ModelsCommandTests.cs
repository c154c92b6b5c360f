using System.Text.Json;
using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary><c>models list</c> and <c>models fetch</c> through the real CLI.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    /// <summary>13 = esrgan-slim, -medium and -thick at ×2, ×3, ×4, ×8, plus default-model ×2.</summary>
    private const int CatalogueEntries = 13;

    /// <summary>30 = those 13 plus the 17 ncnn entries (NcnnModels: the Real-ESRGAN families at 6 scales, Real-CUGAN's five denoise levels at 11).</summary>
    private const int AllEntries = CatalogueEntries + 17;

    [Fact]
    public void ListOnAnEmptyCacheShowsTheCatalogueNotFetched()
    {
        var run = ws.Burnish("models", "list", "--models-dir", ws.PathOf("cache"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = run.Lines.Where(l => l.StartsWith("esrgan-", StringComparison.Ordinal) || l.StartsWith("default-model", StringComparison.Ordinal)).ToList();
        Assert.Equal(CatalogueEntries, rows.Count);
        Assert.All(rows, r => Assert.EndsWith(" no", r, StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("esrgan-thick", StringComparison.Ordinal) && r.Contains("RRDN") && r.Contains("npm @upscalerjs/esrgan-thick@1.0.0") && r.Contains("MIT"));
        Assert.Contains($"{AllEntries} not fetched yet", run.Stdout);
        // The automatic masks' models, each with its pinned source and licence, none fetched.
        var masks = run.Lines.SkipWhile(l => !l.StartsWith("mask models", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.Equal(MaskModels, masks.Select(l => l.Trim().Split(' ')[0]));
        Assert.All(masks, l => Assert.Matches(@"not fetched\s+licence Apache-2\.0 .*source npm \S+@\d+\.\d+\.\d+ \S+\.(onnx|json)$", l));
        Assert.False(File.Exists(ws.PathOf("cache", "manifest.json"))); // listing writes nothing
        Assert.False(Directory.Exists(ws.PathOf("cache", "packed")));

        var json = ws.Burnish("models", "list", "--json", "--models-dir", ws.PathOf("cache"));
        using var doc = JsonDocument.Parse(json.Stdout);
        var listed = doc.RootElement.GetProperty("masks").EnumerateArray().ToList();
        Assert.Equal(MaskModels, listed.Select(m => m.GetProperty("name").GetString()));
        Assert.All(listed, m => Assert.False(m.GetProperty("cached").GetBoolean()));
        Assert.Equal(["faces", "faces", "hands", "hands", "hands", "person", "faces", "text"], listed.Select(m => m.GetProperty("finds").GetString()));
    }

    /// <summary>BlazeFace (front and back), the MediaPipe graph models, and PP-OCRv4's text detector.</summary>
    private static readonly string[] MaskModels =
        ["blazeface-front", "blazeface-back", "handdetect", "handlandmark-full", "handlandmark-lite", "selfie", "facemesh", "ppocr-v4-det"];

    [Fact]
    public void FetchFillsTheCacheAndListShowsTheFigures()
    {
        // The tests' shared cache (.build/models): the core tests may be filling it at the same moment, which the cache's lock allows.
        var root = CliProcess.ModelsDir;
        var fetch = CliProcess.Run(ws.Root, TimeSpan.FromMinutes(10), "models", "fetch", "--models-dir", root);
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.Contains($"{AllEntries} of {AllEntries} models ready", fetch.Stdout);

        var list = ws.Burnish("models", "list", "--json", "--models-dir", root);
        Assert.True(list.ExitCode == 0, list.ToString());
        using var doc = JsonDocument.Parse(list.Stdout);
        var models = doc.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(AllEntries, models.Count);
        Assert.All(models, m => Assert.True(m.GetProperty("cached").GetBoolean()));
        Assert.All(models, m => Assert.Equal(64, m.GetProperty("sha256").GetString()!.Length));
        var medium4 = models.Single(m => m.GetProperty("name").GetString() == "esrgan-medium" && m.GetProperty("scale").GetInt32() == 4);
        // Every float32 of the package's x4 shard is a weight (2,818,444 bytes / 4).
        Assert.Equal(2_818_444 / 4, medium4.GetProperty("parameters").GetInt64());
        // ~90 kFLOP per output pixel, as measured for issue 4; receptive radius 17.25 input px, rounded up.
        Assert.InRange(medium4.GetProperty("flops_per_output_pixel").GetDouble(), 85_000, 95_000);
        Assert.Equal(18, medium4.GetProperty("receptive_radius").GetInt32());

        var table = ws.Burnish("models", "list", "--models-dir", root);
        Assert.DoesNotContain("not fetched yet", table.Stdout);
        Assert.Contains(table.Lines, l => l.StartsWith("esrgan-medium", StringComparison.Ordinal) && l.Contains("×4") && l.Contains("704,611") && l.EndsWith(" yes", StringComparison.Ordinal));
    }
}
