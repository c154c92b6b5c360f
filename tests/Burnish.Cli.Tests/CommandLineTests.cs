using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary>
/// What a new user trips on at the command line: an unknown option, a bad value, a missing option. Each is one line
/// naming the option, then one usage line, exit 2, before any image is touched; no message names a .NET type.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    private static void AssertRefused(CliResult run, string message)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Stderr);
        var lines = run.Lines;
        Assert.True(lines.Count == 2 && lines[0].StartsWith("burnish: ", StringComparison.Ordinal) && lines[1].StartsWith("usage: burnish ", StringComparison.Ordinal), run.ToString());
        Assert.DoesNotContain("System.", run.AllOutput);
        Assert.DoesNotContain("command line:", run.AllOutput);
    }

    [Fact]
    public void An_unknown_option_is_an_error_before_anything_runs()
    {
        var input = ws.Copy(Fixtures.A1111, "img.png");

        var upscale = ws.Burnish("finish", input, "--upscale", "4", "-o", "out");
        var typo = ws.Burnish("finish", input, "--ouptut", "out");

        AssertRefused(upscale, "unknown option '--upscale' for 'burnish finish'; upscale is a recipe section");
        AssertRefused(typo, "unknown option '--ouptut' for 'burnish finish'; did you mean '--output'?");
        Assert.False(Directory.Exists(ws.PathOf("out")));
    }

    [Fact]
    public void A_missing_output_or_zero_jobs_is_one_line_and_a_usage_hint_with_exit_2()
    {
        var input = ws.Copy(Fixtures.A1111, "img.png");

        AssertRefused(ws.Burnish("compare", input, input), "option '--output' is required");
        AssertRefused(ws.Burnish("finish", input, "-j", "0"), "option --jobs: must be at least 1, got 0");
        AssertRefused(ws.Burnish("finish", input, "--look", "polishd"), "option --look: unknown look 'polishd'; did you mean 'polished'?");
        AssertRefused(ws.Burnish("finsh", input), "unknown command 'finsh'; did you mean 'finish'?");
    }

    [Fact]
    public void A_bad_value_names_its_option_and_the_spelling_the_help_uses()
    {
        var master = ws.Copy(Fixtures.A1111, "img.png");

        AssertRefused(ws.Burnish("export", master, "-o", "out", "--to", "web-2048", "--quality", "abc"), "option --quality: expected a whole number, got 'abc'");
        AssertRefused(ws.Burnish("export", master, "-o", "out", "--to", "web-2048", "--quality", "101"), "option --quality: must be 1–100, got 101");
        var format = ws.Burnish("export", master, "-o", "out", "--to", "web-2048", "--format", "jpgg");
        AssertRefused(format, "option --format: 'jpgg' is not one of jpeg, webp, avif, png; did you mean 'jpeg'?");
        Assert.DoesNotContain("Jpeg", format.AllOutput);
        AssertRefused(ws.Burnish("upscale", master, "-o", "u.png", "--tile", "10"), "option --tile: tile must be auto or a whole number from 32 to 4096, got '10'");
        Assert.Equal(["img.png"], Workspace.FilesUnder(ws.Root));
    }

    [Fact]
    public void Jpg_is_jpeg()
    {
        var master = ws.Copy(Fixtures.A1111, "img.png");

        var run = ws.Burnish("export", master, "-o", "out", "--to", "web-2048", "--format", "jpg");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["img.web-2048.jpg"], Workspace.FilesUnder(ws.PathOf("out")));
    }

    [Fact]
    public void Settings_on_the_command_line_are_named_by_where_they_came_from()
    {
        var input = ws.Copy(Fixtures.A1111, "img.png");

        var grade = ws.Burnish("grade", input, "exposure=9", "-o", "g.png");
        var crops = ws.Burnish("compare", input, input, "-o", "r.html", "--crops", "99");
        var sharpen = ws.Burnish("export", input, "-o", "out", "--to", "web-2048", "--sharpen", "amount=99");
        var missing = ws.Burnish("recipe", "validate", "nope.yaml");

        Assert.Equal(2, grade.ExitCode);
        Assert.Contains("burnish: setting exposure=9: 9 is out of range -5..5", grade.Stderr);
        Assert.Equal(2, crops.ExitCode);
        Assert.Contains("burnish: option --crops: 99 is out of range 0..16", crops.Stderr);
        Assert.Equal(2, sharpen.ExitCode);
        Assert.Contains("burnish: --sharpen amount=99: 99 is out of range 0..20", sharpen.Stderr);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.yaml: recipe file not found", missing.Stderr);
        foreach (var run in new[] { grade, crops, sharpen, missing })
        {
            Assert.DoesNotContain("command line:", run.AllOutput);
            Assert.DoesNotContain(":0:0", run.AllOutput);
        }
    }

    [Fact]
    public void Each_images_warnings_are_printed_under_it_an_enlarged_copy_first()
    {
        // 256×192 to a 2048 long edge: the copy is the master enlarged ×8, a soft file the user must hear about.
        var input = ws.Copy(Fixtures.A1111, "img.png");
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe(longEdge: 2048, copyName: "big"));

        var run = ws.Burnish("finish", input, "-r", recipe, "-o", "out");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        var image = lines.FindIndex(l => l.StartsWith("[1/1] finished", StringComparison.Ordinal) && l.Contains("warning(s)"));
        Assert.True(image >= 0, run.ToString());
        Assert.StartsWith("  WARNING export: 2048px: the master (256×192) is enlarged ×8 to 2048×1536", lines[image + 1]);
    }

    [Fact]
    public void Set_changes_recipe_keys_and_names_itself_in_a_problem()
    {
        var input = ws.Copy(Fixtures.A1111, "img.png");
        var recipe = ws.Write("recipe.yaml", Fixtures.SmallRecipe());

        var bad = ws.Burnish("finish", input, "-r", recipe, "--set", "grade.exposure=9", "--set", "grade.exposur=1", "-o", "bad");
        var good = ws.Burnish("finish", input, "-r", recipe, "--set", "export.copies=[{long_edge: 64, format: png, name: tiny}]", "-o", "out");

        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("burnish: --set grade.exposur=1: unknown key 'grade.exposur'; did you mean 'exposure'?; --set grade.exposure=9: 9 is out of range -5..5",
            Assert.Single(bad.Lines));
        Assert.False(Directory.Exists(ws.PathOf("bad")));
        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal(["img.burnish.json", "img.master.png", "img.tiny.png"], Workspace.FilesUnder(ws.PathOf("out")));
        Assert.Equal((64, 48), Pixels.Size(ws.PathOf("out", "img.tiny.png")));
    }
}
