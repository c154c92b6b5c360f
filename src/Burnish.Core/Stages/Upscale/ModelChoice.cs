using System.Globalization;
using System.Text.RegularExpressions;
using Burnish.Imaging.Generation;
using Burnish.Models.Ncnn;

namespace Burnish.Stages.Upscale;

/// <summary>What a generation shows, as far as the choice of an upscale model cares.</summary>
public enum ContentKind
{
    /// <summary>Photoreal, painted or unknown: a general model, trained on photographs' degradations.</summary>
    Photo,
    /// <summary>Anime, manga, cel-shaded or line-art illustration: flat fills and clean lines, what the anime models keep.</summary>
    Illustration,
}

/// <summary>The model an upscale runs on one image, and why; the sidecar records it beside the recipe section.</summary>
/// <param name="Model">The model name the passes load (a family, a variant, or a path).</param>
/// <param name="Content">What the generation was taken to show (auto only; photo otherwise).</param>
/// <param name="Quality">The recipe's quality, which auto chose by.</param>
/// <param name="Reason">One line: the evidence and the rule, for a person reading the sidecar.</param>
public sealed partial record ModelChoice(string Model, ContentKind Content, UpscaleQuality Quality, string Reason)
{
    /// <summary>
    /// What <c>model: auto</c> runs, by content and quality. Measured end to end in docs/upscale.md ("Choosing a
    /// model"): the balanced photo model is the default of every shipped preset, so it must finish the demo in time.
    /// </summary>
    public static string AutoModel(ContentKind content, UpscaleQuality quality) => (content, quality) switch
    {
        (ContentKind.Photo, UpscaleQuality.Fast) => "esrgan-slim",
        (ContentKind.Photo, UpscaleQuality.Balanced) => "realesr-general-x4v3",
        (ContentKind.Photo, UpscaleQuality.Best) => "realesrgan-x4plus",
        (ContentKind.Illustration, UpscaleQuality.Fast) => "realesr-animevideov3",
        (ContentKind.Illustration, UpscaleQuality.Balanced) => "realesr-animevideov3",
        _ => "realesrgan-x4plus-anime",
    };

    /// <summary>The model for one image: auto chooses by the generation's metadata; any other name is taken as given.</summary>
    public static ModelChoice For(UpscaleParams p, GenerationParams? generation)
    {
        ArgumentNullException.ThrowIfNull(p);
        var named = Named(p);
        if (named != "auto") return new ModelChoice(named, ContentKind.Photo, p.Quality, "named in the recipe");
        var (content, evidence) = Classify(generation);
        var model = AutoModel(content, p.Quality);
        return new ModelChoice(model, content, p.Quality, $"auto, quality {p.Quality.ToString().ToLowerInvariant()}: {evidence}, so {model}");
    }

    /// <summary>
    /// The model the recipe names, with Real-CUGAN's <c>denoise</c> folded into the name (realcugan + denoise 3 →
    /// realcugan-denoise3); auto stays auto. Throws one line where the pair does not exist.
    /// </summary>
    public static string Named(UpscaleParams p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Denoise is not { } denoise) return p.Model;
        var match = VariantSuffix().Match(p.Model);
        var family = match.Success ? p.Model[..match.Index] : p.Model;
        if (!string.Equals(family, "realcugan", StringComparison.OrdinalIgnoreCase))
            throw new BurnishException($"denoise is Real-CUGAN's: give it with model: realcugan (or realcugan-x2/-x3/-x4), not with {p.Model}");
        var model = NcnnModels.FindRealCugan(denoise.Level)!;
        if (match.Success && int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) is var scale && !model.Scales.Contains(scale))
        {
            var levels = NcnnModels.All.Where(m => m.Family == "realcugan" && m.Scales.Contains(scale)).Select(m => m.Denoise);
            throw new BurnishException($"realcugan has no ×{scale} variant at denoise {denoise}: at ×{scale} it has {string.Join(", ", levels)}; denoise {denoise} has {string.Join(", ", model.Scales.Select(s => $"×{s}"))}");
        }
        return model.Name + (match.Success ? match.Value : "");
    }

    /// <summary>
    /// Reads the generation's metadata: the positive prompt and the checkpoint's name. Illustration wins only on
    /// more illustration words than photo words; no metadata is a photo, since the general model does no harm to a
    /// drawing while the anime models flatten photographic texture.
    /// </summary>
    public static (ContentKind Content, string Evidence) Classify(GenerationParams? generation)
    {
        if (generation is null) return (ContentKind.Photo, "no generation metadata, taken as photoreal");
        var text = $"{generation.Prompt} {generation.Model}".ToLowerInvariant();
        var drawn = Words(IllustrationWords(), text).Union(Words(IllustrationCheckpoints(), generation.Model?.ToLowerInvariant() ?? "")).ToList();
        var photo = Words(PhotoWords(), text);
        if (generation.Tool == GenerationTools.NovelAI) drawn.Insert(0, "made by NovelAI");
        if (drawn.Count > photo.Count)
            return (ContentKind.Illustration, $"illustration: the metadata says {string.Join(", ", drawn.Take(4).Select(Quote))}"
                + (photo.Count > 0 ? $" (against {string.Join(", ", photo.Take(4).Select(Quote))})" : ""));
        return photo.Count > 0
            ? (ContentKind.Photo, $"photoreal: the metadata says {string.Join(", ", photo.Take(4).Select(Quote))}")
            : (ContentKind.Photo, "photoreal: the metadata names no illustration style");
    }

    private static string Quote(string word) => word.StartsWith("made by", StringComparison.Ordinal) ? word : $"'{word}'";

    private static List<string> Words(Regex words, string text) =>
        [.. words.Matches(text).Select(m => m.Value.Trim()).Distinct(StringComparer.Ordinal)];

    // Style words; whole words only: "animal" is not "anime".
    [GeneratedRegex(@"\b(anime|manga|illustration|cartoon|cel[- ]shad(ed|ing)|chibi|[1-6]\+?(girl|boy)s?|line ?art|comic|webtoon|vtuber|pixiv|danbooru|ghibli|flat colou?rs?|vector art|toon)\b", RegexOptions.CultureInvariant)]
    private static partial Regex IllustrationWords();

    // Checkpoints that are illustration models by name, inside a file name (ponyDiffusionV6XL, noobaiXL, anything-v5):
    // Anything, Counterfeit, AbyssOrangeMix, Animagine, Pony Diffusion, Illustrious, NoobAI, NovelAI's, and any "anime".
    [GeneratedRegex(@"anything[-_ ]?v\d|counterfeit|orangemix|abyssorange|animagine|pony[-_ ]?diffusion|illustrious|noobai|waifu|nai[-_ ]?diffusion|anime", RegexOptions.CultureInvariant)]
    private static partial Regex IllustrationCheckpoints();

    [GeneratedRegex(@"\b(photo|photograph(y|ic)?|photorealistic|photo-?realistic|hyperrealistic|realistic|raw photo|dslr|\d{2,3} ?mm|film grain|bokeh|depth of field|portrait photography|realvis\w*|juggernaut\w*|epicrealism|cinematic still)\b", RegexOptions.CultureInvariant)]
    private static partial Regex PhotoWords();

    [GeneratedRegex(@"-x(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex VariantSuffix();
}
