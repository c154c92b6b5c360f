using Burnish.Detection;

namespace Burnish.Core.Tests.Detection;

/// <summary>MediaPipe's BlazeFace anchor scheme and weighted NMS, on hand-computed cases.</summary>
public class SsdAnchorsTests
{
    [Fact]
    public void ThereAre896AnchorsAtCellCentres()
    {
        Assert.Equal(896, SsdAnchors.Centres.Count); // 16²×2 + 8²×6, as MediaPipe's face detection graphs
        Assert.Equal((0.5 / 16, 0.5 / 16), SsdAnchors.Centres[0]);
        Assert.Equal((0.5 / 16, 0.5 / 16), SsdAnchors.Centres[1]);
        Assert.Equal((1.5 / 16, 0.5 / 16), SsdAnchors.Centres[2]);
        Assert.Equal((0.5 / 8, 0.5 / 8), SsdAnchors.Centres[512]);
        Assert.Equal((7.5 / 8, 7.5 / 8), SsdAnchors.Centres[895]);
    }

    [Fact]
    public void DecodingOffsetsTheAnchorInInputPixels()
    {
        var scores = Enumerable.Repeat(-10f, 896).ToArray();
        var boxes = new float[896 * 16];
        const int anchor = 512 + 9 * 6; // 8×8 layer, cell (1, 1)
        scores[anchor] = 2f; // sigmoid 0.881
        float[] r = [4, -2, 40, 50, -10, -8, 10, -8, 0, 2, 0, 12, -20, 0, 20, 0];
        r.CopyTo(boxes, anchor * 16);
        var found = SsdAnchors.Decode(scores, boxes, 128, 0.5);
        var f = Assert.Single(found);
        // Anchor centre (1.5/8 · 128) = 24 px; box centre (28, 22), size 40×50.
        Assert.Equal(new Box(8, -3, 40, 50), f.Box);
        Assert.Equal(1 / (1 + Math.Exp(-2)), f.Score, 12);
        Assert.Equal(new Point2(14, 16), f.RightEye);
        Assert.Equal(new Point2(24, 36), f.Mouth);
    }

    [Fact]
    public void WeightedNmsBlendsOverlapsAndKeepsSeparateFaces()
    {
        Point2[] k = [.. Enumerable.Repeat(new Point2(0, 0), 6)];
        var a = new DetectedFace(new Box(0, 0, 10, 10), 0.9, k);
        var b = new DetectedFace(new Box(2, 0, 10, 10), 0.6, [.. Enumerable.Repeat(new Point2(3, 0), 6)]); // IoU 8/12
        var c = new DetectedFace(new Box(50, 50, 10, 10), 0.7, k);
        var kept = SsdAnchors.WeightedNms([b, c, a]);
        Assert.Equal(2, kept.Count);
        // Score-weighted mean: x = (0·0.9 + 2·0.6) / 1.5 = 0.8; the best score is kept.
        Assert.Equal(0.8, kept[0].Box.X, 12);
        Assert.Equal(10, kept[0].Box.Width, 12);
        Assert.Equal(0.9, kept[0].Score);
        Assert.Equal(1.2, kept[0].RightEye.X, 12);
        Assert.Equal(c.Box, kept[1].Box);
    }

    [Theory]
    [InlineData(1000, 500, new[] { 0, 250, 500 })]
    [InlineData(1024, 512, new[] { 0, 256, 512 })]
    [InlineData(300, 512, new[] { 0 })]
    [InlineData(700, 400, new[] { 0, 200, 300 })]
    public void TilesOverlapByHalfAndEndFlushWithTheEdge(int side, int tile, int[] starts) =>
        Assert.Equal(starts, FaceDetector.Starts(side, tile));
}
