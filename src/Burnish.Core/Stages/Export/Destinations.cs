namespace Burnish.Stages.Export;

/// <summary>
/// A place a copy goes. A box (<see cref="Width"/>×<see cref="Height"/>) or a long edge. Print boxes turn to the
/// image's orientation, because a landscape print on portrait paper is the same sheet turned.
/// </summary>
public sealed record Destination(string Id, string Description, int? Width, int? Height, int? LongEdge, Fit Fit, int Ppi, bool TurnsWithImage)
{
    /// <summary>The exact output size for a source of <paramref name="w"/>×<paramref name="h"/>.</summary>
    public (int Width, int Height) OutputSize(int w, int h)
    {
        if (LongEdge is { } edge)
        {
            var s = (double)edge / Math.Max(w, h);
            return w >= h ? (edge, Math.Max(1, (int)Math.Round(h * s))) : (Math.Max(1, (int)Math.Round(w * s)), edge);
        }
        var (bw, bh) = Box(w, h);
        if (Fit != Fit.Contain) return (bw, bh);
        var scale = Math.Min((double)bw / w, (double)bh / h);
        return (Math.Clamp((int)Math.Round(w * scale), 1, bw), Math.Clamp((int)Math.Round(h * scale), 1, bh));
    }

    /// <summary>The box for a source of <paramref name="w"/>×<paramref name="h"/>, turned if this destination turns.</summary>
    public (int Width, int Height) Box(int w, int h)
    {
        var (bw, bh) = (Width!.Value, Height!.Value);
        return TurnsWithImage && (w > h) != (bw > bh) && w != h ? (bh, bw) : (bw, bh);
    }
}

/// <summary>The destination presets and how a copy's keys resolve to a <see cref="Destination"/>.</summary>
public static class Destinations
{
    public static IReadOnlyDictionary<string, Destination> Presets { get; } = new Dictionary<string, Destination>
    {
        ["web-2048"] = new("web-2048", "Web: long edge 2048 px, aspect kept", null, null, 2048, Fit.Contain, 72, false),
        ["instagram-square"] = new("instagram-square", "Instagram feed square: 1080×1080", 1080, 1080, null, Fit.Cover, 72, false),
        ["instagram-portrait"] = new("instagram-portrait", "Instagram feed portrait 4:5: 1080×1350", 1080, 1350, null, Fit.Cover, 72, false),
        ["instagram-story"] = new("instagram-story", "Instagram story / reel 9:16: 1080×1920", 1080, 1920, null, Fit.Cover, 72, false),
        ["x-post"] = new("x-post", "X (Twitter) in-feed image 16:9: 1600×900", 1600, 900, null, Fit.Cover, 72, false),
        ["print-a4-300ppi"] = new("print-a4-300ppi", "A4 (210×297 mm) at 300 ppi: 2480×3508, turned for landscape, padded white", 2480, 3508, null, Fit.Pad, 300, true),
        ["print-a3-300ppi"] = new("print-a3-300ppi", "A3 (297×420 mm) at 300 ppi: 3508×4961, turned for landscape, padded white", 3508, 4961, null, Fit.Pad, 300, true),
    };

    /// <summary>The destination a (validated) copy describes: a preset, possibly with its fit or ppi overridden, or a custom size.</summary>
    public static Destination Resolve(CopyParams copy)
    {
        if (copy.Destination is { } id)
        {
            var preset = Presets[id];
            return preset with { Fit = copy.Fit ?? preset.Fit, Ppi = copy.Ppi ?? preset.Ppi };
        }
        if (copy.LongEdge is { } edge)
            return new Destination($"{edge}px", $"custom: long edge {edge} px", null, null, edge, Fit.Contain, copy.Ppi ?? 72, false);
        return new Destination($"{copy.Width}x{copy.Height}", $"custom: {copy.Width}×{copy.Height}",
            copy.Width, copy.Height, null, copy.Fit ?? Fit.Cover, copy.Ppi ?? 72, false);
    }
}
