using Burnish.Cli.Tests.Infrastructure;
using NetVips;

namespace Burnish.Cli.Tests;

/// <summary>Every destination preset makes its documented pixel size, in sRGB, through <c>export</c> and through a recipe.</summary>
public sealed class DestinationTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    private static readonly string[] All =
        ["web-2048", "instagram-square", "instagram-portrait", "instagram-story", "x-post", "print-a4-300ppi", "print-a3-300ppi"];

    /// <summary>
    /// The sizes the destination docs promise, written out rather than computed: web-2048 keeps the aspect with a
    /// 2048 long edge; Instagram and X boxes are fixed; print sheets turn to the image's orientation.
    /// </summary>
    private static (int W, int H) Documented(string destination, bool landscape) => destination switch
    {
        "web-2048" => landscape ? (2048, 1536) : (1536, 2048), // inputs here are 4:3 and 3:4
        "instagram-square" => (1080, 1080),
        "instagram-portrait" => (1080, 1350),
        "instagram-story" => (1080, 1920),
        "x-post" => (1600, 900),
        "print-a4-300ppi" => landscape ? (3508, 2480) : (2480, 3508),
        "print-a3-300ppi" => landscape ? (4961, 3508) : (3508, 4961),
        _ => throw new ArgumentOutOfRangeException(nameof(destination)),
    };

    [Fact]
    public void ExportToEveryDestinationFromALandscapeMaster()
    {
        // A real master first: 16-bit Display P3, 256×192.
        var input = ws.Copy(Fixtures.A1111, "garage.png", folder: "in");
        Assert.Equal(0, ws.Burnish("finish", input, "-r", ws.Write("recipe.yaml", Fixtures.SmallRecipe()), "-o", ws.PathOf("masters")).ExitCode);
        var master = ws.PathOf("masters", "garage.master.png");
        var outDir = ws.PathOf("copies");

        var run = ws.Burnish("export", master, "-o", outDir, "--to", string.Join(',', All));

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var destination in All)
        {
            var copy = Path.Combine(outDir, $"garage.{destination}.jpg");
            var size = Documented(destination, landscape: true);
            Assert.True(File.Exists(copy), $"{copy} missing; {run}");
            Assert.Equal(size, Pixels.Size(copy));
            Assert.Contains("sRGB", Pixels.IccDescription(copy));
            Assert.Contains($"{destination}", run.Stdout);
            Assert.Contains($"{size.W}×{size.H}", run.Stdout);
        }
        Assert.Equal(All.Length, Workspace.FilesUnder(outDir).Count);
    }

    [Fact]
    public void ExportAcceptsAnImageWithAnotherEmbeddedProfile()
    {
        // 342×256, 16-bit RGBA in Adobe RGB (1998): not a Burnish master, and not a profile Burnish ships.
        var input = ws.Copy(Fixtures.Tree16, "tree.png");
        var outDir = ws.PathOf("copies");

        var run = ws.Burnish("export", input, "-o", outDir, "--to", "web-2048", "--format", "png");

        Assert.True(run.ExitCode == 0, run.ToString());
        var copy = Path.Combine(outDir, "tree.web-2048.png");
        Assert.Equal((2048, 1533), Pixels.Size(copy)); // long edge 2048, aspect kept: 256 × 2048 / 342 = 1532.98
        Assert.Contains("sRGB", Pixels.IccDescription(copy));
        using var image = Image.NewFromFile(copy);
        Assert.Equal(4, image.Bands); // alpha kept in a PNG copy
    }

    [Fact]
    public void RecipeListingEveryDestinationOnAPortraitImage()
    {
        // 192×256 portrait, cut from the ComfyUI fixture.
        var input = ws.PathOf("portrait.png");
        using (var source = Image.NewFromFile(Fixtures.ComfyUi))
            source.Crop(160, 128, 192, 256).WriteToFile(input);
        var recipe = ws.Write("all.yaml", "version: 1\nexport:\n  copies:\n" + string.Concat(All.Select(d => $"    - destination: {d}\n      quality: 80\n")));
        var outDir = ws.PathOf("out");

        var run = ws.Burnish("finish", input, "-r", recipe, "-o", outDir);

        Assert.True(run.ExitCode == 0, run.ToString());
        var sidecar = Sidecar.Read(Path.Combine(outDir, "portrait.burnish.json"));
        sidecar.AssertMatchesDisk();
        Assert.Equal((192, 256), Pixels.Size(sidecar.FullPath(sidecar.Master)));
        foreach (var destination in All)
        {
            var copy = Path.Combine(outDir, $"portrait.{destination}.jpg");
            var size = Documented(destination, landscape: false);
            Assert.Equal(size, Pixels.Size(copy));
            Assert.Contains("sRGB", Pixels.IccDescription(copy));
            var record = sidecar.Copies.Single(c => c.Destination == destination);
            Assert.Equal((size.W, size.H, "srgb"), (record.Width, record.Height, record.ColourSpace));
        }
    }
}
