using System.Globalization;
using System.Text.Json.Nodes;
using Burnish.Backends;
using Burnish.Imaging;
using Burnish.Imaging.Generation;
using NetVips;
using Burnish.Synthesis;
using Burnish.Schema;

namespace Burnish.Stages.Outpaint;

/// <summary>The side of the canvas a band was added on.</summary>
public enum BandSide { Left, Right, Top, Bottom }

/// <summary>The server a diffusion outpaint runs on for one image: its client, the image's own generation (prompt, seed, model) and the user's graph.</summary>
public sealed record OutpaintServer(IDiffusionBackend Backend, GenerationParams? Generation, JsonObject? Graph = null);

/// <summary>An outpaint's result: the image, its report, and what each server job did (empty for content-aware fill).</summary>
public sealed record OutpaintResult(WorkImage Image, StageReport Report, IReadOnlyList<DiffusionPassRecord> Server);

/// <summary>One aspect variant of an outpaint.</summary>
public sealed record OutpaintVariant(AspectRatio Aspect, WorkImage Image, StageReport Report);

/// <summary>
/// The outpaint stage: grows the canvas to another aspect ratio in modest steps (<see cref="OutpaintPlan"/>). Each step
/// adds a band on one or both sides and fills it by content-aware fill (<see cref="ContentAwareFill"/>: multi-scale
/// PatchMatch from the image's own patches) on a crop of the band plus <see cref="OutpaintParams.Context"/> of the
/// existing image beside it; then a strip across the old/new boundary is filled again with both sides known, so no
/// line shows. Every pixel of the original outside those seam strips comes back bit for bit.
/// <para>
/// Alpha is filled like colour, from the image's own patches: an opaque image stays opaque, and a cut-out on a
/// transparent ground gets more transparent ground.
/// </para>
/// <para>
/// Drift check: each band's L*a*b* mean and spread are compared with the original's border strip of the same width on
/// that side (<see cref="BandDrift"/>); the figures go to the report as <c>stepN.SIDE.dL|da|db|dsd|dE</c>, and a
/// warning when the CIEDE2000 of the means exceeds <see cref="OutpaintParams.DriftWarn"/>.
/// </para>
/// </summary>
public static class Outpaint
{
    /// <summary>An image narrower or lower than this has too few patches to extend from.</summary>
    public const int MinSide = 16;

    /// <summary>The least existing image a band's fill sees, in pixels, however thin the band.</summary>
    public const int MinContext = 64;

    /// <summary>Every target of <paramref name="p"/> (aspect or aspects), each made from <paramref name="image"/> itself.</summary>
    public static IReadOnlyList<OutpaintVariant> ExtendAll(WorkImage image, OutpaintParams p, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(p);
        return [.. p.Targets().Select(aspect =>
        {
            var (result, report) = Extend(image, aspect, p, cancel);
            return new OutpaintVariant(aspect, result, report);
        })];
    }

    /// <summary>
    /// Extends <paramref name="image"/> to <paramref name="target"/>: the smallest canvas of that ratio holding the whole
    /// image (never cropped), the original placed by <see cref="OutpaintParams.Anchor"/>. An image that already has the
    /// ratio is returned as it is. The same seed gives the same pixels.
    /// </summary>
    public static (WorkImage Image, StageReport Report) Extend(WorkImage image, AspectRatio target, OutpaintParams p, CancellationToken cancel = default)
    {
        var result = Extend(image, target, p, server: null, cancel);
        return (result.Image, result.Report);
    }

