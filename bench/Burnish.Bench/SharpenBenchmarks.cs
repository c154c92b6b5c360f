using BenchmarkDotNet.Attributes;
using Burnish.Imaging;
using Burnish.Metrics;
using Burnish.Stages.Sharpen;
using NetVips;
using Burnish.Stages;

namespace Burnish.Bench;

/// <summary>
/// Output sharpening on a 4096² image of 16-bit values (held as float 0–1, Display P3), at the radius the stage
/// gives a 4096-px screen copy (σ 0.97). Baseline: libvips' own sharpen on the same pixels as a 16-bit image (it
/// sharpens L in LabS, with its own curve instead of a guard). Ours: the Vector256 L* kernel alone, its scalar
/// reference, the halo meter, and the whole stage (LittleCMS float Lab both ways, kernel, meter, changed pixels back).
/// </summary>
[MemoryDiagnoser]
public class SharpenBenchmarks
{
    private const int Size = 4096;
    private static readonly SharpenTarget Target = new("web-4096", Size, Size, 72, IsPrint: false);

    private WorkImage image = null!;
    private Image ushortImage = null!;
    private float[] lightness = null!;
    private float[] sharpened = null!;
    private UnsharpSettings settings;

    [GlobalSetup]
    public void Setup()
    {
        Cache.Max = 0;
        // Smooth gradients, hard-edged blocks and grain: every path of the kernel (gate off, gate on, guard) does work.
        var xy = Image.Xyz(Size, Size);
        var blocks = ((xy[0] / 256).Cast(Enums.BandFormat.Int) + (xy[1] / 256).Cast(Enums.BandFormat.Int)) % 2 * 0.3;
        var grain = Image.Gaussnoise(Size, Size, mean: 0, sigma: 0.01, seed: 7);
        var r = xy[0] / (double)Size * 0.6 + blocks + grain;
        var g = xy[1] / (double)Size * 0.6 + blocks;
        var b = (xy[0] + xy[1]) / (2.0 * Size) * 0.5 + grain + 0.2;
        var card = r.Bandjoin(g, b).Cast(Enums.BandFormat.Float);
        var sixteen = ColourSpaces.Quantise16(card).CopyMemory();
        image = new WorkImage((sixteen.Cast(Enums.BandFormat.Float) * (1.0 / 65535)).Copy(interpretation: Enums.Interpretation.Rgb).CopyMemory(), ShippedProfiles.DisplayP3);
        ushortImage = sixteen.Copy(interpretation: Enums.Interpretation.Rgb16);

        lightness = ColourSpaces.ToLab(image)[0].WriteToMemory<float>();
        sharpened = new float[lightness.Length];
        settings = UnsharpSettings.For(SharpenRadius.For(Target, SharpenParams.Default), SharpenParams.Default);
        UnsharpMask.Apply(lightness, null, sharpened, Size, Size, settings);
    }

    [Benchmark(Baseline = true, Description = "libvips sharpen (LabS, 16-bit)")]
    public double VipsSharpen() => ushortImage.Sharpen(sigma: settings.Sigma).Avg();

    [Benchmark(Description = "Burnish L* kernel, Vector256")]
    public float Kernel()
    {
        UnsharpMask.Apply(lightness, null, sharpened, Size, Size, settings);
        return sharpened[Size * Size / 2];
    }

    [Benchmark(Description = "Burnish L* kernel, scalar reference")]
    public float KernelScalar()
    {
        var result = new float[lightness.Length];
        UnsharpMask.ApplyScalar(lightness, null, result, Size, Size, settings);
        return result[Size * Size / 2];
    }

    [Benchmark(Description = "Burnish halo meter, Vector256")]
    public double Meter() => HaloMeter.Measure(lightness, sharpened, null, Size, Size, settings.Window).AcutanceGain;

    [Benchmark(Description = "Burnish sharpen stage (LittleCMS Lab both ways)")]
    public double Stage() => Sharpen.ForDestination(image, SharpenParams.Default, Target).Image.Pixels.Avg();
}
