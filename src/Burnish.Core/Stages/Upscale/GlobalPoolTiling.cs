using System.Globalization;
using Burnish.Imaging;
using Burnish.Models;
using Burnish.Models.Ncnn;
using Burnish.Models.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Burnish.Stages.Upscale;

/// <summary>
/// Tiles a model whose graph averages feature maps over the whole image (Real-CUGAN's squeeze-and-excitation blocks,
/// GlobalAveragePool) so that tiled = whole: first one pass over the tiles per pool, in graph order, each summing the
/// pool's input over the samples its tile owns, with the averages found so far fed in place of the earlier pools;
/// then the output pass with every average fed. This is realcugan-ncnn-vulkan's exact "sync gap" mode (-c 1).
/// <para>
/// Exactness needs every tile to see the whole image's sampling grid, so windows start on multiples of the model's
/// alignment (the image is first reflect-padded to one), and the margin covers the receptive field plus that
/// alignment. A sample of a pool's input belongs to the tile whose core holds its centre (the importer records where
/// each pool's samples sit on the input, <see cref="NcnnImporter.GlobalPoolSites"/>); samples over the padding belong
/// to the edge tiles, so the tiles' shares add up to the whole image's sum.
/// </para>
/// </summary>
public static class GlobalPoolTiling
{
    /// <summary>Whether <paramref name="model"/> has global pools this class must handle.</summary>
    public static bool Applies(UpscaleModel model) => model.Metadata.ContainsKey(NcnnImporter.GlobalPoolSites);

    /// <summary>
    /// Runs <paramref name="model"/> over <paramref name="input"/> (RGB interleaved, sRGB-encoded, 0–1) and yields the
    /// output a band of rows at a time; <paramref name="tileDone"/> gets (tiles done, tiles in all passes).
    /// </summary>
    public static IEnumerable<OutputBand> Run(UpscaleModel model, PixelBuffer input, int tile, (float Lo, float Hi) colourRange,
        int? threads, Action<int, int>? tileDone = null, CancellationToken cancel = default)
    {
        if (model.Pixels != new ModelPixels(1)) throw new BurnishException($"model {model.Name}: global pools are tiled only for NCHW RGB 0–1 models");
        var sites = Sites(model);
        var align = int.Parse(model.Metadata.GetValueOrDefault(NcnnImporter.TileAlignment, "1"), CultureInfo.InvariantCulture);
        var padded = PadToMultiple(input, align);
        var plan = AlignedPlan(padded.Width, padded.Height, tile, model.ReceptiveRadius + align - 1, align);
        var s = model.Scale;

        int outW = input.Width * s, outH = input.Height * s;
        if (plan.Count == 1)
        {
            // One window is the whole image: the graph's own pools already average over all of it.
            var (h1, w1) = (padded.Height, padded.Width);
            var whole = new float[3 * h1 * w1];
            Window(padded, plan.Columns[0], plan.Rows[0], whole);
            var result = new float[3 * h1 * w1 * s * s];
            model.Run(whole, h1, w1, result, cancel);
            var band1 = new float[outH * outW * 3];
            for (var y = 0; y < outH; y++)
                for (var x = 0; x < outW; x++)
                    for (var c = 0; c < 3; c++)
                        band1[(y * outW + x) * 3 + c] = Math.Clamp(result[(c * h1 * s + y) * w1 * s + x], colourRange.Lo, colourRange.Hi);
            tileDone?.Invoke(1, 1);
            yield return new OutputBand(0, outH, outW, 3, band1);
            yield break;
        }

        using var graph = new StatisticsGraph(model, sites.Count, threads);
        var means = new float[sites.Count][];
        var total = plan.Count * (sites.Count + 1);
        var done = 0;
        var planar = new float[3 * plan.Columns[0].Window * plan.Rows[0].Window];
        for (var k = 0; k < sites.Count; k++)
        {
            var sums = new double[graph.Channels[k]];
            long count = 0;
            foreach (var row in plan.Rows)
                foreach (var column in plan.Columns)
                {
                    cancel.ThrowIfCancellationRequested();
                    var (h, w) = Window(padded, column, row, planar);
                    var (values, shape) = graph.Run(planar.AsSpan(0, 3 * h * w), h, w, means, graph.PoolInputs[k], cancel);
                    int c = (int)shape[1], th = (int)shape[2], tw = (int)shape[3];
                    var (step, offset) = sites[k];
                    for (var y = 0; y < th; y++)
                    {
                        if (!Owns(row, row.WindowStart + step * y + offset, padded.Height)) continue;
                        for (var x = 0; x < tw; x++)
                        {
                            if (!Owns(column, column.WindowStart + step * x + offset, padded.Width)) continue;
                            count++;
                            for (var ch = 0; ch < c; ch++) sums[ch] += values[(ch * th + y) * tw + x];
                        }
                    }
                    tileDone?.Invoke(++done, total);
                }
            means[k] = [.. sums.Select(v => (float)(v / count))];
        }

        foreach (var row in plan.Rows)
        {
            int y0 = row.CoreStart * s, y1 = Math.Min(row.CoreEnd * s, outH);
            var band = new float[Math.Max(0, y1 - y0) * outW * 3];
            foreach (var column in plan.Columns)
            {
                cancel.ThrowIfCancellationRequested();
                var (h, w) = Window(padded, column, row, planar);
                var (values, _) = graph.Run(planar.AsSpan(0, 3 * h * w), h, w, means, "output", cancel);
                int oh = h * s, ow = w * s, x0 = column.CoreStart * s, x1 = Math.Min(column.CoreEnd * s, outW);
                for (var y = y0; y < y1; y++)
                    for (var x = x0; x < x1; x++)
                        for (var c = 0; c < 3; c++)
                            band[((y - y0) * outW + x) * 3 + c] = Math.Clamp(values[(c * oh + y - row.WindowStart * s) * ow + x - column.WindowStart * s], colourRange.Lo, colourRange.Hi);
                tileDone?.Invoke(++done, total);
            }
            if (y1 > y0) yield return new OutputBand(y0, y1 - y0, outW, 3, band);
        }
    }

