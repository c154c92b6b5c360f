using Burnish.Imaging;

namespace Burnish.Stages.Grade;

/// <summary>Per-pixel colour operations on linear BT.2020 RGB(A) buffers, in place, parallel over rows.</summary>
public static class ColourKernels
{
    /// <summary>BT.2020 luminance weights (ITU-R BT.2020, Table 4).</summary>
    public const float Kr = 0.2627f, Kg = 0.6780f, Kb = 0.0593f;

    public static float Luminance(float r, float g, float b) => Kr * r + Kg * g + Kb * b;

    /// <summary>Multiplies every pixel's RGB by <paramref name="m"/> (white balance and exposure).</summary>
    public static void Transform(PixelBuffer buffer, Matrix3 m, CancellationToken cancel = default)
    {
        float a = (float)m.M00, b = (float)m.M01, c = (float)m.M02, d = (float)m.M10, e = (float)m.M11, f = (float)m.M12, g = (float)m.M20, h = (float)m.M21, k = (float)m.M22;
        var bands = buffer.Bands;
        buffer.ForEachRowBlock((start, end) =>
        {
            for (var y = start; y < end; y++)
            {
                var row = buffer.Row(y);
                for (var i = 0; i + 2 < row.Length; i += bands)
                {
                    float r = row[i], gr = row[i + 1], bl = row[i + 2];
                    row[i] = a * r + b * gr + c * bl;
                    row[i + 1] = d * r + e * gr + f * bl;
                    row[i + 2] = g * r + h * gr + k * bl;
                }
            }
        }, cancel);
    }

    /// <summary>
    /// Split toning, saturation and vibrance in one pass. Every change is a chroma offset with zero luminance,
    /// so luminance is kept exactly: split toning adds Y·w·(tint/Y(tint) − 1), saturation scales RGB − Y.
    /// </summary>
    public static void SplitToneAndSaturation(PixelBuffer buffer, SplitToneParams split, double saturation, double vibrance, CancellationToken cancel = default)
    {
        var (sr, sg, sb) = TintDirection(split.Shadows.Hue);
        var (hr, hg, hb) = TintDirection(split.Highlights.Hue);
        float shadowAmount = (float)split.Shadows.Amount, highlightAmount = (float)split.Highlights.Amount;
        var weights = Weights.For(split.Balance);
        float sat = (float)(1 + saturation), vib = (float)vibrance;
        var bands = buffer.Bands;
        buffer.ForEachRowBlock((start, end) =>
        {
            for (var y = start; y < end; y++)
            {
                var row = buffer.Row(y);
                for (var i = 0; i + 2 < row.Length; i += bands)
                {
                    float r = row[i], g = row[i + 1], b = row[i + 2];
                    var lum = Luminance(r, g, b);
                    if (shadowAmount != 0 || highlightAmount != 0)
                    {
                        var (ws, wh) = weights.At(lum);
                        float s = lum * shadowAmount * ws, h = lum * highlightAmount * wh;
                        r += s * sr + h * hr;
                        g += s * sg + h * hg;
                        b += s * sb + h * hb;
                    }
                    var gain = sat;
                    if (vib != 0) gain *= 1 + vib * Muted(r, g, b) * (1 - 0.7f * Skin(r, g, b));
                    if (gain != 1)
                    {
                        r = lum + gain * (r - lum);
                        g = lum + gain * (g - lum);
                        b = lum + gain * (b - lum);
                    }
                    row[i] = r;
                    row[i + 1] = g;
                    row[i + 2] = b;
                }
            }
        }, cancel);
    }

    /// <summary>The zero-luminance offset towards a hue: c/Y(c) − 1 for the fully saturated colour c of that hue.</summary>
    public static (float R, float G, float B) TintDirection(double hueDegrees)
    {
        var (r, g, b) = HueToRgb(hueDegrees);
        var lum = Luminance(r, g, b);
        return (r / lum - 1, g / lum - 1, b / lum - 1);
    }

