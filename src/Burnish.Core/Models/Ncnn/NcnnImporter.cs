using System.Globalization;
using Burnish.Models.Onnx;

namespace Burnish.Models.Ncnn;

/// <summary>
/// How the caller frames an ncnn graph: none (the graph maps an image to the upscaled image), or Real-CUGAN's, whose
/// graphs shrink their input and expect realcugan-ncnn-vulkan to pad it and, at ×4, to add the nearest-upscaled input.
/// </summary>
public abstract record NcnnFraming
{
    /// <summary>The graph is the whole model.</summary>
    public static NcnnFraming None { get; } = new Bare();

    /// <summary>
    /// Real-CUGAN (models-se) at <paramref name="scale"/>, framed as realcugan-ncnn-vulkan frames a tile that is the whole
    /// image: reflect padding of 18/14/19 pixels (×2/×3/×4) on every side, plus bottom and right padding up to a
    /// multiple of 2 (×2, ×4) or 4 (×3); the output's top-left s·H × s·W is kept; at ×4 the graph predicts a residual
    /// over the nearest-upscaled input.
    /// </summary>
    public static NcnnFraming RealCugan(int scale) => scale switch
    {
        2 => new RealCuganFraming(2, 18, 2, false),
        3 => new RealCuganFraming(3, 14, 4, false),
        4 => new RealCuganFraming(4, 19, 2, true),
        _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, "Real-CUGAN has ×2, ×3 and ×4 models"),
    };

    private sealed record Bare : NcnnFraming;
}

/// <summary>See <see cref="NcnnFraming.RealCugan"/>.</summary>
public sealed record RealCuganFraming(int Scale, int Padding, int Alignment, bool NearestResidual) : NcnnFraming;

/// <summary>What the importer needs beside the two files.</summary>
/// <param name="Info">Name, range, architecture, source and licence, recorded in the ONNX metadata as the TF.js converter does.</param>
/// <param name="InputBlob">The graph's input blob (Real-ESRGAN: data; Real-CUGAN: in0).</param>
/// <param name="OutputBlob">The graph's output blob (Real-ESRGAN: output; Real-CUGAN: out0).</param>
/// <param name="Framing">Padding and residual the reference engine puts around the graph.</param>
public sealed record NcnnImportOptions(ConversionInfo Info, string InputBlob, string OutputBlob, NcnnFraming Framing);

/// <summary>
/// Converts an ncnn model (text <c>.param</c> + <c>.bin</c>, float16 or float32 weights) into a float32 ONNX model
/// with input <c>input</c> [1, C, height, width] and output <c>output</c>, dynamic height and width, opset 17, with
/// ncnn's semantics for every op the Real-ESRGAN and Real-CUGAN graphs use: Input, Split, Convolution and
/// Deconvolution (explicit, SAME_UPPER and SAME_LOWER padding, pad value, fused activations 9=/-23310=), PReLU,
/// ReLU, Sigmoid, Eltwise (with coefficients), Concat, BinaryOp (ncnn's rank broadcasting, scalar form), Interp
/// (nearest, bilinear, bicubic), PixelShuffle (both channel orders), Crop (offsets or starts/ends/axes), global
/// Pooling and InnerProduct. Anything else is refused with the op's name and line.
/// </summary>
public static class NcnnImporter
{
    /// <summary>Bumped whenever the ONNX this importer writes changes, so cached conversions are redone.</summary>
    public const int Version = 2;

    /// <summary>Reads both files and returns the ONNX model.</summary>
    public static ModelProto Convert(string paramPath, string binPath, NcnnImportOptions options)
    {
        var layers = NcnnParam.Read(paramPath);
        var weights = new NcnnWeights(binPath);
        return new Conversion(weights, options).Run(layers, Path.GetFileName(paramPath), Path.GetFileName(binPath));
    }

    /// <summary>Converts and writes the ONNX file atomically; returns the model's graph analysis.</summary>
    public static ModelGraphInfo ConvertToFile(string paramPath, string binPath, NcnnImportOptions options, string onnxPath)
    {
        var model = Convert(paramPath, binPath, options);
        OnnxFile.Save(model, onnxPath);
        return ModelGraphInfo.Analyse(model);
    }

    /// <summary>A blob: its ONNX tensor, channel count, and whether ncnn holds it as an image (c, h, w) or a vector (w).</summary>
    private sealed record Blob(string Tensor, int Channels, bool IsVector, Grid? Place = null)
    {
        /// <summary>ncnn's dims: 3 for an image, 1 for a vector (a vector is [1, C, 1, 1] in ONNX).</summary>
        public int Dims => IsVector ? 1 : 3;
    }

    /// <summary>
    /// Where a blob's samples sit on the input image: index j is centred on input pixel coordinate Step·j + Offset
    /// (the same along both axes). Followed so that a tiled run can tell which samples of an inner tensor belong to which
    /// tile (see <see cref="GlobalPoolSites"/>); null where a layer makes it unknown.
    /// </summary>
    private sealed record Grid(double Step, double Offset)
    {
        /// <summary>A window of k taps, stride s, dilation d, starting pad before index 0.</summary>
        public Grid Window(int k, int s, int d, int pad) => new(Step * s, Offset + Step * (d * (k - 1) / 2.0 - pad));

