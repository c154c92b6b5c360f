using System.Diagnostics;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Stages.Upscale;

/// <summary>
/// An upscaled image whose last model pass is computed while it is read (see <see cref="BandStream"/>): read
/// <see cref="Image"/> once, through <see cref="Consume"/>, or call <see cref="Materialise"/> for an in-memory copy.
/// </summary>
public sealed class UpscaledImage(WorkImage image, BandStream stream, Func<StageReport> report, IReadOnlyList<ModelRecord> models) : IStreamedImage
{
    public WorkImage Image { get; } = image;

    /// <summary>The models the passes ran, for the sidecar.</summary>
    public IReadOnlyList<ModelRecord> Models { get; } = models;

    /// <summary>Timings and measurements; complete once the image has been read.</summary>
    public StageReport Report => report();

    /// <summary>Reads the image through <paramref name="consume"/> (an encoder, say), surfacing model errors as themselves.</summary>
    public void Consume(Action<WorkImage> consume) => stream.Consume(_ => consume(Image));

    /// <summary>The whole result in memory, for stages that read it more than once.</summary>
    public WorkImage Materialise()
    {
        Image? copy = null;
        stream.Consume(_ => copy = Image.Pixels.CopyMemory());
        return Image with { Pixels = copy! };
    }

    public void Dispose() => stream.Dispose();
}

/// <summary>The upscale stage: model passes over seamless tiles, alpha on its own path, then an exact-size resample.</summary>
public static class Upscale
{
    /// <summary>
    /// Model passes for an overall <paramref name="scale"/> from the variant scales on offer: the smallest product that
    /// reaches it (a downsample then trims), then the fewest passes, then the fewest pixels computed (small passes
    /// first); at most two passes.
    /// </summary>
    public static IReadOnlyList<int> ChoosePasses(double scale, IReadOnlyCollection<int> available)
    {
        if (available.Count == 0) throw new ArgumentException("no model scales", nameof(available));
        var candidates = available.Select(a => (IReadOnlyList<int>)[a])
            .Concat(from a in available from b in available select (IReadOnlyList<int>)[a, b]);
        var reaching = candidates.Where(c => Product(c) >= scale - 1e-9).ToList();
        if (reaching.Count == 0) return [available.Max(), available.Max()];
        return reaching.OrderBy(Product).ThenBy(c => c.Count).ThenBy(PixelsComputed).First();
    }

    /// <summary>The most a <c>cover</c> target at balanced quality leaves to a resample after the model passes.</summary>
    public const double MaxCoverResample = 2.5;

    /// <summary>
    /// Model passes towards a <c>cover</c> target <paramref name="factor"/> times the input: fast makes one pass (the
    /// largest scale not past the factor), balanced the cheapest passes that leave at most
    /// <see cref="MaxCoverResample"/> to resample, best the passes <see cref="ChoosePasses"/> makes to reach it.
    /// Real-ESRGAN's own <c>--outscale</c> resamples whatever one pass leaves; a second pass pays off only for a large
    /// remainder, since it computes 16 pixels for each input pixel of an image already 4× larger (A3's 4961 px long
    /// edge from a 512 px one, ×9.7: one ×4 pass and a ×2.4 resample, not an 8192 px second pass to keep 4961).
    /// </summary>
    public static IReadOnlyList<int> CoverPasses(double factor, IReadOnlyCollection<int> available, UpscaleQuality quality)
    {
        if (available.Count == 0) throw new ArgumentException("no model scales", nameof(available));
        switch (quality)
        {
            case UpscaleQuality.Best:
                return ChoosePasses(factor, available);
            case UpscaleQuality.Fast:
                return [available.Where(a => a <= factor + 1e-9).DefaultIfEmpty(available.Min()).Max()];
            default:
                var candidates = available.Select(a => (IReadOnlyList<int>)[a])
                    .Concat(from a in available from b in available where a >= b select (IReadOnlyList<int>)[b, a]);
                var within = candidates.Where(c => Product(c) * MaxCoverResample >= factor - 1e-9).ToList();
                return within.Count == 0 ? [available.Max(), available.Max()] : within.OrderBy(PixelsComputed).ThenByDescending(Product).First();
        }
    }