    /// <summary>A sample centred at <paramref name="at"/> (input pixels) belongs to the tile whose core holds it; the edge cores reach out over the padding.</summary>
    private static bool Owns(TileSpan span, double at, int length) =>
        (span.CoreStart == 0 || at >= span.CoreStart) && (span.CoreEnd == length || at < span.CoreEnd);

    private static List<(double Step, double Offset)> Sites(UpscaleModel model)
    {
        var sites = new List<(double, double)>();
        foreach (var site in model.Metadata[NcnnImporter.GlobalPoolSites].Split(';'))
        {
            var parts = site.Split(',');
            if (parts.Length != 2 || !double.TryParse(parts[0], CultureInfo.InvariantCulture, out var step) || !double.TryParse(parts[1], CultureInfo.InvariantCulture, out var offset))
                throw new BurnishException($"model {model.Name}: where its global pools sample the image is unknown, so it cannot be tiled exactly; run it on one tile (a larger tile or tile_budget_mb)");
            sites.Add((step, offset));
        }
        return sites;
    }

    /// <summary>An exact plan (the margin covers the receptive field) whose windows start on multiples of <paramref name="align"/>.</summary>
    internal static TilePlan AlignedPlan(int width, int height, int tile, int margin, int align)
    {
        var t = (Math.Max(tile, 2 * margin + TilePlan.MinCore) + align - 1) / align * align;
        var plan = TilePlan.Make(width, height, t, margin);
        while (!plan.Exact || (plan.Columns.Count > 1 && plan.Margin < margin) || (plan.Rows.Count > 1 && plan.Margin < margin))
            plan = TilePlan.Make(width, height, t += align, margin);
        // Flooring a window start widens its margin before the core by < align and narrows the one after it by as
        // much, which the margin's extra (align − 1) covers. Width, height and the tile are multiples of align, so
        // windows clamped against the far edge are aligned already.
        static IReadOnlyList<TileSpan> Align(IReadOnlyList<TileSpan> spans, int a) =>
            [.. spans.Select(x => x with { WindowStart = x.WindowStart / a * a, WindowEnd = x.WindowStart / a * a + x.Window })];
        return plan with { Columns = Align(plan.Columns, align), Rows = Align(plan.Rows, align) };
    }

