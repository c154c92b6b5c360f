using System.Text.Json;
using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary>Every stage in one recipe, in the canonical order, from <c>burnish finish</c>.</summary>
public class WholePipelineTests
{
    private static JsonElement Stage(JsonDocument doc, string name) =>
        doc.RootElement.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == name);

    [Fact]
    public void Auto_text_repair_then_outpaint_to_16_9_then_the_rest_of_the_pipeline()
    {
        using var ws = new Workspace();
        Captions.Burn(Fixtures.A1111, "sample · do not post", 16, 20, 160, ws.PathOf("gen.png"));
        ws.Write("r.yaml", """
            version: 1
            repair:
              - auto: text
            outpaint: {aspect: "16:9"}
            upscale: {model: esrgan-slim, scale: 2}
            cleanup: {}
            grade: {preset: warm-golden}
            sharpen: {}
            export:
              master: {format: png, space: display-p3}
              copies:
                - {long_edge: 800, format: webp, name: web}
            """);
        var result = ws.Burnish("finish", "gen.png", "-r", "r.yaml", "-o", "out");
        Assert.True(result.ExitCode == 0, result.ToString());
        var sidecar = Sidecar.Read(ws.PathOf("out", "gen.burnish.json"));
        sidecar.AssertMatchesDisk();
        // 256×192 (4:3) grows to 341×192 (16:9, 192 × 16/9 = 341.3 rounded), then ×2.
        Assert.Equal((682, 384), (sidecar.Master.Width, sidecar.Master.Height));
        Assert.Equal((800, 450), (sidecar.Copies.Single().Width, sidecar.Copies.Single().Height));
        using var doc = JsonDocument.Parse(File.ReadAllBytes(sidecar.FilePath));
        foreach (var stage in new[] { "repair", "outpaint", "upscale", "cleanup", "grade" })
            Assert.StartsWith("done", Stage(doc, stage).GetProperty("status").GetString());
        Assert.True(Stage(doc, "repair").GetProperty("measurements").GetProperty("pass1.hole_percent").GetDouble() > 0.5, "the caption was not found");
        Assert.True(Stage(doc, "outpaint").GetProperty("measurements").GetProperty("steps").GetDouble() >= 1);
    }

    [Fact]
    public void Several_aspects_make_one_complete_set_each()
    {
        using var ws = new Workspace();
        ws.Copy(Fixtures.A1111, "gen.png");
        ws.Write("r.yaml", """
            version: 1
            outpaint: {aspects: ["1:1", "9:16"], step: 0.5}
            export:
              master: {format: png, space: display-p3}
              copies: []
            """);
        var result = ws.Burnish("finish", "gen.png", "-r", "r.yaml", "-o", "out");
        Assert.True(result.ExitCode == 0, result.ToString());
        var square = Sidecar.Read(ws.PathOf("out", "gen.1x1.burnish.json"));
        var story = Sidecar.Read(ws.PathOf("out", "gen.9x16.burnish.json"));
        square.AssertMatchesDisk();
        story.AssertMatchesDisk();
        Assert.Equal((256, 256), (square.Master.Width, square.Master.Height));
        Assert.Equal((256, 455), (story.Master.Width, story.Master.Height));
        // A second run with --resume skips both sets.
        var again = ws.Burnish("finish", "gen.png", "-r", "r.yaml", "-o", "out", "--resume");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already finished", again.AllOutput);
    }
}
