using System.Text.Json;
using Burnish.Cli.Tests.Infrastructure;
using NetVips;

namespace Burnish.Cli.Tests;

/// <summary>
/// The opt-in subject model from the command line: nothing runs (or is written) before it is fetched by name, and then
/// <c>burnish masks --auto subject</c> and a recipe with <c>auto: background</c> in repair and <c>auto: subject</c> in
/// cleanup work end to end, the model recorded in the sidecar with both licences. On the children photo and a flat
/// grey image (no subject).
/// </summary>
public class SubjectMaskCommandTests
{
    private static CliResult Run(Workspace ws, string cache, params string[] args) =>
        CliProcess.Run(ws.Root, TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["BURNISH_MODELS"] = cache }, args);

    [Fact]
    public void Before_the_fetch_every_use_is_one_line_that_says_how_and_writes_nothing()
    {
        using var ws = new Workspace();
        ws.Copy(Fixtures.Children, "kids.jpg");
        var cache = ws.PathOf("cache");
        var masks = Run(ws, cache, "masks", "kids.jpg", "--auto", "subject", "-o", "mask.png");
        var repair = Run(ws, cache, "repair", "kids.jpg", "-o", "out.png", "--auto", "background");
        foreach (var r in new[] { masks, repair })
        {
            Assert.Equal(2, r.ExitCode);
            var line = Assert.Single(r.Stderr.Trim().Split('\n'));
            Assert.Contains("burnish models fetch isnet", line);
            Assert.Contains("AGPL-3.0", line);
        }
        Assert.False(File.Exists(ws.PathOf("mask.png")));
        Assert.False(File.Exists(ws.PathOf("out.png")));
        var list = Run(ws, cache, "models", "list");
        Assert.Equal(0, list.ExitCode);
        var row = Assert.Single(list.Lines, l => l.TrimStart().StartsWith("isnet", StringComparison.Ordinal));
        Assert.Contains("not fetched", row);
        Assert.Contains("MIT (ISNet", row);
        Assert.Contains("AGPL-3.0", row);
        Assert.False(Directory.Exists(ws.PathOf("cache", "optin"))); // asking fetched nothing
        var unknown = Run(ws, cache, "models", "fetch", "isnett");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'isnett' is not an opt-in model", unknown.Stderr);
    }

    [Fact]
    public void Once_fetched_masks_and_a_recipe_use_it_and_the_sidecar_names_both_licences()
    {
        using var ws = new Workspace();
        var fetch = ws.Burnish("models", "fetch", "isnet");
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.Contains("isnet ready", fetch.Stdout);
        ws.Copy(Fixtures.Children, "kids.jpg");
        (Image.Black(256, 256, bands: 3) + 128).Cast(Enums.BandFormat.Uchar).WriteToFile(ws.PathOf("grey.png"));

        var masks = ws.Burnish("masks", "kids.jpg", "--auto", "subject", "-o", "mask.png", "--overlay", "preview.png", "--json");
        Assert.True(masks.ExitCode == 0, masks.ToString());
        using (var doc = JsonDocument.Parse(masks.Stdout))
        {
            var region = Assert.Single(doc.RootElement.GetProperty("regions").EnumerateArray());
            Assert.Equal("subject", region.GetProperty("kind").GetString());
            Assert.Contains("AGPL-3.0", doc.RootElement.GetProperty("models")[0].GetProperty("licence").GetString());
            Assert.True(doc.RootElement.GetProperty("subject_cpu_ms").GetDouble() > 0);
        }
        Assert.Equal((566, 350), (Image.NewFromFile(ws.PathOf("preview.png")).Width, Image.NewFromFile(ws.PathOf("mask.png")).Height));

        ws.Write("r.yaml", """
            version: 1
            repair:
              - auto: background
                shrink: 2
                method: telea
            upscale: {model: esrgan-slim-x2}
            cleanup:
              soften:
                - auto: subject
                  amount: 0.5
            export:
              master: {format: png}
              copies: []
            """);
        var result = ws.Burnish("finish", "kids.jpg", "grey.png", "-r", "r.yaml", "-o", "out");
        Assert.True(result.ExitCode == 0, result.ToString());
        var kids = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(ws.PathOf("out", "kids.burnish.json")), @"\s", "");
        Assert.Contains("\"kind\":\"background\"", kids);
        Assert.Contains("\"name\":\"isnet\"", kids);
        Assert.Contains("AGPL-3.0(npmpackage@imgly/background-removal-data)", kids);
        Assert.Contains("softened_percent", kids);
        var grey = File.ReadAllText(ws.PathOf("out", "grey.burnish.json"));
        Assert.Contains("repair pass 1: no subject found; nothing repaired", grey);
        Assert.Contains("cleanup.soften[0]: no subject found; nothing softened there", grey);
    }
}
