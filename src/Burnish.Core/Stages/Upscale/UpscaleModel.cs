using System.Globalization;
using System.Text.Json;
using Burnish.Models;
using Microsoft.ML.OnnxRuntime;

namespace Burnish.Stages.Upscale;

/// <summary>How a model wants its pixels: value range, tensor layout and channel order.</summary>
/// <param name="Range">1 for 0–1 input, 255 for 0–255.</param>
/// <param name="ChannelsLast">NHWC instead of NCHW.</param>
/// <param name="Bgr">Channels in BGR order.</param>
public sealed record ModelPixels(float Range = 1, bool ChannelsLast = false, bool Bgr = false);

/// <summary>
/// One image-to-image ONNX model in an ONNX Runtime session, created once and reused for every tile of every image:
/// the input and output tensors are bound to managed buffers that are reallocated only when the tile shape changes.
/// Images running at once (a service's workers, <c>finish -j N</c>) run at once here too: ONNX Runtime's session is
/// safe to share, and each run takes its own buffers. Serialising them kept one core busy, whatever the workers.
/// </summary>
public sealed class UpscaleModel : IDisposable
{
    private readonly InferenceSession session;
    private readonly string inputName, outputName;
    private readonly Lock gate = new();
    // Buffers not in use, one set per image that ran at once; a set for another tile shape is replaced.
    private readonly Stack<Bound> idle = new();

    private sealed record Bound(int Height, int Width, float[] Input, float[] Output, OrtValue InputValue, OrtValue OutputValue) : IDisposable
    {
        public void Dispose() { InputValue.Dispose(); OutputValue.Dispose(); }
    }

