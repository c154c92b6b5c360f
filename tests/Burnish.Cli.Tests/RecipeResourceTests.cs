using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary>
/// A recipe that reads but names a model, LUT or mask that cannot be used fails `recipe validate`, and `finish` stops
/// on it in one line before any image is touched (it used to fail every image instead).
/// </summary>
public sealed class RecipeResourceTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    private const string Unresolved = """
        version: 1
        upscale: {model: esrgan-medum}
        grade:
          lut: {file: missing.cube}
        repair:
          - mask: nowhere.png
        """;

    [Fact]
    public void Validate_resolves_model_names_luts_and_masks()
    {
        var recipe = ws.Write("r.yaml", Unresolved);

        var run = ws.Burnish("recipe", "validate", recipe);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("upscale.model: unknown model 'esrgan-medum'; did you mean 'esrgan-medium'?", run.Stderr);
        Assert.Contains("grade.lut.file: ", run.Stderr);
        Assert.Contains("missing.cube", run.Stderr);
        Assert.Contains("repair[0].mask: ", run.Stderr);
        Assert.Contains("3 problem(s)", run.Stderr);
    }

    [Fact]
    public void Finish_refuses_the_recipe_in_one_line_before_any_image()
    {
        var recipe = ws.Write("r.yaml", Unresolved);
        var input = ws.Copy(Fixtures.A1111, "img.png");

        var run = ws.Burnish("finish", input, "-r", recipe, "-o", "out");

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.Lines);
        Assert.StartsWith($"burnish: {recipe}: upscale.model: unknown model 'esrgan-medum'; did you mean 'esrgan-medium'?", line);
        Assert.False(Directory.Exists(ws.PathOf("out")));
    }

    [Fact]
    public void A_recipe_whose_files_exist_still_validates()
    {
        File.Copy(Path.Combine(Fixtures.Dir, "filmic-17.cube"), ws.PathOf("look.cube"));
        var recipe = ws.Write("r.yaml", "version: 1\nupscale: {model: esrgan-slim-x2}\ngrade:\n  lut: {file: look.cube}\n");

        var run = ws.Burnish("recipe", "validate", recipe);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("valid", run.Stdout);
    }
}
