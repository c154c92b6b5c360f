using Burnish.Imaging;

namespace Burnish.Stages.Upscale;

/// <summary>Tiles done out of all tiles of one model pass.</summary>
public readonly record struct TileProgress(int Pass, int Passes, int Done, int Total);

/// <summary>
/// One model pass over an image, tile by tile, yielding the output a band of rows at a time, top to bottom. Only one
/// row of tiles' output is held at once, so the output size is bounded by the consumer, not by this loop.
/// </summary>
public static class TiledInference
{
    /// <summary>
    /// Runs <paramref name="model"/> over <paramref name="input"/> (RGB, or RGB plus alpha, interleaved, sRGB-encoded)
    /// tile by tile. With <paramref name="alphaThroughModel"/> the fourth band goes through the model as grey; otherwise
    /// no alpha is produced. Colour is clamped to <paramref name="colourRange"/>: the models overshoot at edges.
    /// </summary>
    public static IEnumerable<OutputBand> Run(UpscaleModel model, PixelBuffer input, TilePlan plan, bool alphaThroughModel,
        (float Lo, float Hi) colourRange, Action<int>? tileDone = null, CancellationToken cancel = default)
    {
        var s = model.Scale;
        var bands = alphaThroughModel ? 4 : 3;
        if (input.Bands < bands) throw new ArgumentException($"expected at least {bands} bands", nameof(input));
        int outW = input.Width * s, outH = input.Height * s;
        var window = plan.Columns[0].Window * plan.Rows[0].Window;
        var planar = new float[3 * window];
        var result = new float[3 * window * s * s];
        var alphaResult = alphaThroughModel ? new float[3 * window * s * s] : null;
        var tilesDone = 0;

        // Output rows [accStart, accEnd) are being accumulated; rows above accStart are out.
        var accStart = 0;
        float[] acc = [];
        for (var r = 0; r < plan.Rows.Count; r++)
        {
            var row = plan.Rows[r];
            var (keptTop, keptBottom) = TilePlan.Kept(row, input.Height);
            var accEnd = keptBottom * s;
            acc = Carry(acc, accStart, accEnd, outW * bands);
            for (var c = 0; c < plan.Columns.Count; c++)
            {
                var column = plan.Columns[c];
                var last = r == plan.Rows.Count - 1 && c == plan.Columns.Count - 1;
                cancel.ThrowIfCancellationRequested();
                Window(input, column, row, 0, planar);
                model.Run(planar, row.Window, column.Window, result, cancel, releaseArena: last && alphaResult is null);
                if (alphaResult is not null)
                {
                    Window(input, column, row, 3, planar);
                    model.Run(planar, row.Window, column.Window, alphaResult, cancel, releaseArena: last);
                }
                Accumulate(acc, accStart, outW, bands, s, plan, column, row, keptTop * s, accEnd, result, alphaResult, colourRange);
                tileDone?.Invoke(++tilesDone);
            }
            // Rows above the next row's kept region will get no more contributions.
            var final = r + 1 < plan.Rows.Count ? TilePlan.Kept(plan.Rows[r + 1], input.Height).Start * s : outH;
            yield return new OutputBand(accStart, final - accStart, outW, bands, acc);
            acc = Shift(acc, final - accStart, accEnd - final, outW * bands);
            accStart = final;
        }
    }

    // Grows the accumulator to cover [start, end), keeping the carried rows at its top and zeroing the rest.
    private static float[] Carry(float[] acc, int start, int end, int stride)
    {
        var need = (end - start) * stride;
        if (acc.Length >= need)
        {
            return acc;
        }
        var grown = new float[need];
        acc.AsSpan().CopyTo(grown);
        return grown;
    }

    // Moves the carried rows (those a later tile row still blends into) to the top and clears everything after them.
    private static float[] Shift(float[] acc, int emitted, int carried, int stride)
    {
        if (carried > 0) acc.AsSpan(emitted * stride, carried * stride).CopyTo(acc);
        acc.AsSpan(carried * stride).Clear();
        return acc;
    }

    // One channel set of a window as planar RGB: bands 0–2, or band `first` replicated three times (alpha as grey).
    private static void Window(PixelBuffer input, TileSpan column, TileSpan row, int first, float[] planar)
    {
        int w = column.Window, h = row.Window, n = w * h, b = input.Bands;
        for (var y = 0; y < h; y++)
        {
            var source = input.Row(row.WindowStart + y).Slice(column.WindowStart * b, w * b);
            var o = y * w;
            if (first == 0)
            {
                for (var x = 0; x < w; x++)
                {
                    planar[o + x] = source[x * b];
                    planar[n + o + x] = source[x * b + 1];
                    planar[2 * n + o + x] = source[x * b + 2];
                }
            }
            else
            {
                for (var x = 0; x < w; x++)
                    planar[o + x] = planar[n + o + x] = planar[2 * n + o + x] = source[x * b + first];
            }
        }
    }

    private static void Accumulate(float[] acc, int accStart, int outW, int bands, int s, TilePlan plan, TileSpan column, TileSpan row,
        int keptTop, int keptBottom, float[] result, float[]? alpha, (float Lo, float Hi) range)
    {
        var (left, right) = TilePlan.Kept(column, plan.Width);
        int x0 = left * s, x1 = right * s;
        int tileW = column.Window * s, tileH = row.Window * s, n = tileW * tileH;
        int ox = column.WindowStart * s, oy = row.WindowStart * s;
        var wx = new float[x1 - x0];
        for (var x = x0; x < x1; x++) wx[x - x0] = (float)TilePlan.Weight(column, (x + 0.5) / s, plan.Width);
        for (var y = Math.Max(keptTop, accStart); y < keptBottom; y++)
        {
            var wy = (float)TilePlan.Weight(row, (y + 0.5) / s, plan.Height);
            if (wy == 0) continue;
            var target = acc.AsSpan((y - accStart) * outW * bands, outW * bands);
            var t = (y - oy) * tileW - ox;
            for (var x = x0; x < x1; x++)
            {
                var w = wx[x - x0] * wy;
                if (w == 0) continue;
                var i = t + x;
                var o = x * bands;
                target[o] += w * Math.Clamp(result[i], range.Lo, range.Hi);
                target[o + 1] += w * Math.Clamp(result[n + i], range.Lo, range.Hi);
                target[o + 2] += w * Math.Clamp(result[2 * n + i], range.Lo, range.Hi);
                if (alpha is not null)
                    target[o + 3] += w * Math.Clamp((alpha[i] + alpha[n + i] + alpha[2 * n + i]) / 3, 0f, 1f);
            }
        }
    }
}