    // How little colour a pixel has: 1 for grey, 0 for a fully saturated one (HSV saturation, inverted).
    private static float Muted(float r, float g, float b)
    {
        var max = MathF.Max(r, MathF.Max(g, b));
        if (max <= 0) return 1;
        var min = MathF.Min(r, MathF.Min(g, b));
        var s = (max - min) / max;
        var m = 1 - Math.Clamp(s, 0, 1);
        return m * m;
    }

    // Skin tones sit between red and yellow with R > G > B; weight by how close the hue fraction is to theirs.
    private static float Skin(float r, float g, float b)
    {
        if (!(r > g && g > b)) return 0;
        var f = (g - b) / (r - b); // 0 = red, 1 = yellow, in linear light skin lands near 0.3
        var d = (f - 0.3f) / 0.15f;
        return MathF.Exp(-d * d);
    }

    private static (float R, float G, float B) HueToRgb(double hue)
    {
        var h = (hue % 360 + 360) % 360 / 60;
        var x = (float)(1 - Math.Abs(h % 2 - 1));
        return (int)h switch
        {
            0 => (1, x, 0),
            1 => (x, 1, 0),
            2 => (0, 1, x),
            3 => (0, x, 1),
            4 => (x, 0, 1),
            _ => (1, 0, x),
        };
    }

    /// <summary>Shadow and highlight weights against luminance, tabulated on perceptual lightness.</summary>
    public sealed class Weights(float[] shadows, float[] highlights)
    {
        private const int Size = 4096;

        public (float Shadow, float Highlight) At(float lum)
        {
            var f = Math.Clamp(lum, 0, 1) * Size;
            var i = Math.Min((int)f, Size - 1);
            var t = f - i;
            return (shadows[i] + (shadows[i + 1] - shadows[i]) * t, highlights[i] + (highlights[i + 1] - highlights[i]) * t);
        }

        public static Weights For(double balance)
        {
            var s = new float[Size + 1];
            var h = new float[Size + 1];
            // Balance moves the crossover: −1 pushes it up (more of the image counts as shadow), +1 down.
            var mid = 0.5 + 0.25 * balance;
            for (var i = 0; i <= Size; i++)
            {
                var l = ToneCurve.Encode((double)i / Size);
                var t = Math.Clamp(l < mid ? 0.5 * l / mid : 0.5 + 0.5 * (l - mid) / (1 - mid), 0, 1);
                s[i] = (float)((1 - t) * (1 - t));
                h[i] = (float)(t * t);
            }
            return new Weights(s, h);
        }
    }


    /// <summary>Share of pixels whose channels are all at black, and whose brightest channel is at or over white.</summary>
    public static (double Shadows, double Highlights) Clipping(PixelBuffer buffer)
    {
        var (shadows, highlights) = ClippedPixels(buffer);
        double n = (double)buffer.Width * buffer.Height;
        return (shadows / n, highlights / n);
    }

    /// <summary>The counts behind <see cref="Clipping"/>: pixels with all channels at black, and with the brightest at or over white.</summary>
    public static (long Shadows, long Highlights) ClippedPixels(PixelBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        // Black: under half a level of 8-bit sRGB (0.5/255 encoded ≈ 1.5e-4 linear); white: at or over 1.
        const float Black = 1.5e-4f, White = 0.9999f;
        long shadows = 0, highlights = 0;
        var bands = buffer.Bands;
        var gate = new object();
        buffer.ForEachRowBlock((start, end) =>
        {
            long s = 0, h = 0;
            for (var y = start; y < end; y++)
            {
                var row = buffer.Row(y);
                for (var i = 0; i + 2 < row.Length; i += bands)
                {
                    var max = MathF.Max(row[i], MathF.Max(row[i + 1], row[i + 2]));
                    if (max <= Black) s++;
                    else if (max >= White) h++;
                }
            }
            lock (gate) { shadows += s; highlights += h; }
        });
        return (shadows, highlights);
    }
}