        /// <summary>The inverse: each input sample spread over s outputs (transposed convolution, pixel shuffle, resize).</summary>
        public Grid Spread(double s, double shift) => new(Step / s, Offset + Step * shift / s);
    }

    /// <summary>Metadata key: the global pools of the graph in node order, "step,offset;…" (see <see cref="Grid"/>).</summary>
    public const string GlobalPoolSites = "burnish.global_pools";

    /// <summary>Metadata key: tile windows must start on multiples of this many input pixels to see the whole image's sampling grid.</summary>
    public const string TileAlignment = "burnish.tile_alignment";

    private sealed class Conversion(NcnnWeights weights, NcnnImportOptions options)
    {
        private readonly List<Grid?> pools = [];
        private const int Auto = -233; // ncnn's "not set" / SAME_UPPER marker
        private const int SameLower = -234;

        private readonly OnnxGraphBuilder graph = new("ncnn");
        private readonly Dictionary<string, Blob> blobs = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> constants = new(StringComparer.Ordinal);
        private string? input;

        public ModelProto Run(IReadOnlyList<NcnnLayer> layers, string paramName, string binName)
        {
            foreach (var layer in layers) Convert(layer);
            if (input is null) throw new BurnishException($"{paramName}: has no Input layer producing blob '{options.InputBlob}'");
            if (weights.Remaining != 0)
                throw new BurnishException($"{binName}: {weights.Remaining} bytes are left after the last layer of {paramName}: the files do not belong together");
            if (!blobs.TryGetValue(options.OutputBlob, out var result))
                throw new BurnishException($"{paramName}: no layer produces the output blob '{options.OutputBlob}'");
            if (result.IsVector) throw new BurnishException($"{paramName}: output blob '{options.OutputBlob}' is a vector, not an image");

            var output = Frame(result.Tensor);
            graph.Node("Identity", [output], "output");
            graph.Output("output", [1, result.Channels, "out_height", "out_width"]);
            graph.Description = $"Converted by Burnish from the ncnn model {paramName} + {binName}.";

            var analysis = ModelGraphInfo.Analyse(graph.Build());
            var info = options.Info;
            var meta = new Dictionary<string, string?>
            {
                [ModelMetadataKeys.Name] = info.Name,
                [ModelMetadataKeys.InputRange] = info.InputRange.ToString(CultureInfo.InvariantCulture),
                [ModelMetadataKeys.Scale] = analysis.IntegerScale?.ToString(CultureInfo.InvariantCulture),
                [ModelMetadataKeys.ReceptiveRadius] = analysis.ReceptiveRadiusPixels?.ToString(CultureInfo.InvariantCulture),
                [ModelMetadataKeys.Parameters] = analysis.Parameters.ToString(CultureInfo.InvariantCulture),
                [ModelMetadataKeys.FlopsPerOutputPixel] = analysis.FlopsPerOutputPixel?.ToString("R", CultureInfo.InvariantCulture),
                [ModelMetadataKeys.Architecture] = info.Architecture,
                [ModelMetadataKeys.Source] = info.Source,
                [ModelMetadataKeys.Licence] = info.Licence,
                [ModelMetadataKeys.Layout] = "NCHW RGB",
                [ModelMetadataKeys.Converter] = $"burnish NcnnImporter v{Version}",
            };
            if (pools.Count > 0)
            {
                graph.Metadata(GlobalPoolSites, string.Join(";", pools.Select(g => g is null ? "?" : FormattableString.Invariant($"{g.Step:R},{g.Offset:R}"))));
                graph.Metadata(TileAlignment, (options.Framing is RealCuganFraming rc ? rc.Alignment : 1).ToString(CultureInfo.InvariantCulture));
            }
            foreach (var (key, value) in meta)
                if (value is not null) graph.Metadata(key, value);
            return graph.Build();
        }

        /// <summary>Wraps the graph in the reference engine's padding, cropping and residual (see <see cref="NcnnFraming"/>).</summary>
        private string Frame(string graphOutput)
        {
            if (options.Framing is not RealCuganFraming f) return graphOutput;
            // The padding was applied to the input before the graph; here the graph's output is cut to s·H × s·W.
            var hw = SpatialSize(input!);
            var outHw = graph.Node("Mul", [hw, Int64("scale", f.Scale)]);
            var cut = graph.Node("Slice", [graphOutput, Int64("zeros2", 0, 0), outHw, Int64("axes_hw", 2, 3)]);
            if (!f.NearestResidual) return cut;
            var nearest = graph.Node("Resize", [input!, "", Float32("nearest_scales", 1, 1, f.Scale, f.Scale)], null,
                OnnxAttribute.String("mode", "nearest"), OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
                OnnxAttribute.String("nearest_mode", "floor"));
            return graph.Node("Add", [cut, nearest]);
        }

