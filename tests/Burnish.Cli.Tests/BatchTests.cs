using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary>Batches over folders: one bad image does not stop the rest; intermediates on request.</summary>
public sealed class BatchTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public void AFailedImageDoesNotStopTheBatch()
    {
        var inDir = ws.PathOf("in");
        var bad = ws.Write("in/a-broken.png", File.ReadAllBytes(Fixtures.ComfyUi)[..100_000]); // sorts first, so it runs first
        ws.Copy(Fixtures.A1111, "b-good.png", folder: "in");
        var outDir = ws.PathOf("out");

        var run = ws.Burnish("finish", inDir, "-r", ws.Write("recipe.yaml", Fixtures.SmallRecipe()), "-o", outDir);

        Assert.True(run.ExitCode == 1, $"expected exit 1 (some images failed), got {run}");
        Assert.Contains("1 finished, 0 skipped, 1 failed", run.Stdout);
        var failure = Assert.Single(run.FailureList);
        Assert.Contains(bad, failure);
        Sidecar.Read(Path.Combine(outDir, "b-good.burnish.json")).AssertMatchesDisk();
        Assert.Equal(["b-good.burnish.json", "b-good.master.png", "b-good.small.png"], Workspace.FilesUnder(outDir));
    }

    [Fact]
    public void KeepIntermediatesWrites16BitStagePngsListedInTheSidecar()
    {
        var input = ws.Copy(Fixtures.A1111, "garage.png", folder: "in");
        var outDir = ws.PathOf("out");

        var recipe = "version: 1\ngrade: {exposure: 0.2}\nsharpen: {}\nexport:\n  copies: [{long_edge: 256, format: png, name: small}]\n";
        var run = ws.Burnish("finish", input, "-r", ws.Write("recipe.yaml", recipe), "-o", outDir, "--keep-intermediates");

        Assert.True(run.ExitCode == 0, run.ToString());
        var sidecar = Sidecar.Read(Path.Combine(outDir, "garage.burnish.json"));
        sidecar.AssertMatchesDisk(); // includes the intermediates' hashes
        var stagesDir = Path.Combine(outDir, "garage", "stages");
        var onDisk = Workspace.FilesUnder(stagesDir);
        Assert.NotEmpty(onDisk);
        Assert.All(onDisk, f => Assert.Matches(@"^\d\d-[a-z0-9-]+\.png$", f));
        // The grade stage (05) leaves its result; each copy leaves its sharpened rendering (06).
        Assert.Contains("05-grade.png", onDisk);
        Assert.Contains(onDisk, f => f.StartsWith("06-sharpen", StringComparison.Ordinal));
        Assert.Equal(onDisk.Select(f => Path.Combine(stagesDir, f)), sidecar.Intermediates.Select(sidecar.FullPath).Order(StringComparer.Ordinal));
        foreach (var f in onDisk)
        {
            var path = Path.Combine(stagesDir, f);
            Assert.Equal(16, Png.BitDepth(path));
            Pixels.DecodeFully(path);
        }
        Assert.Equal((256, 192), Pixels.Size(Path.Combine(stagesDir, "05-grade.png")));
    }
}
