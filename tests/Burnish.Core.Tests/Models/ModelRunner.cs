using Burnish.Models;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Burnish.Core.Tests.Models;

/// <summary>An RGB image as interleaved float samples (row-major, R G B per pixel).</summary>
internal sealed record RgbImage(float[] Samples, int Width, int Height)
{
    public float At(int x, int y, int channel) => Samples[(y * Width + x) * 3 + channel];
}

/// <summary>
/// Runs an image-to-image ONNX model on a whole image with ONNX Runtime (tests only; the upscale stage has its own
/// tiled runner). Input and output are NCHW float at the model's value range.
/// </summary>
internal static class ModelRunner
{
    /// <summary>An 8-bit PNG's RGB samples as 0–255 floats; alpha is dropped, as UpscalerJS does.</summary>
    public static RgbImage Load8(string path)
    {
        using var image = Image.NewFromFile(path, access: Enums.Access.Sequential);
        Assert.Equal(Enums.BandFormat.Uchar, image.Format);
        using var rgb = image.Bands >= 3 ? image.ExtractBand(0, 3) : image.Bandjoin(image, image);
        var bytes = rgb.WriteToMemory<byte>();
        return new RgbImage([.. bytes.Select(b => (float)b)], rgb.Width, rgb.Height);
    }

    /// <summary>A PNG's RGB samples on a 0–255 scale (16-bit divided by 257), alpha dropped.</summary>
    public static RgbImage Load255(string path)
    {
        using var image = Image.NewFromFile(path, access: Enums.Access.Sequential);
        using var rgb = image.ExtractBand(0, 3);
        float[] values = rgb.Format switch
        {
            Enums.BandFormat.Uchar => [.. rgb.WriteToMemory<byte>().Select(b => (float)b)],
            Enums.BandFormat.Ushort => [.. rgb.WriteToMemory<ushort>().Select(v => v / 257f)],
            var f => throw new InvalidDataException($"{path}: unexpected sample format {f}"),
        };
        return new RgbImage(values, rgb.Width, rgb.Height);
    }

    /// <summary>
    /// Runs <paramref name="onnxPath"/> on 0–255 pixels the way UpscalerJS feeds its models: as they are for 0–255
    /// models, multiplied by 1/255 (float32) for 0–1 models; the output is clipped to [0, range] and returned on a
    /// 0–255 scale.
    /// </summary>
    public static RgbImage Upscale(string onnxPath, RgbImage pixels255, float range)
    {
        var (w, h) = (pixels255.Width, pixels255.Height);
        var plane = w * h;
        var nchw = new float[3 * plane];
        var toRange = range == 1 ? 1f / 255f : 1f;
        for (var i = 0; i < plane; i++)
            for (var c = 0; c < 3; c++)
                nchw[c * plane + i] = pixels255.Samples[i * 3 + c] * toRange;

        var (output, shape) = Run(onnxPath, nchw, [1, 3, h, w]);
        Assert.Equal(4, shape.Length);
        var (oh, ow) = ((int)shape[2], (int)shape[3]);
        var outPlane = oh * ow;
        var result = new float[3 * outPlane];
        var to255 = 255f / range;
        for (var i = 0; i < outPlane; i++)
            for (var c = 0; c < 3; c++)
                result[i * 3 + c] = Math.Clamp(output[c * outPlane + i], 0f, range) * to255;
        return new RgbImage(result, ow, oh);
    }

    /// <summary>Runs a one-input, one-output float model and returns the output with its shape.</summary>
    public static (float[] Values, long[] Shape) Run(string onnxPath, float[] input, long[] shape)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(onnxPath, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var run = new RunOptions();
        using var outputs = session.Run(run, [session.InputNames[0]], [value], [session.OutputNames[0]]);
        var tensor = outputs[0];
        return (tensor.GetTensorDataAsSpan<float>().ToArray(), tensor.GetTensorTypeAndShape().Shape);
    }

    /// <summary>Largest absolute difference per channel between two images of the same size.</summary>
    public static double[] MaxAbsDiff(RgbImage expected, RgbImage actual)
    {
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        var max = new double[3];
        for (var i = 0; i < expected.Samples.Length; i++)
            max[i % 3] = Math.Max(max[i % 3], Math.Abs(expected.Samples[i] - actual.Samples[i]));
        return max;
    }
}

/// <summary>
/// The model cache the tests share: <c>$BURNISH_MODELS</c> when set, else <c>.build/models</c> at the repository root
/// (ignored by git). The first test run fills it through npm; later runs only verify hashes.
/// </summary>
internal static class TestModels
{
    public static string Root { get; } = Environment.GetEnvironmentVariable("BURNISH_MODELS") is { Length: > 0 } r
        ? r
        : Path.Combine(Fixtures.RepositoryRoot() ?? Path.Combine(Path.GetTempPath(), "burnish-tests"), ".build", "models");

    public static ModelCache Cache { get; } = new(Root);
}
