using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary><c>recipe validate</c>, <c>recipe init</c>, and a bad recipe given to <c>finish</c>.</summary>
public sealed class RecipeCommandTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    // Three independent mistakes, each on a known line and column (1-based, where the offending token starts).
    private const string BadRecipe = """
        version: 1
        export:
          master:
            formt: png
          copies:
            - destination: web-2048
              quality: high
            - long_edge: 8
              format: png
        """;

    private static readonly (int Line, int Column, string Says)[] BadRecipeProblems =
    [
        (4, 5, "unknown key 'export.master.formt'; did you mean 'format'?"),
        (7, 16, "export.copies[0].quality: expected a whole number, got 'high'"),
        (8, 18, "export.copies[1].long_edge: 8 is out of range 16..65535"),
    ];

    [Fact]
    public void ValidatePrintsEveryProblemWithFileLineAndColumn()
    {
        var recipe = ws.Write("bad.yaml", BadRecipe);

        var run = ws.Burnish("recipe", "validate", recipe);

        Assert.True(run.ExitCode == 2, $"expected exit 2, got {run}");
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var (line, column, says) in BadRecipeProblems)
            Assert.Contains($"{recipe}:{line}:{column}: {says}", lines);
        // Every line but the closing count is located as file:line:col.
        Assert.All(lines[..^1], l => Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(recipe)}:\\d+:\\d+: ", l));
        Assert.Equal($"{recipe}: {lines.Length - 1} problem(s)", lines[^1]);
        Assert.DoesNotContain("valid", run.Stdout);
    }

    [Fact]
    public void FinishWithAnInvalidRecipeWritesNothing()
    {
        var input = ws.Copy(Fixtures.A1111, folder: "in");
        var outDir = ws.PathOf("out");

        var run = ws.Burnish("finish", input, "-r", ws.Write("bad.yaml", BadRecipe), "-o", outDir);

        Assert.True(run.ExitCode == 2, $"expected exit 2, got {run}");
        foreach (var (line, column, _) in BadRecipeProblems)
            Assert.Contains($"bad.yaml:{line}:{column}:", run.Stderr);
        Workspace.AssertNoOutputs(outDir);
        Assert.Equal(["bad.yaml", "in/a1111-parameters.png"], Workspace.FilesUnder(ws.Root));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("web-only")]
    [InlineData("print-master")]
    public void InitWritesARecipeThatValidateAccepts(string? preset)
    {
        string[] args = preset is null ? ["recipe", "init", "burnish.yaml"] : ["recipe", "init", "burnish.yaml", "--preset", preset];

        var init = ws.Burnish(args);
        var validate = ws.Burnish("recipe", "validate", "burnish.yaml");

        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.True(File.Exists(ws.PathOf("burnish.yaml")));
        Assert.True(validate.ExitCode == 0, $"recipe init wrote a recipe that validate rejects: {validate}\n{File.ReadAllText(ws.PathOf("burnish.yaml"))}");
        Assert.StartsWith("burnish.yaml: valid", validate.Stdout);
    }

    [Fact]
    public void InitRefusesToOverwriteWithoutForce()
    {
        const string mine = "version: 1\n# my own recipe\n";
        var path = ws.Write("burnish.yaml", mine);

        var refused = ws.Burnish("recipe", "init", "burnish.yaml");

        Assert.True(refused.ExitCode == 2, $"expected exit 2, got {refused}");
        var line = Assert.Single(refused.Lines);
        Assert.Contains("burnish.yaml", line);
        Assert.Contains("--force", line);
        Assert.Equal(mine, File.ReadAllText(path));

        var forced = ws.Burnish("recipe", "init", "burnish.yaml", "--force");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.NotEqual(mine, File.ReadAllText(path));
        Assert.Equal(0, ws.Burnish("recipe", "validate", "burnish.yaml").ExitCode);
        Workspace.AssertNoTempFiles(ws.Root);
    }

    [Fact]
    public void KeysListsEveryKeyAndWritesTheMarkdownReference()
    {
        var text = ws.Burnish("recipe", "keys");
        var markdown = ws.Burnish("recipe", "keys", "--markdown", "keys.md");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("export.copies[].max_kb  whole number 1–1000000", text.Stdout);
        Assert.True(markdown.ExitCode == 0, markdown.ToString());
        var written = File.ReadAllText(ws.PathOf("keys.md"));
        Assert.StartsWith("# Recipe keys", written);
        Assert.Contains("| `sharpen.amount` | 0–20 | `1` |", written);
        Workspace.AssertNoTempFiles(ws.Root);
    }
}
