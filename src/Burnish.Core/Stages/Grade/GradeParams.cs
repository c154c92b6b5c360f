using Burnish.Stages.Grade.Film;
using Burnish.Stages.Grade.Lut;
using Burnish.Schema;

namespace Burnish.Stages.Grade;

/// <summary>
/// The grade: every control is a light touch or off by default, so an empty <c>grade:</c> is the identity.
/// Order of operations (fixed): white balance and exposure (linear light) → tone curve (perceptual) →
/// split toning → saturation and vibrance → LUT (sRGB-encoded) → halation → grain (linear light).
/// </summary>
[Presets("Burnish.Grade.Presets", "neutral", "polished", "warm-golden", "cool-moody", "cinematic-split", "soft-film")]
public sealed record GradeParams : ISelfValidating
{
    [Doc("A look to start from: neutral, polished (the shipped presets' default), warm-golden, cool-moody, cinematic-split, soft-film, or a path to a YAML file of grade keys. The other keys override it.")]
    public string? Preset { get; init; }

    [Doc("White balance, as a chromatic adaptation (Bradford) in linear light.")]
    public WhiteBalanceParams WhiteBalance { get; init; } = new();

    [Doc("Exposure in stops, in linear light.")]
    [Range(-5, 5)]
    public double Exposure { get; init; }

    [Doc("Tone curve, in a perceptual (sRGB-encoded) scale.")]
    public ToneParams Tone { get; init; } = new();

    [Doc("Split toning: tint shadows and highlights, weighted by luminance ((1−t)² and t² of encoded lightness t); luminance is kept exactly.")]
    public SplitToneParams SplitTone { get; init; } = new();

    [Doc("Saturation: scales chroma around luminance; −1 is grey, 0 unchanged, +1 doubles chroma.")]
    [Range(-1, 1)]
    public double Saturation { get; init; }

    [Doc("Vibrance: like saturation, but weighted by (1 − HSV saturation)², so less saturated colours move more, and 70 % less on skin hues.")]
    [Range(-1, 1)]
    public double Vibrance { get; init; }

    [Doc("A creative LUT (.cube or HaldCLUT), applied to sRGB-encoded values after the colour controls with tetrahedral interpolation (matches ffmpeg lut3d within 1/255). It is read and checked before any image is touched; errors name the file and line. Relative paths are from the current folder.")]
    public LutParams? Lut { get; init; }

    [Doc("Halation: a red-orange glow around highlights, in linear light, as light reflected back through the film. Left out: none; halation: {} is a subtle glow.")]
    public HalationParams? Halation { get; init; }

    [Doc("Film grain in perceptual lightness, strongest in the midtones, mean light kept, the same for the same seed. Left out: none; grain: {} is barely visible.")]
    public GrainParams? Grain { get; init; }

    public IEnumerable<(string? Key, string Message)> Problems() => Tone.CurveProblems().Select(m => ((string?)"tone", m));
}

/// <summary>Chromatic adaptation from D65 to a white of another colour temperature and tint.</summary>
public sealed record WhiteBalanceParams
{
    [Doc("Warmth as a shift in mireds (10⁶/K) away from D65 along the CIE daylight locus: +10 is warmer (≈ 6500 K → 6100 K), −10 cooler. 0 leaves greys exactly neutral. White's brightest channel is kept at 1, so warming calms blue rather than clipping red.")]
    [Range(-100, 95)]
    public double Temperature { get; init; }

    [Doc("Green–magenta shift across the daylight locus, in thousandths of Δuv (CIE 1960): + is magenta, − is green.")]
    [Range(-50, 50)]
    public double Tint { get; init; }
}

/// <summary>The tone curve: a soft S around mid-grey, free points, and a filmic black lift and white point.</summary>
public sealed record ToneParams
{
    [Doc("S-curve contrast around mid-grey (18 % grey, 0.46 encoded); the slope at the pivot is 1 + contrast: 0 is none, 0.2 gentle, −0.3 flattens.")]
    [Range(-0.5, 1)]
    public double Contrast { get; init; }

    [Doc("Filmic fade: black is raised to this level (encoded), the deepest shadows lifted most.")]
    [Range(0, 0.3)]
    public double BlackLift { get; init; }

    [Doc("The level (encoded) that white is brought down to: below 1 softens the highlights.")]
    [Range(0.5, 1)]
    public double WhitePoint { get; init; } = 1;

    [Doc("Free control points [[x, y], …] in 0–1 (encoded), joined by a monotone cubic (Fritsch–Carlson, no overshoot). (0,0) and (1,1) are added when missing.")]
    public IReadOnlyList<IReadOnlyList<double>>? Curve { get; init; }

    internal IEnumerable<string> CurveProblems()
    {
        if (Curve is null) yield break;
        for (var i = 0; i < Curve.Count; i++)
        {
            var p = Curve[i];
            if (p.Count != 2) { yield return $"curve point {i} has {p.Count} numbers; each is [x, y]"; continue; }
            if (p[0] is < 0 or > 1 || p[1] is < 0 or > 1) yield return $"curve point {i} [{p[0]}, {p[1]}] is outside 0–1";
            if (i > 0 && Curve[i - 1].Count == 2 && p[0] <= Curve[i - 1][0]) yield return $"curve point {i}: x must increase ({p[0]} after {Curve[i - 1][0]})";
        }
    }
}

/// <summary>A tint: hue in degrees (0 red, 30 orange, 60 yellow, 180 cyan, 220 teal-blue) and how much of it.</summary>
public sealed record HueAmount
{
    [Doc("Hue in degrees: 0 red, 30 orange, 60 yellow, 120 green, 180 cyan, 220 blue, 300 magenta.")]
    [Range(0, 360)]
    public double Hue { get; init; }

    [Doc("How strong the tint is: 0 none, 0.1 subtle, 0.3 strong.")]
    [Range(0, 1)]
    public double Amount { get; init; }
}

/// <summary>Split toning, weighted by luminance, preserving luminance.</summary>
public sealed record SplitToneParams
{
    [Doc("Tint of the shadows.")]
    public HueAmount Shadows { get; init; } = new() { Hue = 220 };

    [Doc("Tint of the highlights.")]
    public HueAmount Highlights { get; init; } = new() { Hue = 40 };

    [Doc("Where shadows end and highlights begin: −1 favours the shadow tint, +1 the highlight tint.")]
    [Range(-1, 1)]
    public double Balance { get; init; }
}
