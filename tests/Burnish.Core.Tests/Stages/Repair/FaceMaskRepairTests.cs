using Burnish.Core.Tests.Detection;
using Burnish.Core.Tests.Stages.Repair.TextMask;
using Burnish.Detection;
using Burnish.Imaging;
using Burnish.Stages.Repair;
using Burnish.Stages.Repair.TextMask;
using NetVips;
using RepairStage = Burnish.Stages.Repair.Repair;

namespace Burnish.Core.Tests.Stages.Repair;

/// <summary>
/// <c>auto: face</c> in a repair pass, and the face veto of <c>auto: text</c>, on the astronaut photo
/// (fixtures/faces/SOURCES.md) and the tree fixture, which has no face.
/// </summary>
[Collection("face-detector")]
public class FaceMaskRepairTests(FaceDetectorFixture faces)
{
    private static WorkImage Load(params string[] path) => ImageLoader.Load(Fixtures.PathOf(path), LoadLimits.Default).Image;

    [Fact]
    public void AutoFaceRepairsOnlyThePartAndRecordsTheFace()
    {
        var image = Load("faces", "astronaut.jpg");
        var pass = new RepairPass { Auto = AutoMask.Face, Face = new FaceMaskParams { Part = FacePart.Eyes }, Method = RepairMethod.Telea };
        var (result, report) = RepairStage.Apply(image, RepairPlan.Load([pass], faceDetector: () => faces.Detector));
        var record = Assert.Single(report.Passes);
        var region = Assert.Single(record.Regions!);
        Assert.Equal("face", region.Kind);
        Assert.True(region.Score >= 0.75);
        // The box is the face's, in whole pixels; the pixels are the eyes' (the face mesh's two eye rings, lids included).
        Assert.InRange(region.Box[2], 80, 130);
        Assert.Equal("mesh", region.Outline);
        var eyes = Fixtures.Pixels(FaceMasks.Rasterise(faces.Detector.Detect(image, FaceMaskParams.Default), image.Width, image.Height, FacePart.Eyes));
        Assert.Equal(eyes.Count(v => v > 0.5f), region.Pixels);
        Assert.Equal("auto face", record.Source);
        // Outside the eyes nothing moves, bit for bit; inside, Telea rebuilt them.
        var before = RepairImages.Pixels(image);
        var after = RepairImages.Pixels(result);
        long changedInside = 0;
        for (var i = 0; i < eyes.Length; i++)
        {
            var same = Enumerable.Range(0, 3).All(c => before[i * 3 + c] == after[i * 3 + c]);
            if (eyes[i] <= 0f) Assert.True(same, $"pixel {i % image.Width},{i / image.Width} outside the eyes changed");
            else if (!same) changedInside++;
        }
        Assert.True(changedInside > region.Pixels / 2, $"only {changedInside} of {region.Pixels} eye pixels changed");
    }

    [Fact]
    public void AnImageWithoutAFaceIsAWarningNotAnError()
    {
        var image = Load("tree_alpha_16bit.png");
        var (result, report) = RepairStage.Apply(image, RepairPlan.Load([new RepairPass { Auto = AutoMask.Face }], faceDetector: () => faces.Detector));
        Assert.Contains("repair pass 1: no face found; nothing repaired", report.Warnings);
        Assert.Empty(report.Passes[0].Regions!);
        Assert.Equal(RepairImages.Pixels(image), RepairImages.Pixels(result));
    }

    [Fact]
    public void TextOnAFaceIsLeftAloneUnlessTheUserAsks()
    {
        // A caption written across the astronaut's face: the text detector finds it; the veto keeps the face.
        var image = Load("faces", "astronaut.jpg");
        var caption = Image.Text("<b>SAMPLE</b>", font: "DejaVu Sans 40", dpi: 72);
        var ink = caption.Cast(Enums.BandFormat.Float) / 255.0;
        var (x, y) = (150, 110);
        Assert.Equal(Enums.BandFormat.Float, image.Pixels.Format); // pixels travel as float, 0–1
        var placed = ink.Embed(x, y, image.Width, image.Height);
        var written = image.WithPixels((image.Pixels * (1 - placed) + placed).Cast(Enums.BandFormat.Float));
        using var text = TextDetector.FromCache(Models.TestModels.Cache);
        var ovals = Fixtures.Pixels(FaceMasks.Rasterise(faces.Detector.Detect(written, FaceMaskParams.Default), image.Width, image.Height, FacePart.Face));

        long OnFace(RepairPass pass)
        {
            var plan = RepairPlan.Load([pass], textDetector: () => text, faceDetector: () => faces.Detector);
            var (result, report) = RepairStage.Apply(written, plan);
            var before = RepairImages.Pixels(written);
            var after = RepairImages.Pixels(result);
            return Enumerable.Range(0, ovals.Length).Count(i => ovals[i] > 0.5f && Enumerable.Range(0, 3).Any(c => before[i * 3 + c] != after[i * 3 + c]));
        }

        Assert.Equal(0, OnFace(new RepairPass { Auto = AutoMask.Text, Method = RepairMethod.Telea }));
        Assert.True(OnFace(new RepairPass { Auto = AutoMask.Text, Text = TextMaskParams.Default with { ProtectFaces = false }, Method = RepairMethod.Telea }) > 500);
    }
}
