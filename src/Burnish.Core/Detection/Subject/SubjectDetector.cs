using Burnish.Imaging;
using Burnish.Models;
using Burnish.Models.Onnx;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Burnish.Detection.Subject;

/// <summary>
/// The subject's alpha by ISNet (the opt-in model <see cref="OptInModels.Isnet"/>), with the pre- and post-processing
/// of @imgly/background-removal 1.4.5 (src/inference.ts, src/utils.ts) step for step, so a mask matches what that
/// package gives: the image as 8-bit sRGB, resized to 1024² by its own bilinear sampler (source position x·w/1024,
/// no half-pixel offset, rounded to 8 bits), normalised as (v − 128) / 256, NCHW; the output (already a sigmoid,
/// 0–1) times 255 truncated to 8 bits, then resized back to the image by the same sampler. The model runs widened to
/// float32 (the package's medium export is float16). The session is made once and may be shared: a detection keeps its
/// state in locals.
/// </summary>
public sealed class SubjectDetector : IDisposable
{
    public const int Resolution = 1024;

    /// <summary>The key under which stages share one detector in their resources.</summary>
    public const string ResourceKey = "subject-detector";

    private readonly InferenceSession session;
    private readonly string path;

    public SubjectDetector(string onnxPath, string sha256, string licence, int? threads = null)
    {
        path = onnxPath;
        (Sha256, Licence) = (sha256, licence);
        session = OrtSessions.Open(Float32(onnxPath), onnxPath, "subject model", threads, spinning: false);
        var ins = session.InputMetadata;
        if (ins.Count != 1 || !ins.ContainsKey("input") || ins["input"].Dimensions is not [1, 3, Resolution, Resolution] || !session.OutputMetadata.ContainsKey("output"))
        {
            session.Dispose();
            throw new BurnishException($"subject model {onnxPath}: not the ISNet export (expected an input \"input\" of [1,3,{Resolution},{Resolution}] and an output \"output\")");
        }
    }

    /// <summary>
    /// The model widened from float16 to float32 in memory (<see cref="Float16Widening"/>): 25–30 % less CPU per image
    /// on a CPU without float16 arithmetic, the mask at most 1 level of 255 from the float16 model's (docs/subject-masks.md).
    /// </summary>
    private static byte[] Float32(string onnxPath)
    {
        var model = OnnxFile.Load(onnxPath);
        Float16Widening.Widen(model);
        return model.ToByteArray();
    }

    /// <summary>The model's catalogue name: what a recipe that finds the subject needs.</summary>
    public static string ModelName => OptInModels.Isnet.Name;

    /// <summary>The model's catalogue name, for the sidecar.</summary>
    public string Name => ModelName;

    /// <summary>SHA-256 of the model file, for the sidecar.</summary>
    public string Sha256 { get; }

    /// <summary>The weights' and the package's licences, for the sidecar.</summary>
    public string Licence { get; }

    /// <summary>The detector from the cache; a model not fetched yet is a one-line error saying how to fetch it (never fetched here).</summary>
    public static SubjectDetector FromCache(ModelCache cache, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var info = new OptInModels(cache.Root).Get(OptInModels.Isnet);
        return new SubjectDetector(info.OnnxPath, info.Sha256, info.Licence, threads);
    }

    /// <summary>The subject's alpha at the image's size, 8 bits a pixel (255 = subject), as the package computes it.</summary>
    public byte[] Alpha(WorkImage image, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height;
        byte[] rgb;
        using (var colour = FaceDetector.SrgbColour(image))
        using (var bytes = (colour * 255 + 0.5).Cast(Enums.BandFormat.Uchar)) // cast clamps to 0–255, then truncates: rounding
            rgb = bytes.WriteToMemory<byte>();
        var small = ResizeBilinear(rgb, w, h, 3, Resolution, Resolution);
        var tensor = new float[3 * Resolution * Resolution];
        const int plane = Resolution * Resolution;
        for (var i = 0; i < plane; i++)
            for (var c = 0; c < 3; c++)
                tensor[c * plane + i] = (small[i * 3 + c] - 128f) / 256f;
        var output = Run(tensor, cancel);
        var alpha = new byte[plane];
        for (var i = 0; i < plane; i++) alpha[i] = ToUint8(output[i] * 255.0);
        return ResizeBilinear(alpha, Resolution, Resolution, 1, w, h);
    }

    /// <summary>JavaScript's ToUint8 (what storing into a Uint8Array does): truncate towards zero, then modulo 256.</summary>
    internal static byte ToUint8(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v)) return 0;
        var t = (long)Math.Truncate(v);
        return (byte)(((t % 256) + 256) % 256);
    }

    /// <summary>
    /// tensorResizeBilinear of @imgly/background-removal: the destination pixel x samples the source at x·(sw/dw),
    /// between floor and ceil (the latter clamped to the last pixel), in doubles in the package's order of terms, and
    /// Math.round (half up) to 8 bits.
    /// </summary>
    internal static byte[] ResizeBilinear(byte[] src, int sw, int sh, int channels, int dw, int dh)
    {
        var dst = new byte[(long)dw * dh * channels];
        double scaleX = (double)sw / dw, scaleY = (double)sh / dh;
        Parallel.For(0, dh, ImageThreads.Options(), y =>
        {
            var srcY = y * scaleY;
            var y1 = Math.Max((int)Math.Floor(srcY), 0);
            var y2 = Math.Min((int)Math.Ceiling(srcY), sh - 1);
            var dy = srcY - y1;
            for (var x = 0; x < dw; x++)
            {
                var srcX = x * scaleX;
                var x1 = Math.Max((int)Math.Floor(srcX), 0);
                var x2 = Math.Min((int)Math.Ceiling(srcX), sw - 1);
                var dx = srcX - x1;
                for (var c = 0; c < channels; c++)
                {
                    double p1 = src[((long)y1 * sw + x1) * channels + c], p2 = src[((long)y1 * sw + x2) * channels + c];
                    double p3 = src[((long)y2 * sw + x1) * channels + c], p4 = src[((long)y2 * sw + x2) * channels + c];
                    var v = (1 - dx) * (1 - dy) * p1 + dx * (1 - dy) * p2 + (1 - dx) * dy * p3 + dx * dy * p4;
                    dst[((long)y * dw + x) * channels + c] = (byte)Math.Floor(v + 0.5);
                }
            }
        });
        return dst;
    }

    private float[] Run(float[] tensor, CancellationToken cancel)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(tensor, [1, 3, Resolution, Resolution]);
        using var run = new RunOptions();
        using var stop = cancel.Register(() => run.Terminate = true);
        try
        {
            using var outputs = session.Run(run, ["input"], [value], ["output"]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancel);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BurnishException($"subject model {path}: inference failed ({OrtSessions.FirstLine(e.Message)})");
        }
    }

    public void Dispose() => session.Dispose();
}
