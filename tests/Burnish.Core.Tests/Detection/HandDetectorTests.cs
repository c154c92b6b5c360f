using Burnish.Core.Tests.Models;
using Burnish.Detection;
using Burnish.Detection.Hands;
using Burnish.Imaging;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Detection;

/// <summary>The palm and landmark models from the shared test model cache, loaded once for every hand test.</summary>
public sealed class HandDetectorFixture : IDisposable
{
    public HandDetector Detector { get; } = HandDetector.FromCache(TestModels.Cache);

    public void Dispose() => Detector.Dispose();
}

[CollectionDefinition("hand-detector")]
public sealed class HandDetectorCollection : ICollectionFixture<HandDetectorFixture>;

/// <summary>
/// Hands on real photos (fixtures/hands and fixtures/faces, see their SOURCES.md) against boxes drawn by eye around
/// each whole hand, wrist to finger tips. A hand is found when all 21 landmarks lie inside its box, grown by a tenth
/// of its size (the wrist point sits on the forearm's end, which a box drawn by eye may cut a little short).
/// </summary>
[Collection("hand-detector")]
public class HandDetectorTests(HandDetectorFixture fixture, ITestOutputHelper output)
{
    private readonly HandDetector detector = fixture.Detector;

    private static WorkImage Load(params string[] path) => ImageLoader.Load(Fixtures.PathOf(path), LoadLimits.Default).Image;

    private IReadOnlyList<DetectedHand> Detect(WorkImage image, HandMaskParams? p = null)
    {
        var hands = detector.Detect(image, p ?? HandMaskParams.Default);
        foreach (var h in hands) output.WriteLine($"{h.Box} presence {h.Presence:0.000} palm {h.PalmScore:0.000}");
        return hands;
    }

    [Fact]
    public void BothHandsOfTheWomanAreFoundWithTheirLandmarksOnThem()
    {
        var hands = Detect(Load("hands", "woman.jpeg"));
        int[][] labels = [[90, 140, 160, 170], [110, 315, 240, 150]];
        Assert.Equal(labels.Length, hands.Count);
        foreach (var l in labels)
        {
            var slack = 0.1 * Math.Max(l[2], l[3]);
            var box = new Box(l[0] - slack, l[1] - slack, l[2] + 2 * slack, l[3] + 2 * slack);
            Assert.Single(hands, h => h.Landmarks.All(box.Contains));
        }
        Assert.All(hands, h => Assert.True(h.Presence >= 0.9, $"presence {h.Presence:0.000}"));
    }

    [Fact]
    public void SevenChildrensHandsAndNoFace()
    {
        var hands = Detect(Load("faces", "children.jpg"));
        Assert.Equal(7, hands.Count);
        // The five face boxes of FaceDetectorTests: no hand may be one of them.
        int[][] faces = [[140, 45, 55, 55], [248, 78, 57, 57], [415, 28, 60, 60], [122, 155, 63, 60], [340, 130, 60, 62]];
        foreach (var f in faces)
            Assert.All(hands, h => Assert.True(h.Box.IoU(new Box(f[0], f[1], f[2], f[3])) < 0.1, $"a hand at {h.Box} is the face at [{string.Join(",", f)}]"));
    }

    [Fact]
    public void APortraitWithNoHandHasNone()
    {
        Assert.Empty(Detect(Load("faces", "astronaut.jpg")));
    }

    [Fact]
    public void TheHandRectangleTurnsWithThePalmAndReachesTowardsTheFingers()
    {
        // Fingers up: wrist (0) below the middle-finger knuckle (2); the rectangle is 2.6 palms, moved half a palm up.
        var up = new DetectedFace(new Box(90, 90, 20, 20), 0.9, [new(100, 110), new(95, 95), new(100, 90), new(105, 92), new(108, 95), new(92, 100), new(94, 104)]);
        var (centre, side, rotation) = HandDetector.HandRect(up);
        Assert.Equal(0, rotation, 6);
        Assert.Equal(52, side, 6);
        Assert.Equal(100, centre.X, 6);
        Assert.Equal(90, centre.Y, 6);
        // Fingers pointing right: a quarter turn clockwise, and the shift goes right.
        var right = up with { KeyPoints = [new(90, 100), new(95, 95), new(110, 100), new(105, 105), new(100, 108), new(95, 92), new(96, 94)] };
        (centre, _, rotation) = HandDetector.HandRect(right);
        Assert.Equal(Math.PI / 2, rotation, 6);
        Assert.Equal(110, centre.X, 6);
        Assert.Equal(100, centre.Y, 6);
    }
}

/// <summary>The hand mask's outline and fill, on made-up landmarks.</summary>
public class HandMasksTests
{
    private static DetectedHand Square(double x, double y, double side) =>
        new([.. Enumerable.Range(0, 21).Select(i => new Point2(x + side * (i % 2), y + side * (i / 2 % 2)))], 1, 1, new Box(x, y, side, side));

    [Fact]
    public void TheHullDropsInnerPointsAndTheGrownOutlineReachesTheRadius()
    {
        var hull = HandMasks.Hull([new(0, 0), new(10, 0), new(10, 10), new(0, 10), new(5, 5), new(3, 7)]);
        Assert.Equal(4, hull.Count);
        var grown = HandMasks.Outline(Square(100, 100, 40), 0.25);
        // 10 px past every side; the corners rounded by 24 directions, so no point lies further than 10 px out.
        Assert.Equal(90, grown.Min(p => p.X), 6);
        Assert.Equal(150, grown.Max(p => p.Y), 6);
        Assert.All(grown, p => Assert.True(Math.Max(Math.Max(90 - p.X, p.X - 150), 0) <= 10 + 1e-9));
    }

    [Fact]
    public void TheFilledAreaIsTheOutlinesArea()
    {
        using var mask = HandMasks.Rasterise([Square(20.5, 30.5, 40)], 100, 100, 0);
        // A 40×40 square on pixel edges: 1600 px, whatever the sub-pixel sampling.
        Assert.Equal(1600, mask.Avg() * 100 * 100, 1);
        using var grown = HandMasks.Rasterise([Square(20.5, 30.5, 40)], 100, 100, 0.25);
        // Square plus four 40×10 sides plus four quarter-discs of radius 10 (the 24-gon's area is 0.989 of the disc's).
        // 4×4 samples per pixel miss up to a few pixels' worth along the curved corners.
        var expected = 1600 + 4 * 400 + Math.PI * 100 * 0.9886;
        Assert.InRange(grown.Avg() * 100 * 100, expected - 3, expected + 3);
    }
}
