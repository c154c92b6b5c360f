using System.Text.Json;
using Burnish.Cli.Tests.Infrastructure;
using NetVips;

namespace Burnish.Cli.Tests;

/// <summary>
/// <c>burnish masks</c>, and a recipe that uses a face mask in repair and a skin mask in cleanup, end to end through
/// <c>finish</c>, on the children photo (five faces) and the tree (none).
/// </summary>
public class MasksCommandTests
{
    [Fact]
    public void Faces_are_written_as_a_mask_and_a_preview_and_listed()
    {
        using var ws = new Workspace();
        ws.Copy(Fixtures.Children, "kids.jpg");
        var result = ws.Burnish("masks", "kids.jpg", "--auto", "face", "-o", "mask.png", "--overlay", "preview.jpg", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var regions = doc.RootElement.GetProperty("regions").EnumerateArray().ToList();
        Assert.Equal(5, regions.Count);
        Assert.All(regions, r => Assert.Equal("face", r.GetProperty("kind").GetString()));
        // Each face says how it was outlined: all five by the face mesh, which is sure of them.
        Assert.All(regions, r => Assert.Equal("mesh", r.GetProperty("outline").GetString()));
        Assert.All(regions, r => Assert.InRange(r.GetProperty("mesh_score").GetDouble(), 0.9, 1));
        // --no-mesh: the same five faces, outlined by BlazeFace's ellipses, with no mesh score.
        var plain = ws.Burnish("masks", "kids.jpg", "--auto", "face", "-o", "plain.png", "--no-mesh", "--json");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        using var plainDoc = JsonDocument.Parse(plain.Stdout);
        var ellipses = plainDoc.RootElement.GetProperty("regions").EnumerateArray().ToList();
        Assert.Equal(5, ellipses.Count);
        Assert.All(ellipses, r => Assert.Equal("ellipse", r.GetProperty("outline").GetString()));
        Assert.All(ellipses, r => Assert.False(r.TryGetProperty("mesh_score", out _)));
        var mask = Image.NewFromFile(ws.PathOf("mask.png"));
        Assert.Equal((566, 350, 1), (mask.Width, mask.Height, mask.Bands));
        var masked = doc.RootElement.GetProperty("masked_pixels").GetInt64();
        Assert.Equal(masked, (long)Math.Round((mask >= 128).Avg() / 255 * 566 * 350));
        Assert.Equal(regions.Sum(r => r.GetProperty("pixels").GetInt64()), masked); // the five ovals do not overlap here
        var preview = Image.NewFromFile(ws.PathOf("preview.jpg"));
        Assert.Equal((566, 350, 3), (preview.Width, preview.Height, preview.Bands));
    }

    [Fact]
    public void Bad_input_is_one_line_and_writes_nothing()
    {
        using var ws = new Workspace();
        ws.Copy(Fixtures.Children, "kids.jpg");
        var unknown = ws.Burnish("masks", "kids.jpg", "--auto", "face,feet", "-o", "mask.png");
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("burnish: --auto 'feet' is not one of face, text, hands, person", unknown.Stderr.Trim().Split('\n')[0]);
        var meshScore = ws.Burnish("masks", "kids.jpg", "--auto", "face", "-o", "mask.png", "--mesh-score", "1.5");
        Assert.Equal(2, meshScore.ExitCode);
        Assert.Equal("burnish: --mesh-score must be a number in 0..1, got 1.5", meshScore.Stderr.Trim().Split('\n')[0]);
        var missing = ws.Burnish("masks", "nope.png", "--auto", "face", "-o", "mask.png");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.png", missing.Stderr);
        Assert.False(File.Exists(ws.PathOf("mask.png")));
        ws.Write("mask.png", "keep me");
        var exists = ws.Burnish("masks", "kids.jpg", "--auto", "face", "-o", "mask.png");
        Assert.NotEqual(0, exists.ExitCode);
        Assert.Equal("keep me", File.ReadAllText(ws.PathOf("mask.png")));
        Assert.Empty(Directory.EnumerateFiles(ws.Root, "*burnish-tmp*"));
    }

    [Fact]
    public void A_recipe_repairs_eyes_and_softens_skin_and_an_image_without_faces_only_warns()
    {
        using var ws = new Workspace();
        ws.Copy(Fixtures.Children, "kids.jpg");
        ws.Copy(Fixtures.Tree16, "tree.png");
        ws.Write("r.yaml", """
            version: 1
            repair:
              - auto: face
                face: {part: eyes}
                grow: 1
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
        Assert.Contains("\"regions\"", text);
        // Repair finds the five children's faces; cleanup records the faces it softened on the upscaled image apart.
        string Stage(string name) => System.Text.RegularExpressions.Regex.Replace(
            kids.RootElement.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == name).ToString(), @"\s", "");
        Assert.Equal(5, CountOf(Stage("repair"), "\"kind\":\"face\""));
        Assert.InRange(CountOf(Stage("cleanup"), "\"kind\":\"face\""), 1, 5);
        Assert.Contains("softened_percent", text);
        var tree = File.ReadAllText(ws.PathOf("out", "tree.burnish.json"));
        Assert.Contains("no face found; nothing repaired", tree);
        Assert.Contains("no face found; nothing softened there", tree);
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;
}
