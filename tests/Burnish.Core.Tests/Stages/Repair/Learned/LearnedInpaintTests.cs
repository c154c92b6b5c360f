using Burnish.Imaging;
using Burnish.Models.Onnx;
using Burnish.Stages.Repair.Learned;
using NetVips;
using DataType = Burnish.Models.Onnx.TensorProto.Types.DataType;

namespace Burnish.Core.Tests.Stages.Repair.Learned;

/// <summary>
/// Tiny ONNX models with LaMa's and MI-GAN's inputs and outputs, written by Burnish's own ONNX writer: they fill the
/// hole with a constant colour and give back the image elsewhere, so every expected pixel is known.
/// </summary>
internal static class InpaintTestModels
{
    /// <summary>The fill colour, sRGB 0–1 (integers on the 0–255 scale, so uint8 models carry it exactly).</summary>
    public static readonly float[] Fill = [51 / 255f, 128 / 255f, 204 / 255f];

    /// <summary>
    /// LaMa's contract: image float [1,3,H,W] 0–1, mask float [1,1,H,W] 1 = hole, output float 0–255:
    /// 255 · (image · (1 − mask) + fill · mask). <paramref name="size"/> null: any size.
    /// </summary>
    public static string Lama(string path, int? size, string image = "image", string mask = "mask", string output = "output", bool maskIsKnown = false, float outputRange = 255)
    {
        var g = new OnnxGraphBuilder("lama-like");
        TensorDim h = size is { } s ? s : "height", w = size is { } s2 ? s2 : "width";
        var x = g.Input(image, [1, 3, h, w]);
        var m = g.Input(mask, [1, 1, h, w]);
        var one = g.Initializer("one", [1f], 1);
        var hole = maskIsKnown ? g.Node("Sub", [one, m]) : m;
        var keep = g.Node("Sub", [one, hole]);
        var kept = g.Node("Mul", [x, keep]);
        var filled = g.Node("Mul", [hole, g.Initializer("fill", Fill, 1, 3, 1, 1)]);
        var sum = g.Node("Add", [kept, filled]);
        g.Node("Mul", [sum, g.Initializer("range", [outputRange], 1)], output);
        g.Output(output, [1, 3, h, w]);
        g.Save(path);
        return path;
    }

    /// <summary>
    /// MI-GAN's pipeline contract: image uint8 [1,3,H,W] 0–255, mask uint8 [1,1,H,W] 255 = known, output uint8
    /// "result" = image · k + fill · (1 − k), k = mask / 255; any size.
    /// </summary>
    public static string MiGan(string path)
    {
        var g = new OnnxGraphBuilder("migan-like");
        var x = g.Input("image", [1, 3, "height", "width"], DataType.Uint8);
        var m = g.Input("mask", [1, 1, "height", "width"], DataType.Uint8);
        var xf = g.Node("Cast", [x], null, OnnxAttribute.Int("to", (long)DataType.Float));
        var mf = g.Node("Cast", [m], null, OnnxAttribute.Int("to", (long)DataType.Float));
        var known = g.Node("Div", [mf, g.Initializer("top", [255f], 1)]);
        var hole = g.Node("Sub", [g.Initializer("one", [1f], 1), known]);
        var kept = g.Node("Mul", [xf, known]);
        var filled = g.Node("Mul", [hole, g.Initializer("fill", [51f, 128f, 204f], 1, 3, 1, 1)]);
        g.Node("Cast", [g.Node("Add", [kept, filled])], "result", OnnxAttribute.Int("to", (long)DataType.Uint8));
        g.Output("result", [1, 3, "height", "width"], DataType.Uint8);
        g.Save(path);
        return path;
    }
}

public class LearnedInpaintTests
{
    private static WorkImage Statue() => Burnish.Core.Tests.Stages.Repair.TextMask.TextDetectorTests.Load("sd15-statue.jpg");

