using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Burnish.Stages.Grade.Film;

/// <summary>
/// CIE 1976 lightness L* scaled to 0–1 (L*/100), from relative luminance Y (linear, 1 = diffuse white):
/// L = 1.16·∛Y − 0.16 for Y &gt; (6/29)³, else L = (24389/2700)·Y (CIE 15:2004, the linear toe near black).
/// The film kernels use it as their perceptual scale: equal steps of L look equally large from black to white,
/// which linear light does not.
/// </summary>
public static class Lightness
{
    private const double Epsilon = 216.0 / 24389.0; // (6/29)³
    private const double Slope = 24389.0 / 2700.0;  // κ/100, κ = (29/3)³
    private const double LinearBelow = 0.08;        // κ·ε/100: where the toe meets the cube root

    /// <summary>L*/100 of relative luminance <paramref name="y"/>; negative Y follows the linear toe.</summary>
    public static double FromLinear(double y) => y > Epsilon ? 1.16 * Math.Cbrt(y) - 0.16 : Slope * y;

    /// <summary>The inverse of <see cref="FromLinear(double)"/>.</summary>
    public static double ToLinear(double l)
    {
        if (l <= LinearBelow) return l / Slope;
        var t = (l + 0.16) / 1.16;
        return t * t * t;
    }

    // The vector forms below use only IEEE add, multiply, divide and compare, never fused multiply-add, so every
    // lane gives the same bits on every machine, with or without AVX2; that is what makes grain reproducible.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> FromLinear(Vector256<float> y)
    {
        var high = Vector256.Create(1.16f) * Cbrt(Vector256.Max(y, Vector256.Create((float)Epsilon))) - Vector256.Create(0.16f);
        var low = y * Vector256.Create((float)Slope);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256.Create((float)Epsilon)), high, low);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ToLinear(Vector256<float> l)
    {
        var t = (l + Vector256.Create(0.16f)) * Vector256.Create((float)(1 / 1.16));
        var high = t * t * t;
        var low = l * Vector256.Create((float)(1 / Slope));
        return Vector256.ConditionalSelect(Vector256.GreaterThan(l, Vector256.Create((float)LinearBelow)), high, low);
    }

    /// <summary>
    /// Cube root of positive finite values: an exponent-thirding guess on the float's bits (a few per cent off),
    /// then two Halley steps x ← x·(x³ + 2v)/(2x³ + v), each cubing the relative error, to float precision.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Cbrt(Vector256<float> v)
    {
        var bits = Vector256.ConvertToSingle(v.AsInt32()) * Vector256.Create(1f / 3);
        var x = (Vector256.ConvertToInt32(bits) + Vector256.Create(0x2a5137a0)).AsSingle();
        var cube = x * x * x;
        x = x * (cube + v + v) / (cube + cube + v);
        cube = x * x * x;
        x = x * (cube + v + v) / (cube + cube + v);
        return x;
    }
}
