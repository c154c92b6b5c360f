using Burnish.Detection;
using Burnish.Imaging;
using NetVips;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Detection;

/// <summary>
/// Face masks outlined by the face mesh, on real images: the astronaut (skimage, a frontal photo, face boxed by eye at
/// [180, 85, 90, 90], brows to chin), the five children, and the SDXL-Turbo fox (an animal BlazeFace scores as a face).
/// </summary>
[Collection("face-detector")]
public class FaceMeshTests(FaceDetectorFixture fixture, ITestOutputHelper output)
{
    private readonly FaceDetector detector = fixture.Detector;

    private static WorkImage Load(params string[] path) => ImageLoader.Load(Fixtures.PathOf(path), LoadLimits.Default).Image;

    private (WorkImage Image, DetectedFace Face) Astronaut()
    {
        var image = Load("faces", "astronaut.jpg");
        var face = Assert.Single(detector.Detect(image, FaceMaskParams.Default));
        output.WriteLine($"{face.Box} score {face.Score:0.000} mesh {face.MeshScore:0.000}");
        Assert.Equal("mesh", face.Outline);
        return (image, face);
    }

    private static float[] Mask(DetectedFace face, WorkImage image, FacePart part)
    {
        using var mask = FaceMasks.Rasterise([face], image.Width, image.Height, part);
        return Fixtures.Pixels(mask);
    }

    private static float At(float[] mask, int width, Point2 p) => mask[(int)Math.Round(p.Y) * width + (int)Math.Round(p.X)];