    private static Image Box(int w, int h, PixelRect hole)
    {
        var values = new float[w * h];
        for (var y = hole.Y; y < hole.Bottom; y++)
            for (var x = hole.X; x < hole.Right; x++)
                values[y * w + x] = 1;
        return Image.NewFromMemoryCopy(values, w, h, 1, Enums.BandFormat.Float);
    }

    /// <summary>
    /// Chessboard distance from pixel (x, y) to the rectangle (0 inside): the feather is a separable gaussian, so its
    /// reach is a square.
    /// </summary>
    private static int Distance(PixelRect r, int x, int y)
    {
        var dx = Math.Max(0, Math.Max(r.X - x, x - (r.Right - 1)));
        var dy = Math.Max(0, Math.Max(r.Y - y, y - (r.Bottom - 1)));
        return Math.Max(dx, dy);
    }

    private static (float[] Before, float[] After) Run(WorkImage image, PixelRect hole, LearnedInpaintParams p, InpaintModel model)
    {
        var result = LearnedInpaint.Fill(image, Box(image.Width, image.Height, hole), p, model);
        Assert.Equal((image.Width, image.Height, image.Pixels.Bands), (result.Width, result.Height, result.Pixels.Bands));
        return (Fixtures.Pixels(image.Pixels), Fixtures.Pixels(result.Pixels));
    }

    [Fact]
    public void WholeImageModeFillsTheHoleExactlyAndLeavesTheRestBitForBit()
    {
        using var dir = new TempDir();
        // Any-size model, 512² image, working size 512: the model runs at scale 1, so nothing is resampled.
        using var model = new InpaintModel(InpaintTestModels.Lama(dir.File("lama.onnx"), null));
        var hole = new PixelRect(200, 150, 40, 30);
        var p = LearnedInpaintParams.Default with { OnlyMasked = false, Feather = 0 };
        var (before, after) = Run(Statue(), hole, p, model);
        for (var y = 0; y < 512; y++)
            for (var x = 0; x < 512; x++)
                for (var c = 0; c < 3; c++)
                {
                    var i = (y * 512 + x) * 3 + c;
                    if (Distance(hole, x, y) == 0) Assert.Equal(InpaintTestModels.Fill[c], after[i], 1e-6); // ×255 then ×1/255 in float
                    else Assert.Equal(before[i], after[i]); // exact: never computed
                }
    }

    [Fact]
    public void OnlyMaskedModeNearACornerPastesAtTheRightPlace()
    {
        using var dir = new TempDir();
        // Hole (5, 5)–(31, 31) with 32 px padding: crop (0, 0, 64, 64), clipped by the corner. The sidecar's working
        // size 64 makes the model run at scale 1, so the geometry shows to the pixel.
        var path = InpaintTestModels.Lama(dir.File("lama.onnx"), null);
        File.WriteAllText(dir.File("lama.json"), """{"size": 64}""");
        using var model = new InpaintModel(path);
        var hole = new PixelRect(5, 5, 27, 27);
        var plan = InpaintPlan.For(hole, 512, 512, true, 32, 4, model.FixedSize, model.WorkingSize);
        Assert.Equal(new InpaintPlan(new PixelRect(0, 0, 64, 64), 64, 64), plan);

        var p = LearnedInpaintParams.Default with { Feather = 4 };
        var (before, after) = Run(Statue(), hole, p, model);
        var changedOutside = 0;
        for (var y = 0; y < 512; y++)
            for (var x = 0; x < 512; x++)
                for (var c = 0; c < 3; c++)
                {
                    var i = (y * 512 + x) * 3 + c;
                    var d = Distance(hole, x, y);
                    if (d == 0) Assert.Equal(InpaintTestModels.Fill[c], after[i], 1e-6);
                    else if (d > p.Feather) Assert.Equal(before[i], after[i]);
                    else
                    {
                        // The feather: a blend of the original and the fill, weight 1 at the hole's edge.
                        var (lo, hi) = (Math.Min(before[i], InpaintTestModels.Fill[c]), Math.Max(before[i], InpaintTestModels.Fill[c]));
                        Assert.InRange(after[i], lo - 1e-6f, hi + 1e-6f);
                        if (after[i] != before[i]) changedOutside++;
                    }
                }
        Assert.True(changedOutside > 0, "the feather changed nothing");
    }

