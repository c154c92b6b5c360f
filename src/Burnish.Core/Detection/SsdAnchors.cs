namespace Burnish.Detection;

/// <summary>
/// MediaPipe's SSD anchors for BlazeFace and their decoding, after MediaPipe's <c>SsdAnchorsCalculator</c> and
/// <c>TensorsToDetectionsCalculator</c> as configured for the face detectors: fixed anchor size (every anchor is
/// 1×1 in normalised units, so the regressions are offsets and sizes in input pixels), anchor centres at cell centres,
/// two anchors per cell on the 16×16 grid and six on the 8×8 grid (layers of equal stride are merged), 896 in all,
/// for the 128 px front model (strides 8, 16) and the 256 px back model (strides 16, 32) alike.
/// </summary>
public static class SsdAnchors
{
    /// <summary>The (cells per row, anchors per cell) of each output layer, in the model's output order.</summary>
    public static readonly (int Cells, int PerCell)[] Layers = [(16, 2), (8, 6)];

    /// <summary>Regressions per anchor: box centre offset, size, then six key points (x, y).</summary>
    public const int Values = 16;

    /// <summary>MediaPipe clips raw scores to ±100 before the sigmoid (<c>score_clipping_thresh</c>).</summary>
    private const float ScoreClip = 100;

    /// <summary>Every anchor centre (normalised 0–1), layer by layer, cell row-major, anchors of a cell consecutive.</summary>
    public static IReadOnlyList<(double X, double Y)> Centres { get; } = CentresOf(Layers);

    /// <summary>The anchor centres of any fixed-size layout (the palm detector's too), in the same order.</summary>
    public static List<(double X, double Y)> CentresOf(IReadOnlyList<(int Cells, int PerCell)> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var list = new List<(double, double)>();
        foreach (var (cells, perCell) in layers)
            for (var y = 0; y < cells; y++)
                for (var x = 0; x < cells; x++)
                    for (var a = 0; a < perCell; a++)
                        list.Add(((x + 0.5) / cells, (y + 0.5) / cells));
        return list;
    }

    /// <summary>
    /// Decodes raw outputs into candidate faces above <paramref name="minScore"/>, in the model input's pixels
    /// (0…<paramref name="inputSize"/>). <paramref name="scores"/>: one logit per anchor; <paramref name="regressions"/>:
    /// <see cref="Values"/> per anchor.
    /// </summary>
    public static List<DetectedFace> Decode(ReadOnlySpan<float> scores, ReadOnlySpan<float> regressions, int inputSize, double minScore) =>
        Decode(scores, regressions, Values, inputSize, minScore, Centres);

    /// <summary>
    /// As above for any layout: <paramref name="stride"/> regressions per anchor (box centre offset, size, then key
    /// points as x, y pairs), one logit per anchor, anchors at <paramref name="centres"/>.
    /// </summary>
    public static List<DetectedFace> Decode(ReadOnlySpan<float> scores, ReadOnlySpan<float> regressions, int stride, int inputSize, double minScore,
        IReadOnlyList<(double X, double Y)> centres)
    {
        ArgumentNullException.ThrowIfNull(centres);
        if (scores.Length != centres.Count || regressions.Length != centres.Count * stride)
            throw new ArgumentException($"expected {centres.Count} scores and {centres.Count * stride} regressions, got {scores.Length} and {regressions.Length}");
        var keyPoints = (stride - 4) / 2;
        var found = new List<DetectedFace>();
        for (var i = 0; i < scores.Length; i++)
        {
            var score = 1 / (1 + Math.Exp(-Math.Clamp(scores[i], -ScoreClip, ScoreClip)));
            if (score < minScore) continue;
            var r = regressions.Slice(i * stride, stride);
            var (ax, ay) = (centres[i].X * inputSize, centres[i].Y * inputSize);
            double cx = ax + r[0], cy = ay + r[1], w = r[2], h = r[3];
            var points = new Point2[keyPoints];
            for (var k = 0; k < keyPoints; k++) points[k] = new Point2(ax + r[4 + 2 * k], ay + r[5 + 2 * k]);
            found.Add(new DetectedFace(new Box(cx - w / 2, cy - h / 2, w, h), score, points));
        }
        return found;
    }

    /// <summary>
    /// MediaPipe's weighted non-maximum suppression (<c>NonMaxSuppressionCalculator</c>, <c>WEIGHTED</c>): take the
    /// best remaining candidate, gather every candidate overlapping it by IoU ≥ <paramref name="iou"/>, and replace
    /// them by their score-weighted mean box and key points, keeping the best score.
    /// </summary>
    public static List<DetectedFace> WeightedNms(IEnumerable<DetectedFace> candidates, double iou = 0.3)
    {
        var remaining = candidates.OrderByDescending(c => c.Score).ToList();
        var kept = new List<DetectedFace>();
        while (remaining.Count > 0)
        {
            var best = remaining[0];
            var group = remaining.Where(c => c.Box.IoU(best.Box) >= iou).ToList();
            if (!group.Contains(best)) group.Add(best); // an empty box overlaps nothing, itself included
            remaining = remaining.Except(group).ToList();
            double total = group.Sum(c => c.Score), x = 0, y = 0, r = 0, b = 0;
            var points = new Point2[best.KeyPoints.Count];
            foreach (var c in group)
            {
                var wgt = c.Score / total;
                x += c.Box.X * wgt; y += c.Box.Y * wgt; r += c.Box.Right * wgt; b += c.Box.Bottom * wgt;
                for (var k = 0; k < points.Length; k++)
                    points[k] = new Point2(points[k].X + c.KeyPoints[k].X * wgt, points[k].Y + c.KeyPoints[k].Y * wgt);
            }
            kept.Add(new DetectedFace(new Box(x, y, r - x, b - y), best.Score, points));
        }
        return kept;
    }
}
