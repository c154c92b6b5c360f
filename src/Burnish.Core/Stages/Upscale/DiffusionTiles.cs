using System.Text.Json.Nodes;
using Burnish.Backends;
using Burnish.Imaging;
using Burnish.Imaging.Generation;
using NetVips;

namespace Burnish.Stages.Upscale;

/// <summary>The server an upscale's diffusion redraw runs on for one image: its client, the image's own generation and the user's graph.</summary>
public sealed record UpscaleServer(IDiffusionBackend Backend, GenerationParams? Generation, JsonObject? Graph = null);

/// <summary>What the diffusion redraw did: the image, its figures for the report, and every tile's server job.</summary>
public sealed record DiffusionRedraw(WorkImage Image, IReadOnlyDictionary<string, double> Measurements, IReadOnlyList<DiffusionPassRecord> Jobs);

/// <summary>
/// <c>upscale: {method: diffusion}</c>, after the model passes: the upscaled image is cut by
/// <see cref="TilePlan.Overlapping"/> into tiles of <see cref="DiffusionParams.Size"/> px that overlap by
/// <see cref="DiffusionParams.Padding"/>; each goes to the server as img2img (the whole tile masked) at its own size
/// and low denoise with the image's own prompt, and the answers are cross-faded over the feather in linear light with
/// weights that sum to 1, so a cut adds no step of its own (Ultimate SD Upscale's scheme, on Burnish's tile plan).
/// </summary>
public static class DiffusionTiles
{
    /// <summary>Redraws <paramref name="image"/> (sRGB, colour; alpha is kept as it is) tile by tile on <paramref name="server"/>.</summary>
    public static DiffusionRedraw Redraw(WorkImage image, UpscaleParams p, UpscaleServer server, Action<int, int>? tileDone = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(server);
        if (image.IsGrey) throw new BurnishException("upscale method diffusion needs a colour image; this one is grey");
        var settings = p.Diffusion ?? DiffusionParams.Default;
        var plan = TilePlan.Overlapping(image.Width, image.Height, settings.Size, settings.Padding);
        int width = image.Width, height = image.Height;
        if ((long)width * height * 3 > Array.MaxLength)
            throw new BurnishException($"upscale method diffusion: a {width}×{height} image is too large to redraw in one piece");
        var light = new float[width * height * 3];
        var jobs = new List<DiffusionPassRecord>();
        var done = 0;
        foreach (var (row, r) in plan.Rows.Select((row, r) => (row, r)))
        {
            foreach (var (column, c) in plan.Columns.Select((column, c) => (column, c)))
            {
                cancel.ThrowIfCancellationRequested();
                var (w, h) = (column.Window, row.Window);
                var whole = Image.Black(w, h) + 1.0;
                var (fill, job) = DiffusionRegion.Inpaint(server.Backend, settings, server.Generation, image,
                    new RegionRect(column.WindowStart, row.WindowStart, w, h), whole, (DiffusionRegion.Round8(w), DiffusionRegion.Round8(h)),
                    new RegionAsk(p.Prompt, p.Negative, p.DiffusionDenoise, InpaintingFill.Original, $"tile {r + 1},{c + 1}"), server.Graph, null, cancel);
                jobs.Add(job);
                Accumulate(light, width, height, plan, column, row, SrgbCurve.ToLinear(fill).WriteToMemory<float>());
                tileDone?.Invoke(++done, plan.Count);
            }
        }
        var redrawn = Image.NewFromMemory(light, width, height, 3, Enums.BandFormat.Float);
        var colour = SrgbCurve.FromLinear(redrawn).Copy(interpretation: Enums.Interpretation.Rgb);
        var measurements = new Dictionary<string, double>
        {
            ["diffusion.tiles"] = plan.Count,
            ["diffusion.tile"] = Math.Max(plan.Columns[0].Window, plan.Rows[0].Window),
            ["diffusion.overlap"] = plan.Margin,
            ["diffusion.feather"] = plan.Feather,
            ["diffusion.denoise"] = p.DiffusionDenoise,
            ["diffusion.server_seconds"] = Math.Round(jobs.Sum(j => j.ServerMs) / 1000, 3),
        };
        return new DiffusionRedraw(image.WithPixels(ColourSpaces.WithAlpha(colour, image.Alpha).CopyMemory()), measurements, jobs);
    }

    // Adds the tile's linear light, weighted by the plan's cross-fade, to the whole image's sum.
    private static void Accumulate(float[] light, int width, int height, TilePlan plan, TileSpan column, TileSpan row, float[] tile)
    {
        var (left, right) = TilePlan.Kept(column, width);
        var (top, bottom) = TilePlan.Kept(row, height);
        var tileWidth = column.Window;
        for (var y = top; y < bottom; y++)
        {
            var wy = (float)TilePlan.Weight(row, y + 0.5, height);
            if (wy == 0) continue;
            for (var x = left; x < right; x++)
            {
                var w = wy * (float)TilePlan.Weight(column, x + 0.5, width);
                if (w == 0) continue;
                var s = ((y - row.WindowStart) * tileWidth + (x - column.WindowStart)) * 3;
                var o = (y * width + x) * 3;
                light[o] += w * tile[s];
                light[o + 1] += w * tile[s + 1];
                light[o + 2] += w * tile[s + 2];
            }
        }
    }
}