    /// <summary>
    /// Loads the .onnx at <paramref name="path"/>. <paramref name="pixels"/> (range and layout) and
    /// <paramref name="receptiveRadius"/> (input pixels), when null, come from the model's metadata or a sidecar JSON
    /// beside it. <paramref name="optimisedPath"/> is where a pre-optimised copy is kept.
    /// </summary>
    public UpscaleModel(string path, string name, Device device, int? threads, ModelPixels? pixels = null, int? receptiveRadius = null, string? optimisedPath = null)
    {
        if (!File.Exists(path)) throw new BurnishException($"model {path}: file not found");
        Name = name;
        Path = path;
        session = Open(path, device, threads, optimisedPath);
        try
        {
            (inputName, outputName) = Signature(session, path);
            var sidecar = Sidecar.Read(path);
            var meta = session.ModelMetadata.CustomMetadataMap;
            Metadata = new Dictionary<string, string>(meta, StringComparer.Ordinal);
            Pixels = pixels ?? sidecar?.Pixels ?? new ModelPixels(meta.TryGetValue(ModelMetadataKeys.InputRange, out var r) ? float.Parse(r, CultureInfo.InvariantCulture) : 1);
            FixedSize = FixedInput(session.InputMetadata[inputName], Pixels.ChannelsLast);
            Scale = Probe(sidecar?.Scale ?? (meta.TryGetValue(ModelMetadataKeys.Scale, out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : null));
            ReceptiveRadius = receptiveRadius ?? sidecar?.ReceptiveRadius
                ?? (meta.TryGetValue(ModelMetadataKeys.ReceptiveRadius, out var rr) ? int.Parse(rr, CultureInfo.InvariantCulture) : DefaultRadius);
            Device = device;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    // A pre-optimised copy (graph fusions and layouts done) skips that work at start-up. It is written once, under a
    // temporary name and renamed, so a concurrent run never reads half a file; one that fails to load is rebuilt.
    private static InferenceSession Open(string path, Device device, int? threads, string? optimisedPath)
    {
        try
        {
            if (optimisedPath is not null && File.Exists(optimisedPath))
            {
                using var fast = Options(device, threads, null, optimised: true);
                try
                {
                    return new InferenceSession(optimisedPath, fast);
                }
                catch (OnnxRuntimeException)
                {
                    File.Delete(optimisedPath);
                }
            }
            var temp = optimisedPath is null ? null : $"{optimisedPath}.{Environment.ProcessId}.tmp";
            using var options = Options(device, threads, temp);
            var session = new InferenceSession(path, options);
            if (temp is not null && File.Exists(temp)) File.Move(temp, optimisedPath!, overwrite: true);
            return session;
        }
        catch (OnnxRuntimeException e)
        {
            throw new BurnishException($"model {path}: ONNX Runtime cannot load it ({OrtSessions.FirstLine(e.Message)})");
        }
    }

    /// <summary>
    /// Working memory of inference per input pixel, for sizing tiles: the widest feature maps at input and at output
    /// resolution, each held about twice (a layer's input and output), in float.
    /// </summary>
    public double ActivationBytesPerInputPixel => 4.0 * 2 * (WidestInputChannels + WidestOutputChannels * Scale * Scale);

    /// <summary>Widest feature map at input resolution, in channels (a conservative default for unknown graphs).</summary>
    public int WidestInputChannels { get; init; } = 256;

    /// <summary>Widest feature map at output resolution, in channels.</summary>
    public int WidestOutputChannels { get; init; } = 64;

    /// <summary>Assumed receptive radius when neither the graph nor a sidecar says: tiles then blend over a feather band.</summary>
    public const int DefaultRadius = 32;

    public string Name { get; }

    /// <summary>SHA-256 of the model file, for the sidecar.</summary>
    public string Sha256 { get; init; } = "";
    public string Path { get; }
    public int Scale { get; }
    public int ReceptiveRadius { get; }
    public ModelPixels Pixels { get; }
    public Device Device { get; }

    /// <summary>The only input size a model with static spatial dimensions accepts, or null.</summary>
    public (int Height, int Width)? FixedSize { get; }

    /// <summary>The model's metadata_props (burnish.* keys for converted models).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

    /// <summary>
    /// Runs the model on one RGB tile, planar (3 × h × w, values 0–1, RGB), writing planar RGB 0–1 output
    /// (3 × h·s × w·s, unclipped) into <paramref name="output"/>. With <paramref name="releaseArena"/> (the last tile
    /// of a pass), ONNX Runtime hands its arena's working memory back afterwards, so what runs next does not stack on it.
    /// </summary>
    public void Run(ReadOnlySpan<float> planar, int h, int w, Span<float> output, CancellationToken cancel = default, bool releaseArena = false)
    {
        var s = Scale;
        if (planar.Length != 3 * h * w || output.Length != 3 * h * w * s * s) throw new ArgumentException("tile buffers do not match the tile size");
        var b = Take(h, w);
        try
        {
            Pack(planar, b.Input, h, w);
            using var run = new RunOptions();
            // Shrinking after every tile would make each tile fault its working memory in again; after the last it is free.
            if (releaseArena) run.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
            using var stop = cancel.Register(() => run.Terminate = true);
            try
            {
                session.Run(run, [inputName], [b.InputValue], [outputName], [b.OutputValue]);
            }
            catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancel);
            }
            catch (OnnxRuntimeException e)
            {
                throw new BurnishException($"model {Name}: inference failed on a {w}×{h} tile ({OrtSessions.FirstLine(e.Message)})");
            }
            Unpack(b.Output, output, h * s, w * s);
        }
        finally
        {
            lock (gate) idle.Push(b);
        }
    }

    private Bound Take(int h, int w)
    {
        lock (gate)
        {
            if (idle.TryPop(out var b))
            {
                if (b.Height == h && b.Width == w) return b;
                b.Dispose();
            }
        }
        var s = Scale;
        var input = new float[3 * h * w];
        var output = new float[3 * h * w * s * s];
        long[] inShape = Pixels.ChannelsLast ? [1, h, w, 3] : [1, 3, h, w];
        long[] outShape = Pixels.ChannelsLast ? [1, h * s, w * s, 3] : [1, 3, h * s, w * s];
        return new Bound(h, w, input, output,
            OrtValue.CreateTensorValueFromMemory(input, inShape), OrtValue.CreateTensorValueFromMemory(output, outShape));
    }

    // Planar RGB 0–1 → the model's range, layout and channel order.
    private void Pack(ReadOnlySpan<float> planar, float[] tensor, int h, int w)
    {
        var n = h * w;
        var range = Pixels.Range;
        for (var c = 0; c < 3; c++)
        {
            var source = planar.Slice((Pixels.Bgr ? 2 - c : c) * n, n);
            if (!Pixels.ChannelsLast)
            {
                var target = tensor.AsSpan(c * n, n);
                for (var i = 0; i < n; i++) target[i] = source[i] * range;
            }
            else
            {
                for (var i = 0; i < n; i++) tensor[i * 3 + c] = source[i] * range;
            }
        }
    }

    private void Unpack(float[] tensor, Span<float> planar, int h, int w)
    {
        var n = h * w;
        var inverse = 1f / Pixels.Range;
        for (var c = 0; c < 3; c++)
        {
            var target = planar.Slice((Pixels.Bgr ? 2 - c : c) * n, n);
            if (!Pixels.ChannelsLast)
            {
                var source = tensor.AsSpan(c * n, n);
                for (var i = 0; i < n; i++) target[i] = source[i] * inverse;
            }
            else
            {
                for (var i = 0; i < n; i++) target[i] = tensor[i * 3 + c] * inverse;
            }
        }
    }

    // The scale is whatever the model does to a small grey tile; anything but a 3-channel image at an integer scale is refused.
    private int Probe(int? declared)
    {
        var (h, w) = FixedSize ?? (24, 32);
        var shape = Pixels.ChannelsLast ? new long[] { 1, h, w, 3 } : [1, 3, h, w];
        var data = new float[3 * h * w];
        Array.Fill(data, 0.5f * Pixels.Range);
        using var input = OrtValue.CreateTensorValueFromMemory(data, shape);
        long[] outShape;
        try
        {
            using var run = new RunOptions();
            using var outputs = session.Run(run, [inputName], [input], [outputName]);
            outShape = outputs[0].GetTensorTypeAndShape().Shape;
        }
        catch (OnnxRuntimeException e)
        {
            throw new BurnishException($"model {Path}: not an image-to-image upscaler: a {w}×{h} RGB image fails ({OrtSessions.FirstLine(e.Message)}){LayoutHint}");
        }
        var (oh, ow, oc) = outShape.Length == 4
            ? Pixels.ChannelsLast ? (outShape[1], outShape[2], outShape[3]) : (outShape[2], outShape[3], outShape[1])
            : (0L, 0L, 0L);
        if (outShape.Length != 4 || oc != 3 || oh % h != 0 || ow % w != 0 || oh / h != ow / w || oh < h)
            throw new BurnishException($"model {Path}: not an image-to-image upscaler: a {w}×{h} RGB image gives an output of shape [{string.Join(", ", outShape)}]{LayoutHint}");
        var scale = (int)(oh / h);
        if (declared is { } d && d != scale)
            throw new BurnishException($"model {Path}: declared scale {d} but it upscales by {scale}");
        return scale;
    }

    private string LayoutHint => Pixels.ChannelsLast ? "" : $"; if it is channels-last, say so in {System.IO.Path.ChangeExtension(Path, ".json")}: {{\"layout\": \"nhwc\"}}";

    private static (string Input, string Output) Signature(InferenceSession session, string path)
    {
        var floatInputs = session.InputMetadata.Where(kv => kv.Value.ElementType == typeof(float) && kv.Value.Dimensions.Length == 4).ToList();
        if (session.InputMetadata.Count != 1 || floatInputs.Count != 1)
            throw new BurnishException($"model {path}: not an image-to-image model: it takes {Describe(session.InputMetadata)}; an upscaler takes one float image tensor");
        var floatOutputs = session.OutputMetadata.Where(kv => kv.Value.ElementType == typeof(float)).ToList();
        if (floatOutputs.Count == 0)
            throw new BurnishException($"model {path}: not an image-to-image model: it gives {Describe(session.OutputMetadata)}");
        return (floatInputs[0].Key, floatOutputs[0].Key);
    }

    private static (int, int)? FixedInput(NodeMetadata input, bool channelsLast)
    {
        var d = input.Dimensions;
        var (h, w) = channelsLast ? (d[1], d[2]) : (d[2], d[3]);
        return h > 0 && w > 0 ? (h, w) : null;
    }

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        string.Join(", ", nodes.Select(kv => $"{kv.Key} {kv.Value.ElementType.Name}[{string.Join("×", kv.Value.Dimensions.Select(x => x < 0 ? "?" : x.ToString(CultureInfo.InvariantCulture)))}]"));

    private static SessionOptions Options(Device device, int? threads, string? saveOptimisedTo, bool optimised = false)
    {
        var options = OrtSessions.Options(threads);
        if (optimised) options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
        if (saveOptimisedTo is not null && device == Device.Cpu) options.OptimizedModelFilePath = saveOptimisedTo;
        if (device == Device.Cuda)
        {
            try
            {
                options.AppendExecutionProvider_CUDA(0);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                options.Dispose();
                throw new BurnishException("--device cuda: the CUDA execution provider is not available in this build of ONNX Runtime "
                    + $"({OrtSessions.FirstLine(e.Message)}); see README, 'GPU inference'");
            }
        }
        return options;
    }

    public void Dispose()
    {
        lock (gate)
            while (idle.TryPop(out var b)) b.Dispose();
        session?.Dispose();
    }

    /// <summary>
    /// Optional <c>MODEL.json</c> beside a model you bring: <c>{"input_range": 1 | 255, "layout": "nchw" | "nhwc",
    /// "channels": "rgb" | "bgr", "scale": 4, "receptive_radius": 20}</c>, every key optional.
    /// </summary>
    private sealed record Sidecar(ModelPixels Pixels, int? Scale, int? ReceptiveRadius)
    {
        public static Sidecar? Read(string modelPath)
        {
            var path = System.IO.Path.ChangeExtension(modelPath, ".json");
            if (!File.Exists(path)) return null;
            try
            {
                using var doc = JsonDocument.Parse(Burnish.IO.TextFiles.ReadAllText(path, Burnish.IO.InputLimits.Default.MaxTextFileBytes));
                var root = doc.RootElement;
                float range = root.TryGetProperty("input_range", out var r) ? r.GetSingle() : 1;
                if (range is not (1 or 255)) throw new BurnishException($"{path}: input_range must be 1 or 255, got {range}");
                var layout = root.TryGetProperty("layout", out var l) ? l.GetString() : "nchw";
                if (layout is not ("nchw" or "nhwc")) throw new BurnishException($"{path}: layout must be nchw or nhwc, got '{layout}'");
                var channels = root.TryGetProperty("channels", out var c) ? c.GetString() : "rgb";
                if (channels is not ("rgb" or "bgr")) throw new BurnishException($"{path}: channels must be rgb or bgr, got '{channels}'");
                int? scale = root.TryGetProperty("scale", out var s) ? s.GetInt32() : null;
                int? radius = root.TryGetProperty("receptive_radius", out var rr) ? rr.GetInt32() : null;
                return new Sidecar(new ModelPixels(range, layout == "nhwc", channels == "bgr"), scale, radius);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                throw new BurnishException($"{path}: not a valid model sidecar ({e.Message})");
            }
        }
    }
}
