using Microsoft.ML.OnnxRuntime;

namespace Burnish.Models;

/// <summary>
/// ONNX Runtime sessions as Burnish opens them: every graph optimisation, one run at a time using all the inference
/// threads (a tile or an image is one run; parallel runs would only fight over the cores), errors only in the log.
/// </summary>
public static class OrtSessions
{
    public static SessionOptions Options(int? threads) => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        IntraOpNumThreads = threads ?? Environment.ProcessorCount,
        InterOpNumThreads = 1,
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
    };

    /// <summary>Opens <paramref name="path"/> on the CPU; a missing or unreadable file is a <see cref="BurnishException"/> naming <paramref name="what"/>.</summary>
    public static InferenceSession Open(string path, string what, int? threads)
    {
        if (!File.Exists(path)) throw new BurnishException($"{what} {path}: file not found");
        using var options = Options(threads);
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BurnishException($"{what} {path}: ONNX Runtime cannot load it ({FirstLine(e.Message)})");
        }
    }

    /// <summary>The first line of an ONNX Runtime message: the rest is a native stack.</summary>
    public static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
