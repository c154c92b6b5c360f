using Burnish.Imaging;
using Burnish.Recipes;
using Burnish.Stages.Export;

namespace Burnish.Pipeline;

/// <summary>
/// What one image may take, so that no single file can stall or starve a batch: wall time per stage (enforced
/// through the stage's cancellation token) and working memory, estimated from the header and the recipe before any
/// pixel is decoded (<see cref="WorkingMemory"/>).
/// </summary>
/// <param name="StageTime">Wall time each stage may take on one image; past it the image fails and the batch goes on.</param>
/// <param name="MemoryBytes">Estimated peak working memory one image may need; a larger one is refused before decoding.</param>
public sealed record ImageBudget(TimeSpan StageTime, long MemoryBytes)
{
    /// <summary>Generous: an AI upscale of a large image on a slow CPU stays well inside it; a stalled stage does not.</summary>
    public static readonly TimeSpan DefaultStageTime = TimeSpan.FromMinutes(30);

    /// <summary>Share of the memory this process may use that the images running at once may take together.</summary>
    public const double MachineShare = 0.75;

    /// <summary>
    /// The default for <paramref name="parallel"/> images at once: the time above, and three quarters of the memory
    /// available to the process (the container's limit where there is one) shared between them.
    /// </summary>
    public static ImageBudget ForMachine(int parallel) =>
        new(DefaultStageTime, (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * MachineShare / Math.Max(1, parallel)));

    /// <summary>The budget for <paramref name="parallel"/> images at once, with either figure given (null: the machine's default).</summary>
    public static ImageBudget For(int parallel, TimeSpan? stageTime, long? memoryBytes)
    {
        var machine = ForMachine(parallel);
        return new(stageTime ?? machine.StageTime, memoryBytes ?? machine.MemoryBytes);
    }

    /// <summary>Refuses, with one line, an image whose estimated working memory is over <see cref="MemoryBytes"/>.</summary>
    public void Admit(string input, ImageFacts facts, Recipe recipe)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var need = WorkingMemory.Estimate(recipe, facts.Width, facts.Height);
        if (need > MemoryBytes)
            throw new ImageInputException(input,
                $"{facts.Width}×{facts.Height} needs about {WorkingMemory.Show(need)} of working memory with this recipe, " +
                $"over the budget of {WorkingMemory.Show(MemoryBytes)} per image (raise it with --max-memory-mb)");
    }
}

/// <summary>
/// An upper estimate of one image's peak working memory, from its size and the recipe, before decoding. Calibrated
/// with GNU time (bench/image-budget.sh, docs/reliability.md): peak = base + the largest image of the chain ×
/// bytes per pixel + the largest destination copy × bytes per pixel. Streamed stages keep the chain's cost low; the
/// stages that hold several full-size float planes (cleanup's Lab planes and reference, repair's and outpaint's fill)
/// cost more per pixel.
/// </summary>
public static class WorkingMemory
{
    /// <summary>Grade, sharpen and export: measured 15–28 bytes per pixel on flat 1024²–4096² PNGs.</summary>
    public const long BytesPerChainPixel = 32;

    /// <summary>With cleanup after an upscale: measured 178 on the issue-16 AI recipe (1024² ×4, 3.3 GB).</summary>
    public const long BytesPerChainPixelWithCleanup = 192;

    /// <summary>With repair or outpaint: not measured; a guess of six float copies of the canvas.</summary>
    public const long BytesPerChainPixelWithFill = 96;

    /// <summary>Each destination copy at its own size: measured about 32 bytes per pixel (A3 and A4 print copies).</summary>
    public const long BytesPerCopyPixel = 40;

    /// <summary>The runtime, libvips and the prepared stages before any image: measured about 285 MB.</summary>
    public const long BaseBytes = 320L << 20;

    /// <summary>The model scale an upscale uses when the recipe gives neither scale, passes nor target.</summary>
    private const double DefaultUpscale = 4;

    public static long Estimate(Recipe recipe, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var (w, h) = ((double)width, (double)height);
        // Outpaint grows one axis to the widest of its aspects (each aspect is its own set, made one after another).
        if (recipe.Outpaint is { } outpaint)
        {
            var aspects = outpaint.Aspects ?? (outpaint.Aspect is { } one ? [one] : []);
            var grown = aspects.Select(a => a.Ratio).Select(r => w / h < r ? (w: h * r, h) : (w, h: w / r)).DefaultIfEmpty((w, h)).MaxBy(s => s.w * s.h);
            (w, h) = grown;
        }
        if (recipe.Upscale is { } upscale)
        {
            var scale = upscale.Scale
                ?? (upscale.Passes is { Count: > 0 } passes ? passes.Aggregate(1.0, (s, p) => s * p) : (double?)null)
                ?? TargetScale(upscale.Target, w, h)
                ?? DefaultUpscale;
            (w, h) = (w * scale, h * scale);
        }
        var chain = w * h * (recipe.Cleanup is not null ? BytesPerChainPixelWithCleanup
            : recipe.Repair is { Count: > 0 } || recipe.Outpaint is not null ? BytesPerChainPixelWithFill : BytesPerChainPixel);
        var copies = recipe.Export.Copies;
        var copy = copies.Select(c => Destinations.Resolve(c).OutputSize((int)Math.Round(w), (int)Math.Round(h)))
            .Select(s => (double)s.Width * s.Height).DefaultIfEmpty(0).Max();
        return BaseBytes + (long)chain + (long)(copy * BytesPerCopyPixel);
    }

    private static double? TargetScale(Burnish.Stages.Upscale.TargetSize? target, double w, double h) => target switch
    {
        null => null,
        { LongEdge: { } edge } => edge / Math.Max(w, h),
        { Width: { } tw, Height: { } th } => Math.Max(tw / w, th / h),
        { Width: { } tw } => tw / w,
        { Height: { } th } => th / h,
        _ => null,
    };

    /// <summary>Bytes for people: 5.9 GB, 320 MB.</summary>
    public static string Show(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.0} GB" : $"{bytes >> 20} MB";
}