    /// <summary>
    /// As <see cref="Extend(WorkImage, AspectRatio, OutpaintParams, CancellationToken)"/>; with a <paramref name="server"/>
    /// (method diffusion) each band is inpainted by it instead, then its seam strip at low denoise.
    /// </summary>
    public static OutpaintResult Extend(WorkImage image, AspectRatio target, OutpaintParams p, OutpaintServer? server, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(p);
        var plan = OutpaintPlan.For(image.Width, image.Height, target, p.Anchor, p.Step);
        if (plan.IsIdentity)
            return new OutpaintResult(image, new StageReport([], new Dictionary<string, double> { ["steps"] = 0, ["added_percent"] = 0 }), []);
        if (image.Width < MinSide || image.Height < MinSide)
            throw new BurnishException($"the image ({image.Width}×{image.Height}) is too small to outpaint: both sides must be at least {MinSide} pixels");

        var canvas = image.WithPixels(image.Pixels.Cast(Enums.BandFormat.Float).CopyMemory());
        if (server is not null && image.IsGrey) throw new BurnishException("outpaint method diffusion needs a colour image; this one is grey");
        var bands = new List<NewBand>();
        var records = new List<DiffusionPassRecord>();
        foreach (var step in plan.Steps)
        {
            cancel.ThrowIfCancellationRequested();
            var horizontal = step.Axis == GrowthAxis.Horizontal;
            var (dx, dy) = horizontal ? (step.Before, 0) : (0, step.Before);
            // The new bands start as copies of the edge; the fill treats them as unknown, so their values do not matter.
            canvas = canvas.WithPixels(canvas.Pixels.Embed(dx, dy, step.WidthAfter, step.HeightAfter, extend: Enums.Extend.Copy).CopyMemory());
            for (var i = 0; i < bands.Count; i++) bands[i] = bands[i] with { X = bands[i].X + dx, Y = bands[i].Y + dy };
            // The two sides' crops never reach each other's band, so they are filled at once (each fill is
            // parallel inside, but has serial stretches the other side can use); each returns only what it changed.
            var sides = new List<bool>();
            if (step.Before > 0) sides.Add(true);
            if (step.After > 0) sides.Add(false);
            var patches = new BandPatch[sides.Count];
            var current = canvas;
            Together(sides.Count, i => patches[i] = FillBand(current, step, sides[i], target, p, server, cancel), cancel);
            var pixels = canvas.Pixels;
            foreach (var patch in patches)
            {
                pixels = pixels.Insert(patch.Pixels, patch.X, patch.Y);
                records.AddRange(patch.Records);
            }
            canvas = canvas.WithPixels(pixels.CopyMemory());
            if (step.Before > 0)
                bands.Add(horizontal ? new NewBand(step.Number, BandSide.Left, 0, 0, step.Before, canvas.Height)
                    : new NewBand(step.Number, BandSide.Top, 0, 0, canvas.Width, step.Before));
            if (step.After > 0)
                bands.Add(horizontal ? new NewBand(step.Number, BandSide.Right, canvas.Width - step.After, 0, step.After, canvas.Height)
                    : new NewBand(step.Number, BandSide.Bottom, 0, canvas.Height - step.After, canvas.Width, step.After));
        }
        return new OutpaintResult(canvas, Report(image, canvas, plan, bands, target, p), records);
    }

    /// <summary>A band added by one step, in the coordinates of the current canvas.</summary>
    private sealed record NewBand(int Step, BandSide Side, int X, int Y, int Width, int Height)
    {
        /// <summary>"step2.right": the prefix of this band's measurements.</summary>
        public string Key => $"step{Step}.{Names.EnumValue(Side)}";
    }

    /// <summary>What one side's fill changed (its band and the seam strip beside it), to insert at (X, Y) of the canvas.</summary>
    private sealed record BandPatch(Image Pixels, int X, int Y)
    {
        /// <summary>The server jobs that made it (method diffusion).</summary>
        public IReadOnlyList<DiffusionPassRecord> Records { get; init; } = [];
    }