    [Fact]
    public void TheOvalCoversTheLabelledFaceAndStopsAtTheHair()
    {
        var (image, face) = Astronaut();
        var mask = Mask(face, image, FacePart.Face);
        int w = image.Width;
        var label = new Box(180, 85, 90, 90);
        // Inside: the ellipse inscribed in the hand-drawn box (brows to chin, cheek to cheek), all of it masked.
        var inside = new Ellipse(new Point2(label.X + label.Width / 2, label.Y + label.Height / 2), 0.45 * label.Width, 0.45 * label.Height, 0);
        var (covered, total) = (0, 0);
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < w; x++)
                if (inside.Contains(x + 0.5, y + 0.5)) { total++; if (mask[y * w + x] >= 0.5f) covered++; }
        output.WriteLine($"inscribed ellipse: {covered} of {total} px masked");
        Assert.Equal(total, covered);
        // Outside: nothing beyond the box grown by a tenth of its size at the sides and chin, and by a fifth of its
        // height at the top (the oval runs up the forehead to the hairline, which the brows-to-chin box leaves out;
        // measured 13 px, 0.14 of it).
        double left = double.MaxValue, right = 0, top = double.MaxValue, bottom = 0;
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < w; x++)
                if (mask[y * w + x] >= 0.5f) (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x + 1), Math.Min(top, y), Math.Max(bottom, y + 1));
        output.WriteLine($"mask spans x {left}–{right}, y {top}–{bottom}; label x {label.X}–{label.Right}, y {label.Y}–{label.Bottom}");
        Assert.InRange(left, label.X - 0.1 * label.Width, label.X + 0.1 * label.Width);
        Assert.InRange(right, label.Right - 0.1 * label.Width, label.Right + 0.1 * label.Width);
        Assert.InRange(bottom, label.Bottom - 0.1 * label.Height, label.Bottom + 0.1 * label.Height);
        Assert.InRange(top, label.Y - 0.2 * label.Height, label.Y);
        // The hair above the forehead and beside the temples, read off the photo, stays out.
        foreach (var hair in new Point2[] { new(225, 50), new(170, 110), new(283, 110) })
            Assert.Equal(0f, At(mask, w, hair));
    }

    [Fact]
    public void TheEyesMaskHoldsBothEyesWithTheirLidsAndIsSmall()
    {
        var (image, face) = Astronaut();
        var mesh = face.Mesh!;
        var eyes = Mask(face, image, FacePart.Eyes);
        var oval = Mask(face, image, FacePart.Face);
        int w = image.Width;
        // Every point of both lid margins (MediaPipe's first eye rings) and BlazeFace's own eye points are masked.
        int[] lidMargins = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173,
                            263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398];
        foreach (var i in lidMargins) Assert.True(At(eyes, w, mesh.Points[i]) >= 0.5f, $"eye landmark {i} at {mesh.Points[i]} is not masked");
        Assert.Equal(1f, At(eyes, w, face.RightEye));
        Assert.Equal(1f, At(eyes, w, face.LeftEye));
        // The brows' middles, the nose tip and the mouth are not.
        foreach (var i in new[] { 105, 334, 1, 13 }) Assert.Equal(0f, At(eyes, w, mesh.Points[i]));
        var (eyeArea, ovalArea) = (eyes.Sum(), oval.Sum());
        output.WriteLine($"eyes {eyeArea:0} px, oval {ovalArea:0} px ({eyeArea / ovalArea:P1})");
        // Small: two eyes with lids are about a tenth of a frontal face; an eye mask that took the brows or the cheeks would be twice that.
        Assert.InRange(eyeArea / ovalArea, 0.03, 0.12);
    }

    [Fact]
    public void SkinLeavesEyesBrowsAndLipsOutAndKeepsTheCheeks()
    {
        var (image, face) = Astronaut();
        var mesh = face.Mesh!;
        var skin = Mask(face, image, FacePart.Skin);
        int w = image.Width;
        // Every landmark on the eye rings, brows and outer lips, which includes the lash line and the lip line, is not skin.
        foreach (var ring in new[] { FaceLandmarks.RightEye, FaceLandmarks.LeftEye, FaceLandmarks.RightBrow, FaceLandmarks.LeftBrow, FaceLandmarks.Lips })
            foreach (var i in ring)
                Assert.True(At(skin, w, mesh.Points[i]) == 0f, $"landmark {i} at {mesh.Points[i]} is skin ({At(skin, w, mesh.Points[i])})");
        Assert.Equal(0f, At(skin, w, face.RightEye));
        Assert.Equal(0f, At(skin, w, face.Mouth));
        // Both cheeks (MediaPipe's 205 and 425), the forehead (151) and the chin (199) are.
        foreach (var i in new[] { 205, 425, 151, 199 }) Assert.Equal(1f, At(skin, w, mesh.Points[i]));
    }

    [Fact]
    public void AFaceTheMeshCannotFitKeepsItsEllipseAndTheSidecarSaysSo()
    {
        // The SDXL-Turbo fox: BlazeFace scores its face 0.80, the face mesh 0.002.
        var image = Load("textmask", "sdxl-turbo-fox.jpg");
        var fox = Assert.Single(detector.Detect(image, FaceMaskParams.Default));
        output.WriteLine($"{fox.Box} score {fox.Score:0.000} mesh {fox.MeshScore:0.000}");
        Assert.True(fox.MeshScore < FaceMaskParams.Default.MeshScore);
        Assert.Null(fox.Mesh);
        Assert.Equal("ellipse", fox.Outline);
        var region = Assert.Single(AutoRegions.Faces([fox], FacePart.Face, image.Width, image.Height));
        Assert.Equal("ellipse", region.Outline);
        Assert.Equal(fox.MeshScore!.Value, region.MeshScore!.Value, 3);
        // Its masks are the ellipses of its box and key points, to the pixel, as a face found with the mesh off.
        var ellipse = new DetectedFace(fox.Box, fox.Score, fox.KeyPoints);
        foreach (var part in Enum.GetValues<FacePart>())
            Assert.Equal(Mask(ellipse, image, part), Mask(fox, image, part));
        // With the mesh off the detector finds the same fox (its box differs a little: the weaker candidates the mesh
        // might confirm, down to confirm_score, are not decoded then, so they do not join the weighted merge).
        var plain = Assert.Single(detector.Detect(image, FaceMaskParams.Default with { Mesh = false }));
        Assert.Null(plain.MeshScore);
        Assert.True(plain.Box.IoU(fox.Box) > 0.9, $"{plain.Box} against {fox.Box}");

        // The children's five faces all take the mesh, and the sidecar says so.
        var children = Load("faces", "children.jpg");
        var regions = AutoRegions.Faces(detector.Detect(children, FaceMaskParams.Default), FacePart.Face, children.Width, children.Height).ToList();
        Assert.Equal(5, regions.Count);
        Assert.All(regions, r => Assert.Equal("mesh", r.Outline));
        Assert.All(regions, r => Assert.True(r.MeshScore >= 0.9));
    }

    [Fact]
    public void TheFeatheredOvalFollowsTheMeshAndItsReachHoldsTheFeather()
    {
        var (image, face) = Astronaut();
        const double sigma = 6;
        var (x, y, rw, rh) = FaceFeather.Reach(face, sigma, image.Width, image.Height);
        var weight = FaceFeather.Oval(face, x, y, rw, rh, sigma);
        // The feather dies out inside the reach: its outermost ring is 0 (libvips' gaussian reaches 3.03 σ).
        for (var i = 0; i < rw; i++) Assert.True(weight[i] < 1e-3 && weight[(rh - 1) * rw + i] < 1e-3);
        for (var j = 0; j < rh; j++) Assert.True(weight[j * rw] < 1e-3 && weight[j * rw + rw - 1] < 1e-3);
        // Deep inside the oval (the nose tip) the weight is 1; on the oval's edge about half.
        var nose = face.Mesh!.Points[1];
        Assert.InRange(weight[((int)nose.Y - y) * rw + (int)nose.X - x], 0.999f, 1f);
        var chin = face.Mesh.Points[152];
        Assert.InRange(weight[((int)Math.Round(chin.Y) - y) * rw + (int)Math.Round(chin.X) - x], 0.3f, 0.7f);
    }

    [Fact]
    public void APolygonsAntialiasedCoverageAddsUpToItsArea()
    {
        // A 20×20 square on quarter-pixel edges, and a triangle: coverage sums to the area, the edge ramps over one pixel.
        var square = new Polygon([new(10.25, 10.25), new(30.25, 10.25), new(30.25, 30.25), new(10.25, 30.25)]);
        var raster = new float[40 * 40];
        square.Paint(40, 40, 0, (i, c) => raster[i] = c);
        Assert.Equal(400, raster.Sum(), 0.5);
        Assert.Equal(0.75f, raster[20 * 40 + 10], 3);
        Assert.Equal(0.25f, raster[20 * 40 + 30], 3);
        var triangle = new Polygon([new(5, 5), new(35, 5), new(5, 35)]);
        Array.Clear(raster);
        triangle.Paint(40, 40, 0, (i, c) => raster[i] = c);
        Assert.Equal(450, raster.Sum(), 450 * 0.01);
        // Grown by 2 px, the square's sides move out by 2: area (20 + 4)² less the rounded corners' 4 − π of 2².
        Array.Clear(raster);
        square.Paint(40, 40, 2, (i, c) => raster[i] = c);
        Assert.Equal(24 * 24 - (4 - Math.PI) * 4, raster.Sum(), 1.5);
    }

    [Fact]
    public void AdmitKeepsConfirmedFacesBelowTheScoreButNoSecondBoxOnAFace()
    {
        static DetectedFace F(double x, double score, double? mesh) =>
            new(new Box(x, 100, 50, 50), score, [new(x + 15, 115), new(x + 35, 115), new(x + 25, 125), new(x + 25, 135), new(x, 120), new(x + 50, 120)]) { MeshScore = mesh };
        var p = FaceMaskParams.Default;
        var strong = F(0, 0.9, 1.0);
        var confirmed = F(200, 0.65, 0.9);
        var doubted = F(400, 0.7, 0.5);          // the mesh does not confirm it
        var tooWeak = F(600, 0.55, 1.0);         // below confirm_score
        var onStrong = F(10, 0.7, 0.95);         // a second box on the strong face
        var noMesh = F(800, 0.7, null);          // mesh off: nothing to confirm with
        var kept = FaceMesh.Admit([strong, confirmed, doubted, tooWeak, onStrong, noMesh], p);
        Assert.Equal([strong, confirmed], kept);
        Assert.Equal([strong], FaceMesh.Admit([strong, confirmed], p with { ConfirmScore = p.MinScore }));
    }
}
