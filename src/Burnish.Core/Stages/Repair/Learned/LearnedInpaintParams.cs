using Burnish.Schema;

namespace Burnish.Stages.Repair.Learned;

/// <summary>
/// How a repair pass with <c>method: onnx</c> runs the model. The defaults are AUTOMATIC1111's inpaint defaults:
/// "only masked" with 32 px of padding and a 4 px mask blur.
/// </summary>
public sealed record LearnedInpaintParams
{
    public static LearnedInpaintParams Default { get; } = new();

    [Doc("Run the model on a crop around the mask (plus padding) resized to the model's size, then paste the fill back at full resolution (A1111's \"only masked\"). Off: the whole image is resized to the model's size, which loses detail on large images.")]
    public bool OnlyMasked { get; init; } = true;

    [Doc("Context around the mask's bounds, in image pixels, that the model sees in only-masked mode.")]
    [Range(0, 1024)]
    public int Padding { get; init; } = 32;

    [Doc("Width in image pixels (horizontally and vertically) of the soft edge outside the mask over which the fill fades into the original. 0 pastes the fill exactly over the mask (use 0 when the mask is already feathered).")]
    [Range(0, 64)]
    public int Feather { get; init; } = 4;
}