    [Fact]
    public void FixedSizeModelGetsTheCropResizedAndTheFillComesBack()
    {
        using var dir = new TempDir();
        using var model = new InpaintModel(InpaintTestModels.Lama(dir.File("lama.onnx"), 64));
        Assert.Equal((64, 64), model.FixedSize);
        // Bottom-right corner: bounds (470, 480)–(499, 499) + 32 clips at 512; the crop widens to a square inside the image.
        var hole = new PixelRect(470, 480, 30, 20);
        var plan = InpaintPlan.For(hole, 512, 512, true, 32, 4, model.FixedSize, model.WorkingSize);
        Assert.Equal(new InpaintPlan(new PixelRect(438, 438, 74, 74), 64, 64), plan);

        var p = LearnedInpaintParams.Default;
        var (before, after) = Run(Statue(), hole, p, model);
        for (var y = 0; y < 512; y++)
            for (var x = 0; x < 512; x++)
                for (var c = 0; c < 3; c++)
                {
                    var i = (y * 512 + x) * 3 + c;
                    var d = Distance(hole, x, y);
                    if (d > p.Feather) Assert.Equal(before[i], after[i]);
                    // Deep in the hole (beyond the 3-tap reach of Lanczos3 at 74/64 scale, both ways) the fill is the
                    // constant, up to the resampler's weights summing to 1 in float.
                    else if (x >= 475 && x < 495 && y >= 485 && y < 495) Assert.Equal(InpaintTestModels.Fill[c], after[i], 1e-4);
                }
    }

    [Fact]
    public void MiGanContractWithUint8TensorsAndKnownPolarity()
    {
        using var dir = new TempDir();
        using var model = new InpaintModel(InpaintTestModels.MiGan(dir.File("migan_pipeline_v2.onnx")));
        Assert.True(model.Contract is { ImageIsBytes: true, MaskIsBytes: true, OutputIsBytes: true, Polarity: MaskPolarity.Known, Output: "result" });
        Assert.Null(model.FixedSize);
        var hole = new PixelRect(300, 60, 50, 25);
        var (before, after) = Run(Statue(), hole, LearnedInpaintParams.Default with { OnlyMasked = false, Feather = 0 }, model);
        for (var i = 0; i < after.Length; i++)
        {
            var (x, y, c) = (i / 3 % 512, i / 3 / 512, i % 3);
            if (Distance(hole, x, y) == 0) Assert.Equal(InpaintTestModels.Fill[c], after[i], 1e-6);
            else Assert.Equal(before[i], after[i]);
        }
    }

    [Fact]
    public void SidecarNamesInputsAndSetsPolarityAndRange()
    {
        using var dir = new TempDir();
        // Float tensors with MI-GAN's polarity and a 0–1 output: auto-detection would read the mask the LaMa way.
        var path = InpaintTestModels.Lama(dir.File("odd.onnx"), null, image: "img", mask: "known", output: "out", maskIsKnown: true, outputRange: 1);
        var hole = new PixelRect(100, 100, 20, 20);
        var p = LearnedInpaintParams.Default with { OnlyMasked = false, Feather = 0 };
        var centre = (110 * 512 + 110) * 3;
        using (var guessed = new InpaintModel(path))
        {
            Assert.Equal(MaskPolarity.Hole, guessed.Contract.Polarity);
            var (_, wrong) = Run(Statue(), hole, p, guessed);
            Assert.NotEqual(InpaintTestModels.Fill[0], wrong[centre], 3);
        }
        File.WriteAllText(dir.File("odd.json"), """{"image": "img", "mask": "known", "output": "out", "mask_polarity": "known", "output_range": 1}""");
        using var model = new InpaintModel(path);
        var (_, after) = Run(Statue(), hole, p, model);
        Assert.Equal(InpaintTestModels.Fill[0], after[centre], 1e-6);
    }

