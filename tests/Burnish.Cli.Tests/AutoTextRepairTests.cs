using Burnish.Cli.Tests.Infrastructure;
using NetVips;

namespace Burnish.Cli.Tests;

/// <summary><c>repair --auto text</c> and <c>repair: [{auto: text}]</c>: the caption is found and filled, the rest kept.</summary>
public class AutoTextRepairTests
{
    private static double MeanAbs(Image a, Image b) => (a.Cast(Enums.BandFormat.Float) - b.Cast(Enums.BandFormat.Float)).Abs().Avg();

    [Fact]
    public void The_caption_is_found_filled_and_the_rest_kept()
    {
        using var ws = new Workspace();
        var clean = Captions.Burn(Fixtures.ComfyUi, "burnish.example  #42", 22, 60, 440, ws.PathOf("captioned.png"));
        var result = ws.Burnish("repair", "captioned.png", "--auto", "text", "-o", "out.png");
        Assert.True(result.ExitCode == 0, result.ToString());
        var input = Image.NewFromFile(ws.PathOf("captioned.png"));
        var output = Pixels.Rgb255(ws.PathOf("out.png"));
        // Inside the caption's box the repair is far closer to the clean picture than the captioned input was.
        var (x, y, w, h) = (55, 432, 300, 40);
        var before = MeanAbs(input.Crop(x, y, w, h), clean.Crop(x, y, w, h));
        var after = MeanAbs(output.Crop(x, y, w, h), clean.Crop(x, y, w, h));
        Assert.True(after < before / 2, $"caption box: {before:F1} levels from clean before, {after:F1} after");
        // The top of the picture, far from any text, is untouched (16-bit output of 8-bit input: within rounding).
        Assert.True(MeanAbs(output.Crop(0, 0, 512, 300), input.Crop(0, 0, 512, 300)) < 0.01);
    }

    [Fact]
    public void A_recipe_pass_with_auto_text_runs_in_finish_and_a_clean_image_only_warns()
    {
        using var ws = new Workspace();
        Captions.Burn(Fixtures.ComfyUi, "burnish.example  #42", 22, 60, 440, ws.PathOf("captioned.png"));
        ws.Copy(Fixtures.A1111, "clean.png");
        ws.Write("r.yaml", """
            version: 1
            repair:
              - auto: text
                text: {dilate: 4}
            export:
              master: {format: png, space: display-p3}
              copies: []
            """);
        var result = ws.Burnish("finish", "captioned.png", "clean.png", "-r", "r.yaml", "-o", "out");
        Assert.True(result.ExitCode == 0, result.ToString());
        var captioned = File.ReadAllText(ws.PathOf("out", "captioned.burnish.json"));
        Assert.Contains("auto text", captioned);
        var clean = File.ReadAllText(ws.PathOf("out", "clean.burnish.json"));
        Assert.Contains("no text or watermark found", clean);
    }

    [Fact]
    public void A_missing_inpainting_model_fails_before_any_image()
    {
        using var ws = new Workspace();
        ws.Copy(Fixtures.A1111, "in.png");
        var result = ws.Burnish("repair", "in.png", "--box", "10,10,40,40", "--method", "onnx", "--model", "lama.onnx", "-o", "out.png");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("lama.onnx", result.Stderr);
        Assert.False(File.Exists(ws.PathOf("out.png")));
        var noModel = ws.Burnish("repair", "in.png", "--box", "10,10,40,40", "--method", "onnx", "-o", "out.png");
        Assert.Equal(2, noModel.ExitCode);
        Assert.Contains("method onnx needs model", noModel.Stderr);
    }
}
