using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Burnish.Imaging;

namespace Burnish.Synthesis;

/// <summary>
/// Multi-scale patch-based completion: at each scale, coarse to fine, expectation–maximisation rounds of
/// (1) a nearest-neighbour field from every patch touching the hole to a wholly known patch, found by PatchMatch
/// (propagation and random search; C. Barnes et al., "PatchMatch", SIGGRAPH 2009), and (2) voting, where every hole
/// pixel becomes the similarity-weighted mean of what the overlapping patches' matches say it should be
/// (Y. Wexler, E. Shechtman, M. Irani, "Space-time completion of video", PAMI 2007; weights as in A. Newson et al.,
/// "Video inpainting of complex scenes", SIAM J. Imaging Sci. 2014). The coarsest scale starts from an onion-peel fill
/// (<see cref="OnionPeel"/>); patch distances count a hole pixel <see cref="FillLevel.HoleConfidence"/> of a known one;
/// the finest scale ends by copying each hole pixel from its own patch's match, so the texture is not averaged soft.
/// <para>
/// Deterministic for a seed whatever the number of threads: random numbers come from a hash of (seed, scale, round,
/// pixel), and PatchMatch runs over fixed bands of rows, even bands in parallel then odd ones, each band scanning in
/// order, so a band only ever reads its own rows or rows no other thread is writing.
/// </para>
/// </summary>
internal sealed class PatchMatchCompletion
{
    private const int BandRows = 8;
    private const int MinCoarseSide = 32;
    private const int MinSources = 64;

    private readonly FillParams settings;
    private readonly CancellationToken cancel;
    private readonly ParallelOptions parallel;

    private PatchMatchCompletion(FillParams settings, CancellationToken cancel)
    {
        this.settings = settings;
        this.cancel = cancel;
        parallel = ImageThreads.Options(cancel);
    }

    /// <summary>What a completion produced at full scale.</summary>
    /// <param name="Filled">Hole pixels hold the fill; known pixels are the input.</param>
    /// <param name="Synth">What the patches say every pixel near the hole should be, the known ring around it included (for blending).</param>
    /// <param name="HasSynth">1 where <paramref name="Synth"/> holds a value.</param>
    /// <param name="Scales">How many scales the pyramid had.</param>
    public sealed record Result(float[] Filled, float[] Synth, byte[] HasSynth, int Scales);

    /// <summary>Completes the hole of <paramref name="px"/> (4 lanes, <paramref name="hole"/> = 1 where unknown).</summary>
    public static Result Run(float[] px, byte[] hole, int width, int height, FillParams settings, CancellationToken cancel) =>
        new PatchMatchCompletion(settings, cancel).Complete(px, hole, width, height);

    private Result Complete(float[] px, byte[] hole, int width, int height)
    {
        var radius = settings.PatchSize / 2;
        var finest = new FillLevel(width, height, (float[])px.Clone(), hole, radius);
        if (finest.Sources.Length == 0)
            throw new BurnishException($"too little of the image is left to fill from: no {settings.PatchSize}×{settings.PatchSize} patch is wholly outside the mask");
        var levels = new List<FillLevel> { finest };
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            var current = levels[^1];
            if (HoleGeometry.Max(HoleGeometry.DistanceToKnown(current.Hole, current.Width, current.Height)) <= radius) break;
            if (Math.Min(current.Width, current.Height) / 2 < Math.Max(MinCoarseSide, 4 * current.PatchSize)) break;
            var coarser = current.Coarser();
            if (coarser.Sources.Length < MinSources || coarser.Targets.Length == 0) break;
            levels.Add(coarser);
        }

        var coarsest = levels[^1];
        OnionPeel.Fill(coarsest, settings.Seed, levels.Count - 1, parallel);
        int[]? nnf = null;
        for (var l = levels.Count - 1; l >= 0; l--)
        {
            var level = levels[l];
            nnf = nnf is null ? RandomField(level, l) : Upsample(levels[l + 1], nnf, level, l);
            var dist = new float[level.Width * level.Height];
            if (l < levels.Count - 1)
            {
                // The coarse matches, doubled, rebuild the fine hole from fine source pixels before any new search:
                // searching first would match the blocky upsampled estimate against flat regions.
                UpsampleHole(levels[l + 1], level);
                Distances(level, nnf, dist);
                Vote(level, nnf, dist, ring: false, out _, out _);
            }
            // Coarser scales are cheap and set the structure, so they get more rounds.
            var rounds = settings.Iterations + Math.Min(l, settings.Iterations + 2);
            for (var round = 0; round < rounds; round++)
            {
                cancel.ThrowIfCancellationRequested();
                Distances(level, nnf, dist);
                var sweeps = round == 0 && l == levels.Count - 1 ? 4 : 2;
                for (var sweep = 0; sweep < sweeps; sweep++) Sweep(level, nnf, dist, l, round * 8 + sweep);
                Vote(level, nnf, dist, ring: false, out _, out _);
            }
        }

