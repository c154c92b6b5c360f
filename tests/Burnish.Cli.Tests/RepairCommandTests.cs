using System.Text.Json;
using Burnish.Cli.Tests.Infrastructure;
using NetVips;

namespace Burnish.Cli.Tests;

public class RepairCommandTests
{
    /// <summary>A grey mask PNG of the given size: white inside the box, black elsewhere.</summary>
    private static string MaskFile(Workspace ws, string name, int width, int height, int x, int y, int w, int h)
    {
        var px = new byte[width * height];
        for (var j = y; j < y + h; j++)
            for (var i = x; i < x + w; i++) px[j * width + i] = 255;
        var path = ws.PathOf(name);
        using var image = Image.NewFromMemoryCopy<byte>(px, width, height, 1, Enums.BandFormat.Uchar);
        image.WriteToFile(path);
        return path;
    }

    /// <summary>Largest difference, in 8-bit levels, between two decoded files outside a box.</summary>
    private static double MaxDiffOutside(string a, string b, int x, int y, int w, int h)
    {
        var (ia, ib) = (Pixels.Rgb255(a), Pixels.Rgb255(b));
        var (da, db) = (ia.WriteToMemory<double>(), ib.WriteToMemory<double>());
        var bands = ia.Bands;
        double max = 0;
        for (var i = 0; i < da.Length; i++)
        {
            int p = i / bands, px = p % ia.Width, py = p / ia.Width;
            if (px >= x && px < x + w && py >= y && py < y + h) continue;
            max = Math.Max(max, Math.Abs(da[i] - db[i]));
        }
        return max;
    }

