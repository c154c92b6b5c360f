using Microsoft.ML.OnnxRuntime;

namespace Burnish.Models;

/// <summary>
/// ONNX Runtime sessions as Burnish opens them: every graph optimisation, one run at a time using all the inference
/// threads (a tile or an image is one run; parallel runs would only fight over the cores), errors only in the log.
/// </summary>
public static class OrtSessions
{
    /// <summary>
    /// The options; <paramref name="spinning"/> false stops idle inference threads from spin-waiting for work. The
    /// detectors turn it off: their runs are short (5–50 ms) with resizes and decoding between them, and a spinning
    /// thread burns a core through every gap (BlazeFace's 256² run: 12.9 CPU ms spinning, 5.0 not; docs/masks.md "Speed").
    /// </summary>
    public static SessionOptions Options(int? threads, bool spinning = true)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads ?? Environment.ProcessorCount,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (!spinning) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    /// <summary>Opens <paramref name="path"/> on the CPU; a missing or unreadable file is a <see cref="BurnishException"/> naming <paramref name="what"/>.</summary>
    public static InferenceSession Open(string path, string what, int? threads, bool spinning = true)
    {
        if (!File.Exists(path)) throw new BurnishException($"{what} {path}: file not found");
        return Create(options => new InferenceSession(path, options), path, what, threads, spinning);
    }

    /// <summary>Opens a model held in memory (read from <paramref name="path"/> and changed there); errors as <see cref="Open(string, string, int?, bool)"/>.</summary>
    public static InferenceSession Open(byte[] model, string path, string what, int? threads, bool spinning = true) =>
        Create(options => new InferenceSession(model, options), path, what, threads, spinning);

    private static InferenceSession Create(Func<SessionOptions, InferenceSession> open, string path, string what, int? threads, bool spinning)
    {
        using var options = Options(threads, spinning);
        try
        {
            return open(options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BurnishException($"{what} {path}: ONNX Runtime cannot load it ({FirstLine(e.Message)})");
        }
    }

    /// <summary>The first line of an ONNX Runtime message: the rest is a native stack.</summary>
    public static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