    /// <summary>Reflect-pads the right and bottom edges up to multiples of <paramref name="align"/> (as realcugan-ncnn-vulkan pads a tile).</summary>
    internal static PixelBuffer PadToMultiple(PixelBuffer input, int align)
    {
        int w = input.Width, h = input.Height;
        int pw = (w + align - 1) / align * align, ph = (h + align - 1) / align * align;
        if (pw == w && ph == h && input.Bands == 3) return input;
        static int Reflect(int i, int n) => i < n ? i : Math.Max(0, 2 * (n - 1) - i);
        var data = new float[(long)pw * ph * 3];
        for (var y = 0; y < ph; y++)
            for (var x = 0; x < pw; x++)
                for (var c = 0; c < 3; c++)
                    data[((long)y * pw + x) * 3 + c] = input.Data[((long)Reflect(y, h) * w + Reflect(x, w)) * input.Bands + c];
        return new PixelBuffer(pw, ph, 3, data);
    }

    private static (int H, int W) Window(PixelBuffer image, TileSpan column, TileSpan row, float[] planar)
    {
        int h = row.Window, w = column.Window, plane = h * w;
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var src = ((row.WindowStart + y) * image.Width + column.WindowStart + x) * image.Bands;
                for (var c = 0; c < 3; c++) planar[c * plane + y * w + x] = image.Data[src + c];
            }
        return (h, w);
    }

    /// <summary>
    /// The model with each GlobalAveragePool replaced by an input (its average), cut into one session per pass: pass k
    /// keeps only the nodes that pool k's input needs (the prefix up to it); the last keeps those the output needs.
    /// </summary>
    private sealed class StatisticsGraph : IDisposable
    {
        private readonly Dictionary<string, InferenceSession> sessions = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string[]> feeds = new(StringComparer.Ordinal);
        private readonly string[] averageNames;

        public StatisticsGraph(UpscaleModel model, int sites, int? threads)
        {
            var proto = OnnxFile.Load(model.Path);
            var g = proto.Graph;
            var pools = g.Node.Where(n => n.OpType == "GlobalAveragePool").ToList();
            if (pools.Count != sites || g.Node.Any(n => n.OpType is "GlobalMaxPool" or "GlobalLpPool"))
                throw new BurnishException($"model {model.Name}: its graph's global pools do not match its metadata; re-import it");
            var weights = g.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
            Channels = new int[sites];
            averageNames = new string[sites];
            PoolInputs = new string[sites];
            for (var k = 0; k < sites; k++)
            {
                var pool = pools[k];
                averageNames[k] = pool.Output[0];
                PoolInputs[k] = pool.Input[0];
                // The pool's consumer (the squeeze's 1×1 convolution) tells its channel count: weights [out, in, 1, 1].
                var consumer = g.Node.First(n => n.Input.Contains(pool.Output[0]));
                Channels[k] = consumer.Input.Skip(1).Select(i => weights.GetValueOrDefault(i)).FirstOrDefault(t => t is { Dims.Count: 4 }) is { } w
                    ? (int)w.Dims[1] : throw new BurnishException($"model {model.Name}: global pool {k} does not feed a convolution");
                g.Node.Remove(pool);
                g.Input.Add(ValueInfo(pool.Output[0], [1, Channels[k], 1, 1]));
            }
            try
            {
                foreach (var fetch in PoolInputs.Append("output"))
                {
                    var cut = Prefix(proto, fetch, model.Name);
                    using var options = OrtSessions.Options(threads);
                    sessions[fetch] = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(cut), options);
                    feeds[fetch] = [.. cut.Graph.Input.Select(i => i.Name)];
                }
            }
            catch (OnnxRuntimeException e)
            {
                Dispose();
                throw new BurnishException($"model {model.Name}: ONNX Runtime cannot load its statistics graph ({OrtSessions.FirstLine(e.Message)})");
            }
        }

        /// <summary>The model reduced to what <paramref name="fetch"/> needs, with <paramref name="fetch"/> as its only output.</summary>
        private static ModelProto Prefix(ModelProto whole, string fetch, string name)
        {
            var model = whole.Clone();
            var g = model.Graph;
            var producer = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
            foreach (var n in g.Node)
                foreach (var o in n.Output) producer[o] = n;
            var needed = new HashSet<NodeProto>();
            var tensors = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>([fetch]);
            while (pending.TryPop(out var t))
            {
                if (!tensors.Add(t) || !producer.TryGetValue(t, out var n) || !needed.Add(n)) continue;
                foreach (var i in n.Input.Where(i => i.Length > 0)) pending.Push(i);
            }
            if (needed.Count == 0) throw new BurnishException($"model {name}: nothing computes '{fetch}'");
            var keep = g.Node.Where(needed.Contains).ToList();
            g.Node.Clear();
            g.Node.AddRange(keep);
            var initializers = g.Initializer.Where(i => tensors.Contains(i.Name)).ToList();
            g.Initializer.Clear();
            g.Initializer.AddRange(initializers);
            var inputs = g.Input.Where(i => tensors.Contains(i.Name)).ToList();
            g.Input.Clear();
            g.Input.AddRange(inputs);
            g.Output.Clear();
            g.Output.Add(ValueInfo(fetch, [1, -1, -1, -1]));
            return model;
        }

        public int[] Channels { get; }

        /// <summary>The tensor each pool averages, in graph order.</summary>
        public string[] PoolInputs { get; }

        /// <summary>One tile through the session that computes <paramref name="fetch"/>, fed the averages it needs.</summary>
        public (float[] Values, long[] Shape) Run(ReadOnlySpan<float> planar, int h, int w, float[]?[] means, string fetch, CancellationToken cancel)
        {
            var names = feeds[fetch];
            var values = new List<OrtValue>();
            try
            {
                foreach (var name in names)
                {
                    if (name == "input")
                    {
                        values.Add(OrtValue.CreateTensorValueFromMemory(planar.ToArray(), [1, 3, h, w]));
                        continue;
                    }
                    var k = Array.IndexOf(averageNames, name);
                    values.Add(OrtValue.CreateTensorValueFromMemory(means[k] ?? throw new InvalidOperationException($"average {k} is needed before it is known"), [1, Channels[k], 1, 1]));
                }
                using var run = new RunOptions();
                using var stop = cancel.Register(() => run.Terminate = true);
                using var results = sessions[fetch].Run(run, names, values, [fetch]);
                var tensor = results[0];
                return (tensor.GetTensorDataAsSpan<float>().ToArray(), tensor.GetTensorTypeAndShape().Shape);
            }
            catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancel);
            }
            finally
            {
                foreach (var v in values) v.Dispose();
            }
        }

        private static ValueInfoProto ValueInfo(string name, long[] dims)
        {
            var shape = new TensorShapeProto();
            foreach (var d in dims)
                shape.Dim.Add(d >= 0 ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = $"{name}_d{shape.Dim.Count}" });
            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
            };
        }

        public void Dispose()
        {
            foreach (var session in sessions.Values) session.Dispose();
        }
    }
}
