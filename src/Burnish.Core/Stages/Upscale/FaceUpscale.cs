using System.Diagnostics;
using Burnish.Detection;
using Burnish.Imaging;
using Burnish.Schema;
using NetVips;

namespace Burnish.Stages.Upscale;

/// <summary>A second model for faces (recipe <c>upscale.faces</c>): run on each face's crop, blended into the main upscale.</summary>
public sealed record FaceUpscaleParams : ISelfValidating
{
    [Doc("The model run on each face crop after the main upscale: a bundled family (realesrgan-x4plus, the default, is the largest photo model), a variant, or a path to an .onnx, as upscale.model but not auto. The main model itself at a stronger setting works too (realcugan-denoise3 with a realcugan main). Its passes reach the main model passes' scale; a different product is resampled to it (Lanczos3, linear light).")]
    public string Model { get; init; } = "realesrgan-x4plus";

    [Doc("How much of the face model's result replaces the main upscale inside each face's oval: 0 none, 1 all of it.")]
    [Range(0, 1)]
    public double Amount { get; init; } = 1;

    [Doc("The feather of each face's oval, a gaussian sigma as a fraction of that face's width: the blend fades in over the oval's edge (half weight on the edge), in linear light.")]
    [Range(0, 0.5)]
    public double Feather { get; init; } = 0.08;

    [Doc("Score (0–1) a face needs (BlazeFace on the image before the upscale; see docs/masks.md).")]
    [Range(0.3, 0.99)]
    public double MinScore { get; init; } = 0.75;

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (string.IsNullOrWhiteSpace(Model) || Model.Trim() == "auto")
            yield return ("model", "give the face model by name (realesrgan-x4plus, esrgan-medium, …) or as a path to an .onnx file; auto is not chosen per face");
    }
}

/// <summary>One face as the face model ran on it, for the sidecar.</summary>
/// <param name="Box">The face's box in the upscaled image's pixels [x, y, w, h].</param>
/// <param name="Score">The detector's score.</param>
/// <param name="Crop">The input window the face model saw [x, y, w, h]: the oval, the feather and the model's receptive field.</param>
/// <param name="Pixels">Upscaled pixels at weight ≥ 0.5 (the oval).</param>
/// <param name="Ms">Time the face model took on this crop.</param>
public sealed record FaceUpscaleRecord(int[] Box, double Score, int[] Crop, long Pixels, double Ms);

/// <summary>
/// The face pass of an upscale: faces found on the input, each crop (the oval with its feather, plus the face
/// model's receptive radius of context, so the crop's edge cannot reach a pixel that is used) run through the face
/// model to the main passes' scale, and blended into the main upscale's rows as they stream by, in linear light,
/// with the feathered oval as weight. Only the face crops are held (their size × scale²); outside every oval and
/// its feather the main upscale passes untouched, to the bit.
/// </summary>
public sealed class FaceUpscale(IReadOnlyList<DetectedFace> faces, FaceUpscaleParams p, UpscaleParams main, UpscaleModels models)
{
    private readonly List<FaceUpscaleRecord> records = [];
    private readonly List<ModelRecord> used = [];

    /// <summary>What each face got; filled by <see cref="Over"/>.</summary>
    public IReadOnlyList<FaceUpscaleRecord> Records => records;

    /// <summary>The face model's passes as they ran, for the sidecar's model list.</summary>
    public IReadOnlyList<ModelRecord> Models => used;

    /// <summary>A face's result at the main scale: its colour (linear light, 3 bands) and weight over a region of the model output.</summary>
    private sealed record Patch(int X, int Y, int Width, int Height, float[] Linear, float[] Weight);

    /// <summary>
    /// Runs the face model on every face of <paramref name="input"/> (the main passes' input, sRGB-encoded,
    /// RGB first) now, and returns <paramref name="bands"/> (the last pass, <paramref name="scale"/> times the input)
    /// with each face blended in as its rows pass. <paramref name="final"/> is the size after any resample, for the records.
    /// </summary>
    public IEnumerable<OutputBand> Over(IEnumerable<OutputBand> bands, PixelBuffer input, int scale, (float Lo, float Hi) range,
        (int Width, int Height) final, ICollection<string> warnings, IDictionary<string, double> measurements, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (faces.Count == 0)
        {
            warnings.Add("upscale.faces: no face found; the whole image took the main model");
            return bands;
        }
        var clock = Stopwatch.StartNew();
        var patches = new List<Patch>();
        foreach (var face in faces)
        {
            cancel.ThrowIfCancellationRequested();
            if (Run(face, input, scale, range, final, cancel) is { } patch) patches.Add(patch);
        }
        measurements["faces"] = records.Count;
        measurements["faces_seconds"] = clock.Elapsed.TotalSeconds;
        return patches.Count == 0 ? bands : Blend(bands, patches);
    }