    // Runs count actions in parallel; a failure surfaces as itself (the first one), not wrapped in an AggregateException.
    private static void Together(int count, Action<int> action, CancellationToken cancel)
    {
        try
        {
            Parallel.For(0, count, ImageThreads.Options(cancel), action);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }

    // Fills the step's band on one side from a crop of the band plus its context, then re-fills the seam strip.
    private static BandPatch FillBand(WorkImage canvas, OutpaintStep step, bool atStart, AspectRatio target, OutpaintParams p, OutpaintServer? server,
        CancellationToken cancel)
    {
        try
        {
            return server is null ? FillSide(canvas, step, atStart, p, cancel) : InpaintSide(canvas, step, atStart, p, server, cancel);
        }
        catch (BurnishException e)
        {
            var side = step.Axis == GrowthAxis.Horizontal ? (atStart ? BandSide.Left : BandSide.Right) : (atStart ? BandSide.Top : BandSide.Bottom);
            throw new BurnishException($"outpaint {target}, step {step.Number} {Names.EnumValue(side)} band: {e.Message}", e);
        }
    }

    private static BandPatch FillSide(WorkImage canvas, OutpaintStep step, bool atStart, OutpaintParams p, CancellationToken cancel)
    {
        var horizontal = step.Axis == GrowthAxis.Horizontal;
        var band = atStart ? step.Before : step.After;
        // The context never reaches past the canvas as it was before this step, so the other side's unfilled band stays out.
        var context = Math.Min(step.SizeBefore, Math.Max(MinContext, (int)Math.Ceiling(p.Context * band)));
        var length = band + context;
        var canvasLength = horizontal ? canvas.Width : canvas.Height;
        var offset = atStart ? 0 : canvasLength - length;
        var (x0, y0, cw, ch) = horizontal ? (offset, 0, length, canvas.Height) : (0, offset, canvas.Width, length);
        var crop = canvas.WithPixels(canvas.Pixels.Crop(x0, y0, cw, ch));

        var side = atStart ? 0 : 1;
        var fill = FillParams.Default with { Seed = SeedFor(p.Seed, step.Number, side, pass: 0) };
        var filled = ContentAwareFill.Fill(crop, BandMask(cw, ch, horizontal, atStart, t => t < band ? 1f : 0f), fill, cancel);

        var changed = band;
        if (p.Seam > 0)
        {
            // The strip is re-filled from a window around it only: its best patches lie close by, and a small crop
            // keeps this pass cheap next to the band's own fill.
            var inNew = Math.Min(p.Seam - p.Seam / 2, band);
            var inOld = Math.Min(p.Seam / 2, context / 2);
            var margin = Math.Max(MinContext, 4 * p.Seam);
            int from = Math.Max(0, band - inNew - margin), to = Math.Min(length, band + inOld + margin);
            var windowOffset = atStart ? from : length - to;
            var (wx, wy, ww, wh) = horizontal ? (windowOffset, 0, to - from, ch) : (0, windowOffset, cw, to - from);
            var window = filled.WithPixels(filled.Pixels.Crop(wx, wy, ww, wh));
            var seam = BandMask(ww, wh, horizontal, atStart, t => SeamCoverage(from + t, band, inNew, inOld));
            var reblended = ContentAwareFill.Fill(window, seam, fill with { Seed = SeedFor(p.Seed, step.Number, side, pass: 1) }, cancel);
            filled = filled.WithPixels(filled.Pixels.Insert(reblended.Pixels, wx, wy));
            changed = band + inOld;
        }
        var start = atStart ? 0 : length - changed;
        return horizontal
            ? new BandPatch(filled.Pixels.Crop(start, 0, changed, ch).CopyMemory(), x0 + start, y0)
            : new BandPatch(filled.Pixels.Crop(0, start, cw, changed).CopyMemory(), x0, y0 + start);
    }

    // Method diffusion: the band with its context goes to the server as a padded canvas with the band as its mask (high
    // denoise, starting from blurred surroundings), then a window around the seam strip goes again with the strip's
    // coverage as its mask (low denoise, starting from what is there). Each answer is pasted in linear light by its
    // coverage, so the existing image outside the strip keeps its values bit for bit.
    private static BandPatch InpaintSide(WorkImage canvas, OutpaintStep step, bool atStart, OutpaintParams p, OutpaintServer server, CancellationToken cancel)
    {
        var horizontal = step.Axis == GrowthAxis.Horizontal;
        var band = atStart ? step.Before : step.After;
        var context = Math.Min(step.SizeBefore, Math.Max(MinContext, (int)Math.Ceiling(p.Context * band)));
        var length = band + context;
        var canvasLength = horizontal ? canvas.Width : canvas.Height;
        var offset = atStart ? 0 : canvasLength - length;
        var (x0, y0, cw, ch) = horizontal ? (offset, 0, length, canvas.Height) : (0, offset, canvas.Width, length);
        var crop = canvas.WithPixels(canvas.Pixels.Crop(x0, y0, cw, ch));
        var settings = p.Diffusion ?? DiffusionParams.Default;
        var side = Names.EnumValue(horizontal ? (atStart ? BandSide.Left : BandSide.Right) : (atStart ? BandSide.Top : BandSide.Bottom));
        var records = new List<DiffusionPassRecord>();

        var bandCoverage = BandMask(cw, ch, horizontal, atStart, t => t < band ? 1f : 0f).ToImage();
        var (fill, record) = DiffusionRegion.Inpaint(server.Backend, settings, server.Generation, crop, new RegionRect(0, 0, cw, ch), bandCoverage,
            DiffusionRegion.ModelSize(cw, ch, settings.Size), new RegionAsk(p.Prompt, p.Negative, p.Denoise, InpaintingFill.Fill, $"step{step.Number}.{side} band"),
            server.Graph, null, cancel);
        records.Add(record with { Crop = [x0, y0, cw, ch] });
        var filled = DiffusionRegion.Paste(crop, fill, bandCoverage, 0, 0);

        var changed = band;
        if (p.Seam > 0)
        {
            var inNew = Math.Min(p.Seam - p.Seam / 2, band);
            var inOld = Math.Min(p.Seam / 2, context / 2);
            var margin = Math.Max(MinContext, 4 * p.Seam);
            int from = Math.Max(0, band - inNew - margin), to = Math.Min(length, band + inOld + margin);
            var windowOffset = atStart ? from : length - to;
            var (wx, wy, ww, wh) = horizontal ? (windowOffset, 0, to - from, ch) : (0, windowOffset, cw, to - from);
            var seam = BandMask(ww, wh, horizontal, atStart, t => SeamCoverage(from + t, band, inNew, inOld)).ToImage();
            var window = filled.WithPixels(filled.Pixels.Crop(wx, wy, ww, wh));
            var (again, seamRecord) = DiffusionRegion.Inpaint(server.Backend, settings, server.Generation, window, new RegionRect(0, 0, ww, wh), seam,
                DiffusionRegion.ModelSize(ww, wh, settings.Size), new RegionAsk(p.Prompt, p.Negative, p.SeamDenoise, InpaintingFill.Original, $"step{step.Number}.{side} seam"),
                server.Graph, null, cancel);
            records.Add(seamRecord with { Crop = [x0 + wx, y0 + wy, ww, wh] });
            filled = filled.WithPixels(filled.Pixels.Insert(DiffusionRegion.Paste(window, again, seam, 0, 0).Pixels, wx, wy));
            changed = band + inOld;
        }
        var start = atStart ? 0 : length - changed;
        var patch = horizontal
            ? new BandPatch(filled.Pixels.Crop(start, 0, changed, ch).CopyMemory(), x0 + start, y0)
            : new BandPatch(filled.Pixels.Crop(0, start, cw, changed).CopyMemory(), x0, y0 + start);
        return patch with { Records = records };
    }

    /// <summary>
    /// Coverage of the seam strip at distance <paramref name="t"/> from the canvas's outer edge (the boundary is at
    /// <paramref name="band"/>): fully re-filled on the new side, fading out over <paramref name="inOld"/> pixels of the
    /// existing image (smoothstep), so the original is reached without a step.
    /// </summary>
    internal static float SeamCoverage(int t, int band, int inNew, int inOld)
    {
        if (t >= band - inNew && t < band) return 1f;
        if (t < band || t >= band + inOld) return 0f;
        var u = 1f - (t - band + 0.5f) / inOld;
        return u * u * (3 - 2 * u);
    }

    // A mask over a crop whose coverage depends only on the distance t from the crop's outer edge along the axis.
    private static Mask BandMask(int width, int height, bool horizontal, bool atStart, Func<int, float> coverage)
    {
        var length = horizontal ? width : height;
        var profile = new float[length];
        for (var t = 0; t < length; t++) profile[atStart ? t : length - 1 - t] = coverage(t);
        var values = new float[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                values[y * width + x] = horizontal ? profile[x] : profile[y];
        return Mask.FromCoverage(width, height, values);
    }

    // Each fill gets its own stream, so the two sides (whose crops have the same shape) do not repeat one another's
    // search. Mixed by hand (SplitMix64's finaliser): HashCode is randomised per process, and a seed must give the same
    // pixels in every run.
    private static int SeedFor(int seed, int step, int side, int pass)
    {
        var z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(step * 4 + side * 2 + pass) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFF_FFFF);
    }

    private static StageReport Report(WorkImage original, WorkImage result, OutpaintPlan plan, List<NewBand> bands, AspectRatio target, OutpaintParams p)
    {
        var m = new Dictionary<string, double>
        {
            ["steps"] = plan.Steps.Count,
            ["added_percent"] = Math.Round(100.0 * ((double)result.Width * result.Height / ((double)original.Width * original.Height) - 1), 2),
        };
        var warnings = new List<string>();
        foreach (var band in bands)
        {
            var region = result.WithPixels(result.Pixels.Crop(band.X, band.Y, band.Width, band.Height));
            var drift = BandDrift.Measure(region, BorderStrip(original, band));
            var key = band.Key;
            var side = Names.EnumValue(band.Side);
            m[$"{key}.px"] = plan.Axis == GrowthAxis.Horizontal ? band.Width : band.Height;
            m[$"{key}.dL"] = Math.Round(drift.DL, 3);
            m[$"{key}.da"] = Math.Round(drift.Da, 3);
            m[$"{key}.db"] = Math.Round(drift.Db, 3);
            m[$"{key}.dsd"] = Math.Round(drift.Dsd, 3);
            m[$"{key}.dE"] = Math.Round(drift.DeltaE, 3);
            if (drift.DeltaE > p.DriftWarn)
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"outpaint {target}: step {band.Step} {side} band drifts ΔE00 {drift.DeltaE:0.0} from the original's {side} edge (ΔL* {drift.DL:+0.0;-0.0;0.0}, Δa* {drift.Da:+0.0;-0.0;0.0}, Δb* {drift.Db:+0.0;-0.0;0.0}); check that band: the fill may have wandered, or the edge holds part of the subject that the background does not continue"));
        }
        return new StageReport(warnings, m);
    }

    // The original's strip along the band's side, as wide as the band (or the whole original when the band is wider).
    private static WorkImage BorderStrip(WorkImage original, NewBand band)
    {
        int w = original.Width, h = original.Height;
        var (x, y, sw, sh) = band.Side switch
        {
            BandSide.Left => (0, 0, Math.Min(band.Width, w), h),
            BandSide.Right => (w - Math.Min(band.Width, w), 0, Math.Min(band.Width, w), h),
            BandSide.Top => (0, 0, w, Math.Min(band.Height, h)),
            _ => (0, h - Math.Min(band.Height, h), w, Math.Min(band.Height, h)),
        };
        return original.WithPixels(original.Pixels.Crop(x, y, sw, sh));
    }
}
