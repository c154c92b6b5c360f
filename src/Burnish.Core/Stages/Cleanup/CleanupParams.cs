using System.Globalization;
using Burnish.Detection;
using Burnish.Schema;

namespace Burnish.Stages.Cleanup;

/// <summary>
/// The cleanup stage after an AI upscale (recipe section <c>cleanup:</c>): halo suppression, per-band detail
/// strength, masked edge-preserving softening and the colour-drift fix, each measured against a classical Lanczos
/// upscale of the source. The property defaults are the light touch (<see cref="Default"/>).
/// </summary>
public sealed record CleanupParams
{
    /// <summary>The light touch: every property at its default.</summary>
    public static CleanupParams Default { get; } = new();

    /// <summary>Nothing at all: the stage returns its input.</summary>
    public static CleanupParams Off { get; } = new() { Halo = 0, Colour = false };

    [Doc("Halo suppression: how far L* overshoot around strong edges (local range at least 10 L*), beyond the local min/max of a Lanczos upscale of the source (window 1.5 source pixels), is pulled back into that range. 0 leaves halos alone, 1 removes them.")]
    [Range(0, 1)]
    public double Halo { get; init; } = 0.5;

    [Doc("Detail strength: how much of the AI's fine texture is kept, per frequency band, against a Lanczos upscale of the source. 1 (the default) is the AI result untouched, 0 the Lanczos upscale. The bands are a Laplacian pyramid of AI − Lanczos: bands finer than a source pixel get this weight, each coarser octave its square root, so edges and shapes are kept more. Lower it (0.6–0.8) to calm busy or invented texture.")]
    [Range(0, 1)]
    public double Detail { get; init; } = 1;

    [Doc("Detail strength on faces, in place of detail there: each face's oval (BlazeFace and the face mesh, found on the upscaled image) gets this weight, feathered into the rest (detail_faces_feather). Higher than detail keeps the AI's face texture while the rest is calmed; lower calms plasticky faces more than the rest. Left out: faces get detail like everything else. An image with no face is left as detail makes it, with a warning; the faces found go to the sidecar.")]
    [Range(0, 1)]
    public double? DetailFaces { get; init; }

    [Doc("With detail_faces: the feather of each face's oval, a gaussian sigma as a fraction of that face's width, so the change fades in over the face's edge (the oval's edge is at half weight).")]
    [Range(0, 0.5)]
    public double DetailFacesFeather { get; init; } = 0.08;

    [Doc("Colour-drift fix: a* and b* take the low frequencies of the Lanczos upscale of the source (a gaussian of colour_radius source pixels), the AI result keeps its fine structure.")]
    public bool Colour { get; init; } = true;

    [Doc("With the colour fix: match low-frequency lightness (L*) to the source too, for upscalers that shift brightness.")]
    public bool ColourLightness { get; init; }

    [Doc("Scale of the colour match, a gaussian sigma in source pixels: colour that varies more slowly than this comes from the source.")]
    [Range(0.5, 64)]
    public double ColourRadius { get; init; } = 2;

    [Doc("Masked, edge-preserving softening (a guided filter, guided by L*, on L*, a* and b*) for a busy patch or over-crisp skin: a list of regions, each with a mask image or a box. Empty by default.")]
    public IReadOnlyList<SoftenRegion> Soften { get; init; } = [];
}

/// <summary>What an automatic soften region masks: a part of each face (BlazeFace), or the subject or background (ISNet).</summary>
public enum SoftenMask
{
    /// <summary>Each face's oval.</summary>
    Face,
    /// <summary>Both eyes of each face.</summary>
    Eyes,
    /// <summary>Each face's mouth.</summary>
    Mouth,
    /// <summary>The face oval without eyes, brows and mouth: for plasticky skin.</summary>
    Skin,
    /// <summary>Each hand: the hull of its landmarks, grown (MediaPipe palm detection and hand landmarks).</summary>
    Hands,
    /// <summary>The people, soft-edged (MediaPipe selfie segmentation).</summary>
    Person,
    /// <summary>The salient subject (ISNet, opt-in), with its soft edge.</summary>
    Subject,
    /// <summary>Everything but the subject.</summary>
    Background,
}

/// <summary>One region to soften: a mask image or a box, and how strongly.</summary>
public sealed record SoftenRegion : ISelfValidating
{
    [Doc("A mask image: white softens, black keeps, grey blends (alpha, when present, multiplies). Any size with the image's aspect ratio; it is resized to the output. Relative paths are from the current folder. Give mask or box, not both.")]
    public string? Mask { get; init; }

    [Doc("A box instead of a mask: \"x,y,w,h\" in output pixels (the upscaled image).")]
    public string? Box { get; init; }

    [Doc("A mask found automatically on the image being cleaned: face (each face's oval), skin (the oval without eyes, brows and mouth: for plasticky skin), eyes or mouth (BlazeFace); hands (the hull of each hand's landmarks, grown by 0.15 of the hand's size); person (the people, soft-edged); subject or background (ISNet's soft alpha, an opt-in model: fetch it once with burnish models fetch isnet). See docs/masks.md. An image with no face or no subject is left as it is, with a warning.")]
    public SoftenMask? Auto { get; init; }

    [Doc("How much of the softened result replaces the image inside the region: 0 none, 1 all of it.")]
    [Range(0, 1)]
    public double Amount { get; init; } = 0.5;

    [Doc("Guided-filter radius in output pixels: roughly the size of the texture that is smoothed away.")]
    [Range(1, 64)]
    public int Radius { get; init; } = 4;

    [Doc("Edge contrast in L* units that survives: variation well below this is smoothed, edges well above it are kept (the guided filter's ε is its square).")]
    [Range(0.5, 50)]
    public double Edge { get; init; } = 5;

    [Doc("Feather: a gaussian sigma in output pixels that softens the region's border, so the change fades in.")]
    [Range(0, 256)]
    public double Feather { get; init; } = 4;

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        var hasMask = !string.IsNullOrWhiteSpace(Mask);
        var hasBox = !string.IsNullOrWhiteSpace(Box);
        if (Auto is not null && (hasMask || hasBox))
            yield return ("auto", "give one of mask, box or auto");
        else if (Auto is null && hasMask == hasBox)
            yield return (null, hasMask ? "give either mask or box, not both" : "a soften region needs a mask (an image path) or a box (x,y,w,h), or auto: face, skin, subject or background");
        if (hasBox && ParseBox(Box!) is null)
            yield return ("box", $"'{Box}' is not a box: write x,y,w,h in whole output pixels, with w and h above 0");
    }

    /// <summary>The box as whole pixels, or null when it is not "x,y,w,h" with w, h &gt; 0 and x, y ≥ 0.</summary>
    public static PixelBox? ParseBox(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4) return null;
        var v = new int[4];
        for (var i = 0; i < 4; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out v[i])) return null;
        return v[2] > 0 && v[3] > 0 ? new PixelBox(v[0], v[1], v[2], v[3]) : null;
    }
}

/// <summary>A rectangle in output pixels.</summary>
public readonly record struct PixelBox(int X, int Y, int Width, int Height)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{X},{Y},{Width},{Height}");
}
