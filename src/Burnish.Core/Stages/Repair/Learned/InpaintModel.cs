using Burnish.Models;
using Microsoft.ML.OnnxRuntime;

namespace Burnish.Stages.Repair.Learned;

/// <summary>
/// A learned inpainting model you bring (LaMa, MI-GAN or anything with their contract, see
/// <see cref="InpaintContract"/>) in an ONNX Runtime session, created once and reusable: a run keeps its buffers in locals.
/// </summary>
public sealed class InpaintModel : IDisposable
{
    /// <summary>Working size for a model that takes any size, when its sidecar does not say: what LaMa and MI-GAN were trained at.</summary>
    public const int DefaultWorkingSize = 512;

    private readonly InferenceSession session;

    /// <summary>
    /// Loads the .onnx at <paramref name="path"/>; its contract comes from its tensors and, when present, the sidecar
    /// <c>MODEL.json</c> beside it (same name, .json). <paramref name="threads"/>: inference threads (default all cores).
    /// </summary>
    public InpaintModel(string path, int? threads = null)
    {
        Path = path;
        session = OrtSessions.Open(path, "model", threads);
        try
        {
            Contract = InpaintContract.Read(session, path, System.IO.Path.ChangeExtension(path, ".json"));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public string Path { get; }
    public InpaintContract Contract { get; }

    /// <summary>The only size the model takes, or null when it takes any.</summary>
    public (int Width, int Height)? FixedSize => Contract.FixedSize;

    /// <summary>Size of the longer side the crop is resized to for a model that takes any size.</summary>
    public int WorkingSize => Contract.WorkingSize ?? DefaultWorkingSize;

    /// <summary>
    /// Fills the hole: <paramref name="rgb"/> is planar RGB 0–1 (3 × h × w), <paramref name="hole"/> 1 where to fill and 0
    /// where known (h × w, binary); the result, planar RGB 0–1 unclipped, goes to <paramref name="result"/>.
    /// </summary>
    public void Run(ReadOnlySpan<float> rgb, ReadOnlySpan<float> hole, int w, int h, Span<float> result, CancellationToken cancel = default)
    {
        var n = w * h;
        if (rgb.Length != 3 * n || hole.Length != n || result.Length != 3 * n) throw new ArgumentException("buffers do not match the size");
        if (FixedSize is { } f && (f.Width != w || f.Height != h)) throw new ArgumentException($"the model takes {f.Width}×{f.Height}, not {w}×{h}");
        var c = Contract;

        using var imageValue = c.ImageIsBytes
            ? OrtValue.CreateTensorValueFromMemory(Bytes(rgb, c.Bgr, n), [1, 3, h, w])
            : OrtValue.CreateTensorValueFromMemory(Floats(rgb, c.ImageRange, c.Bgr, n), [1, 3, h, w]);
        var maskData = new float[n];
        var (holeValue, knownValue) = c.Polarity == MaskPolarity.Hole ? (c.MaskTop, 0f) : (0f, c.MaskTop);
        for (var i = 0; i < n; i++) maskData[i] = hole[i] > 0 ? holeValue : knownValue;
        using var maskValue = c.MaskIsBytes
            ? OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(maskData, v => (byte)v), [1, 1, h, w])
            : OrtValue.CreateTensorValueFromMemory(maskData, [1, 1, h, w]);

        using var run = new RunOptions();
        using var stop = cancel.Register(() => run.Terminate = true);
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = session.Run(run, [c.ImageInput, c.MaskInput], [imageValue, maskValue], [c.Output]);
        }
        catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancel);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BurnishException($"model {Path}: inference failed on a {w}×{h} crop ({OrtSessions.FirstLine(e.Message)})");
        }
        using (outputs)
        {
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            if (shape is not [1, 3, var oh, var ow] || oh != h || ow != w)
                throw new BurnishException($"model {Path}: a {w}×{h} crop gave an output of shape [{string.Join(", ", shape)}], not [1, 3, {h}, {w}]");
            var scale = 1f / c.OutputRange;
            for (var ch = 0; ch < 3; ch++)
            {
                var target = result.Slice((c.Bgr ? 2 - ch : ch) * n, n);
                if (c.OutputIsBytes)
                {
                    var source = outputs[0].GetTensorDataAsSpan<byte>().Slice(ch * n, n);
                    for (var i = 0; i < n; i++) target[i] = source[i] * scale;
                }
                else
                {
                    var source = outputs[0].GetTensorDataAsSpan<float>().Slice(ch * n, n);
                    for (var i = 0; i < n; i++) target[i] = source[i] * scale;
                }
            }
        }
    }

    // uint8 tensors: 0–1 → 0–255, rounded, clipped (values are display-referred here).
    private static byte[] Bytes(ReadOnlySpan<float> rgb, bool bgr, int n)
    {
        var data = new byte[3 * n];
        for (var ch = 0; ch < 3; ch++)
        {
            var source = rgb.Slice((bgr ? 2 - ch : ch) * n, n);
            for (var i = 0; i < n; i++) data[ch * n + i] = (byte)Math.Clamp(MathF.Round(source[i] * 255f), 0f, 255f);
        }
        return data;
    }

    private static float[] Floats(ReadOnlySpan<float> rgb, float range, bool bgr, int n)
    {
        var data = new float[3 * n];
        for (var ch = 0; ch < 3; ch++)
        {
            var source = rgb.Slice((bgr ? 2 - ch : ch) * n, n);
            for (var i = 0; i < n; i++) data[ch * n + i] = Math.Clamp(source[i], 0f, 1f) * range;
        }
        return data;
    }

    public void Dispose() => session.Dispose();
}
