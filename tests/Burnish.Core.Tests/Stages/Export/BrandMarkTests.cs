using System.Globalization;
using Burnish.Imaging;
using Burnish.Recipes;
using Burnish.Stages;
using Burnish.Stages.Export;
using Burnish.Stages.Export.Marks;
using Burnish.Stages.Sharpen;
using NetVips;

namespace Burnish.Core.Tests.Stages.Export;

using Export = Burnish.Stages.Export.Export;
using Sharpen = Burnish.Stages.Sharpen.Sharpen;

/// <summary>
/// Logos and text on copies. Fixtures: marks/logo-adobergb.png (48×48 RGBA, Adobe RGB profile embedded) and
/// marks/flux-girl-logo.reference.csv (libvips' composite2 in XYZ, colour by transicc), both made by marks/make-marks.sh;
/// upscale/flux-girl-256.png is the picture (a Flux generation, see tests' fixture notes).
/// </summary>
public class BrandMarkTests
{
    private static readonly string Logo = Fixtures.PathOf("marks", "logo-adobergb.png");

    private static WorkImage Picture() => ImageLoader.Load(Fixtures.PathOf("upscale", "flux-girl-256.png"), LoadLimits.Default).Image;

    private static CopyMarks Marks(OverlayParams? overlay = null, TextParams? text = null) =>
        CopyMarks.Load(new CopyParams { LongEdge = 256, Overlay = overlay, Text = text }, LoadLimits.Default);

    [Fact]
    public void The_composite_matches_libvips_over_in_linear_light_with_the_logos_profile()
    {
        var overlay = new OverlayParams { Image = Logo, Anchor = MarkAnchor.BottomRight, Margin = 10, Width = 48, Opacity = 0.8 };
        var (marked, placed) = BrandMarks.Apply(Picture(), Marks(overlay), "test");
        Assert.Equal(new MarkRecord("overlay", Logo, placed[0].Sha256, 198, 198, 48, 48), placed[0]);
        // x,y,R,G,B rows in the box's row-major order, R,G,B on the 0–255 scale.
        var reference = File.ReadAllLines(Fixtures.PathOf("marks", "flux-girl-logo.reference.csv")).Skip(1)
            .SelectMany(l => l.Split(',')[2..].Select(v => double.Parse(v, CultureInfo.InvariantCulture) / 255)).ToArray();

        var ours = Fixtures.Pixels(marked.Pixels.Crop(198, 198, 48, 48));
        // ≤ 0.05/255: both convert through LittleCMS in float with the same profiles, and the blend is exact arithmetic;
        // what is left is transicc's 4 printed decimals and Burnish's matrix/TRC shortcut (within 0.67/65535 of full
        // LittleCMS). Measured 0.0068/255.
        Assert.True(MaxDifference(ours, reference) <= 0.05 / 255, $"max difference {MaxDifference(ours, reference) * 255:0.####}/255");

        // The same logo read as if it were sRGB (its profile ignored) is far off: the test can tell.
        var loaded = Marks(overlay).Overlay!;
        var untagged = new CopyMarks(new OverlayImage(loaded.Params, loaded.Image with { Profile = ShippedProfiles.Srgb }, loaded.Sha256), null);
        var wrong = Fixtures.Pixels(BrandMarks.Apply(Picture(), untagged, "test").Image.Pixels.Crop(198, 198, 48, 48));
        Assert.True(MaxDifference(wrong, reference) > 10.0 / 255, $"ignoring the profile differs by only {MaxDifference(wrong, reference) * 255:0.#}/255");
    }