    [Fact]
    public void WideGamutImageGetsAnSrgbFillConvertedBackAndKeepsItsAlpha()
    {
        using var dir = new TempDir();
        using var model = new InpaintModel(InpaintTestModels.Lama(dir.File("lama.onnx"), null));
        // The statue's numbers read as Display P3, with a half-transparent alpha band.
        var statue = Statue();
        var image = new WorkImage(statue.Pixels.Bandjoin(statue.Pixels[0] * 0 + 0.5), ShippedProfiles.DisplayP3);
        var hole = new PixelRect(200, 200, 30, 30);
        var (before, after) = (Fixtures.Pixels(image.Pixels),
            Fixtures.Pixels(LearnedInpaint.Fill(image, Box(512, 512, hole), LearnedInpaintParams.Default with { OnlyMasked = false, Feather = 0 }, model).Pixels));
        var fillRow = Image.NewFromMemoryCopy(InpaintTestModels.Fill, 1, 1, 3, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Rgb);
        var expected = Fixtures.Pixels(ColourSpaces.Convert(new WorkImage(fillRow, ShippedProfiles.Srgb), ShippedProfiles.DisplayP3).Pixels);
        for (var i = 0; i < after.Length; i++)
        {
            var (x, y, c) = (i / 4 % 512, i / 4 / 512, i % 4);
            if (c == 3 || Distance(hole, x, y) > 0) Assert.Equal(before[i], after[i]);
            // Same LittleCMS transform on the same value: float rounding only.
            else Assert.Equal(expected[c], after[i], 1e-5);
        }
        Assert.NotEqual(InpaintTestModels.Fill[0], expected[0], 3); // the conversion does something here
    }

    [Fact]
    public void EmptyMaskReturnsTheImage()
    {
        using var dir = new TempDir();
        using var model = new InpaintModel(InpaintTestModels.Lama(dir.File("lama.onnx"), null));
        var image = Statue();
        Assert.Same(image, LearnedInpaint.Fill(image, Box(512, 512, new PixelRect(0, 0, 0, 0)), LearnedInpaintParams.Default, model));
    }

    [Fact]
    public void MaskOfAnotherSizeIsRefused()
    {
        using var dir = new TempDir();
        using var model = new InpaintModel(InpaintTestModels.Lama(dir.File("lama.onnx"), null));
        var e = Assert.Throws<BurnishException>(() => LearnedInpaint.Fill(Statue(), Box(256, 512, new PixelRect(1, 1, 5, 5)), LearnedInpaintParams.Default, model));
        Assert.Contains("256×512", e.Message);
        Assert.Contains("512×512", e.Message);
    }

    [Fact]
    public void ModelWithOneInputIsRefused()
    {
        using var dir = new TempDir();
        var g = new OnnxGraphBuilder();
        var x = g.Input("input", [1, 3, "h", "w"]);
        g.Node("Relu", [x], "output");
        g.Output("output", [1, 3, "h", "w"]);
        g.Save(dir.File("upscaler.onnx"));
        var e = Assert.Throws<BurnishException>(() => new InpaintModel(dir.File("upscaler.onnx")));
        Assert.Contains("not an inpainting model", e.Message);
        Assert.Contains("1 input, not 2", e.Message);
        Assert.Contains("input Single[1×3×?×?]", e.Message);
    }

    [Fact]
    public void MaskOfAnUnsupportedTypeIsRefused()
    {
        using var dir = new TempDir();
        var g = new OnnxGraphBuilder();
        var x = g.Input("image", [1, 3, 8, 8]);
        g.Input("mask", [1, 1, 8, 8], DataType.Int64);
        g.Node("Relu", [x], "output");
        g.Output("output", [1, 3, 8, 8]);
        g.Save(dir.File("int-mask.onnx"));
        var e = Assert.Throws<BurnishException>(() => new InpaintModel(dir.File("int-mask.onnx")));
        Assert.Contains("input 'mask' is Int64, not float or uint8", e.Message);
    }