        /// <summary>[H, W] of a tensor as int64.</summary>
        private string SpatialSize(string tensor) =>
            graph.Node("Slice", [graph.Node("Shape", [tensor]), Int64("two", 2), Int64("four", 4)]);

        private void Convert(NcnnLayer layer)
        {
            switch (layer.Type)
            {
                case "Input": InputLayer(layer); break;
                case "Split":
                {
                    var x = In(layer, 0);
                    foreach (var o in layer.Outputs) blobs[o] = x;
                    break;
                }
                case "Convolution": Convolution(layer); break;
                case "Deconvolution": Deconvolution(layer); break;
                case "PReLU": PRelu(layer); break;
                case "ReLU":
                {
                    Arity(layer, 1, 1);
                    var x = In(layer, 0);
                    Out(layer, Activation(layer, x.Tensor, layer.Float(0, 0) == 0 ? 1 : 2, [layer.Float(0, 0)]), x.Channels, x.IsVector, x.Place);
                    break;
                }
                case "Sigmoid":
                {
                    Arity(layer, 1, 1);
                    var x = In(layer, 0);
                    Out(layer, graph.Node("Sigmoid", [x.Tensor]), x.Channels, x.IsVector, x.Place);
                    break;
                }
                case "Eltwise": Eltwise(layer); break;
                case "Concat": Concat(layer); break;
                case "BinaryOp": BinaryOp(layer); break;
                case "Interp": Interp(layer); break;
                case "PixelShuffle": PixelShuffle(layer); break;
                case "Crop": Crop(layer); break;
                case "Pooling": Pooling(layer); break;
                case "InnerProduct": InnerProduct(layer); break;
                default:
                    throw layer.Problem($"ncnn op '{layer.Type}' is not supported (supported: Input, Split, Convolution, Deconvolution, PReLU, ReLU, Sigmoid, Eltwise, Concat, BinaryOp, Interp, PixelShuffle, Crop, Pooling (global), InnerProduct)");
            }
        }

        private void InputLayer(NcnnLayer layer)
        {
            Arity(layer, 0, 1);
            if (layer.Outputs[0] != options.InputBlob)
                throw layer.Problem($"produces blob '{layer.Outputs[0]}', but the model's input is expected to be '{options.InputBlob}'");
            if (input is not null) throw layer.Problem("is a second Input layer; an image-to-image model has one input");
            var channels = layer.Int(2, 0) is > 0 and var c ? c : 3;
            input = graph.Input("input", [1, channels, "height", "width"]);
            var x = input;
            if (options.Framing is RealCuganFraming f)
            {
                // Bottom and right padding: the framing pad plus the alignment remainder ((a − n mod a) mod a).
                var hw = SpatialSize(input);
                var align = Int64("alignment", f.Alignment, f.Alignment);
                var extra = graph.Node("Mod", [graph.Node("Sub", [align, graph.Node("Mod", [hw, align])]), align]);
                var end = graph.Node("Add", [extra, Int64("framing_pad", f.Padding, f.Padding)]);
                var pads = graph.Node("Concat", [Int64("pads_begin", 0, 0, f.Padding, f.Padding, 0, 0), end], null, OnnxAttribute.Int("axis", 0));
                x = graph.Node("Pad", [input, pads], null, OnnxAttribute.String("mode", "reflect"));
            }
            blobs[layer.Outputs[0]] = new Blob(x, channels, false, new Grid(1, options.Framing is RealCuganFraming rf ? -rf.Padding : 0));
        }

        private void Convolution(NcnnLayer layer)
        {
            Arity(layer, 1, 1);
            var x = Image(layer, 0);
            var (outC, kw, kh, dw, dh, sw, sh) = KernelOf(layer);
            var (padL, padR, padT, padB) = PaddingOf(layer);
            var padValue = layer.Float(18, 0);
            var size = layer.Int(6, 0);
            if (layer.Int(8, 0) != 0) throw layer.Problem("int8 convolutions are not supported");
            if (layer.Int(19, 0) != 0) throw layer.Problem("dynamic weights are not supported");
            var (w, b) = KernelWeights(layer, outC, x.Channels, kh, kw, size);
            var attrs = new List<OnnxAttribute>
            {
                OnnxAttribute.Ints("kernel_shape", kh, kw), OnnxAttribute.Ints("strides", sh, sw), OnnxAttribute.Ints("dilations", dh, dw),
            };
            var source = x.Tensor;
            if (padL > 0 || padR > 0 || padT > 0 || padB > 0)
            {
                if (Math.Min(Math.Min(padL, padR), Math.Min(padT, padB)) < 0) throw layer.Problem("mixes explicit and automatic padding");
                if (padValue == 0) attrs.Add(OnnxAttribute.Ints("pads", padT, padL, padB, padR));
                else source = graph.Node("Pad", [source, Int64(null, 0, 0, padT, padL, 0, 0, padB, padR), Float32(null, padValue)], null,
                    OnnxAttribute.String("mode", "constant"));
            }
            else if (padL == Auto && padR == Auto && padT == Auto && padB == Auto) attrs.Add(SamePadding(layer, "SAME_UPPER", padValue));
            else if (padL == SameLower && padR == SameLower && padT == SameLower && padB == SameLower) attrs.Add(SamePadding(layer, "SAME_LOWER", padValue));
            else if (padL != 0 || padR != 0 || padT != 0 || padB != 0) throw layer.Problem($"padding {padL},{padR},{padT},{padB} is not one ncnn understands");

            // ncnn and ONNX both store convolution weights as [out][in][kh][kw].
            var inputs = new List<string> { source, Weight(layer, w, outC, x.Channels, kh, kw) };
            if (b is not null) inputs.Add(Weight(layer, b, outC));
            var y = graph.Node("Conv", inputs, null, [.. attrs]);
            var square = kw == kh && sw == sh && dw == dh && padL == padT && padL >= 0;
            Out(layer, Activation(layer, y, layer.Int(9, 0), layer.Floats(10)), outC, false, square ? x.Place?.Window(kw, sw, dw, padL) : null);
        }

