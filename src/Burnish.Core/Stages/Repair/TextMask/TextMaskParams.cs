using Burnish.Schema;

namespace Burnish.Stages.Repair.TextMask;

/// <summary>
/// The automatic text and watermark mask (recipe <c>repair: {auto: text}</c>): PP-OCRv4 text detection with DB
/// post-processing, plus template matching of known visible watermarks. Defaults are PaddleOCR's own for PP-OCRv4
/// detection, with a small dilation so glyph anti-aliasing and drop shadows are inside the mask.
/// </summary>
public sealed record TextMaskParams
{
    public static TextMaskParams Default { get; } = new();

    [Doc("Probability above which a pixel of the detector's map counts as text (DB's binarisation threshold).")]
    [Range(0.05, 0.95)]
    public double Threshold { get; init; } = 0.3;

    [Doc("Mean probability a candidate box needs to be kept; lower finds fainter text and more false alarms.")]
    [Range(0.05, 1)]
    public double BoxThreshold { get; init; } = 0.6;

    [Doc("How far each detected text kernel is grown back (DB's unclip ratio: offset = area × ratio / perimeter). Larger gives looser boxes.")]
    [Range(0.5, 4)]
    public double UnclipRatio { get; init; } = 1.5;

    [Doc("Extra growth of the mask in image pixels after the boxes are drawn, so anti-aliased edges, outlines and shadows are covered.")]
    [Range(0, 64)]
    public int Dilate { get; init; } = 3;

    [Doc("Longest side, in pixels, the image is brought down to for detection (PaddleOCR's limit_side_len). Larger finds smaller text and takes longer (time grows with the pixel count).")]
    [Range(64, 4096)]
    public int MaxSide { get; init; } = 960;

    [Doc("Shortest side, in detection-map pixels, below which a candidate box is dropped as noise.")]
    [Range(1, 100)]
    public int MinSize { get; init; } = 3;

    [Doc("Keep the text mask off faces: faces are found (BlazeFace, as for auto: face) and no pixel inside a face oval, eyes included, is masked. Detectors read irises and eyelashes as glyphs; turn this off only for text that really lies on a face.")]
    public bool ProtectFaces { get; init; } = true;

    [Doc("Also find known visible watermarks that are not text (the Gemini sparkle) by matching their captured shape in the image's corners.")]
    public bool Watermarks { get; init; } = true;

    [Doc("Normalised cross-correlation a known watermark's shape needs to count as found.")]
    [Range(0.3, 1)]
    public double WatermarkThreshold { get; init; } = 0.6;
}
