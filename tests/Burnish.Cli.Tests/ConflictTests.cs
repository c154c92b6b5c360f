using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary>What <c>on_conflict</c> does when outputs already exist, and that an input is never written over.</summary>
public sealed class ConflictTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    private CliResult Finish(string recipe, string outDir, params string[] inputs) =>
        ws.Burnish(["finish", .. inputs, "-r", recipe, "-o", outDir]);

    [Fact]
    public void DefaultRenameWritesANumberedSetAndNeverTouchesTheFirst()
    {
        var input = ws.Copy(Fixtures.A1111, "render.png", folder: "in");
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe()); // no on_conflict: the default
        var outDir = ws.PathOf("out");
        Assert.Equal(0, Finish(recipe, outDir, input).ExitCode);
        var first = Workspace.Hashes(outDir);
        var firstMasterTime = File.GetLastWriteTimeUtc(Path.Combine(outDir, "render.master.png"));
        // A new render under the same name: the same input and recipe again is skipped (RerunTests), a changed one is renamed.
        File.Copy(Fixtures.ComfyUi, input, overwrite: true);

        var second = Finish(recipe, outDir, input);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(["render-1.burnish.json", "render-1.master.png", "render-1.small.png", "render.burnish.json", "render.master.png", "render.small.png"],
            Workspace.FilesUnder(outDir));
        foreach (var (file, hash) in first) Assert.Equal(hash, Workspace.Sha256(Path.Combine(outDir, file)));
        Assert.Equal(firstMasterTime, File.GetLastWriteTimeUtc(Path.Combine(outDir, "render.master.png")));
        var renamed = Sidecar.Read(Path.Combine(outDir, "render-1.burnish.json"));
        renamed.AssertMatchesDisk();
        Assert.Equal(Path.Combine(outDir, "render-1.master.png"), renamed.FullPath(renamed.Master));
    }

    [Fact]
    public void SkipLeavesExistingOutputsAlone()
    {
        var input = ws.Copy(Fixtures.A1111, "render.png", folder: "in");
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe(onConflict: "skip"));
        var outDir = ws.PathOf("out");
        Assert.Equal(0, Finish(recipe, outDir, input).ExitCode);
        var first = Workspace.Hashes(outDir);

        var second = Finish(recipe, outDir, input);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("skipped", second.Stdout);
        Assert.Contains("0 finished, 1 skipped, 0 failed", second.Stdout);
        Assert.Equal(first, Workspace.Hashes(outDir)); // same files, same bytes, sidecar included
    }

    [Fact]
    public void OverwriteReplacesTheOutputsInPlace()
    {
        var input = ws.Copy(Fixtures.ComfyUi, "render.png", folder: "in");
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe(onConflict: "overwrite"));
        var outDir = ws.PathOf("out");
        Assert.Equal(0, Finish(recipe, outDir, input).ExitCode);
        var first = Workspace.Hashes(outDir);
        // A new render under the same name: its outputs must replace the old ones, not sit beside them.
        File.Copy(Fixtures.A1111, input, overwrite: true);

        var second = Finish(recipe, outDir, input);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(first.Keys.Order(StringComparer.Ordinal), Workspace.FilesUnder(outDir)); // no render-1.*
        Assert.All(first, f => Assert.NotEqual(f.Value, Workspace.Sha256(Path.Combine(outDir, f.Key))));
        var sidecar = Sidecar.Read(Path.Combine(outDir, "render.burnish.json"));
        sidecar.AssertMatchesDisk();
        Assert.Equal(Workspace.Sha256(input), sidecar.InputSha256);
        Assert.Equal((256, 192), Pixels.Size(Path.Combine(outDir, "render.master.png")));
        Workspace.AssertNoTempFiles(outDir);
    }

    [Theory]
    [InlineData("rename", false)]
    [InlineData("skip", false)]
    [InlineData("overwrite", false)]
    [InlineData("rename", true)]
    public void AnInputInTheOutputFolderIsNeverOverwritten(string onConflict, bool resume)
    {
        // Input folder = output folder, and one input sits exactly where another's master would go.
        var folder = ws.PathOf("work");
        var render = ws.Copy(Fixtures.ComfyUi, "render.png", folder: "work");
        var namedLikeAMaster = ws.Copy(Fixtures.A1111, "render.master.png", folder: "work");
        var before = new[] { render, namedLikeAMaster }.ToDictionary(f => f, Workspace.Sha256);
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe(onConflict: onConflict));

        var run = ws.Burnish(["finish", render, namedLikeAMaster, "-r", recipe, "-o", folder, .. resume ? new[] { "--resume" } : []]);

        foreach (var (file, hash) in before)
            Assert.True(hash == Workspace.Sha256(file), $"input {Path.GetFileName(file)} was overwritten (on_conflict: {onConflict}, resume: {resume}); {run}");
        // Whatever happened to render.png (numbered, skipped, or refused), it was not an accident.
        Assert.DoesNotContain("unexpected error", run.AllOutput);
        if (run.ExitCode != 0)
            Assert.Contains(run.FailureList, l => l.Contains("render.png") && l.Contains("overwrite the input"));
        // The other input was finished normally, beside it.
        Sidecar.Read(Path.Combine(folder, "render.master.burnish.json")).AssertMatchesDisk();
        Workspace.AssertNoTempFiles(folder);
    }
}
