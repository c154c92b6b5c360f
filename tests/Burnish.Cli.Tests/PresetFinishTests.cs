using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary><c>finish --preset web-and-print</c> on real ComfyUI and A1111 generations.</summary>
public sealed class PresetFinishTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public void WebAndPrintMakesDisplayP3MasterAndSrgbCopiesOfDocumentedSizes()
    {
        var comfy = ws.Copy(Fixtures.ComfyUi, folder: "in");   // 512×512: square, so the A4 sheet stays portrait
        var a1111 = ws.Copy(Fixtures.A1111, folder: "in");     // 256×192: landscape, so the A4 sheet turns
        var outDir = ws.PathOf("out");

        var run = ws.Burnish("finish", comfy, a1111, "--preset", "web-and-print", "-o", outDir);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 finished, 0 skipped, 0 failed", run.Stdout);

        // Documented: web-2048 = long edge 2048, aspect kept; instagram-portrait = 1080×1350;
        // print-a4-300ppi = 2480×3508, turned to 3508×2480 for a landscape image.
        var expected = new Dictionary<string, (int W, int H, Dictionary<string, (int, int)> Copies)>
        {
            ["comfyui-sdxl-turbo"] = (512, 512, new() { ["web-2048"] = (2048, 2048), ["instagram-portrait"] = (1080, 1350), ["print-a4-300ppi"] = (2480, 3508) }),
            ["a1111-parameters"] = (256, 192, new() { ["web-2048"] = (2048, 1536), ["instagram-portrait"] = (1080, 1350), ["print-a4-300ppi"] = (3508, 2480) }),
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
}