    // Output pixels over all passes, per input pixel: what a pass sequence costs.
    private static long PixelsComputed(IReadOnlyList<int> passes)
    {
        long total = 0, area = 1;
        foreach (var s in passes) total += area *= s * s;
        return total;
    }

    public static int Product(IReadOnlyList<int> passes) => passes.Aggregate(1, (a, b) => a * b);

    /// <summary>The exact output size: the target, the scale, or the model passes' own product.</summary>
    public static (int Width, int Height) OutputSize(int w, int h, UpscaleParams p, int modelProduct)
    {
        if (p.Target is { } target) return target.For(w, h);
        var s = p.Scale ?? modelProduct;
        return (Math.Max(1, (int)Math.Round(w * s)), Math.Max(1, (int)Math.Round(h * s)));
    }

    /// <summary>
    /// The passes this run makes: given, chosen for <paramref name="cover"/> (a <c>cover</c> target's size) by quality,
    /// or chosen for the wanted size among the model's variants.
    /// </summary>
    public static IReadOnlyList<int> Passes(int w, int h, UpscaleParams p, IReadOnlyCollection<int> available, (int Width, int Height)? cover = null)
    {
        if (p.Passes is { } given) return given;
        if (cover is { } c) return CoverPasses(Math.Max((double)c.Width / w, (double)c.Height / h), available, p.Quality);
        if (p.Scale is null && p.Target is null) return [available.Contains(4) ? 4 : available.Max()];
        var (tw, th) = OutputSize(w, h, p, 1);
        return ChoosePasses(Math.Max((double)tw / w, (double)th / h), available);
    }