        // ncnn's param ids shared by Convolution and Deconvolution: 0 outputs, 1/11 kernel, 2/12 dilation, 3/13 stride
        // (the second of each defaults to the first), 4/15/14/16 padding left, right, top, bottom.
        private static (int OutC, int Kw, int Kh, int Dw, int Dh, int Sw, int Sh) KernelOf(NcnnLayer layer)
        {
            var (outC, kw, dw, sw) = (layer.Int(0, 0), layer.Int(1, 0), layer.Int(2, 1), layer.Int(3, 1));
            var (kh, dh, sh) = (layer.Int(11, kw), layer.Int(12, dw), layer.Int(13, sw));
            if (outC <= 0 || kw <= 0 || kh <= 0 || dw <= 0 || dh <= 0 || sw <= 0 || sh <= 0)
                throw layer.Problem("num_output, kernel, dilation and stride must be positive");
            return (outC, kw, kh, dw, dh, sw, sh);
        }

        private static (int Left, int Right, int Top, int Bottom) PaddingOf(NcnnLayer layer)
        {
            var left = layer.Int(4, 0);
            var top = layer.Int(14, left);
            return (left, layer.Int(15, left), top, layer.Int(16, top));
        }

        /// <summary>The kernel (tagged, fp16 or fp32) and the bias when the layer has one (5=1), checked against 6=.</summary>
        private (float[] Weights, float[]? Bias) KernelWeights(NcnnLayer layer, int outC, int inC, int kh, int kw, int size)
        {
            if ((long)outC * inC * kh * kw != size)
                throw layer.Problem($"weight_data_size {size} ≠ {outC} outputs × {inC} inputs × {kh}×{kw}");
            var w = weights.Tagged(size, layer);
            return (w, layer.Int(5, 0) != 0 ? weights.Untagged(outC, layer) : null);
        }

        private static OnnxAttribute SamePadding(NcnnLayer layer, string mode, float padValue) =>
            padValue == 0 ? OnnxAttribute.String("auto_pad", mode) : throw layer.Problem("automatic padding with a nonzero pad value is not supported");

        private void Deconvolution(NcnnLayer layer)
        {
            Arity(layer, 1, 1);
            var x = Image(layer, 0);
            var (outC, kw, kh, dw, dh, sw, sh) = KernelOf(layer);
            var (padL, padR, padT, padB) = PaddingOf(layer);
            var outPadR = layer.Int(18, 0);
            var outPadB = layer.Int(19, outPadR);
            var size = layer.Int(6, 0);
            if (layer.Int(20, 0) != 0 || layer.Int(21, 0) != 0) throw layer.Problem("a fixed output size (20=/21=) is not supported");
            if (layer.Int(28, 0) != 0) throw layer.Problem("dynamic weights are not supported");
            if (Math.Min(Math.Min(padL, padR), Math.Min(padT, padB)) < 0 || outPadR < 0 || outPadB < 0)
                throw layer.Problem("negative or automatic padding is not supported");
            var (w, b) = KernelWeights(layer, outC, x.Channels, kh, kw, size);
            // ncnn scatters input pixel × w[out][in][ky][kx] to output (y·s + ky·d, x·s + kx·d): ONNX ConvTranspose
            // does the same with the kernel stored [in][out][ky][kx], so only the two channel axes swap.
            var k = kh * kw;
            var swapped = new float[w.Length];
            for (var o = 0; o < outC; o++)
                for (var i = 0; i < x.Channels; i++)
                    Array.Copy(w, (o * x.Channels + i) * k, swapped, (i * outC + o) * k, k);
            var inputs = new List<string> { x.Tensor, Weight(layer, swapped, x.Channels, outC, kh, kw) };
            if (b is not null) inputs.Add(Weight(layer, b, outC));
            var y = graph.Node("ConvTranspose", inputs, null,
                OnnxAttribute.Ints("kernel_shape", kh, kw), OnnxAttribute.Ints("strides", sh, sw), OnnxAttribute.Ints("dilations", dh, dw),
                OnnxAttribute.Ints("pads", padT, padL, padB, padR), OnnxAttribute.Ints("output_padding", outPadB, outPadR));
            var square = kw == kh && sw == sh && dw == dh && padL == padT;
            // Output j = s·i + t − pad: the kernel's centre tap t = d(k−1)/2 puts j on input i = (j + pad − t)/s.
            Out(layer, Activation(layer, y, layer.Int(9, 0), layer.Floats(10)), outC, false, square ? x.Place?.Spread(sw, padL - dw * (kw - 1) / 2.0) : null);
        }

