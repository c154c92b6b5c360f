using System.Text.Json;
using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary>The shipped presets (<c>finish --preset …</c>) on real ComfyUI and A1111 generations.</summary>
public sealed class PresetFinishTests : IDisposable
{
    private readonly Workspace ws = new();

    // A preset run upscales and cleans up masters of up to 3508², and the first fetches its model into the test cache.
    private static readonly TimeSpan PresetRun = TimeSpan.FromMinutes(10);

    public void Dispose() => ws.Dispose();

    [Fact]
    public void WebAndPrintMakesDisplayP3MasterAndSrgbCopiesOfDocumentedSizes()
    {
        var comfy = ws.Copy(Fixtures.ComfyUi, folder: "in");   // 512×512: square, so the A4 sheet stays portrait
        var a1111 = ws.Copy(Fixtures.A1111, folder: "in");     // 256×192: landscape, so the A4 sheet turns
        var outDir = ws.PathOf("out");

        var run = CliProcess.Run(ws.Root, PresetRun, "finish", comfy, a1111, "--preset", "web-and-print", "-o", outDir);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 finished, 0 skipped, 0 failed", run.Stdout);

        // Documented: web-2048 = long edge 2048, aspect kept; instagram-portrait = 1080×1350;
        // print-a4-300ppi = 2480×3508, turned to 3508×2480 for a landscape image. The master is upscaled to cover the
        // largest copy: the A4 sheet's short side for a square image (2480²), its fit inside the turned sheet for
        // 256×192 (3307 wide, and 2481 high since 192 × 3307/256 rounds up past 2480).
        var expected = new Dictionary<string, (int W, int H, Dictionary<string, (int, int)> Copies)>
        {
            ["comfyui-sdxl-turbo"] = (2480, 2480, new() { ["web-2048"] = (2048, 2048), ["instagram-portrait"] = (1080, 1350), ["print-a4-300ppi"] = (2480, 3508) }),
            ["a1111-parameters"] = (3307, 2481, new() { ["web-2048"] = (2048, 1536), ["instagram-portrait"] = (1080, 1350), ["print-a4-300ppi"] = (3508, 2480) }),
        };
        foreach (var (name, (w, h, copies)) in expected)
        {
            var input = name == "a1111-parameters" ? a1111 : comfy;
            var sidecar = Sidecar.Read(Path.Combine(outDir, $"{name}.burnish.json"));
            sidecar.AssertMatchesDisk();
            Assert.Equal(Workspace.Sha256(input), sidecar.InputSha256);
            Assert.Equal(new FileInfo(input).Length, sidecar.InputBytes);

            var master = Path.Combine(outDir, $"{name}.master.png");
            Assert.Equal(master, sidecar.FullPath(sidecar.Master));
            Assert.Equal(16, Png.BitDepth(master));
            Assert.Contains("Display P3", Pixels.IccDescription(master));
            Assert.Equal((w, h), Pixels.Size(master));

            AssertFinishedWithoutEnlarging(sidecar.FilePath);

            Assert.Equal(copies.Keys.Order(), sidecar.Copies.Select(c => c.Destination!).Order());
            foreach (var (destination, size) in copies)
            {
                var copy = Path.Combine(outDir, $"{name}.{destination}.jpg");
                Assert.Equal(size, Pixels.Size(copy));
                Assert.Contains("sRGB", Pixels.IccDescription(copy));
                var record = sidecar.Copies.Single(c => c.Destination == destination);
                Assert.Equal(copy, sidecar.FullPath(record));
                Assert.Equal(size, (record.Width, record.Height));
            }
        }
        // Two images × (master + 3 copies + sidecar), nothing else.
        Assert.Equal(10, Workspace.FilesUnder(outDir).Count);
    }

    /// <summary>
    /// Every shipped preset on a 512 px and a 1024 px generation: no copy is enlarged from a smaller master. The
    /// presets run as shipped except for <c>upscale.quality=fast</c>, the draft preset's model (esrgan-slim, one pass):
    /// the cover size, and so the rule, does not depend on the model, and the default model's run is the test above.
    /// The 1024 px generation is the 512 px one enlarged ×2 (Lanczos3) here: the rule is about sizes.
    /// </summary>
    [Fact]
    public void No_shipped_preset_enlarges_a_copy_from_a_smaller_master()
    {
        var small = ws.Copy(Fixtures.ComfyUi, "gen-512.png", folder: "in");
        using (var source = NetVips.Image.NewFromFile(small))
        using (var large = source.Resize(2, kernel: NetVips.Enums.Kernel.Lanczos3))
            large.WriteToFile(ws.PathOf("in", "gen-1024.png"));
        foreach (var preset in new[] { "web-and-print", "web-only", "print-master", "draft" })
        {
            var run = CliProcess.Run(ws.Root, PresetRun, "finish", small, ws.PathOf("in", "gen-1024.png"), "--preset", preset, "--set", "upscale.quality=fast", "-o", ws.PathOf(preset));
            Assert.True(run.ExitCode == 0, $"{preset}: {run}");
            foreach (var name in new[] { "gen-512", "gen-1024" })
                AssertFinishedWithoutEnlarging(ws.PathOf(preset, $"{name}.burnish.json"));
        }
    }

    // The upscale ran (or found the image already large enough), and no stage warned of an enlarged copy.
    private static void AssertFinishedWithoutEnlarging(string sidecarPath)
    {
        Sidecar.Read(sidecarPath).AssertMatchesDisk();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(sidecarPath));
        var stages = doc.RootElement.GetProperty("stages").EnumerateArray().ToList();
        var upscale = stages.Single(s => s.GetProperty("stage").GetString() == "upscale");
        Assert.Equal("done", upscale.GetProperty("status").GetString());
        Assert.Equal("copies", upscale.GetProperty("params").GetProperty("recipe").GetProperty("target").GetProperty("cover").GetString());
        Assert.NotEmpty(upscale.GetProperty("params").GetProperty("chosen").GetProperty("reason").GetString()!);
        var warnings = stages.SelectMany(s => s.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!)).ToList();
        Assert.DoesNotContain(warnings, w => w.Contains("enlarged", StringComparison.Ordinal));
    }
}