        // Final: the voted values for the known ring around the hole too, for the gradient-domain blend.
        var final = new float[width * height];
        Distances(finest, nnf!, final);
        Vote(finest, nnf!, final, ring: true, out var synth, out var hasSynth);
        // The last estimate copies each hole pixel from its own patch's match (no averaging, so texture stays sharp),
        // and the known ring's prediction is made the same way, so the blend sees the fill's own gradients at the edge.
        foreach (var t in finest.Targets)
        {
            var source = finest.Px.AsSpan(nnf![t] * 4, 4);
            source.CopyTo(finest.Hole[t] != 0 ? finest.Px.AsSpan(t * 4, 4) : synth.AsSpan(t * 4, 4));
        }
        return new Result(finest.Px, synth, hasSynth, levels.Count);
    }

    // ── nearest-neighbour fields ────────────────────────────────────────────────────────────────────────────────

    private int[] RandomField(FillLevel level, int scale)
    {
        var nnf = new int[level.Width * level.Height];
        Array.Fill(nnf, -1);
        var sources = level.Sources;
        Parallel.For(0, level.Targets.Length, parallel, k =>
        {
            var p = level.Targets[k];
            var random = new PixelRandom(settings.Seed, scale, -1, p);
            nnf[p] = sources[random.Next(sources.Length)];
        });
        return nnf;
    }

    // A fine target takes its coarse match, doubled, with the same sub-pixel offset.
    private int[] Upsample(FillLevel coarse, int[] coarseNnf, FillLevel fine, int scale)
    {
        var nnf = new int[fine.Width * fine.Height];
        Array.Fill(nnf, -1);
        int r = fine.Radius, cw = coarse.Width;
        Parallel.For(0, fine.Targets.Length, parallel, k =>
        {
            var p = fine.Targets[k];
            int x = p % fine.Width, y = p / fine.Width;
            int cx = Math.Clamp(x / 2, r, coarse.Width - 1 - r), cy = Math.Clamp(y / 2, r, coarse.Height - 1 - r);
            var s = coarseNnf[cy * cw + cx];
            var candidate = -1;
            if (s >= 0)
            {
                var sx = Math.Clamp(2 * (s % cw) + (x - 2 * cx), r, fine.Width - 1 - r);
                var sy = Math.Clamp(2 * (s / cw) + (y - 2 * cy), r, fine.Height - 1 - r);
                candidate = sy * fine.Width + sx;
            }
            if (candidate < 0 || fine.IsSource[candidate] == 0)
            {
                var random = new PixelRandom(settings.Seed, scale, -1, p);
                candidate = fine.Sources[random.Next(fine.Sources.Length)];
            }
            nnf[p] = candidate;
        });
        return nnf;
    }

    // The fine hole starts from the completed coarse image (nearest neighbour); voting refines it at once.
    private static void UpsampleHole(FillLevel coarse, FillLevel fine)
    {
        for (var y = 0; y < fine.Height; y++)
            for (var x = 0; x < fine.Width; x++)
            {
                var i = y * fine.Width + x;
                if (fine.Hole[i] == 0) continue;
                var c = (y / 2) * coarse.Width + x / 2;
                for (var lane = 0; lane < 4; lane++) fine.Px[i * 4 + lane] = coarse.Px[c * 4 + lane];
            }
    }

    private void Distances(FillLevel level, int[] nnf, float[] dist)
    {
        int w = level.Width, size = level.PatchSize, offset = level.Radius * (w + 1);
        Parallel.For(0, level.Targets.Length, parallel, k =>
        {
            var p = level.Targets[k];
            dist[p] = PatchDistance.WeightedSsd(level.Px, level.Confidence, w, size, p - offset, nnf[p] - offset, float.PositiveInfinity);
        });
    }

    // One PatchMatch pass: even bands of rows in parallel, then odd bands; scan order flips every iteration.
    private void Sweep(FillLevel level, int[] nnf, float[] dist, int scale, int iteration)
    {
        var bands = (level.Height + BandRows - 1) / BandRows;
        for (var parity = 0; parity < 2; parity++)
        {
            var count = (bands - parity + 1) / 2;
            Parallel.For(0, count, parallel, k => SweepBand(level, nnf, dist, scale, iteration, 2 * k + parity));
        }
    }

    private void SweepBand(FillLevel level, int[] nnf, float[] dist, int scale, int iteration, int band)
    {
        int w = level.Width, h = level.Height, r = level.Radius, size = level.PatchSize, offset = r * (w + 1);
        var forward = iteration % 2 == 0;
        var step = forward ? 1 : -1;
        int y0 = band * BandRows, y1 = Math.Min(h, y0 + BandRows);
        var maxRadius = Math.Max(w, h);
        var px = level.Px;
        var isSource = level.IsSource;
        var n = w * h;
        for (var yi = 0; yi < y1 - y0; yi++)
        {
            var y = forward ? y0 + yi : y1 - 1 - yi;
            int start = level.RowStart[y], end = level.RowStart[y + 1];
            for (var ki = 0; ki < end - start; ki++)
            {
                var p = level.Targets[forward ? start + ki : end - 1 - ki];
                var best = nnf[p];
                var bestD = dist[p];

                // Propagation: the left (or right) and upper (or lower) neighbours' matches, shifted by one.
                var q = p - step;
                if (nnf[q] >= 0) Try(nnf[q] + step);
                q = p - step * w;
                if (q >= 0 && q < n && nnf[q] >= 0) Try(nnf[q] + step * w);

                // Random search in windows halving around the best match.
                var random = new PixelRandom(settings.Seed, scale, iteration, p);
                int bx = best % w, by = best / w;
                for (var radius = maxRadius; radius >= 1; radius /= 2)
                {
                    var cx = Math.Clamp(bx + random.Next(2 * radius + 1) - radius, r, w - 1 - r);
                    var cy = Math.Clamp(by + random.Next(2 * radius + 1) - radius, r, h - 1 - r);
                    Try(cy * w + cx);
                    bx = best % w;
                    by = best / w;
                }
                nnf[p] = best;
                dist[p] = bestD;

                void Try(int candidate)
                {
                    if (candidate < 0 || candidate >= n || isSource[candidate] == 0 || candidate == best) return;
                    var d = PatchDistance.WeightedSsd(px, level.Confidence, w, size, p - offset, candidate - offset, bestD);
                    if (d < bestD)
                    {
                        bestD = d;
                        best = candidate;
                    }
                }
            }
        }
    }

    // ── voting ─────────────────────────────────────────────────────────────────────────────────────────────────

    /// <summary>
    /// Every hole pixel (and with <paramref name="ring"/>, every pixel any target patch covers) becomes the weighted
    /// mean of the source pixels that the covering target patches' matches put there. Weight exp(−d / 2σ²), σ² the
    /// 75th percentile of the match distances. A gather per pixel, so rows run in parallel and sum in a fixed order.
    /// </summary>
    private void Vote(FillLevel level, int[] nnf, float[] dist, bool ring, out float[] synth, out byte[] hasSynth)
    {
        int w = level.Width, h = level.Height, r = level.Radius;
        var weights = Weights(level, dist);
        var votes = new float[w * h * 4];
        var voted = new byte[w * h];
        var px = level.Px;
        var hole = level.Hole;
        var near = ring ? level.NearHole(2 * r) : hole;
        Parallel.For(0, h, parallel, y =>
        {
            ref var origin = ref MemoryMarshal.GetArrayDataReference(px);
            for (var x = 0; x < w; x++)
            {
                var p = y * w + x;
                if (near[p] == 0) continue;
                var acc = Vector128<float>.Zero;
                float total = 0;
                for (var dy = -r; dy <= r; dy++)
                {
                    var cy = y - dy;
                    if (cy < r || cy >= h - r) continue;
                    for (var dx = -r; dx <= r; dx++)
                    {
                        var cx = x - dx;
                        if (cx < r || cx >= w - r) continue;
                        var c = cy * w + cx;
                        var s = nnf[c];
                        if (s < 0) continue;
                        var weight = weights[c];
                        var source = s + dy * w + dx;
                        acc = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref origin, (nuint)(source * 4)), Vector128.Create(weight), acc);
                        total += weight;
                    }
                }
                if (total <= 0) continue;
                (acc / total).StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(votes), (nuint)(p * 4));
                voted[p] = 1;
            }
        });
        for (var p = 0; p < w * h; p++)
        {
            if (hole[p] == 0 || voted[p] == 0) continue;
            votes.AsSpan(p * 4, 4).CopyTo(px.AsSpan(p * 4, 4));
        }
        synth = votes;
        hasSynth = voted;
    }

    private static float[] Weights(FillLevel level, float[] dist)
    {
        var targets = level.Targets;
        var weights = new float[level.Width * level.Height];
        if (targets.Length == 0) return weights;
        var sample = new float[targets.Length];
        for (var k = 0; k < targets.Length; k++) sample[k] = dist[targets[k]];
        Array.Sort(sample);
        var sigma2 = 2 * sample[(int)(0.75 * (sample.Length - 1))];
        var scale = sigma2 > 0 ? -1f / (2 * sigma2) : 0f;
        foreach (var p in targets) weights[p] = MathF.Exp(dist[p] * scale);
        return weights;
    }
}

/// <summary>
/// A counter-based random stream for one pixel at one step: SplitMix64 (Steele, Lea, Flood, OOPSLA 2014) seeded from
/// a hash of (seed, scale, iteration, pixel). The same inputs give the same numbers on any thread.
/// </summary>
internal struct PixelRandom
{
    private ulong state;

    public PixelRandom(int seed, int scale, int iteration, int pixel)
    {
        state = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ Mix(((ulong)(uint)scale << 40) ^ ((ulong)(uint)(iteration + 1) << 20) ^ (ulong)(uint)pixel * 0xBF58476D1CE4E5B9UL));
    }

    /// <summary>A number in [0, n).</summary>
    public int Next(int n)
    {
        state += 0x9E3779B97F4A7C15UL;
        return (int)((Mix(state) >> 32) * (ulong)n >> 32);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
