using System.Text;
using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

public class OutpaintCommandTests
{
    [Fact]
    public void One_aspect_writes_a_16bit_png_with_the_original_kept_and_its_metadata()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111); // 256×192 (4:3), tEXt parameters
        var result = ws.Burnish("outpaint", input, "-o", "wide.png", "--aspect", "16:9");
        Assert.True(result.ExitCode == 0, result.ToString());
        // 192 × 16/9 = 341.3; 85 columns added, at most 76 (0.3 × 256) at once.
        Assert.Contains("wrote wide.png (341×192): 16:9 in 2 steps, largest drift ΔE00 ", result.Stdout);
        var output = ws.PathOf("wide.png");
        Assert.Equal(16, Png.BitDepth(output));
        Assert.Equal(Png.TextChunks(input)["parameters"], Png.TextChunks(output)["parameters"]);

        // Centred: 42 columns added on the left. Outside the 8-pixel seam strips the 8-bit original comes back exactly
        // (16-bit v × 257, read back ÷ 257); the new bands are filled, not left as copies of the edge column.
        var original = Pixels.Rgb255(input);
        var wide = Pixels.Rgb255(output);
        var (_, maxDiff, _) = Pixels.Compare(original.Crop(8, 0, 240, 192), wide.Crop(42 + 8, 0, 240, 192), 0);
        Assert.Equal(0, maxDiff);
        var leftBand = wide.Crop(0, 0, 42, 192);
        var edgeRepeated = original.Crop(0, 0, 1, 192).Embed(0, 0, 42, 192, extend: NetVips.Enums.Extend.Copy);
        Assert.True((leftBand - edgeRepeated).Abs().Avg() > 2, "the new band must hold more than the edge column repeated");
        Workspace.AssertNoTempFiles(ws.Root);
    }

    [Fact]
    public void The_profile_alpha_and_depth_of_a_16bit_adobe_rgb_image_are_kept()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.Tree16); // 342×256 RGBA, Adobe RGB (1998)
        var result = ws.Burnish("outpaint", input, "-o", "square.tif", "--aspect", "1:1", "--anchor", "bottom");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal((342, 342), Pixels.Size(ws.PathOf("square.tif")));
        Assert.Contains("Adobe RGB", Pixels.IccDescription(ws.PathOf("square.tif")));
        using var tif = NetVips.Image.NewFromFile(ws.PathOf("square.tif"));
        Assert.Equal((4, NetVips.Enums.BandFormat.Ushort), (tif.Bands, tif.Format));
        // Anchored at the bottom: the original's last rows are the output's last rows, bit for bit.
        var (_, maxDiff, _) = Pixels.Compare(Pixels.Rgb255(input).Crop(0, 8, 342, 248), Pixels.Rgb255(ws.PathOf("square.tif")).Crop(0, 94, 342, 248), 0);
        Assert.Equal(0, maxDiff);
    }

    [Fact]
    public void Several_aspects_write_one_file_each_named_by_its_ratio()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111);
        var result = ws.Burnish("outpaint", input, "-o", "out/variant.jpg", "--aspect", "16:9", "--aspect", "1:1", "-a", "4:5", "--seed", "3");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["variant.16x9.jpg", "variant.1x1.jpg", "variant.4x5.jpg"], Workspace.FilesUnder(ws.PathOf("out")));
        Assert.Equal((341, 192), Pixels.Size(ws.PathOf("out", "variant.16x9.jpg")));
        Assert.Equal((256, 256), Pixels.Size(ws.PathOf("out", "variant.1x1.jpg")));
        Assert.Equal((256, 320), Pixels.Size(ws.PathOf("out", "variant.4x5.jpg")));
        Assert.Contains("sRGB", Pixels.IccDescription(ws.PathOf("out", "variant.1x1.jpg")));
    }

    [Theory]
    [InlineData(new[] { "--aspect", "16/9" }, "--aspect: '16/9' is not an aspect ratio; write it as W:H")]
    [InlineData(new[] { "--aspect", "abc" }, "--aspect: 'abc' is not an aspect ratio")]
    [InlineData(new[] { "--aspect", "0:1" }, "--aspect: '0:1': both sides of an aspect ratio must be greater than 0")]
    [InlineData(new[] { "--aspect", "16:9", "--aspect", "32:18" }, "--aspect: 32:18 is the same ratio as 16:9")]
    [InlineData(new[] { "--aspect", "16:9", "--anchor", "middle" }, "--anchor: 'middle' is not one of center, left, right")]
    [InlineData(new[] { "--aspect", "16:9", "--anchor", "cnter" }, "did you mean 'center'?")] // centre is accepted too
    [InlineData(new[] { "--aspect", "16:9", "--step", "2" }, "--step: 2 is out of range 0.05..1")]
    [InlineData(new[] { "--aspect", "16:9", "--seam", "999" }, "--seam: 999 is out of range 0..256")]
    public void Bad_options_fail_clearly_and_write_nothing(string[] options, string message)
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111);
        var result = ws.Burnish(["outpaint", input, "-o", "out.png", .. options]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr);
        Assert.Equal(["a1111-parameters.png"], Workspace.FilesUnder(ws.Root));
    }

    [Fact]
    public void An_unknown_output_type_or_a_missing_aspect_is_refused()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111);
        var gif = ws.Burnish("outpaint", input, "-o", "out.gif", "--aspect", "16:9");
        Assert.Equal(2, gif.ExitCode);
        Assert.Contains("unsupported output type '.gif'", gif.Stderr);
        var none = ws.Burnish("outpaint", input, "-o", "out.png");
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("--aspect", none.AllOutput);
        Assert.Equal(["a1111-parameters.png"], Workspace.FilesUnder(ws.Root));
    }

    [Fact]
    public void Existing_outputs_are_kept_unless_forced_and_the_input_never_replaced()
    {
        using var ws = new Workspace();
        var input = ws.Copy(Fixtures.A1111);
        var inputHash = Workspace.Sha256(input);
        // One of the two variants exists: neither is written.
        var existing = ws.Write("out.1x1.png", "precious");
        var refused = ws.Burnish("outpaint", input, "-o", "out.png", "--aspect", "16:9", "--aspect", "1:1");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("out.1x1.png: already exists (use --force to overwrite)", refused.Stderr);
        Assert.Equal("precious", File.ReadAllText(existing, Encoding.UTF8));
        Assert.False(File.Exists(ws.PathOf("out.16x9.png")));

        var forced = ws.Burnish("outpaint", input, "-o", "out.png", "--aspect", "16:9", "--aspect", "1:1", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal((256, 256), Pixels.Size(existing));

        var onto = ws.Burnish("outpaint", input, "-o", input, "--aspect", "16:9", "--force");
        Assert.Equal(2, onto.ExitCode);
        Assert.Contains("would overwrite the input", onto.Stderr);
        Assert.Equal(inputHash, Workspace.Sha256(input));
        Workspace.AssertNoTempFiles(ws.Root);
    }
}
