using System.Text.Json;
using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary>The upscale stage from the command line: the standalone command and the recipe section in finish.</summary>
public class UpscaleCommandTests
{
    [Fact]
    public void Upscale_writes_a_16bit_result_at_the_model_scale_keeping_metadata()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111);
        var result = ws.Burnish("upscale", input, "-o", "big.png", "--model", "esrgan-slim-x2");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal((512, 384), Pixels.Size(ws.PathOf("big.png")));
        Assert.Equal(16, Png.BitDepth(ws.PathOf("big.png")));
        Assert.Contains("sRGB", Pixels.IccDescription(ws.PathOf("big.png")));
        Assert.True(Png.TextChunks(ws.PathOf("big.png")).ContainsKey("parameters"), "the generation parameters were dropped");
        Workspace.AssertNoTempFiles(ws.Root);
    }

    [Fact]
    public void Any_scale_or_long_edge_is_met_exactly()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111);
        var scaled = ws.Burnish("upscale", input, "-o", "s.png", "--model", "esrgan-slim", "--scale", "2.5");
        Assert.True(scaled.ExitCode == 0, scaled.ToString());
        Assert.Equal((640, 480), Pixels.Size(ws.PathOf("s.png")));
        var edge = ws.Burnish("upscale", input, "-o", "e.jpg", "--model", "esrgan-slim", "--long-edge", "700");
        Assert.True(edge.ExitCode == 0, edge.ToString());
        Assert.Equal((700, 525), Pixels.Size(ws.PathOf("e.jpg")));
    }

    [Theory]
    [InlineData(new[] { "--model", "missing.onnx" }, "missing.onnx: file not found")]
    [InlineData(new[] { "--model", "esrgan-medum" }, "did you mean 'esrgan-medium'")]
    [InlineData(new[] { "--tile", "10" }, "tile must be auto or a whole number from 32 to 4096")]
    [InlineData(new[] { "--passes", "2,5" }, "each pass is a model scale")]
    [InlineData(new[] { "--model", "realcugan-x3", "--denoise", "1" }, "realcugan has no ×3 variant at denoise 1: at ×3 it has conservative, none, 3")]
    [InlineData(new[] { "--model", "esrgan-slim", "--denoise", "2" }, "denoise is Real-CUGAN's")]
    [InlineData(new[] { "--denoise", "7" }, "denoise must be one of conservative, none, 1, 2, 3, got '7'")]
    [InlineData(new[] { "--quality", "ultra" }, "'ultra' is not one of fast, balanced, best")]
    [InlineData(new[] { "--device", "cuda" }, "CUDA execution provider is not available")]
    [InlineData(new[] { "--scale", "2", "--long-edge", "900" }, "give scale or target, not both")]
    public void Bad_options_fail_clearly_and_write_nothing(string[] options, string message)
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111);
        var result = ws.Burnish(["upscale", input, "-o", "out.png", .. options]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr);
        Assert.False(File.Exists(ws.PathOf("out.png")));
        Workspace.AssertNoTempFiles(ws.Root);
    }

    [Fact]
    public void An_existing_output_is_kept_unless_forced()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111);
        var existing = ws.Write("out.png", "precious");
        var refused = ws.Burnish("upscale", input, "-o", "out.png", "--model", "esrgan-slim-x2");
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("precious", File.ReadAllText(existing));
        var forced = ws.Burnish("upscale", input, "-o", "out.png", "--model", "esrgan-slim-x2", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal((512, 384), Pixels.Size(existing));
    }

    [Fact]
    public void Finish_upscales_and_the_sidecar_records_the_model_and_tiles()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.Tree16);
        ws.Write("r.yaml", """
            version: 1
            upscale: {model: esrgan-slim, scale: 2, tile: 128}
            cleanup: {}
            export:
              master: {format: png, space: display-p3}
              copies: []
            """);
        var result = ws.Burnish("finish", input, "-r", "r.yaml", "-o", "out", "--keep-intermediates");
        Assert.True(result.ExitCode == 0, result.ToString());
        var sidecar = Sidecar.Read(ws.PathOf("out", "tree_alpha_16bit.burnish.json"));
        sidecar.AssertMatchesDisk();
        Assert.Equal((684, 512), (sidecar.Master.Width, sidecar.Master.Height));
        Assert.Contains(sidecar.Intermediates, i => i.Role == "stage:upscale");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(sidecar.FilePath));
        var stage = doc.RootElement.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "upscale");
        Assert.Equal("done", stage.GetProperty("status").GetString());
        var measured = stage.GetProperty("measurements");
        Assert.True(measured.GetProperty("tiles").GetDouble() > 1, "a 128 px tile should cut a 342×256 image");
        Assert.Equal(0, measured.GetProperty("pass1.feather").GetDouble());
        // Cleanup runs after the upscale at its light-touch defaults and records the colour drift before and after.
        var cleanup = doc.RootElement.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "cleanup");
        Assert.Equal("done", cleanup.GetProperty("status").GetString());
        var drift = cleanup.GetProperty("measurements");
        Assert.True(drift.GetProperty("colour_drift_de00_after").GetDouble() <= drift.GetProperty("colour_drift_de00_before").GetDouble() + 1e-9);
        var model = doc.RootElement.GetProperty("models").EnumerateArray().Single();
        Assert.Equal("esrgan-slim-x2", model.GetProperty("name").GetString());
        Assert.Matches("^[0-9a-f]{64}$", model.GetProperty("sha256").GetString()!);
        // The 16-bit alpha cut-out keeps its alpha through the model.
        Assert.Equal(4, NetVips.Image.NewFromFile(ws.PathOf("out", "tree_alpha_16bit.master.png")).Bands);
    }
}