    [Fact]
    public void MaskOfAnotherFixedSizeIsRefused()
    {
        using var dir = new TempDir();
        var g = new OnnxGraphBuilder();
        var x = g.Input("image", [1, 3, 64, 64]);
        g.Input("mask", [1, 1, 32, 32]);
        g.Node("Relu", [x], "output");
        g.Output("output", [1, 3, 64, 64]);
        g.Save(dir.File("sizes.onnx"));
        var e = Assert.Throws<BurnishException>(() => new InpaintModel(dir.File("sizes.onnx")));
        Assert.Contains("the image is 64×64 but the mask 32×32", e.Message);
    }

    [Fact]
    public void BadSidecarAndMissingFileAreClearErrors()
    {
        using var dir = new TempDir();
        var path = InpaintTestModels.Lama(dir.File("lama.onnx"), null);
        File.WriteAllText(dir.File("lama.json"), """{"mask_polarity": "white"}""");
        Assert.Contains("mask_polarity must be hole or known, got 'white'", Assert.Throws<BurnishException>(() => new InpaintModel(path)).Message);
        File.WriteAllText(dir.File("lama.json"), """{"polarity": "hole"}""");
        Assert.Contains("unknown key 'polarity'", Assert.Throws<BurnishException>(() => new InpaintModel(path)).Message);
        File.WriteAllText(dir.File("lama.json"), """{"image": "picture"}""");
        Assert.Contains("it has no input 'picture'", Assert.Throws<BurnishException>(() => new InpaintModel(path)).Message);
        Assert.Contains("file not found", Assert.Throws<BurnishException>(() => new InpaintModel(dir.File("none.onnx"))).Message);
    }
}

/// <summary>The only-masked crop arithmetic on its own.</summary>
public class InpaintPlanTests
{
    [Fact]
    public void CropIsThePaddedBoundsWidenedToTheModelsAspect()
    {
        // 40×20 hole in the middle of 1000×800, padding 32: 104×84, widened to 2:1 → 168×84 about the same centre.
        var plan = InpaintPlan.For(new PixelRect(480, 390, 40, 20), 1000, 800, true, 32, 4, (128, 64), 512);
        Assert.Equal(new InpaintPlan(new PixelRect(416, 358, 168, 84), 128, 64), plan);
    }

    [Fact]
    public void CropTallerThanWideGrowsItsWidth()
    {
        var plan = InpaintPlan.For(new PixelRect(100, 100, 10, 100), 1000, 1000, true, 10, 0, (512, 512), 512);
        Assert.Equal(new PixelRect(45, 90, 120, 120), plan.Crop);
    }

    [Fact]
    public void ImageTooNarrowForTheAspectIsClipped()
    {
        // 2:1 model on a 100×300 image: the crop cannot be twice as wide as tall, so it takes the whole width.
        var plan = InpaintPlan.For(new PixelRect(40, 100, 20, 60), 100, 300, true, 32, 0, (128, 64), 512);
        Assert.Equal(new PixelRect(0, 68, 100, 124), plan.Crop);
    }

    [Fact]
    public void FeatherWiderThanPaddingWidensTheCrop()
    {
        var plan = InpaintPlan.For(new PixelRect(100, 100, 10, 10), 1000, 1000, true, 2, 20, null, 512);
        Assert.Equal(new PixelRect(80, 80, 50, 50), plan.Crop);
    }

    [Theory]
    [InlineData(104, 84, 512, 512, 416)]   // 84 · 512/104 = 413.5 → 416
    [InlineData(1000, 50, 512, 512, 24)]   // 25.6 → 24
    [InlineData(30, 30, 64, 64, 64)]       // upscaled to the working size
    [InlineData(900, 3, 512, 512, 8)]      // at least 8
    public void AnySizeModelGetsTheLongerSideAtTheWorkingSizeInMultiplesOf8(int w, int h, int working, int ew, int eh)
    {
        var plan = InpaintPlan.For(new PixelRect(0, 0, w, h), w, h, false, 32, 4, null, working);
        Assert.Equal((ew, eh), (plan.ModelWidth, plan.ModelHeight));
    }
}
