using Burnish.Detection;
using NetVips;

namespace Burnish.Stages.Cleanup;

/// <summary>
/// One face's weight for <c>detail_faces</c>: its feathered oval, 0–1, over a crop of the output
/// (<paramref name="X"/>, <paramref name="Y"/>, <paramref name="Width"/>×<paramref name="Height"/>) that holds every
/// pixel the feather reaches; 0 everywhere outside it.
/// </summary>
public sealed record FaceWeight(int X, int Y, int Width, int Height, float[] Weight, FoundRegion Region);

/// <summary>
/// Faces at their own detail strength (<c>cleanup.detail_faces</c>): inside each face's feathered oval the detail
/// bands are reweighted with <c>detail_faces</c> instead of <c>detail</c>, and blended in by the oval's weight.
/// The face's pyramid is built on a crop around it (the oval, the feather, and a margin of eight coarsest-level
/// pixels, aligned to the coarsest level's grid), so the cost is bounded by the faces, not the image. Pixels where
/// the weight is 0 are left exactly as <c>detail</c> made them.
/// </summary>
public static class FaceDetail
{
    /// <summary>True when faces ask for a detail strength other than the rest's.</summary>
    public static bool Applies(CleanupParams p) =>
        p.DetailFaces is { } faces && Math.Min(faces, 1) != Math.Min(p.Detail, 1);

    /// <summary>Each face's feathered oval (sigma <paramref name="feather"/> × its width), in its own crop of a <paramref name="width"/>×<paramref name="height"/> image.</summary>
    public static IReadOnlyList<FaceWeight> Weights(IReadOnlyList<DetectedFace> faces, int width, int height, double feather)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var weights = new List<FaceWeight>();
        foreach (var face in faces)
        {
            var sigma = feather * face.Box.Width;
            var (x, y, w, h) = FaceFeather.Reach(face, sigma, width, height);
            if (w == 0 || h == 0) continue;
            var weight = FaceFeather.Oval(face, x, y, w, h, sigma);
            weights.Add(new FaceWeight(x, y, w, h, weight,
                new FoundRegion("face", AutoRegions.Clip(face.Box, width, height), Math.Round(face.Score, 3), weight.LongCount(v => v >= 0.5f))));
        }
        return weights;
    }

    /// <summary>
    /// <paramref name="lab"/> (what <c>detail</c> made) with each face's crop blended towards the AI result
    /// <paramref name="aiLab"/> reweighted at <paramref name="detail"/> against <paramref name="classicalLab"/>.
    /// </summary>
    public static Image Apply(Image lab, Image aiLab, Image classicalLab, double detail, double scale, IReadOnlyList<FaceWeight> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        if (faces.Count == 0) return lab;
        // The pyramid halves (fine + 2) times; a crop aligned to that grid and eight coarse pixels wider sees what the
        // whole image's pyramid sees there, but for the coarse levels' resampling near its edge.
        var coarsest = 1 << (DetailBands.FineLevels(scale) + 2);
        var margin = 8 * coarsest;
        var result = lab;
        foreach (var f in faces)
        {
            int cx0 = Math.Max(0, (f.X - margin) / coarsest * coarsest), cy0 = Math.Max(0, (f.Y - margin) / coarsest * coarsest);
            // A whole number of coarsest pixels, so every level halves exactly (libvips rounds an odd size's ratio).
            int cx1 = Math.Min(lab.Width, cx0 + Aligned(f.X + f.Width + margin - cx0, coarsest));
            int cy1 = Math.Min(lab.Height, cy0 + Aligned(f.Y + f.Height + margin - cy0, coarsest));
            var ai = aiLab.Crop(cx0, cy0, cx1 - cx0, cy1 - cy0);
            var face = detail >= 1 ? ai : DetailBands.Blend(ai, classicalLab.Crop(cx0, cy0, cx1 - cx0, cy1 - cy0), detail, scale);
            var inner = face.Crop(f.X - cx0, f.Y - cy0, f.Width, f.Height);
            var rest = result.Crop(f.X, f.Y, f.Width, f.Height);
            var weight = Image.NewFromMemoryCopy(f.Weight, f.Width, f.Height, 1, Enums.BandFormat.Float);
            // Where the weight is 0 the rest is taken as it is, not rest + 0 × difference, so no rounding reaches it.
            var blended = (weight > 0).Ifthenelse(rest + (inner - rest) * weight, rest).Cast(Enums.BandFormat.Float).CopyMemory();
            result = result.Insert(blended, f.X, f.Y);
        }
        // Lazy: the cleanup reads it band by band; only the face crops above are held.
        return result;
    }

    private static int Aligned(int length, int step) => (length + step - 1) / step * step;
}