        private void PRelu(NcnnLayer layer)
        {
            Arity(layer, 1, 1);
            var x = In(layer, 0);
            var n = layer.Int(0, 0);
            if (n != 1 && n != x.Channels) throw layer.Problem($"has {n} slopes for {x.Channels} channels");
            var slopes = weights.Untagged(n, layer);
            var slope = n == 1 ? Weight(layer, slopes, 1) : Weight(layer, slopes, n, 1, 1);
            Out(layer, graph.Node("PRelu", [x.Tensor, slope]), x.Channels, x.IsVector, x.Place);
        }

        private void Eltwise(NcnnLayer layer)
        {
            if (layer.Inputs.Count < 2 || layer.Outputs.Count != 1) throw layer.Problem("needs at least two inputs and one output");
            var xs = layer.Inputs.Select((_, i) => In(layer, i)).ToList();
            if (xs.Any(b => b.Channels != xs[0].Channels || b.IsVector != xs[0].IsVector)) throw layer.Problem("inputs differ in shape");
            var op = layer.Int(0, 0);
            var coeffs = layer.Floats(1);
            string y;
            switch (op)
            {
                case 0: y = xs.Skip(1).Aggregate(xs[0].Tensor, (a, b) => graph.Node("Mul", [a, b.Tensor])); break;
                case 1:
                    if (coeffs.Length != 0 && coeffs.Length != xs.Count) throw layer.Problem($"has {coeffs.Length} coefficients for {xs.Count} inputs");
                    var terms = xs.Select((b, i) => coeffs.Length == 0 || coeffs[i] == 1 ? b.Tensor : graph.Node("Mul", [b.Tensor, Float32(null, coeffs[i])])).ToList();
                    y = terms.Skip(1).Aggregate(terms[0], (a, b) => graph.Node("Add", [a, b]));
                    break;
                case 2: y = graph.Node("Max", [.. xs.Select(b => b.Tensor)]); break;
                default: throw layer.Problem($"operation {op} is not one of ncnn's (0 product, 1 sum, 2 max)");
            }
            Out(layer, y, xs[0].Channels, xs[0].IsVector, xs[0].Place);
        }

        private void Concat(NcnnLayer layer)
        {
            if (layer.Inputs.Count < 1 || layer.Outputs.Count != 1) throw layer.Problem("needs inputs and one output");
            var xs = layer.Inputs.Select((_, i) => In(layer, i)).ToList();
            if (xs.Any(b => b.IsVector != xs[0].IsVector)) throw layer.Problem("concatenates images with vectors");
            var dims = xs[0].Dims;
            var axis = layer.Int(0, 0);
            var positive = axis < 0 ? dims + axis : axis;
            if (positive < 0 || positive >= dims) throw layer.Problem($"axis {axis} is out of range for {dims}-D blobs");
            var channels = positive == 0 ? xs.Sum(b => b.Channels) : xs[0].Channels;
            if (positive != 0 && xs.Any(b => b.Channels != channels)) throw layer.Problem("inputs differ in channel count");
            Out(layer, graph.Node("Concat", [.. xs.Select(b => b.Tensor)], null, OnnxAttribute.Int("axis", positive + 1)), channels, xs[0].IsVector, xs[0].Place);
        }

        private void BinaryOp(NcnnLayer layer)
        {
            var op = layer.Int(0, 0);
            if (layer.Int(1, 0) != 0)
            {
                Arity(layer, 1, 1);
                var x = In(layer, 0);
                Out(layer, Binary(layer, op, x.Tensor, Float32(null, layer.Float(2, 0))), x.Channels, x.IsVector, x.Place);
                return;
            }
            Arity(layer, 2, 1);
            var a = In(layer, 0);
            var b = In(layer, 1);
            // ncnn expands the lower-rank operand's axes: a vector as long as the other's channel count runs along
            // channels, any other vector along the width (binaryop.cpp, "expand inner axes").
            string Expand(Blob v, Blob other)
            {
                if (!v.IsVector || other.IsVector || v.Channels == other.Channels) return v.Tensor;
                return graph.Node("Reshape", [v.Tensor, Int64(null, 1, 1, 1, v.Channels)]);
            }
            var channels = a.IsVector == b.IsVector ? Math.Max(a.Channels, b.Channels) : (a.IsVector ? b.Channels : a.Channels);
            Out(layer, Binary(layer, op, Expand(a, b), Expand(b, a)), channels, a.IsVector && b.IsVector, a.IsVector ? b.Place : a.Place);
        }

