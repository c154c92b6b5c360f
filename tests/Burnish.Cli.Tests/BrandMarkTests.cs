using System.Text.Json;
using Burnish.Cli.Tests.Infrastructure;
using NetVips;

namespace Burnish.Cli.Tests;

/// <summary>Logos and text on copies, through finish and export: the master is never marked, the sidecar says where marks went.</summary>
public sealed class BrandMarkTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    private static string Recipe(string overlayImage) => $"""
        version: 1
        export:
          copies:
            - long_edge: 256
              format: png
              name: small
              overlay: {"{"}image: {overlayImage}, anchor: top-left, margin: 8, width: 48{"}"}
              text: {"{"}content: "© Ada", colour: "#ffd070", size: 5%{"}"}
        """;

    [Fact]
    public void Finish_marks_the_copy_records_it_and_leaves_the_master_alone()
    {
        var input = ws.Copy(Fixtures.A1111, "garage.png", folder: "in");
        var logo = ws.Copy(Fixtures.Logo, "logo.png");
        var marked = ws.Burnish("finish", input, "-r", ws.Write("marked.yaml", Recipe(logo)), "-o", ws.PathOf("marked"));
        var plain = ws.Burnish("finish", input, "-r", ws.Write("plain.yaml", Fixtures.SmallRecipe()), "-o", ws.PathOf("plain"));
        Assert.True(marked.ExitCode == 0, marked.ToString());
        Assert.True(plain.ExitCode == 0, plain.ToString());

        // The master's pixels are the same with and without marks on the copies (its bytes differ by the recipe in its lineage).
        using (var a = Image.NewFromFile(ws.PathOf("marked", "garage.master.png")))
        using (var b = Image.NewFromFile(ws.PathOf("plain", "garage.master.png")))
            Assert.Equal(0.0, (a - b).Abs().Max());

        using var sidecar = JsonDocument.Parse(File.ReadAllBytes(ws.PathOf("marked", "garage.burnish.json")));
        var outputs = sidecar.RootElement.GetProperty("outputs").EnumerateArray().ToList();
        Assert.False(outputs.Single(o => o.GetProperty("role").GetString() == "master").TryGetProperty("marks", out _));
        var marks = outputs.Single(o => o.GetProperty("role").GetString() == "copy").GetProperty("marks").EnumerateArray().ToList();
        Assert.Equal(2, marks.Count);
        Assert.Equal(("overlay", logo, Workspace.Sha256(logo)), (marks[0].GetProperty("kind").GetString(), marks[0].GetProperty("source").GetString(), marks[0].GetProperty("sha256").GetString()));
        Assert.Equal((8, 8, 48, 48), Box(marks[0]));
        Assert.Equal(("text", "© Ada"), (marks[1].GetProperty("kind").GetString(), marks[1].GetProperty("source").GetString()));
        // 5% of the 192 px shorter side is a 9.6 px em; a 2% margin (4 px) from the bottom-right corner of the 256×192 copy.
        var (x, y, w, h) = Box(marks[1]);
        Assert.Equal((256 - 4, 192 - 4), (x + w, y + h));

        // Outside the two boxes the copy is the unmarked copy, to the bit.
        using var copy = Image.NewFromFile(ws.PathOf("marked", "garage.small.png"));
        using var reference = Image.NewFromFile(ws.PathOf("plain", "garage.small.png"));
        var (marks8, plain8) = (copy.WriteToMemory<byte>(), reference.WriteToMemory<byte>());
        Assert.Equal(3, copy.Bands);
        for (var i = 0; i < marks8.Length; i++)
        {
            var (px, py) = (i / 3 % copy.Width, i / 3 / copy.Width);
            var inBox = (px >= 8 && px < 56 && py >= 8 && py < 56) || (px >= x && px < x + w && py >= y && py < y + h);
            if (!inBox) Assert.True(marks8[i] == plain8[i], $"({px},{py}) outside the marks changed");
        }
        Assert.True((copy - reference).Abs().Crop(8, 8, 48, 48).Max() > 50, "the logo left no trace");
    }

    [Fact]
    public void A_missing_mark_file_stops_the_run_with_its_line_and_column()
    {
        var input = ws.Copy(Fixtures.A1111, "garage.png", folder: "in");
        var run = ws.Burnish("finish", input, "-r", ws.Write("r.yaml", Recipe("no-such-logo.png")), "-o", ws.PathOf("out"));
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.EndsWith("r.yaml:7:24: export.copies[0].overlay: image no-such-logo.png: file not found", line);
        Workspace.AssertNoOutputs(ws.PathOf("out"));
    }

    [Fact]
    public void Export_takes_an_overlay_file_and_text()
    {
        var input = ws.Copy(Fixtures.A1111, "garage.png", folder: "in");
        Assert.Equal(0, ws.Burnish("finish", input, "-r", ws.Write("plain.yaml", Fixtures.SmallRecipe()), "-o", ws.PathOf("m")).ExitCode);
        var master = ws.PathOf("m", "garage.master.png");
        var marked = ws.Burnish("export", master, "-o", ws.PathOf("marked"), "--to", "x-post", "--format", "png", "--overlay", Fixtures.Logo, "--text", "content=© Ada,colour=#ff0000,anchor=top-left");
        var plain = ws.Burnish("export", master, "-o", ws.PathOf("plain"), "--to", "x-post", "--format", "png");
        Assert.True(marked.ExitCode == 0, marked.ToString());
        Assert.True(plain.ExitCode == 0, plain.ToString());
        using var a = Image.NewFromFile(ws.PathOf("marked", "garage.x-post.png"));
        using var b = Image.NewFromFile(ws.PathOf("plain", "garage.x-post.png"));
        // x-post is 1600×900: the logo 15% of 1600 = 240 px, 2% of 900 = 18 px from the bottom-right corner.
        Assert.True((a - b).Abs().Crop(1600 - 18 - 240, 900 - 18 - 240, 240, 240).Max() > 50);
        Assert.Equal(0.0, (a - b).Abs().Crop(400, 300, 800, 300).Max());

        var bad = ws.Burnish("export", master, "-o", ws.PathOf("bad"), "--to", "x-post", "--text", "content=hi,colour=#12");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("burnish: --text colour=#12: '#12' is not a colour: write #rrggbb, #rgb or one of white, black, grey, gray, silver, red, green, blue, yellow", bad.Stderr.Trim());
        Workspace.AssertNoOutputs(ws.PathOf("bad"));
    }

    private static (int X, int Y, int W, int H) Box(JsonElement mark) =>
        (mark.GetProperty("x").GetInt32(), mark.GetProperty("y").GetInt32(), mark.GetProperty("width").GetInt32(), mark.GetProperty("height").GetInt32());
}
