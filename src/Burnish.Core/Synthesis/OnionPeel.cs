namespace Burnish.Synthesis;

/// <summary>
/// The first estimate of the hole at the coarsest scale, by onion peeling (as in A. Newson et al., "Video inpainting of
/// complex scenes", 2014): the hole is filled layer by layer from its edge inwards, each pixel taking the centre of the
/// wholly known patch that best matches what is already known around it. Starting from patches rather than a smooth
/// diffusion keeps the EM rounds from settling on a blur that only matches flat regions.
/// <para>
/// A layer's pixels read only earlier layers and the known image, so they are found in parallel; the search
/// tries every source patch when that is cheap, else a fixed number of random ones plus the shifted matches of
/// already-filled neighbours (deterministic for the seed).
/// </para>
/// </summary>
internal static class OnionPeel
{
    private const long ExhaustiveBudget = 40_000_000;
    private const int RandomCandidates = 512;

    public static void Fill(FillLevel level, int seed, int scale, ParallelOptions parallel)
    {
        int w = level.Width, h = level.Height, r = level.Radius;
        var px = level.Px;
        var sources = level.Sources;
        // 0 unknown, 1 known or filled by an earlier layer.
        var known = new byte[w * h];
        for (var i = 0; i < known.Length; i++) known[i] = (byte)(level.Hole[i] == 0 ? 1 : 0);
        // The same as 4-lane weights, so the vector distance can count known pixels only.
        var weights = new float[w * h * 4];
        for (var i = 0; i < known.Length; i++) weights.AsSpan(i * 4, 4).Fill(known[i]);
        var match = new int[w * h];
        Array.Fill(match, -1);
        var exhaustive = (long)level.Targets.Length * sources.Length <= ExhaustiveBudget;
        var remaining = level.Hole.Count(b => b != 0);
        var layer = new List<int>();
        var iteration = 0;
        while (remaining > 0)
        {
            parallel.CancellationToken.ThrowIfCancellationRequested();
            layer.Clear();
            for (var p = 0; p < known.Length; p++)
            {
                if (known[p] != 0) continue;
                int x = p % w, y = p / w;
                if ((x > 0 && known[p - 1] != 0) || (x < w - 1 && known[p + 1] != 0) || (y > 0 && known[p - w] != 0) || (y < h - 1 && known[p + w] != 0))
                    layer.Add(p);
            }
            if (layer.Count == 0) break; // a hole region with no known pixel at all: left as it is
            var pixels = layer.ToArray();
            var found = new int[pixels.Length];
            var layerIndex = iteration;
            Parallel.For(0, pixels.Length, parallel, k =>
            {
                var p = pixels[k];
                int x = p % w, y = p / w;
                // The patch is centred on p where it fits, else pushed inside the image; p keeps its offset in it.
                int cx = Math.Clamp(x, r, w - 1 - r), cy = Math.Clamp(y, r, h - 1 - r);
                var centre = cy * w + cx;
                var best = -1;
                var bestD = float.PositiveInfinity;
                void Try(int s)
                {
                    if (s < 0 || s >= known.Length || level.IsSource[s] == 0) return;
                    // Every candidate is compared over the same known pixels of this patch, so the plain sum ranks them.
                    var d = PatchDistance.WeightedSsd(px, weights, w, 2 * r + 1, centre - r * (w + 1), s - r * (w + 1), bestD);
                    if (d < bestD) (bestD, best) = (d, s);
                }
                if (exhaustive)
                    foreach (var s in sources) Try(s);
                else
                {
                    // Matches of filled neighbours, shifted to this pixel, then random sources.
                    for (var dy = -1; dy <= 1; dy++)
                        for (var dx = -1; dx <= 1; dx++)
                        {
                            int nx = x + dx, ny = y + dy;
                            if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
                            var m = match[ny * w + nx];
                            if (m >= 0) Try(m - dy * w - dx + (centre - p));
                        }
                    var random = new PixelRandom(seed, scale, -2 - layerIndex, p);
                    for (var c = 0; c < RandomCandidates; c++) Try(sources[random.Next(sources.Length)]);
                }
                found[k] = best < 0 ? sources[0] : best;
            });
            for (var k = 0; k < pixels.Length; k++)
            {
                var p = pixels[k];
                int cx = Math.Clamp(p % w, r, w - 1 - r), cy = Math.Clamp(p / w, r, h - 1 - r);
                var pixelInSource = found[k] + (p - (cy * w + cx));
                px.AsSpan(pixelInSource * 4, 4).CopyTo(px.AsSpan(p * 4, 4));
                match[p] = pixelInSource;
                known[p] = 1;
                weights.AsSpan(p * 4, 4).Fill(1f);
            }
            remaining -= pixels.Length;
            iteration++;
        }
    }
}
