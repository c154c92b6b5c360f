using Burnish.Imaging;
using NetVips;

namespace Burnish.Core.Tests.Stages.Sharpen;

/// <summary>Synthetic targets for the sharpen tests, built in CIE Lab and converted to Display P3 (the default master space).</summary>
internal static class SharpenTargets
{
    /// <summary>
    /// A vertical edge whose L* profile is a gaussian-blurred step (an erf of width <paramref name="edgeSigma"/> px),
    /// from <paramref name="dark"/> to <paramref name="light"/>, centred between columns width/2−1 and width/2.
    /// a* and b* come from <paramref name="chroma"/> (column → (a*, b*)).
    /// </summary>
    public static WorkImage Edge(int width, int height, double edgeSigma, double dark, double light, Func<int, (double A, double B)>? chroma = null)
    {
        var lab = new float[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                var (a, b) = chroma?.Invoke(x) ?? (0, 0);
                lab[i] = (float)EdgeProfile(x, width / 2 - 0.5, edgeSigma, dark, light);
                lab[i + 1] = (float)a;
                lab[i + 2] = (float)b;
            }
        return FromLab(lab, width, height);
    }

    /// <summary>L* at column <paramref name="x"/> of an erf edge centred at <paramref name="centre"/>.</summary>
    public static double EdgeProfile(int x, double centre, double edgeSigma, double dark, double light) =>
        dark + (light - dark) * Phi((x - centre) / edgeSigma);

    /// <summary>A Lab float buffer (L, a, b interleaved) as a Display P3 work image.</summary>
    public static WorkImage FromLab(float[] lab, int width, int height)
    {
        var image = Image.NewFromMemoryCopy<float>(lab, width, height, 3, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Lab);
        return new WorkImage(ColourSpaces.FromLab(image, ShippedProfiles.DisplayP3), ShippedProfiles.DisplayP3);
    }

    /// <summary>The image's L*, a*, b* planes.</summary>
    public static (float[] L, float[] A, float[] B) Lab(WorkImage image)
    {
        var lab = ColourSpaces.ToLab(image).WriteToMemory<float>();
        var n = lab.Length / 3;
        float[] l = new float[n], a = new float[n], b = new float[n];
        for (var i = 0; i < n; i++) (l[i], a[i], b[i]) = (lab[i * 3], lab[i * 3 + 1], lab[i * 3 + 2]);
        return (l, a, b);
    }

    /// <summary>Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| &lt; 1.5e-7).</summary>
    public static double Phi(double x)
    {
        var z = Math.Abs(x) / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * z);
        var erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-z * z);
        return 0.5 * (1 + (x >= 0 ? erf : -erf));
    }

    /// <summary>
    /// For every pixel, how far <paramref name="after"/> goes beyond the min/max of <paramref name="before"/> over the
    /// (2k+1)² neighbourhood, less <paramref name="slack"/> L*, as a fraction of that neighbourhood's range; pixels whose
    /// range is below <paramref name="floor"/> L* are skipped, and transparent pixels (<paramref name="alpha"/> 0) take no
    /// part. Written plainly, independent of the stage's own meter.
    /// </summary>
    public static double WorstExcursion(float[] before, float[] after, int width, int height, int k, double slack,
        double floor = 0.01, float[]? alpha = null)
    {
        var worst = 0.0;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                if (alpha is not null && alpha[y * width + x] <= 0) continue;
                double mn = double.MaxValue, mx = double.MinValue;
                for (var dy = -k; dy <= k; dy++)
                    for (var dx = -k; dx <= k; dx++)
                    {
                        var j = Math.Clamp(y + dy, 0, height - 1) * width + Math.Clamp(x + dx, 0, width - 1);
                        if (alpha is not null && alpha[j] <= 0) continue;
                        var v = before[j];
                        mn = Math.Min(mn, v);
                        mx = Math.Max(mx, v);
                    }
                var range = mx - mn;
                if (range < floor) continue;
                var s = after[y * width + x];
                worst = Math.Max(worst, (Math.Max(s - mx, mn - s) - slack) / range);
            }
        return worst;
    }
}
