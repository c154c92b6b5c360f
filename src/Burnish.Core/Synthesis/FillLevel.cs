namespace Burnish.Synthesis;

/// <summary>
/// One scale of the fill pyramid: the image (4 lanes per pixel), which pixels are unknown, and which patch centres
/// are targets (their patch touches the hole) or sources (their patch is wholly known). Patch centres keep a whole
/// patch inside the image, so every pixel, the border included, is covered by some target or source patch.
/// </summary>
internal sealed class FillLevel
{
    public FillLevel(int width, int height, float[] px, byte[] hole, int radius)
    {
        Width = width;
        Height = height;
        Px = px;
        Hole = hole;
        Radius = radius;
        IsSource = new byte[width * height];

        // Hole counts over every patch by a summed-area table.
        var sat = new int[(width + 1) * (height + 1)];
        for (var y = 0; y < height; y++)
        {
            var rowSum = 0;
            for (var x = 0; x < width; x++)
            {
                rowSum += hole[y * width + x];
                sat[(y + 1) * (width + 1) + x + 1] = sat[y * (width + 1) + x + 1] + rowSum;
            }
        }
        var targets = new List<int>();
        var sources = new List<int>();
        RowStart = new int[height + 1];
        var size = 2 * radius + 1;
        for (var y = 0; y < height; y++)
        {
            RowStart[y] = targets.Count;
            if (y < radius || y >= height - radius) continue;
            for (var x = radius; x < width - radius; x++)
            {
                int x0 = x - radius, y0 = y - radius;
                var count = sat[(y0 + size) * (width + 1) + x0 + size] - sat[y0 * (width + 1) + x0 + size]
                    - sat[(y0 + size) * (width + 1) + x0] + sat[y0 * (width + 1) + x0];
                var i = y * width + x;
                if (count > 0) targets.Add(i);
                else
                {
                    IsSource[i] = 1;
                    sources.Add(i);
                }
            }
        }
        RowStart[height] = targets.Count;
        Targets = [.. targets];
        Sources = [.. sources];
        Depth = HoleGeometry.DistanceToKnown(hole, width, height);
        Confidence = new float[width * height * 4];
        for (var i = 0; i < width * height; i++) Confidence.AsSpan(i * 4, 4).Fill(hole[i] == 0 ? 1f : HoleConfidence);
    }

    /// <summary>
    /// Weight of a hole pixel's squared difference in a target patch, against 1 for a known pixel. The estimate in the
    /// hole is only a guess, so a patch by the edge is matched on what is really there; the small weight still lets
    /// patches deep in the hole (with no known pixel) be matched on the estimate. Chosen on the quality bench
    /// (docs/repair.md): 0.01 to 0.03 gave the best PSNR and seam, 1 (plain SSD) a visible seam.
    /// </summary>
    public const float HoleConfidence = 0.01f;

    /// <summary>Weight of each pixel's squared difference when it is part of a target patch, 4 lanes per pixel.</summary>
    public float[] Confidence { get; }

    /// <summary>Distance of each pixel into the hole from the known region (0 outside the hole).</summary>
    public float[] Depth { get; }

    public int Width { get; }
    public int Height { get; }
    /// <summary>L*, a*, b*, alpha×100 per pixel; hole pixels hold the current estimate.</summary>
    public float[] Px { get; }
    /// <summary>1 where the pixel is unknown.</summary>
    public byte[] Hole { get; }
    public int Radius { get; }
    public int PatchSize => 2 * Radius + 1;
    /// <summary>1 at the centre of every wholly known patch.</summary>
    public byte[] IsSource { get; }
    /// <summary>Every wholly known patch centre, row-major.</summary>
    public int[] Sources { get; }
    /// <summary>Every patch centre whose patch touches the hole, row-major.</summary>
    public int[] Targets { get; }
    /// <summary>Index into <see cref="Targets"/> where row y starts; <c>RowStart[Height]</c> is the count.</summary>
    public int[] RowStart { get; }

    /// <summary>1 for every pixel with a hole pixel within <paramref name="reach"/> (a square window): what target patches can cover.</summary>
    public byte[] NearHole(int reach)
    {
        int w = Width, h = Height;
        var sat = new int[(w + 1) * (h + 1)];
        for (var y = 0; y < h; y++)
        {
            var rowSum = 0;
            for (var x = 0; x < w; x++)
            {
                rowSum += Hole[y * w + x];
                sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + rowSum;
            }
        }
        var near = new byte[w * h];
        for (var y = 0; y < h; y++)
        {
            int y0 = Math.Max(0, y - reach), y1 = Math.Min(h, y + reach + 1);
            for (var x = 0; x < w; x++)
            {
                int x0 = Math.Max(0, x - reach), x1 = Math.Min(w, x + reach + 1);
                var count = sat[y1 * (w + 1) + x1] - sat[y0 * (w + 1) + x1] - sat[y1 * (w + 1) + x0] + sat[y0 * (w + 1) + x0];
                near[y * w + x] = count > 0 ? (byte)1 : (byte)0;
            }
        }
        return near;
    }

    /// <summary>
    /// The next coarser scale: half the size (rounded up), each pixel the mean of its 2×2 children, unknown if any
    /// child is unknown (so a known coarse pixel is made only of known pixels).
    /// </summary>
    public FillLevel Coarser()
    {
        int w = (Width + 1) / 2, h = (Height + 1) / 2;
        var px = new float[w * h * LabCanvas.Lanes];
        var hole = new byte[w * h];
        Span<float> sum = stackalloc float[4];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                sum.Clear();
                int known = 0, unknown = 0;
                for (var dy = 0; dy < 2; dy++)
                    for (var dx = 0; dx < 2; dx++)
                    {
                        int fx = Math.Min(2 * x + dx, Width - 1), fy = Math.Min(2 * y + dy, Height - 1);
                        var f = fy * Width + fx;
                        if (Hole[f] != 0) { unknown++; continue; }
                        known++;
                        for (var c = 0; c < 4; c++) sum[c] += Px[f * 4 + c];
                    }
                var i = y * w + x;
                hole[i] = unknown > 0 ? (byte)1 : (byte)0;
                if (known > 0)
                    for (var c = 0; c < 4; c++) px[i * 4 + c] = sum[c] / known;
            }
        return new FillLevel(w, h, px, hole, Radius);
    }
}
