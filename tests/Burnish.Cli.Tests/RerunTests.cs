using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary>
/// Running <c>finish</c> again over the same folder: a set already made from the same input and recipe is skipped,
/// under whatever suffix it has; a set is renamed only when something differs, and never onto another image's name.
/// </summary>
public sealed class RerunTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public void TheSameInputAndRecipeAgainIsSkippedNotWrittenAgain()
    {
        var input = ws.Copy(Fixtures.A1111, "render.png", folder: "in");
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe());
        var outDir = ws.PathOf("out");
        Assert.Equal(0, ws.Burnish("finish", input, "-r", recipe, "-o", outDir).ExitCode);
        var first = Workspace.Hashes(outDir);

        var again = ws.Burnish("finish", input, "-r", recipe, "-o", outDir);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("0 finished, 1 skipped, 0 failed", again.Stdout);
        Assert.Contains("already finished (sidecar matches input and recipe)", again.Stdout);
        Assert.Equal(first, Workspace.Hashes(outDir)); // no render-1.*, nothing rewritten
    }

    [Fact]
    public void ResumeWithAnotherRecipeSkipsTheSetItMadeWhateverItsSuffix()
    {
        // Issue 11, defect 8: recipe A, then B with --resume three times wrote render-1, -2 and -3.
        var input = ws.Copy(Fixtures.A1111, "render.png", folder: "in");
        var recipeA = ws.Write("a.yaml", Fixtures.SmallRecipe(longEdge: 128));
        var recipeB = ws.Write("b.yaml", Fixtures.SmallRecipe(longEdge: 160));
        var outDir = ws.PathOf("out");
        Assert.Equal(0, ws.Burnish("finish", input, "-r", recipeA, "-o", outDir).ExitCode);
        var firstB = ws.Burnish("finish", input, "-r", recipeB, "-o", outDir, "--resume");
        Assert.Contains("1 finished, 0 skipped", firstB.Stdout);
        var afterB = Workspace.Hashes(outDir);

        for (var i = 0; i < 2; i++)
        {
            var again = ws.Burnish("finish", input, "-r", recipeB, "-o", outDir, "--resume");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("0 finished, 1 skipped, 0 failed", again.Stdout);
            Assert.Contains("already finished as render-1", again.Stdout);
        }
        Assert.Equal(afterB, Workspace.Hashes(outDir));
        Assert.Equal(["render-1.burnish.json", "render-1.master.png", "render-1.small.png", "render.burnish.json", "render.master.png", "render.small.png"],
            Workspace.FilesUnder(outDir));
    }

    [Fact]
    public void ResumeRedoesASetWhoseFileNoLongerMatchesItsSidecar()
    {
        // Issue 11, defect 3: a master replaced by an 8-bit copy must never pass for the finished set.
        var input = ws.Copy(Fixtures.A1111, "render.png", folder: "in");
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe());
        var outDir = ws.PathOf("out");
        Assert.Equal(0, ws.Burnish("finish", input, "-r", recipe, "-o", outDir).ExitCode);
        File.Copy(Path.Combine(outDir, "render.small.png"), Path.Combine(outDir, "render.master.png"), overwrite: true);

        var resumed = ws.Burnish("finish", input, "-r", recipe, "-o", outDir, "--resume");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("1 finished, 0 skipped", resumed.Stdout);
        var sidecar = Sidecar.Read(Path.Combine(outDir, "render-1.burnish.json"));
        sidecar.AssertMatchesDisk();
        Assert.Equal((256, 192), Pixels.Size(sidecar.FullPath(sidecar.Master)));
    }

    [Fact]
    public void ACopyNamedMasterIsARecipeError()
    {
        // Issue 11, defect 3: it used to validate, and then replaced the master on disk.
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe(copyName: "master"));
        var input = ws.Copy(Fixtures.A1111, "render.png", folder: "in");

        var validate = ws.Burnish("recipe", "validate", recipe);
        var finish = ws.Burnish("finish", input, "-r", recipe, "-o", ws.PathOf("out"));

        Assert.Equal(2, validate.ExitCode);
        Assert.Contains("name 'master' is taken by the master", validate.Stderr);
        Assert.Equal(2, finish.ExitCode);
        Assert.Contains("name 'master' is taken by the master", finish.Stderr);
        Workspace.AssertNoOutputs(ws.PathOf("out"));
    }

    [Fact]
    public void ARenamedSetNeverTakesTheNameOfAnotherImageInTheBatch()
    {
        // Issue 11, defect 9: with out/a.* present, a.png renamed to a-1 under -j 2 and then a-1.png failed.
        var outDir = ws.PathOf("out");
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe());
        var old = ws.Copy(Fixtures.Tree16, "a.png", folder: "old");
        Assert.Equal(0, ws.Burnish("finish", old, "-r", recipe, "-o", outDir).ExitCode);
        var a = ws.Copy(Fixtures.A1111, "a.png", folder: "in");
        var a1 = ws.Copy(Fixtures.ComfyUi, "a-1.png", folder: "in");

        var run = ws.Burnish("finish", a, a1, "-r", recipe, "-o", outDir, "-j", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 finished, 0 skipped, 0 failed", run.Stdout);
        foreach (var (name, input) in new[] { ("a-2", a), ("a-1", a1) })
        {
            var sidecar = Sidecar.Read(Path.Combine(outDir, name + ".burnish.json"));
            sidecar.AssertMatchesDisk();
            Assert.Equal(Workspace.Sha256(input), sidecar.InputSha256);
        }
        Assert.Equal((342, 256), Pixels.Size(Path.Combine(outDir, "a.master.png")));
    }
}
