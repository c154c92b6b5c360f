using NetVips;

namespace Burnish.Detection;

/// <summary>Regions for the sidecar, and the face veto that keeps other automatic masks off faces and eyes.</summary>
public static class AutoRegions
{
    /// <summary>
    /// The score a face needs to veto another mask: MediaPipe's own 0.5, below the face mask's 0.75, since sparing a
    /// doubtful face costs a few text pixels while missing one ruins an eye (a 0.745 figurine face was not spared at 0.75).
    /// </summary>
    public const double VetoScore = 0.5;

    /// <summary>The pixel-wise maximum of two coverage images of one size.</summary>
    public static Image Union(Image a, Image b) => (a > b).Ifthenelse(a, b);

    /// <summary>One region per face: its box, score, the pixels its part of the mask covers, its outline (mesh or ellipse) and the mesh's confidence.</summary>
    public static IEnumerable<FoundRegion> Faces(IReadOnlyList<DetectedFace> faces, FacePart part, int width, int height)
    {
        foreach (var f in faces)
        {
            using var alone = FaceMasks.Rasterise([f], width, height, part);
            // Pixels more than half covered, as the masked count of `burnish masks` (the mesh's outlines are antialiased).
            using var half = alone > 0.5;
            var pixels = (long)Math.Round(half.Avg() / 255 * width * height);
            yield return new FoundRegion("face", Clip(f.Box, width, height), Math.Round(f.Score, 3), pixels, f.Outline, f.MeshScore is { } m ? Math.Round(m, 3) : null);
        }
    }

    /// <summary>A region from a polygon: its bounding box, and the pixels of <paramref name="mask"/> (≥ 0.5) inside that box.</summary>
    public static FoundRegion Of(string kind, IEnumerable<Point2> polygon, double score, Image mask)
    {
        var points = polygon.ToList();
        double x0 = points.Min(p => p.X), y0 = points.Min(p => p.Y), x1 = points.Max(p => p.X), y1 = points.Max(p => p.Y);
        var box = Clip(new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1), mask.Width, mask.Height);
        long pixels = 0;
        if (box[2] > 0 && box[3] > 0)
        {
            using var inside = mask.Crop(box[0], box[1], box[2], box[3]) >= 0.5;
            pixels = (long)Math.Round(inside.Avg() / 255 * box[2] * box[3]);
        }
        return new FoundRegion(kind, box, Math.Round(score, 3), pixels);
    }

    /// <summary>The veto's oval against the face mask's: 1.2 times, since a turned head's far eye sits on the oval's edge and the text box around it reaches past (seen on a Gemini figurine).</summary>
    public const double VetoOval = 1.2;

    /// <summary>
    /// <paramref name="mask"/> with every blob that lies mostly on a face (inside its oval, grown by
    /// <see cref="VetoOval"/>) cleared whole, so an automatic text mask never repaints an eye or a mouth it took for a
    /// glyph; <paramref name="vetoed"/> is the number of mask pixels (≥ 0.5) cleared. A blob mostly off the faces (a
    /// caption that crosses one, or a face the detector saw in snow) is kept whole: clearing only its part on the oval
    /// would leave half-letters behind.
    /// </summary>
    public static Image Veto(Image mask, IReadOnlyList<DetectedFace> faces, out long vetoed)
    {
        vetoed = 0;
        if (faces.Count == 0) return mask;
        using var ovals = FaceMasks.Ovals(faces, mask.Width, mask.Height, VetoOval);
        using var marked = mask >= 0.5;
        using var labels = marked.Labelregions();
        using var ones = marked / 255;
        using var onFace = (marked & (ovals > 0.5)) / 255;
        var area = Sums(ones.HistFindIndexed(labels));
        var inside = Sums(onFace.HistFindIndexed(labels));
        Image? veto = null;
        for (var label = 0; label < area.Length; label++)
        {
            if (area[label] == 0 || inside[label] < MostlyOnFace * area[label]) continue;
            vetoed += (long)area[label];
            var blob = labels.Equal(label);
            veto = veto is null ? blob : veto | blob;
        }
        if (veto is null) return mask;
        // Grown by two pixels so the blob's soft edge (coverage under 0.5) goes with it.
        var square = new double[5, 5];
        for (var i = 0; i < 25; i++) square[i / 5, i % 5] = 255;
        using var grown = veto.Morph(Image.NewFromArray(square), Enums.OperationMorphology.Dilate);
        veto.Dispose();
        return (mask * (1 - grown / 255.0)).Cast(Enums.BandFormat.Float).CopyMemory();
    }

    /// <summary>The share of a blob's pixels that must lie on face ovals for the veto to clear it.</summary>
    public const double MostlyOnFace = 0.5;

    private static double[] Sums(Image histogram)
    {
        using (histogram)
        using (var wide = histogram.Cast(Enums.BandFormat.Double))
            return wide.WriteToMemory<double>();
    }

    /// <summary>A box as whole pixels [x, y, w, h], clipped to the image.</summary>
    public static int[] Clip(Box b, int width, int height)
    {
        int x0 = Math.Clamp((int)Math.Floor(b.X), 0, width), y0 = Math.Clamp((int)Math.Floor(b.Y), 0, height);
        int x1 = Math.Clamp((int)Math.Ceiling(b.Right), 0, width), y1 = Math.Clamp((int)Math.Ceiling(b.Bottom), 0, height);
        return [x0, y0, x1 - x0, y1 - y0];
    }
}
