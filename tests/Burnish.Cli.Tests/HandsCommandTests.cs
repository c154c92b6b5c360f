using System.Text.Json;
using Burnish.Cli.Tests.Infrastructure;
using NetVips;

namespace Burnish.Cli.Tests;

/// <summary>
/// <c>burnish masks --auto hands</c>, and a recipe that repairs hands and softens skin, end to end through
/// <c>finish</c>, on the children photo (seven visible hands, five faces) and the tree (neither).
/// </summary>
public class HandsCommandTests
{
    [Fact]
    public void Hands_are_written_as_a_mask_and_a_preview_and_listed()
    {
        using var ws = new Workspace();
        ws.Copy(Fixtures.Children, "kids.jpg");
        var result = ws.Burnish("masks", "kids.jpg", "--auto", "hands", "-o", "mask.png", "--overlay", "preview.png", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var regions = doc.RootElement.GetProperty("regions").EnumerateArray().ToList();
        Assert.Equal(7, regions.Count);
        Assert.All(regions, r => Assert.Equal("hand", r.GetProperty("kind").GetString()));
        Assert.All(regions, r => Assert.InRange(r.GetProperty("score").GetDouble(), 0.5, 1));
        using var mask = Image.NewFromFile(ws.PathOf("mask.png"));
        Assert.Equal((566, 350, 1), (mask.Width, mask.Height, mask.Bands));
        // Seven child-sized hands: each between 0.2 % and 2 % of the picture.
        Assert.All(regions, r => Assert.InRange(r.GetProperty("pixels").GetInt64(), 400, 4000));
        Assert.True(doc.RootElement.GetProperty("hand_ms").GetDouble() > 0);
        Assert.True(File.Exists(ws.PathOf("preview.png")));
    }

    [Fact]
    public void A_recipe_repairs_hands_and_softens_skin_and_an_image_without_hands_only_warns()
    {
        using var ws = new Workspace();
        ws.Copy(Fixtures.Children, "kids.jpg");
        ws.Copy(Fixtures.Tree16, "tree.png");
        ws.Write("r.yaml", """
            version: 1
            repair:
              - auto: hands
                hands: {grow: 0.1}
                method: telea
            upscale: {model: esrgan-slim-x2}
            cleanup:
              soften:
                - auto: skin
                  amount: 0.6
            export:
              master: {format: png}
              copies: []
            """);
        var result = ws.Burnish("finish", "kids.jpg", "tree.png", "-r", "r.yaml", "-o", "out");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var kids = JsonDocument.Parse(File.ReadAllText(ws.PathOf("out", "kids.burnish.json")));
        var text = System.Text.RegularExpressions.Regex.Replace(kids.RootElement.ToString(), @"\s", "");
        Assert.Equal(7, CountOf(text, "\"kind\":\"hand\""));
        Assert.Contains("softened_percent", text);
        Assert.DoesNotContain("nohandfound", text);
        var tree = File.ReadAllText(ws.PathOf("out", "tree.burnish.json"));
        Assert.Contains("no hand found; nothing repaired", tree);
        Assert.Contains("no face found; nothing softened there", tree);
        // The 16-bit master, upscaled ×2 after the hands were repaired.
        var masterPath = Assert.Single(Directory.EnumerateFiles(ws.PathOf("out"), "kids*.png"));
        using var master = Image.NewFromFile(masterPath);
        Assert.Equal((1132, 700), (master.Width, master.Height));
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;
}
