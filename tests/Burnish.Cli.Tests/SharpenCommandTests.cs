using Burnish.Cli.Tests.Infrastructure;
using NetVips;

namespace Burnish.Cli.Tests;

public class SharpenCommandTests
{
    [Fact]
    public void Export_sharpens_copies_on_request_and_validates_the_keys()
    {
        using var ws = new Workspace();
        var master = ws.Copy(Fixtures.ComfyUi, "art.master.png");
        var plain = ws.Burnish("export", master, "-o", "plain", "--to", "instagram-square", "--format", "png");
        var sharp = ws.Burnish("export", master, "-o", "sharp", "--to", "instagram-square", "--format", "png", "--sharpen", "amount=2");
        Assert.True(plain.ExitCode == 0 && sharp.ExitCode == 0, plain + "\n" + sharp);
        // Edge energy (mean absolute Laplacian) must rise when the copy is sharpened.
        static double Edges(string path)
        {
            var grey = Image.NewFromFile(path).Colourspace(Enums.Interpretation.Bw).Cast(Enums.BandFormat.Float);
            var laplacian = Image.NewFromArray(new[,] { { 0.0, -1, 0 }, { -1, 4, -1 }, { 0, -1, 0 } });
            return grey.Conv(laplacian).Abs().Avg();
        }
        var before = Edges(ws.PathOf("plain", "art.instagram-square.png"));
        var after = Edges(ws.PathOf("sharp", "art.instagram-square.png"));
        Assert.True(after > before * 1.05, $"edge energy {before:0.00} → {after:0.00}");

        var bad = ws.Burnish("export", master, "-o", "bad", "--to", "x-post", "--sharpen", "amout=2");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("did you mean 'amount'", bad.Stderr);
        Workspace.AssertNoOutputs(ws.PathOf("bad"));
    }
}
