using Burnish.Imaging;
using NetVips;

namespace Burnish.Metrics;

public static partial class ImageMetrics
{
    /// <summary>The long edge, in pixels, both images are brought down to before their colours are compared (at most).</summary>
    public const int DriftSize = 128;

    /// <summary>The comparison is also at least this many times smaller than the smaller image, so a small source is not compared pixel for pixel.</summary>
    public const int DriftReduction = 4;

    /// <summary>
    /// Colour drift: the mean CIEDE2000 between <paramref name="image"/> and <paramref name="reference"/> after both
    /// are resized (Lanczos3, linear light, centres aligned) to a long edge of <paramref name="size"/>, or a quarter
    /// of the smaller one's when that is less (<see cref="DriftReduction"/>), so that detail and sharpness differences
    /// average out and what is left is colour: a Lanczos ×2 or ×4 upscale measures 0.01–0.15 against its source.
    /// Pixels count by the smaller of their two alphas.
    /// </summary>
    public static double DeltaE2000Mean(WorkImage image, WorkImage reference, int size = DriftSize)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        CheckAspect(image, reference);
        var (w, h) = DriftSizeOf(image.Width, image.Height, reference, size);
        return Mean(SmallLab(image, w, h), SmallLab(reference, w, h), w, h);
    }

    /// <summary>The size <see cref="DeltaE2000Mean(WorkImage, WorkImage, int)"/> compares a <paramref name="width"/>×<paramref name="height"/> image with <paramref name="reference"/> at.</summary>
    public static (int Width, int Height) DriftSizeOf(int width, int height, WorkImage reference, int size = DriftSize)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var imageSmaller = (long)width * height <= (long)reference.Width * reference.Height;
        int sw = imageSmaller ? width : reference.Width, sh = imageSmaller ? height : reference.Height;
        var longEdge = Math.Max(sw, sh);
        var shrink = Math.Min((double)size, Math.Max(1.0, (double)longEdge / DriftReduction)) / longEdge;
        return (Math.Max(1, (int)Math.Round(sw * shrink)), Math.Max(1, (int)Math.Round(sh * shrink)));
    }

    /// <summary>
    /// The same drift for an image given as linear light already reduced part of the way (a box mean of an image
    /// computed band by band, which is never whole at once): the rest of the way is the same Lanczos3 in linear light,
    /// to <paramref name="width"/>×<paramref name="height"/> (<see cref="DriftSizeOf"/> of the full-size image).
    /// </summary>
    public static double DeltaE2000Mean(LinearImage reduced, WorkImage reference, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(reduced);
        ArgumentNullException.ThrowIfNull(reference);
        var small = reduced.Resize(width, height);
        var a = (ColourSpaces.ToLab(small).WriteToMemory<float>(), small.Alpha?.Cast(Enums.BandFormat.Float).WriteToMemory<float>());
        return Mean(a, SmallLab(reference, width, height), width, height);
    }

    private static double Mean((float[] Lab, float[]? Alpha) a, (float[] Lab, float[]? Alpha) b, int w, int h)
    {
        var (labA, alphaA) = a;
        var (labB, alphaB) = b;
        double sum = 0, weight = 0;
        for (var i = 0; i < w * h; i++)
        {
            var wt = Math.Min(alphaA?[i] ?? 1, alphaB?[i] ?? 1);
            if (wt <= 0) continue;
            sum += wt * DeltaE2000(labA[3 * i], labA[3 * i + 1], labA[3 * i + 2], labB[3 * i], labB[3 * i + 1], labB[3 * i + 2]);
            weight += wt;
        }
        return weight > 0 ? sum / weight : 0;
    }

    private static (float[] Lab, float[]? Alpha) SmallLab(WorkImage image, int w, int h)
    {
        var small = ClassicalResize(image, w, h);
        return (ColourSpaces.ToLab(small).WriteToMemory<float>(), small.Alpha?.Cast(Enums.BandFormat.Float).WriteToMemory<float>());
    }

    /// <summary>
    /// CIEDE2000 colour difference between two CIE L*a*b* colours, with k_L = k_C = k_H = 1: the formula as written out
    /// by G. Sharma, W. Wu and E. N. Dalal, "The CIEDE2000 color-difference formula: implementation notes,
    /// supplementary test data, and mathematical observations", Color Res. Appl. 30(1), 2005 (equations 2–22).
    /// </summary>
    public static double DeltaE2000(double l1, double a1, double b1, double l2, double a2, double b2)
    {
        const double Pow25To7 = 6103515625.0; // 25^7
        var cBar = (Math.Sqrt(a1 * a1 + b1 * b1) + Math.Sqrt(a2 * a2 + b2 * b2)) / 2;
        var cBar7 = Math.Pow(cBar, 7);
        var g = 0.5 * (1 - Math.Sqrt(cBar7 / (cBar7 + Pow25To7)));
        double a1p = (1 + g) * a1, a2p = (1 + g) * a2;
        double c1p = Math.Sqrt(a1p * a1p + b1 * b1), c2p = Math.Sqrt(a2p * a2p + b2 * b2);
        double h1p = Hue(b1, a1p), h2p = Hue(b2, a2p);

        var dLp = l2 - l1;
        var dCp = c2p - c1p;
        var product = c1p * c2p;
        double dhp = 0;
        if (product != 0)
        {
            dhp = h2p - h1p;
            if (dhp > 180) dhp -= 360;
            else if (dhp < -180) dhp += 360;
        }
        var dHp = 2 * Math.Sqrt(product) * Math.Sin(Radians(dhp / 2));

        var lBarP = (l1 + l2) / 2;
        var cBarP = (c1p + c2p) / 2;
        double hBarP;
        if (product == 0) hBarP = h1p + h2p;
        else if (Math.Abs(h1p - h2p) <= 180) hBarP = (h1p + h2p) / 2;
        else if (h1p + h2p < 360) hBarP = (h1p + h2p + 360) / 2;
        else hBarP = (h1p + h2p - 360) / 2;

        var t = 1 - 0.17 * Math.Cos(Radians(hBarP - 30)) + 0.24 * Math.Cos(Radians(2 * hBarP))
            + 0.32 * Math.Cos(Radians(3 * hBarP + 6)) - 0.20 * Math.Cos(Radians(4 * hBarP - 63));
        var dTheta = 30 * Math.Exp(-Math.Pow((hBarP - 275) / 25, 2));
        var cBarP7 = Math.Pow(cBarP, 7);
        var rc = 2 * Math.Sqrt(cBarP7 / (cBarP7 + Pow25To7));
        var l50 = (lBarP - 50) * (lBarP - 50);
        var sl = 1 + 0.015 * l50 / Math.Sqrt(20 + l50);
        var sc = 1 + 0.045 * cBarP;
        var sh = 1 + 0.015 * cBarP * t;
        var rt = -Math.Sin(Radians(2 * dTheta)) * rc;

        double lTerm = dLp / sl, cTerm = dCp / sc, hTerm = dHp / sh;
        return Math.Sqrt(lTerm * lTerm + cTerm * cTerm + hTerm * hTerm + rt * cTerm * hTerm);
    }

    // Hue angle in degrees, 0–360; 0 for a neutral (Sharma eq. 7).
    private static double Hue(double b, double ap)
    {
        if (b == 0 && ap == 0) return 0;
        var h = Math.Atan2(b, ap) * 180 / Math.PI;
        return h < 0 ? h + 360 : h;
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}