    [Theory]
    [InlineData(MarkAnchor.TopLeft, 10, 10)]
    [InlineData(MarkAnchor.Top, 115, 10)]
    [InlineData(MarkAnchor.TopRight, 220, 10)]
    [InlineData(MarkAnchor.Left, 10, 87)]
    [InlineData(MarkAnchor.Centre, 115, 87)]
    [InlineData(MarkAnchor.Right, 220, 87)]
    [InlineData(MarkAnchor.BottomLeft, 10, 164)]
    [InlineData(MarkAnchor.Bottom, 115, 164)]
    [InlineData(MarkAnchor.BottomRight, 220, 164)]
    public void A_mark_lands_in_its_anchor_cell_and_nothing_outside_its_box_changes(MarkAnchor anchor, int x, int y)
    {
        // 256×200 copy; width 10% of 256 = 25.6 → 26 px (the square logo is 26×26); margin 5% of the shorter side = 10 px.
        var picture = Picture();
        picture = picture.WithPixels(picture.Pixels.Crop(0, 28, 256, 200));
        var overlay = new OverlayParams { Image = Logo, Anchor = anchor, Margin = Length.Percent(5), Width = Length.Percent(10) };
        var (marked, placed) = BrandMarks.Apply(picture, Marks(overlay), "test");
        Assert.Equal((x, y, 26, 26), (placed[0].X, placed[0].Y, placed[0].Width, placed[0].Height));

        var (before, after) = (Fixtures.Pixels(picture.Pixels), Fixtures.Pixels(marked.Pixels));
        var changedInside = 0;
        for (var py = 0; py < 200; py++)
            for (var px = 0; px < 256; px++)
            {
                var inside = px >= x && px < x + 26 && py >= y && py < y + 26;
                for (var b = 0; b < 3; b++)
                {
                    var i = (py * 256 + px) * 3 + b;
                    if (!inside) Assert.True(before[i] == after[i], $"({px},{py}) outside the box changed");
                    else if (Math.Abs(before[i] - after[i]) > 1e-3) changedInside++;
                }
            }
        Assert.True(changedInside > 100, $"only {changedInside} samples changed inside the box");
    }

    [Fact]
    public void Text_renders_in_the_requested_colour()
    {
        var text = new TextParams { Content = "Burnish & co", Size = 40, Colour = new SrgbColour(0x30, 0x80, 0xc0), Anchor = MarkAnchor.TopLeft, Margin = 8 };
        var picture = Picture();
        var (marked, placed) = BrandMarks.Apply(picture, Marks(text: text), "test");
        var coverage = BrandMarks.TextCoverage(text, 256, 256);
        Assert.Equal(new MarkRecord("text", "Burnish & co", null, 8, 8, coverage.Width, coverage.Height), placed[0]);
        Assert.True(coverage.Width > 100 && coverage.Height >= 30, $"text is {coverage.Width}×{coverage.Height}");

        var cover = coverage.WriteToMemory<byte>();
        var pixels = Fixtures.Pixels(marked.Pixels.Crop(8, 8, coverage.Width, coverage.Height));
        var solid = 0;
        for (var i = 0; i < cover.Length; i++)
        {
            if (cover[i] != 255) continue;
            solid++;
            // ≤ 1e-4: the colour goes sRGB → XYZ → sRGB in float through LittleCMS.
            Assert.InRange(pixels[i * 3], 0x30 / 255.0 - 1e-4, 0x30 / 255.0 + 1e-4);
            Assert.InRange(pixels[i * 3 + 1], 0x80 / 255.0 - 1e-4, 0x80 / 255.0 + 1e-4);
            Assert.InRange(pixels[i * 3 + 2], 0xc0 / 255.0 - 1e-4, 0xc0 / 255.0 + 1e-4);
        }
        Assert.True(solid > 200, $"only {solid} fully covered pixels");
    }

    [Fact]
    public void The_mark_is_not_sharpened()
    {
        var master = Export.Master(Picture(), new MasterParams());
        var copy = new CopyParams { Width = 200, Height = 200, Overlay = new OverlayParams { Image = Logo, Width = 48, Margin = 12, Anchor = MarkAnchor.TopLeft } };
        var marks = CopyMarks.Load(copy, LoadLimits.Default);
        var strong = Sharpen.Sharpener(SharpenParams.Default with { Amount = 2 });
        var sharp = Export.RenderCopy(master, LinearImage.Of(master), copy, strong, marks);
        var soft = Export.RenderCopy(master, LinearImage.Of(master), copy, OutputSharpening.None, marks);
        Assert.Equal((12, 12, 48, 48), (sharp.Marks[0].X, sharp.Marks[0].Y, sharp.Marks[0].Width, sharp.Marks[0].Height));

        var alpha = Image.NewFromFile(Logo)[3].WriteToMemory<byte>();
        var (a, b) = (Fixtures.Pixels(sharp.Image.Pixels.Crop(12, 12, 48, 48)), Fixtures.Pixels(soft.Image.Pixels.Crop(12, 12, 48, 48)));
        var opaque = 0;
        for (var i = 0; i < alpha.Length; i++)
        {
            if (alpha[i] != 255) continue;
            opaque++;
            for (var c = 0; c < 3; c++) Assert.True(a[i * 3 + c] == b[i * 3 + c], $"opaque mark pixel {i % 48},{i / 48} differs with sharpening");
        }
        Assert.True(opaque > 100, $"the logo has only {opaque} opaque pixels");
        // The picture around it was sharpened, so the equality above is the mark's doing, not a no-op sharpener.
        Assert.True(MaxDifference(Fixtures.Pixels(sharp.Image.Pixels.Crop(100, 100, 100, 100)), Fixtures.Pixels(soft.Image.Pixels.Crop(100, 100, 100, 100))) > 0.01);
    }