    private Patch? Run(DetectedFace found, PixelBuffer input, int scale, (float Lo, float Hi) range, (int Width, int Height) final, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        int outW = input.Width * scale, outH = input.Height * scale;
        var face = FaceFeather.Scaled(found, scale);
        var sigma = p.Feather * face.Box.Width;
        var (rx, ry, rw, rh) = FaceFeather.Reach(face, sigma, outW, outH);
        if (rw == 0 || rh == 0) return null;
        var passes = Upscale.ChoosePasses(scale, models.Scales(p.Model));
        // Context: each pass's receptive radius in input pixels, so no crop edge reaches a pixel of the region.
        double context = 0, before = 1;
        foreach (var s in passes)
        {
            context += models.Get(p.Model, s).ReceptiveRadius / before;
            before *= s;
        }
        var margin = (int)Math.Ceiling(context) + 1;
        int ix0 = Math.Max(0, rx / scale - margin), iy0 = Math.Max(0, ry / scale - margin);
        int ix1 = Math.Min(input.Width, (rx + rw + scale - 1) / scale + margin), iy1 = Math.Min(input.Height, (ry + rh + scale - 1) / scale + margin);
        var crop = Crop(input, ix0, iy0, ix1 - ix0, iy1 - iy0);
        foreach (var s in passes)
        {
            var model = models.Get(p.Model, s);
            if (!used.Any(m => m.Sha256 == model.Sha256))
                used.Add(new ModelRecord(model.Name, model.Sha256, model.Metadata.GetValueOrDefault(Burnish.Models.ModelMetadataKeys.Licence)));
            var plan = Upscale.Plan(crop.Width, crop.Height, model, main, tighten: !GlobalPoolTiling.Applies(model));
            var bands = GlobalPoolTiling.Applies(model)
                ? GlobalPoolTiling.Run(model, crop, Math.Max(plan.Columns[0].Window, plan.Rows[0].Window), range, null, null, cancel)
                : TiledInference.Run(model, crop, plan, false, range, null, cancel);
            crop = Upscale.Collect(bands, crop.Width * s, crop.Height * s, 3);
        }
        using var encoded = crop.ToImage(Enums.Interpretation.Rgb);
        var cropW = (ix1 - ix0) * scale;
        var cropH = (iy1 - iy0) * scale;
        // A face model whose passes overshoot the main scale is brought to it in linear light, as Upscale's own resample.
        using var linear = crop.Width == cropW && crop.Height == cropH
            ? SrgbCurve.ToLinear(encoded)
            : Resampling.Lanczos3(SrgbCurve.ToLinear(encoded), cropW, cropH);
        using var region = linear.Crop(rx - ix0 * scale, ry - iy0 * scale, rw, rh).Cast(Enums.BandFormat.Float);
        var weight = FaceFeather.Oval(face, rx, ry, rw, rh, sigma);
        var amount = (float)p.Amount;
        long pixels = 0;
        for (var i = 0; i < weight.Length; i++)
        {
            if (weight[i] >= 0.5f) pixels++;
            weight[i] *= amount;
        }
        var (fx, fy) = ((double)final.Width / outW, (double)final.Height / outH);
        var box = AutoRegions.Clip(new Box(face.Box.X * fx, face.Box.Y * fy, face.Box.Width * fx, face.Box.Height * fy), final.Width, final.Height);
        records.Add(new FaceUpscaleRecord(box, Math.Round(found.Score, 3), [ix0, iy0, ix1 - ix0, iy1 - iy0], pixels, Math.Round(clock.Elapsed.TotalMilliseconds, 1)));
        return new Patch(rx, ry, rw, rh, region.WriteToMemory<float>(), weight);
    }

    private static PixelBuffer Crop(PixelBuffer input, int x, int y, int w, int h)
    {
        var crop = new PixelBuffer(w, h, 3);
        for (var row = 0; row < h; row++)
        {
            var source = input.Row(y + row);
            var target = crop.Row(row);
            for (var col = 0; col < w; col++)
                for (var c = 0; c < 3; c++) target[col * 3 + c] = source[(x + col) * input.Bands + c];
        }
        return crop;
    }

    /// <summary>Each band with the patches over its rows blended in; pixels of weight 0 are not touched.</summary>
    private static IEnumerable<OutputBand> Blend(IEnumerable<OutputBand> bands, List<Patch> patches)
    {
        foreach (var band in bands)
        {
            foreach (var patch in patches)
            {
                int y0 = Math.Max(band.Y, patch.Y), y1 = Math.Min(band.Y + band.Rows, patch.Y + patch.Height);
                if (y1 > y0) Mix(band, patch, y0, y1);
            }
            yield return band;
        }
    }

    private static void Mix(OutputBand band, Patch patch, int y0, int y1)
    {
        int w = patch.Width, rows = y1 - y0, b = band.Bands;
        var main = new float[w * rows * 3];
        for (var y = y0; y < y1; y++)
            for (var x = 0; x < w; x++)
                for (var c = 0; c < 3; c++)
                    main[((y - y0) * w + x) * 3 + c] = band.Data[((y - band.Y) * band.Width + patch.X + x) * b + c];
        float[] linear;
        using (var encoded = Image.NewFromMemoryCopy(main, w, rows, 3, Enums.BandFormat.Float))
        using (var toLinear = SrgbCurve.ToLinear(encoded).Cast(Enums.BandFormat.Float))
            linear = toLinear.WriteToMemory<float>();
        for (var y = y0; y < y1; y++)
            for (var x = 0; x < w; x++)
            {
                var weight = patch.Weight[(y - patch.Y) * w + x];
                if (weight <= 0) continue;
                for (var c = 0; c < 3; c++)
                {
                    var i = ((y - y0) * w + x) * 3 + c;
                    linear[i] += weight * (patch.Linear[((y - patch.Y) * w + x) * 3 + c] - linear[i]);
                }
            }
        float[] mixed;
        using (var blended = Image.NewFromMemoryCopy(linear, w, rows, 3, Enums.BandFormat.Float))
        using (var toEncoded = SrgbCurve.FromLinear(blended).Cast(Enums.BandFormat.Float))
            mixed = toEncoded.WriteToMemory<float>();
        for (var y = y0; y < y1; y++)
            for (var x = 0; x < w; x++)
            {
                if (patch.Weight[(y - patch.Y) * w + x] <= 0) continue;
                for (var c = 0; c < 3; c++)
                    band.Data[((y - band.Y) * band.Width + patch.X + x) * b + c] = mixed[((y - y0) * w + x) * 3 + c];
            }
    }
}