    [Fact]
    public void A_box_is_filled_into_a_16bit_png_that_keeps_the_profile_and_the_rest_of_the_pixels()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.Tree16); // 342×256 16-bit RGBA, Adobe RGB (1998)
        var run = ws.Burnish("repair", input, "--box", "100,80,60,40", "-o", "fixed.png");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("fill", run.Stdout);
        var output = ws.PathOf("fixed.png");
        Assert.Equal(16, Png.BitDepth(output));
        Assert.Equal((342, 256), Pixels.Size(output));
        Assert.Equal(Pixels.IccDescription(input), Pixels.IccDescription(output));
        Assert.Equal(0, MaxDiffOutside(input, output, 100, 80, 60, 40));
        Assert.True((Pixels.Rgb255(input) - Pixels.Rgb255(output)).Abs().Max() > 0, "the box was not repaired");
        Workspace.AssertNoTempFiles(ws.Root);
    }

    [Fact]
    public void Generation_metadata_is_kept_and_a_mask_file_with_invert_and_telea_works_into_a_jpeg()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111); // 256×192, tEXt parameters
        var png = ws.Burnish("repair", input, "--ellipse", "50%,50%,20,6", "--method", "telea", "-o", "fixed.png");
        Assert.True(png.ExitCode == 0, png.ToString());
        Assert.Equal(Png.TextChunks(input)["parameters"], Png.TextChunks(ws.PathOf("fixed.png"))["parameters"]);

        // A quarter-size mask, black = repair (as MI-GAN writes them): white everywhere but a box.
        var px = Enumerable.Repeat((byte)255, 64 * 48).ToArray();
        for (var y = 20; y < 24; y++)
            for (var x = 10; x < 40; x++) px[y * 64 + x] = 0;
        using (var mask = Image.NewFromMemoryCopy<byte>(px, 64, 48, 1, Enums.BandFormat.Uchar)) mask.WriteToFile(ws.PathOf("known.png"));
        var jpg = ws.Burnish("repair", input, "--mask", "known.png", "--invert", "--feather", "1.5", "-o", "fixed.jpg");
        Assert.True(jpg.ExitCode == 0, jpg.ToString());
        Assert.Equal((256, 192), Pixels.Size(ws.PathOf("fixed.jpg")));
        Assert.Contains("% of the image", jpg.Stdout);
    }

    [Fact]
    public void The_same_seed_gives_the_same_file_on_one_core_or_two()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.ComfyUi);
        string Run(string name, string? cores)
        {
            var env = cores is null ? null : new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = cores };
            var r = CliProcess.Run(ws.Root, CliProcess.DefaultTimeout, env, "repair", input, "--box", "200,150,90,70", "--seed", "7", "-o", name);
            Assert.True(r.ExitCode == 0, r.ToString());
            return Workspace.Sha256(ws.PathOf(name));
        }
        Assert.Equal(Run("two.png", null), Run("one.png", "1"));
    }

    [Theory]
    [InlineData("no source", "", "a repair pass needs a mask: --mask, --alpha, --auto text, face, hands, person, subject or background, --box or --ellipse")]
    [InlineData("box outside", "--box 480,10,64,64", "reaches outside the 512×512 image")]
    [InlineData("bad box", "--box 10,20,abc,5", "'abc' is not a number")]
    [InlineData("short box", "--box 10,20,5", "expected 4 numbers x,y,width,height")]
    [InlineData("grow and shrink", "--box 10,10,50,50 --grow 2 --shrink 1", "give grow or shrink, not both")]
    [InlineData("feather range", "--box 10,10,50,50 --feather 500", "option --feather: 500 is out of range 0..128")]
    [InlineData("invert alone", "--box 10,10,50,50 --invert", "invert reads a mask image the other way round")]
    [InlineData("no alpha", "--alpha", "the image has no alpha channel")]
    [InlineData("missing mask", "--mask nowhere.png", "nowhere.png: file not found")]
    [InlineData("black mask", "--mask black.png", "the mask is empty")]
    [InlineData("white mask", "--mask white.png", "covers the whole image")]
    [InlineData("method", "--box 10,10,50,50 --method telae", "option --method: 'telae' is not one of fill, telea, onnx, diffusion, restore; did you mean 'telea'?")]
    public void Bad_masks_and_options_are_refused_with_one_clear_line_and_nothing_written(string _, string options, string message)
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.ComfyUi);
        MaskFile(ws, "black.png", 64, 64, 0, 0, 0, 0);
        MaskFile(ws, "white.png", 64, 64, 0, 0, 64, 64);
        var args = new List<string> { "repair", input, "-o", "out.png" };
        args.AddRange(options.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var run = ws.Burnish([.. args]);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr); // no stack trace
        Assert.False(File.Exists(ws.PathOf("out.png")));
        Workspace.AssertNoTempFiles(ws.Root);
    }

    [Fact]
    public void The_input_is_never_overwritten_and_an_existing_output_needs_force()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.ComfyUi);
        var hash = Workspace.Sha256(input);
        var self = ws.Burnish("repair", input, "--box", "10,10,40,40", "-o", input, "--force");
        Assert.Equal(2, self.ExitCode);
        Assert.Contains("would overwrite the input", self.Stderr);
        Assert.Equal(hash, Workspace.Sha256(input));

        ws.Write("taken.png", "not an image");
        var taken = ws.Burnish("repair", input, "--box", "10,10,40,40", "-o", "taken.png");
        Assert.Equal(2, taken.ExitCode);
        Assert.Contains("already exists (use --force", taken.Stderr);
        var forced = ws.Burnish("repair", input, "--box", "10,10,40,40", "-o", "taken.png", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Pixels.DecodeFully(ws.PathOf("taken.png"));
    }

    [Fact]
    public void A_recipe_runs_its_passes_first_and_the_sidecar_records_each()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.ComfyUi);
        MaskFile(ws, "spot.png", 128, 128, 60, 60, 10, 10); // a quarter-size mask: 40×40 px on the image
        ws.Write("recipe.yaml", """
            version: 1
            repair:
              - mask: spot.png
                seed: 3
              - boxes: [[10, 10, 30, 4], [2%, 90%, 10%, 1%]]
                method: telea
            export:
              copies: [{long_edge: 128, format: png, name: small}]
            """);
        var run = ws.Burnish("finish", input, "-r", "recipe.yaml", "-o", "out");
        Assert.True(run.ExitCode == 0, run.ToString());
        var sidecarPath = ws.PathOf("out", "comfyui-sdxl-turbo.burnish.json");
        Sidecar.Read(sidecarPath).AssertMatchesDisk();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(sidecarPath));
        var repair = doc.RootElement.GetProperty("stages")[0];
        Assert.Equal("repair", repair.GetProperty("stage").GetString());
        Assert.Equal("done", repair.GetProperty("status").GetString());
        var passes = repair.GetProperty("params").EnumerateArray().ToList();
        Assert.Equal(2, passes.Count);
        Assert.Equal("fill", passes[0].GetProperty("method").GetString());
        Assert.Equal(3, passes[0].GetProperty("seed").GetInt32());
        Assert.Equal(100.0 * 40 * 40 / (512 * 512), passes[0].GetProperty("mask_coverage_percent").GetDouble(), 2);
        Assert.Equal("telea", passes[1].GetProperty("method").GetString());
        Assert.Equal("2 boxes", passes[1].GetProperty("source").GetString());
        Assert.True(passes[1].GetProperty("ms").GetDouble() >= 0);
        var measurements = repair.GetProperty("measurements");
        Assert.Equal(3, measurements.GetProperty("pass1.seed").GetDouble());
        Assert.True(measurements.GetProperty("pass2.hole_percent").GetDouble() > 0);
    }

    [Fact]
    public void A_recipe_whose_mask_file_is_missing_fails_before_any_output()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.ComfyUi);
        ws.Write("recipe.yaml", "version: 1\nrepair:\n  - mask: gone.png\nexport:\n  copies: [{long_edge: 64}]\n");
        var run = ws.Burnish("finish", input, "-r", "recipe.yaml", "-o", "out");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("gone.png: file not found", run.Stderr);
        Workspace.AssertNoOutputs(ws.PathOf("out"));

        ws.Write("bad.yaml", "version: 1\nrepair:\n  - boxes: [[1, 2, 3]]\n");
        var validate = ws.Burnish("recipe", "validate", "bad.yaml");
        Assert.Equal(2, validate.ExitCode);
        Assert.Contains("bad.yaml:3:", validate.AllOutput);
        Assert.Contains("expected 4 numbers", validate.AllOutput);
    }
}
