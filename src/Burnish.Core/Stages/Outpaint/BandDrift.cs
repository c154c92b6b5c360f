using Burnish.Imaging;
using Burnish.Metrics;
using NetVips;

namespace Burnish.Stages.Outpaint;

/// <summary>
/// How far a new band's colour statistics moved from a reference strip of the original, in CIE L*a*b* (LittleCMS, D50):
/// the differences of the means (band − reference), the difference of the spreads, and the CIEDE2000 between the two
/// mean colours. Pixels count by their alpha.
/// </summary>
/// <param name="DL">Mean L* of the band minus the reference's.</param>
/// <param name="Da">Mean a* difference.</param>
/// <param name="Db">Mean b* difference.</param>
/// <param name="Dsd">
/// Spread of the band minus the reference's, where spread is the RMS ΔE*ab of the pixels from their mean colour:
/// negative means flatter than the original (a blurry or repetitive fill), positive busier.
/// </param>
/// <param name="DeltaE">CIEDE2000 between the two mean colours.</param>
public sealed record BandDrift(double DL, double Da, double Db, double Dsd, double DeltaE)
{
    /// <summary>Compares <paramref name="band"/> with <paramref name="reference"/> (any sizes, same or different profiles).</summary>
    public static BandDrift Measure(WorkImage band, WorkImage reference)
    {
        ArgumentNullException.ThrowIfNull(band);
        ArgumentNullException.ThrowIfNull(reference);
        var a = LabStatistics.Of(band);
        var r = LabStatistics.Of(reference);
        return new BandDrift(a.L - r.L, a.A - r.A, a.B - r.B, a.Spread - r.Spread,
            ImageMetrics.DeltaE2000(r.L, r.A, r.B, a.L, a.A, a.B));
    }
}

/// <summary>Alpha-weighted mean L*, a*, b* of an image and the RMS ΔE*ab of its pixels from that mean.</summary>
internal readonly record struct LabStatistics(double L, double A, double B, double Spread)
{
    public static LabStatistics Of(WorkImage image)
    {
        var lab = ColourSpaces.ToLab(image).WriteToMemory<float>();
        var alpha = image.Alpha?.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
        double w = 0, l = 0, a = 0, b = 0;
        var n = lab.Length / 3;
        for (var i = 0; i < n; i++)
        {
            var wt = alpha is null ? 1.0 : Math.Clamp(alpha[i], 0f, 1f);
            w += wt;
            l += wt * lab[3 * i];
            a += wt * lab[3 * i + 1];
            b += wt * lab[3 * i + 2];
        }
        if (w <= 0) return new LabStatistics(0, 0, 0, 0); // wholly transparent: no colour to compare
        (l, a, b) = (l / w, a / w, b / w);
        double squares = 0;
        for (var i = 0; i < n; i++)
        {
            var wt = alpha is null ? 1.0 : Math.Clamp(alpha[i], 0f, 1f);
            double dl = lab[3 * i] - l, da = lab[3 * i + 1] - a, db = lab[3 * i + 2] - b;
            squares += wt * (dl * dl + da * da + db * db);
        }
        return new LabStatistics(l, a, b, Math.Sqrt(squares / w));
    }
}
