using System.Diagnostics;
using System.Globalization;
using System.Text;
using Burnish.Imaging;
using Burnish.Metrics;
using NetVips;

namespace Burnish.Stages.Upscale;

/// <summary>One method on one benchmark set at one scale: mean PSNR and SSIM on Y over the set's images.</summary>
public sealed record SrScore(string Set, int Scale, string Method, double PsnrY, double SsimY, int Images, double Seconds);

/// <summary>
/// The standard super-resolution benchmark (Set5, Set14 …): each low-resolution image is enlarged, the
/// high-resolution truth is cropped to the same size from the top left ("modcrop"), both are rounded to 8 bits as
/// published results are, and PSNR/SSIM are taken on BT.601 Y with a border of <c>scale</c> pixels left out.
/// Folder layout: <c>SET/HR/NAME.png</c> and <c>SET/LR_bicubic/X{s}/NAMEx{s}.png</c>; a set without the LR folder
/// for a scale gets its low-resolution images made by a bicubic reduction, and is marked SET* in the table.
/// </summary>
public static class SrQuality
{
    /// <summary>The classical baselines every table carries, on code values as the benchmarks compute them.</summary>
    public static IReadOnlyList<string> Baselines { get; } = ["bicubic", "lanczos3"];

    public static IReadOnlyList<SrScore> Run(string dataDir, IReadOnlyList<string> sets, IReadOnlyList<int> scales, IReadOnlyList<string> models,
        UpscaleModels engine, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        var scores = new List<SrScore>();
        foreach (var set in sets)
            foreach (var scale in scales)
            {
                var pairs = Pairs(dataDir, set, scale);
                foreach (var method in Baselines.Concat(models))
                {
                    if (!Baselines.Contains(method) && !engine.Scales(method).Contains(scale)) continue;
                    var clock = Stopwatch.StartNew();
                    double psnr = 0, ssim = 0;
                    foreach (var (lrPath, hrPath) in pairs)
                    {
                        cancel.ThrowIfCancellationRequested();
                        var hr = ImageLoader.Load(hrPath, LoadLimits.Default).Image;
                        var lr = LowResolution(lrPath, hr, scale);
                        var sr = Enlarge(lr, scale, method, engine, cancel);
                        var truth = hr.WithPixels(hr.Pixels.Crop(0, 0, sr.Width, sr.Height));
                        psnr += ImageMetrics.PsnrY(Round8(sr), Round8(truth), scale);
                        ssim += ImageMetrics.SsimY(Round8(sr), Round8(truth), scale);
                    }
                    var label = pairs[0].Lr is null ? set + "*" : set;
                    var score = new SrScore(label, scale, method, psnr / pairs.Count, ssim / pairs.Count, pairs.Count, clock.Elapsed.TotalSeconds);
                    progress?.Report($"{set} ×{scale} {method}: {score.PsnrY:F2} dB, SSIM {score.SsimY:F4}");
                    scores.Add(score);
                }
            }
        return scores;
    }

    // Pairs of (low-resolution file or null, truth). A set shipped without LR images at this scale gets them made here
    // (the truth, modcropped, reduced with libvips' antialiased bicubic) and its column is marked.
    private static List<(string? Lr, string Hr)> Pairs(string dataDir, string set, int scale)
    {
        var hrDir = Path.Combine(dataDir, set, "HR");
        var lrDir = Path.Combine(dataDir, set, "LR_bicubic", $"X{scale}");
        if (!Directory.Exists(hrDir)) throw new BurnishException($"{Path.Combine(dataDir, set)}: expected an HR/ folder");
        var pairs = Directory.GetFiles(hrDir, "*.png").Order(StringComparer.Ordinal)
            .Select(hr => (Lr: Directory.Exists(lrDir) ? Path.Combine(lrDir, $"{Path.GetFileNameWithoutExtension(hr)}x{scale}.png") : null, Hr: hr))
            .ToList();
        if (pairs.Count == 0) throw new BurnishException($"{hrDir}: no images");
        if (pairs.FirstOrDefault(p => p.Lr is not null && !File.Exists(p.Lr)) is { Lr: { } missing } pair)
            throw new BurnishException($"{missing}: missing low-resolution image for {pair.Hr}");
        return pairs;
    }

    private static WorkImage LowResolution(string? lrPath, WorkImage hr, int scale)
    {
        if (lrPath is not null) return ImageLoader.Load(lrPath, LoadLimits.Default).Image;
        int w = hr.Width / scale, h = hr.Height / scale;
        return hr.WithPixels(hr.Pixels.Crop(0, 0, w * scale, h * scale).Resize(1.0 / scale, kernel: Enums.Kernel.Cubic));
    }

    private static WorkImage Enlarge(WorkImage lr, int scale, string method, UpscaleModels engine, CancellationToken cancel)
    {
        if (method is "bicubic" or "lanczos3")
        {
            var kernel = method == "bicubic" ? Enums.Kernel.Cubic : Enums.Kernel.Lanczos3;
            return lr.WithPixels(Resampling.Resize(lr.Pixels, lr.Width * scale, lr.Height * scale, kernel));
        }
        using var upscaled = Upscale.Apply(lr, new UpscaleParams { Model = method, Passes = [scale] }, engine, cancel: cancel);
        return upscaled.Materialise();
    }

    private static WorkImage Round8(WorkImage image) => image.WithPixels(ColourSpaces.Quantise8(image.Pixels).Cast(Enums.BandFormat.Float) / 255.0);

    /// <summary>The quality table, one row per method, PSNR/SSIM per set and scale.</summary>
    public static string Markdown(IReadOnlyList<SrScore> scores)
    {
        var columns = scores.Select(s => (s.Set, s.Scale)).Distinct().OrderBy(c => c.Scale).ThenBy(c => c.Set, StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.Append("| method |").AppendJoin("", columns.Select(c => $" {c.Set} ×{c.Scale} |")).AppendLine();
        text.Append("|---|").AppendJoin("", columns.Select(_ => "---|")).AppendLine();
        foreach (var method in scores.Select(s => s.Method).Distinct())
        {
            text.Append($"| {method} |");
            foreach (var (set, scale) in columns)
            {
                var s = scores.FirstOrDefault(x => x.Method == method && x.Set == set && x.Scale == scale);
                text.Append(s is null ? " – |" : string.Create(CultureInfo.InvariantCulture, $" {s.PsnrY:F2} / {s.SsimY:F4} |"));
            }
            text.AppendLine();
        }
        return text.ToString();
    }
}