        private string Binary(NcnnLayer layer, int op, string a, string b) => op switch
        {
            0 => graph.Node("Add", [a, b]),
            1 => graph.Node("Sub", [a, b]),
            2 => graph.Node("Mul", [a, b]),
            3 => graph.Node("Div", [a, b]),
            4 => graph.Node("Max", [a, b]),
            5 => graph.Node("Min", [a, b]),
            6 => graph.Node("Pow", [a, b]),
            7 => graph.Node("Sub", [b, a]),
            8 => graph.Node("Div", [b, a]),
            9 => graph.Node("Pow", [b, a]),
            _ => throw layer.Problem($"operation {op} is not supported (0–9: add, sub, mul, div, max, min, pow and the reversed forms)"),
        };

        private void Interp(NcnnLayer layer)
        {
            Arity(layer, 1, 1);
            var x = Image(layer, 0);
            var type = layer.Int(0, 0);
            var hs = layer.Float(1, 1);
            var ws = layer.Float(2, 1);
            if (layer.Int(3, 0) != 0 || layer.Int(4, 0) != 0) throw layer.Problem("a fixed output size (3=/4=) is not supported; scale factors are");
            if (layer.Int(5, 0) != 0 || layer.Has(9)) throw layer.Problem("a dynamic target size is not supported");
            var alignCorner = layer.Int(6, 0) != 0;
            if (hs <= 0 || ws <= 0) throw layer.Problem("scales must be positive");
            var scales = Float32(null, 1, 1, hs, ws);
            string y;
            switch (type)
            {
                case 1:
                    // ncnn: source x = (int)(x · (1/scale)); ONNX asymmetric + floor is the same map for scales whose
                    // reciprocal is exact (whole powers of two); other scales could round differently at edges.
                    if (!IsExactReciprocal(hs) || !IsExactReciprocal(ws))
                        throw layer.Problem($"nearest resize by {hs}×{ws} is not supported (only scales whose reciprocal is exact, such as 2 and 4)");
                    if (alignCorner) throw layer.Problem("nearest resize with align_corner is not supported");
                    y = graph.Node("Resize", [x.Tensor, "", scales], null, OnnxAttribute.String("mode", "nearest"),
                        OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"), OnnxAttribute.String("nearest_mode", "floor"));
                    break;
                case 2:
                case 3:
                    // ncnn: output = (int)(n · scale), source = (x + 0.5)·(n/out) − 0.5, taps clamped to the edge, cubic
                    // with A = −0.75 (interp.cpp). ONNX half_pixel with the given scale is the same map when n · scale is
                    // whole, as it is in the Real-ESRGAN graphs (a 4n-pixel output resized by 0.5 or 0.75).
                    y = graph.Node("Resize", [x.Tensor, "", scales], null, OnnxAttribute.String("mode", type == 2 ? "linear" : "cubic"),
                        OnnxAttribute.String("coordinate_transformation_mode", alignCorner ? "align_corners" : "half_pixel"),
                        OnnxAttribute.Float("cubic_coeff_a", -0.75f), OnnxAttribute.Int("exclude_outside", 0));
                    break;
                default: throw layer.Problem($"resize type {type} is not one of ncnn's (1 nearest, 2 bilinear, 3 bicubic)");
            }
            // Half-pixel centres: output j sits on input (j + 0.5)/s − 0.5.
            Out(layer, y, x.Channels, false, hs == ws ? x.Place?.Spread(ws, 0.5 - 0.5 * ws) : null);
        }

        private static bool IsExactReciprocal(float s) => s >= 1 && s == MathF.Round(s) && (1f / s) * s == 1f && BitIsPowerOfTwo((int)s);

        private static bool BitIsPowerOfTwo(int v) => v > 0 && (v & (v - 1)) == 0;

        private void PixelShuffle(NcnnLayer layer)
        {
            Arity(layer, 1, 1);
            var x = Image(layer, 0);
            var r = layer.Int(0, 1);
            var mode = layer.Int(1, 0);
            if (r < 1 || x.Channels % (r * r) != 0) throw layer.Problem($"{x.Channels} channels cannot be shuffled by {r}");
            // mode 0: channel p·r² + i·r + j → (p, y·r + i, x·r + j), PyTorch's order = ONNX CRD; mode 1 = DCR.
            var y = graph.Node("DepthToSpace", [x.Tensor], null, OnnxAttribute.Int("blocksize", r),
                OnnxAttribute.String("mode", mode switch { 0 => "CRD", 1 => "DCR", _ => throw layer.Problem($"mode {mode} is not 0 or 1") }));
            Out(layer, y, x.Channels / (r * r), false, x.Place?.Spread(r, 0.5 - 0.5 * r));
        }

        private void Crop(NcnnLayer layer)
        {
            Arity(layer, 1, 1);
            var x = In(layer, 0);
            if (layer.Has(19) || layer.Has(20) || layer.Has(21)) throw layer.Problem("expression crops are not supported");
            var starts = layer.Ints(9);
            var ends = layer.Ints(10);
            var axes = layer.Ints(11);
            var channels = x.Channels;
            string y;
            Grid? place = x.Place;
            if (starts.Length > 0 && ends.Length > 0)
            {
                if (starts.Length != ends.Length || (axes.Length != 0 && axes.Length != starts.Length))
                    throw layer.Problem("starts, ends and axes differ in length");
                if (axes.Length == 0) axes = [.. Enumerable.Range(0, starts.Length)];
                var onnxAxes = new long[axes.Length];
                var onnxStarts = new long[axes.Length];
                var onnxEnds = new long[axes.Length];
                for (var i = 0; i < axes.Length; i++)
                {
                    var axis = axes[i] < 0 ? x.Dims + axes[i] : axes[i];
                    if (axis < 0 || axis >= x.Dims) throw layer.Problem($"axis {axes[i]} is out of range for a {x.Dims}-D blob");
                    onnxAxes[i] = axis + 1; // ncnn (c, h, w) or (w) → ONNX [1, C, H, W] or [1, C, 1, 1]
                    // ncnn: start −233 = 0; a negative start or an end ≤ 0 counts from the end; end −233 = the end.
                    onnxStarts[i] = starts[i] == Auto ? 0 : starts[i];
                    onnxEnds[i] = ends[i] == Auto || ends[i] == 0 ? long.MaxValue : ends[i];
                    if (onnxAxes[i] == 1) channels = SliceLength(x.Channels, onnxStarts[i], onnxEnds[i]);
                }
                y = graph.Node("Slice", [x.Tensor, Int64(null, onnxStarts), Int64(null, onnxEnds), Int64(null, onnxAxes)]);
                var spatial = Enumerable.Range(0, onnxAxes.Length).Where(i => onnxAxes[i] >= 2).Select(i => onnxStarts[i]).ToList();
                if (spatial.Count > 0)
                    place = spatial.Count == 2 && spatial[0] == spatial[1] && spatial[0] >= 0 ? place?.Window(1, 1, 1, (int)-spatial[0]) : null;
            }
            else
            {
                // Offsets form: extent = n − offset − offset2, capped at out unless out is −233 (crop.cpp).
                if (x.IsVector) throw layer.Problem("the offsets form on a vector is not supported");
                var (wo, ho, co) = (layer.Int(0, 0), layer.Int(1, 0), layer.Int(2, 0));
                var (ow, oh, oc) = (layer.Int(3, 0), layer.Int(4, 0), layer.Int(5, 0));
                var (wo2, ho2, co2) = (layer.Int(6, 0), layer.Int(7, 0), layer.Int(8, 0));
                if (ow == 0 && oh == 0 && oc == 0 && wo2 == 0 && ho2 == 0 && co2 == 0)
                    throw layer.Problem("cropping to a reference blob's size is not supported");
                if (Math.Min(Math.Min(wo, ho), Math.Min(co, Math.Min(wo2, Math.Min(ho2, co2)))) < 0) throw layer.Problem("negative offsets");
                long End(int offset2) => offset2 == 0 ? long.MaxValue : -offset2;
                y = graph.Node("Slice", [x.Tensor, Int64(null, co, ho, wo), Int64(null, End(co2), End(ho2), End(wo2)), Int64(null, 1, 2, 3)]);
                y = graph.Node("Slice", [y, Int64(null, 0, 0, 0), Int64(null, Cap(oc), Cap(oh), Cap(ow)), Int64(null, 1, 2, 3)]);
                channels = x.Channels - co - co2;
                place = wo == ho ? place?.Window(1, 1, 1, -wo) : null;
                if (oc != Auto) channels = Math.Min(oc, channels);
            }
            if (channels <= 0) throw layer.Problem("crops every channel away");
            Out(layer, y, channels, x.IsVector, place);
        }

        private static long Cap(int extent) => extent == Auto ? long.MaxValue : extent;

        private static int SliceLength(int n, long start, long end)
        {
            var s = start < 0 ? Math.Max(0, n + start) : Math.Min(n, start);
            var e = end < 0 ? Math.Max(0, n + end) : Math.Min(n, end);
            return (int)Math.Max(0, e - s);
        }

        private void Pooling(NcnnLayer layer)
        {
            Arity(layer, 1, 1);
            var x = Image(layer, 0);
            if (layer.Int(4, 0) == 0) throw layer.Problem("only global pooling (4=1) is supported");
            var type = layer.Int(0, 0);
            var y = type switch
            {
                0 => graph.Node("GlobalMaxPool", [x.Tensor]),
                1 => graph.Node("GlobalAveragePool", [x.Tensor]),
                _ => throw layer.Problem($"pooling type {type} is not 0 (max) or 1 (average)"),
            };
            pools.Add(x.Place);
            Out(layer, y, x.Channels, true, null); // ncnn's global pooling yields a vector of C values
        }

        private void InnerProduct(NcnnLayer layer)
        {
            Arity(layer, 1, 1);
            var x = In(layer, 0);
            if (!x.IsVector) throw layer.Problem("an inner product over an image (flattened c·h·w) is not supported; only over a vector");
            var outN = layer.Int(0, 0);
            var size = layer.Int(2, 0);
            if (layer.Int(8, 0) != 0) throw layer.Problem("int8 inner products are not supported");
            if (outN <= 0 || (long)outN * x.Channels != size) throw layer.Problem($"weight_data_size {size} ≠ {outN} outputs × {x.Channels} inputs");
            var w = weights.Tagged(size, layer);
            float[]? b = layer.Int(1, 0) != 0 ? weights.Untagged(outN, layer) : null;
            // On a [1, C, 1, 1] vector, a 1×1 convolution with weights [out][in] is the inner product.
            var inputs = new List<string> { x.Tensor, Weight(layer, w, outN, x.Channels, 1, 1) };
            if (b is not null) inputs.Add(Weight(layer, b, outN));
            var y = graph.Node("Conv", inputs, null, OnnxAttribute.Ints("kernel_shape", 1, 1));
            Out(layer, Activation(layer, y, layer.Int(9, 0), layer.Floats(10)), outN, true, null);
        }

        /// <summary>ncnn's fused activations (fused_activation.h): 1 ReLU, 2 leaky ReLU, 3 clip, 4 sigmoid, 5 mish, 6 hard-swish.</summary>
        private string Activation(NcnnLayer layer, string x, int type, float[] p)
        {
            float Param(int i) => i < p.Length ? p[i] : throw layer.Problem($"activation {type} needs {i + 1} parameters (-23310=)");
            switch (type)
            {
                case 0: return x;
                case 1: return graph.Node("Relu", [x]);
                case 2: return graph.Node("LeakyRelu", [x], null, OnnxAttribute.Float("alpha", Param(0)));
                case 3: return graph.Node("Clip", [x, Float32(null, Param(0)), Float32(null, Param(1))]);
                case 4: return graph.Node("Sigmoid", [x]);
                case 5: return graph.Node("Mul", [x, graph.Node("Tanh", [graph.Node("Softplus", [x])])]);
                case 6:
                    // ncnn hard-swish: x · clamp(alpha·x + beta, 0, 1), which is ONNX HardSigmoid(alpha, beta) times x.
                    return graph.Node("Mul", [x, graph.Node("HardSigmoid", [x], null, OnnxAttribute.Float("alpha", Param(0)), OnnxAttribute.Float("beta", Param(1)))]);
                default: throw layer.Problem($"fused activation {type} is not one of ncnn's (0–6)");
            }
        }

        private static void Arity(NcnnLayer layer, int inputs, int outputs)
        {
            if (layer.Inputs.Count != inputs || layer.Outputs.Count != outputs)
                throw layer.Problem($"has {layer.Inputs.Count} inputs and {layer.Outputs.Count} outputs; {inputs} and {outputs} are expected");
        }

        private Blob In(NcnnLayer layer, int i) =>
            blobs.TryGetValue(layer.Inputs[i], out var b) ? b : throw layer.Problem($"reads blob '{layer.Inputs[i]}', which no earlier layer produces");

        private Blob Image(NcnnLayer layer, int i)
        {
            var b = In(layer, i);
            return b.IsVector ? throw layer.Problem($"expects an image, but blob '{layer.Inputs[i]}' is a vector") : b;
        }

        private void Out(NcnnLayer layer, string tensor, int channels, bool isVector, Grid? place) =>
            blobs[layer.Outputs[0]] = new Blob(tensor, channels, isVector, isVector ? null : place);

        private string Weight(NcnnLayer layer, float[] values, params long[] dims) =>
            graph.Initializer(graph.Fresh(Sanitise(layer.Name)), values, dims);

        private static string Sanitise(string name) => new([.. name.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_')]);

        private string Float32(string? name, params float[] values)
        {
            var key = "f:" + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            if (constants.TryGetValue(key, out var existing)) return existing;
            var tensor = graph.Initializer(name ?? graph.Fresh("const"), values, values.Length == 1 ? [] : [values.Length]);
            constants[key] = tensor;
            return tensor;
        }

        private string Int64(string? name, params long[] values)
        {
            var key = "i:" + string.Join(",", values);
            if (constants.TryGetValue(key, out var existing)) return existing;
            var tensor = graph.Initializer(name ?? graph.Fresh("const"), values, [values.Length]);
            constants[key] = tensor;
            return tensor;
        }
    }
}
