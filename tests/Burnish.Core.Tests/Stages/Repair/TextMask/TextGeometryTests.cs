using Burnish.Stages.Repair.TextMask;

namespace Burnish.Core.Tests.Stages.Repair.TextMask;

/// <summary>The DB post-processing geometry against hand-computed cases.</summary>
public class TextGeometryTests
{
    private static bool[] Bitmap(params string[] rows) => [.. rows.SelectMany(r => r.Select(c => c == '#'))];

    [Fact]
    public void RegionsAreEightConnectedAndLargestFirst()
    {
        var map = Bitmap(
            "##....#",
            "..#...#",
            "...#..#",
            ".......",
            "#......");
        var regions = TextGeometry.RegionOutlines(map, 7, 5, 10);
        // The diagonal run joins the top-left pair (8-connectivity): 4 pixels; the right column 3; the lone pixel 1.
        Assert.Equal(3, regions.Count);
        Assert.Equal(new (double, double)[] { (0, 0), (1, 0), (2, 1), (3, 2) }, regions[0].Select(p => (p.X, p.Y)).OrderBy(p => p.Y).ThenBy(p => p.X));
        Assert.All(regions[1], p => Assert.Equal(6, p.X));
        Assert.Equal([new PixelPoint(0, 4)], regions[2]);
        Assert.Single(TextGeometry.RegionOutlines(map, 7, 5, 1));
    }

    [Fact]
    public void RegionThatMergesLateIsOne()
    {
        // A "U": the two arms are separate runs until the bottom row joins them.
        var map = Bitmap(
            "#...#",
            "#...#",
            "#####");
        var region = Assert.Single(TextGeometry.RegionOutlines(map, 5, 3, 10));
        Assert.Equal(4, region.Max(p => p.X));
        Assert.Equal(0, region.Min(p => p.Y));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    [InlineData(45)]
    [InlineData(-30)]
    [InlineData(90)]
    public void MinAreaRectOfARotatedRectangleIsThatRectangle(double degrees)
    {
        // Points filling a 40×10 rectangle rotated about (100, 50).
        var (c, s) = (Math.Cos(degrees * Math.PI / 180), Math.Sin(degrees * Math.PI / 180));
        var points = new List<PixelPoint>();
        for (var u = -20.0; u <= 20; u += 0.5)
            for (var v = -5.0; v <= 5; v += 0.5)
                points.Add(new PixelPoint(100 + u * c - v * s, 50 + u * s + v * c));
        var box = TextGeometry.MinAreaRect(points);
        // Exact up to float rounding of the rotation (1e-9 is far above it).
        Assert.Equal(40, Math.Max(box.Width, box.Height), 1e-9);
        Assert.Equal(10, box.ShortSide, 1e-9);
        Assert.Equal(400, TextGeometry.Area(box.Corners), 1e-6);
        Assert.Equal(100, box.Corners.Average(p => p.X), 1e-9);
        Assert.Equal(50, box.Corners.Average(p => p.Y), 1e-9);
        // Clockwise on screen from the top-left: the first corner is a left one, the second a right one.
        Assert.True(box.Corners[0].X <= box.Corners[1].X);
        Assert.True(box.Corners[3].Y >= box.Corners[0].Y);
    }

    [Fact]
    public void UnclipGrowsARectangleByAreaTimesRatioOverPerimeter()
    {
        PixelPoint[] rect = [new(0, 0), new(60, 0), new(60, 12), new(0, 12)];
        var grown = TextGeometry.Unclip(rect, 1.5);
        // D = 60·12·1.5 / (2·(60+12)) = 7.5; round joins keep the box of the offset shape at (w + 2D) × (h + 2D).
        var box = TextGeometry.MinAreaRect(grown);
        Assert.Equal(75, Math.Max(box.Width, box.Height), 1e-9);
        Assert.Equal(27, box.ShortSide, 1e-9);
        Assert.All(grown, p => Assert.True(p.X >= -7.5 - 1e-9 && p.X <= 67.5 + 1e-9 && p.Y >= -7.5 - 1e-9 && p.Y <= 19.5 + 1e-9));
        // Every offset point is at least D from the rectangle (the round joins sit exactly at D from a corner).
        Assert.All(grown, p =>
        {
            var dx = Math.Max(0, Math.Max(-p.X, p.X - 60));
            var dy = Math.Max(0, Math.Max(-p.Y, p.Y - 12));
            Assert.Equal(7.5, Math.Sqrt(dx * dx + dy * dy), 1e-9);
        });
    }

    [Fact]
    public void RasterisedBoxCoversPixelCentresInside()
    {
        // A diamond with corners on pixel centres: |x − 5| + |y − 5| ≤ 3 holds for 25 pixel centres.
        PixelPoint[] diamond = [new(5, 2), new(8, 5), new(5, 8), new(2, 5)];
        var spans = TextGeometry.Rasterise(diamond, 20, 20);
        Assert.Equal(25, spans.Sum(s => s.X1 - s.X0 + 1));
        Assert.Contains((5, 2, 8), spans);
        Assert.Contains((2, 5, 5), spans);
        // Clipped to the map.
        Assert.Equal(16, TextGeometry.Rasterise(diamond, 6, 20).Sum(s => s.X1 - s.X0 + 1));
    }

    [Fact]
    public void BoxScoreIsTheMeanInsideTheBox()
    {
        var map = new float[10 * 10];
        for (var y = 2; y <= 4; y++)
            for (var x = 2; x <= 6; x++)
                map[y * 10 + x] = x < 4 ? 1f : 0.5f;
        PixelPoint[] box = [new(2, 2), new(6, 2), new(6, 4), new(2, 4)];
        // 6 pixels at 1 and 9 at 0.5 over 15.
        Assert.Equal((6 + 4.5) / 15, TextGeometry.MeanInside(map, 10, 10, box), 1e-12);
    }

    [Theory]
    [InlineData(512, 512, 960, 512, 512)]
    [InlineData(1024, 1024, 960, 960, 960)]
    [InlineData(1200, 896, 960, 960, 704)] // 896·0.8 = 716.8 → 704
    [InlineData(100, 20, 960, 96, 32)]     // rounded to 32s, at least 32
    [InlineData(1728, 2432, 960, 672, 960)]
    public void DetectionSizeFollowsPaddleOcr(int w, int h, int maxSide, int ew, int eh) =>
        Assert.Equal((ew, eh), TextDetector.DetectionSize(w, h, maxSide));
}