    /// <summary>
    /// Upscales <paramref name="image"/>. Colour goes through the models sRGB-encoded (what they were trained on),
    /// unclipped beyond what the image itself holds; the result is in sRGB, whatever the input's profile.
    /// <paramref name="cover"/> is the size a <c>cover</c> target stands for in this run (the stage asks the pipeline).
    /// <paramref name="faces"/>, when given, runs its model on each face and blends it into the last pass (<see cref="FaceUpscale"/>).
    /// </summary>
    public static UpscaledImage Apply(WorkImage image, UpscaleParams p, UpscaleModels models,
        IProgress<TileProgress>? progress = null, CancellationToken cancel = default, (int Width, int Height)? cover = null, FaceUpscale? faces = null)
    {
        var clock = Stopwatch.StartNew();
        var passes = Passes(image.Width, image.Height, p, models.Scales(p.Model), cover);
        var (targetW, targetH) = cover ?? OutputSize(image.Width, image.Height, p, Product(passes));
        var warnings = new List<string>();
        var measurements = new Dictionary<string, double>();

        var srgb = ColourSpaces.Convert(image, ShippedProfiles.Srgb);
        var colour = srgb.Colour.Bands == 1 ? srgb.Colour.Bandjoin(srgb.Colour, srgb.Colour) : srgb.Colour;
        var alpha = srgb.Alpha;
        var throughModel = alpha is not null && p.Alpha == AlphaPath.Model;
        // Transparent pixels take the colour of their opaque surroundings, so no model or filter drags a dark fringe in.
        if (alpha is not null) colour = AlphaBleed.Fill(colour, alpha);
        var buffer = PixelBuffer.From(throughModel ? colour.Bandjoin(alpha!) : colour);
        var range = ColourRange(buffer, 3);
        var input = buffer;

        var totalTiles = 0;
        var used = new List<ModelRecord>();
        // Time spent computing tiles, apart from whoever reads the stream (the encoder): where a run's seconds go.
        var modelClock = new Stopwatch();
        for (var i = 0; i < passes.Count; i++)
        {
            var model = models.Get(p.Model, passes[i]);
            used.Add(new ModelRecord(model.Name, model.Sha256, model.Metadata.GetValueOrDefault(Burnish.Models.ModelMetadataKeys.Licence)));
            // Real-CUGAN's own plan aligns its windows; it takes the tile from this one as it is.
            var plan = Plan(buffer.Width, buffer.Height, model, p, tighten: !GlobalPoolTiling.Applies(model));
            measurements[$"pass{i + 1}.scale"] = model.Scale;
            measurements[$"pass{i + 1}.tile"] = plan.Columns[0].Window;
            measurements[$"pass{i + 1}.tiles"] = plan.Count;
            measurements[$"pass{i + 1}.margin"] = plan.Margin;
            measurements[$"pass{i + 1}.receptive_radius"] = model.ReceptiveRadius;
            measurements[$"pass{i + 1}.feather"] = plan.Feather;
            if (!plan.Exact)
                warnings.Add($"pass {i + 1}: the tile margin ({plan.Margin} px) is smaller than {model.Name}'s receptive field ({model.ReceptiveRadius} px); tiles are cross-faded over {plan.Feather} px");
            totalTiles += plan.Count;
            var pass = i;
            if (GlobalPoolTiling.Applies(model) && throughModel)
                throw new BurnishException($"{model.Name} averages over the whole image and cannot take alpha through the model; use alpha: classical");
            var bands = Timed(GlobalPoolTiling.Applies(model)
                ? GlobalPoolTiling.Run(model, buffer, Math.Max(plan.Columns[0].Window, plan.Rows[0].Window), range, null,
                    (done, total) => progress?.Report(new TileProgress(pass + 1, passes.Count, done, total)), cancel)
                : TiledInference.Run(model, buffer, plan, throughModel, range,
                    done => progress?.Report(new TileProgress(pass + 1, passes.Count, done, plan.Count)), cancel), modelClock);
            if (i < passes.Count - 1)
            {
                buffer = Collect(bands, buffer.Width * model.Scale, buffer.Height * model.Scale, throughModel ? 4 : 3);
                continue;
            }
            if (faces is not null)
            {
                bands = faces.Over(bands, input, Product(passes), range, (targetW, targetH), warnings, measurements, cancel);
                used.AddRange(faces.Models);
            }
            var stream = new BandStream(buffer.Width * model.Scale, buffer.Height * model.Scale, throughModel ? 4 : 3, bands);
            var pixels = Finish(stream.Image, throughModel, alpha, targetW, targetH, image.IsGrey);
            measurements["model_scale"] = Product(passes);
            measurements["setup_seconds"] = clock.Elapsed.TotalSeconds - modelClock.Elapsed.TotalSeconds;
            if (targetW != stream.Width || targetH != stream.Height)
            {
                measurements["resample"] = (double)targetW / stream.Width;
                // A cover target resamples the rest by design (CoverPasses); elsewhere it is a shortfall of the given passes.
                if (targetW > stream.Width && cover is null) warnings.Add($"the models reach {stream.Width}×{stream.Height}; the rest up to {targetW}×{targetH} is a classical resample");
            }
            StageReport Report()
            {
                var ms = clock.Elapsed.TotalMilliseconds;
                var final = new Dictionary<string, double>(measurements)
                {
                    ["tiles"] = totalTiles,
                    ["seconds"] = ms / 1000,
                    ["model_seconds"] = modelClock.Elapsed.TotalSeconds,
                    ["output_megapixels_per_second"] = (double)targetW * targetH / 1e6 / (ms / 1000),
                };
                return new StageReport(warnings, final);
            }
            return new UpscaledImage(new WorkImage(pixels, ShippedProfiles.Srgb), stream, Report, used);
        }
        throw new UnreachableException("there is always at least one pass");
    }

