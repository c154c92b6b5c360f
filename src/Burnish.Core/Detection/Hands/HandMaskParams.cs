using Burnish.Schema;

namespace Burnish.Detection.Hands;

/// <summary>Which hand landmark model runs on each palm's crop.</summary>
public enum HandLandmarkModel
{
    /// <summary>MediaPipe's full landmark model: the more accurate one.</summary>
    Full,
    /// <summary>MediaPipe's lite landmark model: about half the work, looser points.</summary>
    Lite,
}

/// <summary>
/// The automatic hand mask (recipe <c>auto: hands</c>): MediaPipe palm detection over the whole image and half-size
/// tiles, then the 21 hand landmarks on a crop turned to each palm; the mask is the hull of the landmarks grown by a
/// share of the hand's size. See docs/masks.md.
/// </summary>
public sealed record HandMaskParams
{
    public static HandMaskParams Default { get; } = new();

    [Doc("Score (0–1) a palm needs to be looked at. 0.5 is MediaPipe's own; lower finds more doubtful hands (drawn, small, gloved), each then checked by the landmark model's presence score.")]
    [Range(0.1, 0.99)]
    public double MinScore { get; init; } = 0.5;

    [Doc("Presence (0–1) the landmark model must give a palm's crop for it to count as a hand. 0.5 is MediaPipe's own hand-presence threshold.")]
    [Range(0.1, 0.99)]
    public double MinPresence { get; init; } = 0.5;

    [Doc("How far the mask reaches past the hull of the 21 landmarks, as a share of the hand's size (the longer side of the landmarks' box). The landmarks sit on the joints, so a finger's edge and the finger tips lie about 0.1 past them.")]
    [Range(0, 1)]
    public double Grow { get; init; } = 0.15;

    [Doc("Landmark model: full (more accurate) or lite (faster).")]
    public HandLandmarkModel Landmarks { get; init; } = HandLandmarkModel.Full;
}
