using Burnish.Models;
using Burnish.Models.Ncnn;
using Burnish.Models.Onnx;

namespace Burnish.Core.Tests.Models.Ncnn;

/// <summary>
/// The importer's semantics on tiny hand-written ncnn models whose outputs can be worked out by hand, and its errors:
/// every refusal names the file, the line and the op.
/// </summary>
public sealed class NcnnImporterTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("burnish-ncnn-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly NcnnImportOptions Options = new(new ConversionInfo(1, "test", "test", "test", "MIT"), "data", "output", NcnnFraming.None);

    private (string Param, string Bin) Write(string param, params float[][] arrays)
    {
        var p = Path.Combine(dir, "m.param");
        var b = Path.Combine(dir, "m.bin");
        File.WriteAllText(p, param);
        using var bin = new BinaryWriter(File.Create(b));
        foreach (var a in arrays)
            foreach (var v in a) bin.Write(v);
        return (p, b);
    }

    private float[] Run(string param, float[] input, long[] shape, params float[][] weights)
    {
        var (p, b) = Write(param, weights);
        var onnx = Path.Combine(dir, "m.onnx");
        NcnnImporter.ConvertToFile(p, b, Options, onnx);
        return ModelRunner.Run(onnx, input, shape).Values;
    }

    [Fact]
    public void Pixel_shuffle_mode_0_is_pytorch_order()
    {
        // 4 channels of one pixel each → one 2×2 channel: channel i·2 + j lands at (i, j). Exact (a copy).
        var y = Run("7767517\n2 2\nInput data 0 1 data 2=4\nPixelShuffle ps 1 1 data output 0=2\n", [1, 2, 3, 4], [1, 4, 1, 1]);
        Assert.Equal([1f, 2, 3, 4], y);
    }

    [Fact]
    public void Fused_leaky_relu_and_eltwise_coefficients_follow_ncnn()
    {
        // 1×1 conv weight 2, bias −1, leaky slope 0.1 (9=2 -23310=1,0.1), then 0.2·conv + 1·input (Eltwise sum with
        // coefficients). x = [−1, 3]: conv = [−3, 5] → [−0.3, 5] → 0.2·that + x = [−1.06, 4]. Tolerance 1e-6: float32.
        var y = Run("7767517\n4 4\nInput data 0 1 data 2=1\nSplit s 1 2 data a b\n" +
                    "Convolution c 1 1 a c1 0=1 1=1 5=1 6=1 9=2 -23310=1,1.000000e-01\n" +
                    "Eltwise e 2 1 c1 b output 0=1 -23301=2,2.000000e-01,1.000000e+00\n",
            [-1, 3], [1, 1, 1, 2], [0f, 2f], [-1f]); // tag 0 = float32, then the weight; the bias is untagged
        Assert.Equal(-1.06, y[0], 1e-6);
        Assert.Equal(4.0, y[1], 1e-6);
    }

    [Fact]
    public void Binary_op_broadcasts_a_channel_vector_over_the_image()
    {
        // Global average of each channel (a vector of C), multiplied back onto the image, as Real-CUGAN's SE blocks do.
        var y = Run("7767517\n4 4\nInput data 0 1 data 2=2\nSplit s 1 2 data a b\nPooling p 1 1 a g 0=1 4=1\nBinaryOp m 2 1 b g output 0=2\n",
            [1, 3, 10, 30], [1, 2, 1, 2]);
        Assert.Equal([2f, 6, 200, 600], y);
    }

    [Fact]
    public void Crop_with_negative_ends_counts_from_the_end()
    {
        // starts 1, ends −1 on h and w of a 4×4 plane keep the inner 2×2.
        var y = Run("7767517\n2 2\nInput data 0 1 data 2=1\nCrop c 1 1 data output -23309=2,1,1 -23310=2,-1,-1 -23311=2,-2,-1\n",
            [.. Enumerable.Range(0, 16).Select(i => (float)i)], [1, 1, 4, 4]);
        Assert.Equal([5f, 6, 9, 10], y);
    }

    [Fact]
    public void An_unknown_op_is_named_with_its_line()
    {
        var (p, b) = Write("7767517\n2 2\nInput data 0 1 data\nSoftmax sm 1 1 data output\n");
        var e = Assert.Throws<BurnishException>(() => NcnnImporter.Convert(p, b, Options));
        Assert.Contains("m.param:4", e.Message);
        Assert.Contains("'Softmax'", e.Message);
    }

    [Fact]
    public void A_malformed_layer_line_is_named()
    {
        var (p, b) = Write("7767517\n2 2\nInput data 0 1 data\nConvolution c 1\n");
        var e = Assert.Throws<BurnishException>(() => NcnnImporter.Convert(p, b, Options));
        Assert.Contains("m.param:4", e.Message);
    }

    [Fact]
    public void A_missing_magic_number_is_refused()
    {
        var (p, b) = Write("hello\n");
        var e = Assert.Throws<BurnishException>(() => NcnnImporter.Convert(p, b, Options));
        Assert.Contains("not an ncnn .param file", e.Message);
    }

    [Fact]
    public void Weights_that_run_out_name_the_layer()
    {
        var (p, b) = Write("7767517\n2 2\nInput data 0 1 data 2=1\nConvolution c 1 1 data output 0=1 1=3 6=9\n", [0f, 1f]);
        var e = Assert.Throws<BurnishException>(() => NcnnImporter.Convert(p, b, Options));
        Assert.Contains("m.param:4: Convolution 'c'", e.Message);
        Assert.Contains("does not belong to this .param", e.Message);
    }

    [Fact]
    public void Leftover_weights_are_refused()
    {
        var (p, b) = Write("7767517\n2 2\nInput data 0 1 data 2=1\nConvolution c 1 1 data output 0=1 1=1 6=1\n", [0f, 1f, 7f]);
        var e = Assert.Throws<BurnishException>(() => NcnnImporter.Convert(p, b, Options));
        Assert.Contains("4 bytes are left", e.Message);
    }

    [Fact]
    public void Metadata_matches_the_tfjs_converter()
    {
        var (p, b) = Write("7767517\n3 3\nInput data 0 1 data 2=3\nConvolution c 1 1 data c1 0=12 1=3 4=1 6=324\nPixelShuffle ps 1 1 c1 output 0=2\n",
            [0f, .. new float[324]]);
        var info = ModelGraphInfo.Analyse(NcnnImporter.Convert(p, b, Options));
        Assert.Equal(2, info.IntegerScale);
        Assert.Equal("1", info.Metadata[ModelMetadataKeys.InputRange]);
        Assert.Equal("MIT", info.Metadata[ModelMetadataKeys.Licence]);
        Assert.Equal("2", info.Metadata[ModelMetadataKeys.Scale]);
        Assert.Equal("1", info.Metadata[ModelMetadataKeys.ReceptiveRadius]);
        Assert.StartsWith("burnish NcnnImporter", info.Metadata[ModelMetadataKeys.Converter]);
    }
}