    /// <summary>
    /// The tiling for one pass: the model's fixed size, the given tile, or one from the memory budget; with
    /// <paramref name="tighten"/>, windows no larger than their cores need (<see cref="TilePlan.Tightened"/>).
    /// </summary>
    public static TilePlan Plan(int width, int height, UpscaleModel model, UpscaleParams p, bool tighten = true)
    {
        if (model.FixedSize is { } fixedSize)
        {
            if (width < fixedSize.Width || height < fixedSize.Height)
                throw new BurnishException($"model {model.Name} takes only {fixedSize.Width}×{fixedSize.Height} tiles, larger than the {width}×{height} image");
            return TilePlan.Make(width, height, Math.Min(fixedSize.Width, fixedSize.Height), model.ReceptiveRadius);
        }
        var budget = AutoTile(model, p.TileBudgetMb);
        var tile = p.TileEdge ?? budget;
        // A tile too small to hold the receptive field both sides of its core would be cross-faded, which the deep
        // RRDBNets show (up to 16/255); it is raised to the smallest exact tile, as Real-CUGAN's are, while that fits the
        // memory budget.
        var exact = TilePlan.ExactTile(model.ReceptiveRadius);
        if (tile < exact && exact <= budget) tile = exact;
        var plan = TilePlan.Make(width, height, tile, model.ReceptiveRadius);
        return tighten ? plan.Tightened() : plan;
    }

    /// <summary>
    /// The largest tile whose inference fits the budget, by the model's activation size per input pixel, in multiples
    /// of 16 (ONNX Runtime's blocked convolutions stay aligned).
    /// </summary>
    public static int AutoTile(UpscaleModel model, int budgetMb)
    {
        var edge = (int)Math.Sqrt(budgetMb * 1024.0 * 1024.0 / model.ActivationBytesPerInputPixel);
        return Math.Clamp(edge / 16 * 16, 64, 2048);
    }

    private static (float Lo, float Hi) ColourRange(PixelBuffer buffer, int colourBands)
    {
        float lo = 0, hi = 1;
        var data = buffer.Data;
        for (var i = 0; i < data.Length; i += buffer.Bands)
            for (var c = 0; c < colourBands; c++)
            {
                var v = data[i + c];
                if (v < lo) lo = v;
                else if (v > hi) hi = v;
            }
        return (lo, hi);
    }

    private static IEnumerable<OutputBand> Timed(IEnumerable<OutputBand> bands, Stopwatch clock)
    {
        using var e = bands.GetEnumerator();
        while (true)
        {
            clock.Start();
            var more = e.MoveNext();
            clock.Stop();
            if (!more) yield break;
            yield return e.Current;
        }
    }

    internal static PixelBuffer Collect(IEnumerable<OutputBand> bands, int width, int height, int bandCount)
    {
        var result = new PixelBuffer(width, height, bandCount);
        foreach (var band in bands)
            band.Data.AsSpan(0, band.Rows * width * bandCount).CopyTo(result.Data.AsSpan(band.Y * width * bandCount));
        return result;
    }

    // Alpha back on, the exact size, grey back to one band: all lazy libvips operations, so the stream still flows.
    private static Image Finish(Image modelOutput, bool alphaFromModel, Image? sourceAlpha, int targetW, int targetH, bool grey)
    {
        var colour = alphaFromModel ? modelOutput.ExtractBand(0, 3) : modelOutput;
        Image? alpha = alphaFromModel ? modelOutput[3] : null;
        if (sourceAlpha is not null && !alphaFromModel)
            alpha = Resampling.Lanczos3(sourceAlpha, modelOutput.Width, modelOutput.Height).Clamp(min: 0.0, max: 1.0);
        if (targetW != modelOutput.Width || targetH != modelOutput.Height)
        {
            // Averaging light, not code values, and premultiplied, so transparent pixels lend no colour.
            var light = SrgbCurve.ToLinear(colour);
            if (alpha is not null) light = light.Bandjoin(alpha).Premultiply(maxAlpha: 1.0);
            light = Resampling.Lanczos3(light, targetW, targetH);
            if (alpha is not null)
            {
                light = light.Unpremultiply(maxAlpha: 1.0);
                alpha = light[3].Clamp(min: 0.0, max: 1.0);
                light = light.ExtractBand(0, 3);
            }
            colour = SrgbCurve.FromLinear(light);
        }
        if (grey) colour = colour.Bandmean();
        colour = colour.Copy(interpretation: grey ? Enums.Interpretation.Bw : Enums.Interpretation.Rgb);
        return ColourSpaces.WithAlpha(colour, alpha);
    }
}