    [Fact]
    public void On_a_padded_copy_the_mark_sits_on_the_picture_and_the_box_is_in_file_pixels()
    {
        var master = Export.Master(Picture(), new MasterParams());
        var copy = new CopyParams { Width = 400, Height = 300, Fit = Fit.Pad, Overlay = new OverlayParams { Image = Logo, Width = 30, Margin = 5, Anchor = MarkAnchor.BottomRight } };
        var plain = Export.RenderCopy(master, LinearImage.Of(master), copy, OutputSharpening.None);
        var marked = Export.RenderCopy(master, LinearImage.Of(master), copy, OutputSharpening.None, CopyMarks.Load(copy, LoadLimits.Default));
        // The picture is 300×300, centred at x 50: the mark's corner is 50 + 300 − 30 − 5 = 315, 300 − 30 − 5 = 265.
        Assert.Equal((315, 265, 30, 30), (marked.Marks[0].X, marked.Marks[0].Y, marked.Marks[0].Width, marked.Marks[0].Height));
        Assert.True(MaxDifference(Fixtures.Pixels(plain.Image.Pixels.Crop(315, 265, 30, 30)), Fixtures.Pixels(marked.Image.Pixels.Crop(315, 265, 30, 30))) > 0.1);
        Assert.Equal(Fixtures.Pixels(plain.Image.Pixels.Crop(0, 0, 315, 300)), Fixtures.Pixels(marked.Image.Pixels.Crop(0, 0, 315, 300)));
    }

    [Fact]
    public void A_mark_too_big_for_the_copy_is_one_clear_line()
    {
        var e = Assert.Throws<BurnishException>(() => BrandMarks.Apply(Picture(), Marks(new OverlayParams { Image = Logo, Width = 250, Margin = 10 }), "web"));
        Assert.Equal("web: the overlay (250×250 px, margin 10 px) does not fit the 256×256 copy; make it smaller", e.Message);
    }

    [Fact]
    public void Bad_mark_keys_are_reported_with_line_and_column()
    {
        var yaml = """
            version: 1
            export:
              copies:
                - destination: web-2048
                  overlay: {image: no-such-logo.png, anchor: bottom-rigth, width: 0}
                  text: {content: "(c) me", font: sans 12, colour: "#12345", size: 120%}
            """;
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse(yaml, "r.yaml"));
        var lines = e.Problems.Select(p => p.ToString()).ToList();
        Assert.Equal(
        [
            "r.yaml:5:24: export.copies[0].overlay: image no-such-logo.png: file not found",
            "r.yaml:5:50: export.copies[0].overlay.anchor: 'bottom-rigth' is not one of top-left, top, top-right, left, centre, right, bottom-left, bottom, bottom-right; did you mean 'bottom-right'?",
            "r.yaml:5:71: export.copies[0].overlay: width 0 is out of range: more than 0 pixels, or up to 100% of the copy",
            "r.yaml:6:39: export.copies[0].text: font 'sans 12' ends with a number; give the size with size:, not in the font",
            "r.yaml:6:56: export.copies[0].text.colour: '#12345' is not a colour: write #rrggbb, #rgb or one of white, black, grey, gray, silver, red, green, blue, yellow",
            "r.yaml:6:72: export.copies[0].text: size 120% is out of range: more than 0 pixels, or up to 100% of the copy",
        ], lines);
    }

    private static double MaxDifference(float[] a, double[] b) => a.Select((v, i) => Math.Abs(v - b[i])).Max();

    private static double MaxDifference(float[] a, float[] b) => a.Select((v, i) => (double)Math.Abs(v - b[i])).Max();
}
