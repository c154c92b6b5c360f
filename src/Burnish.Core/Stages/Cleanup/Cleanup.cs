using System.Globalization;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Stages.Cleanup;

/// <summary>
/// The cleanup stage, after an AI upscale and before grading. Everything is measured against a classical upscale of
/// the source (Lanczos3 in linear light to the result's size) and done in CIE Lab (LittleCMS float, D50), in this
/// order: detail bands → colour-drift fix → halo clamp → masked softening. Alpha passes through untouched.
/// The report records the halo score, sharpness and colour drift before and after, and the Lanczos baseline.
/// It runs in bands of rows (<see cref="CleanupBands"/>): the classical upscale is enlarged from the small source
/// wherever a band needs it, and no full-size copy of anything is made.
/// </summary>
public static class Cleanup
{
    /// <summary>True when no control would change a pixel.</summary>
    public static bool IsIdentity(CleanupParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.Halo <= 0 && p.Detail >= 1 && (p.DetailFaces ?? 1) >= 1 && !p.Colour && p.Soften.All(s => s.Amount <= 0);
    }

    /// <summary>
    /// Cleans up <paramref name="upscaled"/> (the AI result) against <paramref name="source"/> (the image before the AI
    /// stage, usually smaller, same aspect ratio). Mask images named by <paramref name="p"/> are read here; the runner
    /// reads them up front instead with <see cref="SoftenMasks.Load"/> and the other overload.
    /// </summary>
    public static (WorkImage Image, StageReport Report) Apply(WorkImage upscaled, WorkImage source, CleanupParams p, CancellationToken cancel = default) =>
        Apply(upscaled, source, p, SoftenMasks.Load(p), cancel);

    /// <summary>
    /// Cleans up <paramref name="upscaled"/> with soften masks already decoded; <paramref name="faces"/> are the faces
    /// that take <c>detail_faces</c> (<see cref="FaceDetail"/>), found by the stage. The report is complete; the image is
    /// lazy and computes its bands again wherever it is read (see <see cref="Stream"/>, which lets one read do both).
    /// </summary>
    public static (WorkImage Image, StageReport Report) Apply(WorkImage upscaled, WorkImage source, CleanupParams p, SoftenMasks masks,
        CancellationToken cancel = default, IReadOnlyList<FaceWeight>? faces = null)
    {
        using var cleaned = Stream(upscaled, source, p, masks, cancel, faces: faces);
        return (cleaned.Image, cleaned.Report);
    }

    /// <summary>
    /// The cleanup as a lazy image computed band by band as it is read, any number of times, in any order. The
    /// report's figures are counted from the bands as they are computed; <see cref="IStreamedImage.Report"/> computes
    /// any band not yet read. <paramref name="bandRows"/> is the band height (results do not depend on it).
    /// </summary>
    public static IStreamedImage Stream(WorkImage upscaled, WorkImage source, CleanupParams p, SoftenMasks masks,
        CancellationToken cancel = default, int bandRows = Strips.DefaultBandRows, IReadOnlyList<FaceWeight>? faces = null)
    {
        ArgumentNullException.ThrowIfNull(upscaled);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(masks);
        CheckShapes(upscaled, source);
        if (IsIdentity(p)) return new Cleaned(upscaled, null);
        var bands = new CleanupBands(upscaled, source, p, masks, bandRows, cancel, faces);
        return new Cleaned(bands.Image, bands);
    }

    /// <summary>The cleaned image; its report is settled from the bands' figures once asked for.</summary>
    private sealed class Cleaned(WorkImage image, CleanupBands? bands) : IStreamedImage
    {
        public WorkImage Image { get; } = image;

        public bool Rereadable => true;

        public StageReport Report => bands?.Report() ?? StageReport.Empty;

        public void Consume(Action<WorkImage> consume)
        {
            ArgumentNullException.ThrowIfNull(consume);
            consume(Image);
        }

        public WorkImage Materialise() => Image.WithPixels(Image.Pixels.CopyMemory());

        public void Dispose() { }
    }

    private static void CheckShapes(WorkImage upscaled, WorkImage source)
    {
        var ratio = (double)upscaled.Width / upscaled.Height / ((double)source.Width / source.Height);
        if (Math.Abs(ratio - 1) > 0.02)
            throw new BurnishException(string.Create(CultureInfo.InvariantCulture,
                $"cleanup: the source ({source.Width}×{source.Height}) and the upscaled image ({upscaled.Width}×{upscaled.Height}) do not have the same aspect ratio, so one cannot be compared with the other"));
        if (upscaled.Width < source.Width || upscaled.Height < source.Height)
            throw new BurnishException($"cleanup: the upscaled image ({upscaled.Width}×{upscaled.Height}) is smaller than its source ({source.Width}×{source.Height})");
    }

    /// <summary>A region's weight at the output size, lazily: its mask resized, or its box, feathered.</summary>
    internal static Image RegionMask(SoftenRegion region, int index, Image? decoded, int w, int h)
    {
        Image mask;
        if (region.Box is { Length: > 0 } text)
        {
            var box = SoftenRegion.ParseBox(text) ?? throw new BurnishException($"cleanup.soften[{index}].box: '{text}' is not x,y,w,h");
            int x0 = Math.Max(0, box.X), y0 = Math.Max(0, box.Y), x1 = Math.Min(w, box.X + box.Width), y1 = Math.Min(h, box.Y + box.Height);
            if (x1 <= x0 || y1 <= y0)
                throw new BurnishException($"cleanup.soften[{index}].box {box} lies outside the {w}×{h} image");
            mask = (Image.Black(x1 - x0, y1 - y0) + 1.0).Cast(Enums.BandFormat.Float).Embed(x0, y0, w, h);
        }
        else
        {
            if (decoded is null)
                throw new BurnishException(region.Auto is null
                    ? $"cleanup.soften[{index}].mask '{region.Mask}' was not loaded"
                    : $"cleanup.soften[{index}].auto: the mask is found per image by the cleanup stage (CleanupStage), not given");
            var ratio = (double)decoded.Width / decoded.Height / ((double)w / h);
            if (Math.Abs(ratio - 1) > 0.02)
                throw new BurnishException($"cleanup.soften[{index}].mask '{region.Mask}' is {decoded.Width}×{decoded.Height}, not the image's aspect ratio ({w}×{h})");
            mask = decoded.Width == w && decoded.Height == h ? decoded : DetailBands.ResizeTo(decoded, w, h);
        }
        if (region.Feather > 0) mask = mask.Gaussblur(region.Feather, minAmpl: 0.01, precision: Enums.Precision.Float);
        return mask.Cast(Enums.BandFormat.Float);
    }
}
