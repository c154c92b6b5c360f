using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

public class GradeCommandTests
{
    [Fact]
    public void Key_value_settings_grade_into_a_16bit_p3_png_and_a_jpeg()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.ComfyUi);
        var png = ws.Burnish("grade", input, "exposure=0.3", "tone.contrast=0.1", "white_balance.temperature=8", "--space", "display-p3", "-o", "graded.png");
        Assert.True(png.ExitCode == 0, png.ToString());
        Assert.Contains("Display P3", Pixels.IccDescription(ws.PathOf("graded.png")));
        var jpg = ws.Burnish("grade", input, "--preset", "soft-film", "-o", "graded.jpg");
        Assert.True(jpg.ExitCode == 0, jpg.ToString());
        Assert.Contains("sRGB", Pixels.IccDescription(ws.PathOf("graded.jpg")));
        Assert.Equal(Pixels.Size(input), Pixels.Size(ws.PathOf("graded.jpg")));
        // Brighter by +0.3 stops: the mean of the graded image must rise.
        var before = Pixels.Rgb255(input, toSrgb: true).Avg();
        var after = Pixels.Rgb255(ws.PathOf("graded.png"), toSrgb: true).Avg();
        Assert.True(after > before + 3, $"mean {before:0.0} → {after:0.0}");
    }

    [Fact]
    public void A_png_keeps_the_input_profile_and_metadata_unless_another_space_is_asked_for()
    {
        using var ws = new Workspace();
        // A 16-bit photo with an embedded Adobe RGB (1998) profile: a P3 or sRGB result would show.
        var adobe = ws.Copy(Fixtures.Tree16);
        var kept = ws.Burnish("grade", adobe, "exposure=0.2", "-o", "kept.png");
        Assert.True(kept.ExitCode == 0, kept.ToString());
        Assert.Contains("Adobe RGB", Pixels.IccDescription(ws.PathOf("kept.png")));
        Assert.Equal(16, Png.BitDepth(ws.PathOf("kept.png")));
        var p3 = ws.Burnish("grade", adobe, "exposure=0.2", "--space", "display-p3", "-o", "p3.png");
        Assert.True(p3.ExitCode == 0, p3.ToString());
        Assert.Contains("Display P3", Pixels.IccDescription(ws.PathOf("p3.png")));

        // The generation's text chunks survive the grade, as they do an upscale or a repair.
        var comfy = ws.Copy(Fixtures.ComfyUi);
        var graded = ws.Burnish("grade", comfy, "exposure=0.2", "-o", "comfy.png");
        Assert.True(graded.ExitCode == 0, graded.ToString());
        Assert.Contains("sRGB", Pixels.IccDescription(ws.PathOf("comfy.png")));
        Assert.True(Png.TextChunks(ws.PathOf("comfy.png")).ContainsKey("prompt"), "the generation's prompt was dropped");
    }

    [Fact]
    public void A_mistyped_setting_is_refused_with_a_suggestion_and_nothing_written()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.ComfyUi);
        var result = ws.Burnish("grade", input, "tone.contrst=0.1", "-o", "graded.png");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("did you mean 'contrast'", result.Stderr);
        Assert.False(File.Exists(ws.PathOf("graded.png")));
    }

    [Fact]
    public void A_lut_from_the_command_line_or_a_recipe_is_applied_and_a_broken_one_is_located()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.ComfyUi);
        var lut = ws.Copy(Path.Combine(Fixtures.Dir, "filmic-17.cube"));
        var graded = ws.Burnish("grade", input, "--lut", lut, "lut.strength=1", "-o", "lut.png");
        Assert.True(graded.ExitCode == 0, graded.ToString());
        var plain = Pixels.Rgb255(input, toSrgb: true);
        var looked = Pixels.Rgb255(ws.PathOf("lut.png"), toSrgb: true);
        Assert.True((plain - looked).Abs().Avg() > 2, "the LUT must visibly change the image");

        var lines = File.ReadAllLines(lut).ToList();
        var row = lines.FindIndex(l => l.Length > 0 && char.IsDigit(l[0])) + 10;
        lines[row] = "0.5 zero 0.5";
        File.WriteAllLines(ws.PathOf("broken.cube"), lines);
        ws.Write("recipe.yaml", "version: 1\ngrade:\n  lut: {file: broken.cube}\nexport:\n  copies: [{long_edge: 64}]\n");
        var bad = ws.Burnish("finish", input, "-r", "recipe.yaml", "-o", "out");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains($"broken.cube:{row + 1}:", bad.Stderr);
        Workspace.AssertNoOutputs(ws.PathOf("out"));
    }

    [Fact]
    public void The_contact_sheet_shows_the_original_and_every_look()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.ComfyUi); // 512×512
        var result = ws.Burnish("grade", "--contact-sheet", input, "-o", "sheet.png");
        Assert.True(result.ExitCode == 0, result.ToString());
        var (w, h) = Pixels.Size(ws.PathOf("sheet.png"));
        // 5 tiles (original + 4 looks), 3 across: 3 tiles of 480 px plus 2 gaps wide, 2 rows of tile + caption high.
        Assert.Equal(3 * 480 + 2 * 12, w);
        Assert.True(h > 2 * 480 && h < 2 * 480 + 2 * 80, $"height {h}");
    }
}
