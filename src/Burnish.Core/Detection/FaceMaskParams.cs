using Burnish.Schema;

namespace Burnish.Detection;

/// <summary>Which part of each found face a face mask covers.</summary>
public enum FacePart
{
    /// <summary>The face oval: forehead to chin, ear to ear (the face mesh's oval, or an ellipse fitted to the box and key points, turned with the eyes).</summary>
    Face,
    /// <summary>Both eyes with their lids, brows not included (the mesh's eye rings, or ellipses around the eye key points sized by the distance between the eyes).</summary>
    Eyes,
    /// <summary>The mouth: the outer lip line (or an ellipse).</summary>
    Mouth,
    /// <summary>The face oval without the eyes, brows and mouth: for softening skin.</summary>
    Skin,
}

/// <summary>
/// The automatic face mask (recipe <c>auto: face</c>): BlazeFace (MediaPipe) detection over the whole image and over
/// half-size tiles, so faces down to about 4 % of the image's longer side are found, merged by weighted
/// non-maximum suppression. See docs/masks.md.
/// </summary>
public sealed record FaceMaskParams
{
    public static FaceMaskParams Default { get; } = new();

    [Doc("Which part of each face is masked: face (the oval), eyes (with their lids, not the brows), mouth (the outer lips), or skin (the oval without eyes, brows and mouth, each grown a little so lashes and the lip line stay out).")]
    public FacePart Part { get; init; } = FacePart.Face;

    [Doc("Score (0–1) a face needs to be kept. 0.75 is the default of the BlazeFace package the weights come from; lower finds more doubtful faces (small, turned, drawn) with more false alarms (measured in docs/masks.md).")]
    [Range(0.3, 0.99)]
    public double MinScore { get; init; } = 0.75;

    [Doc("Fit MediaPipe's face mesh (468 landmarks) to each face and outline the masks by it: the face oval, the eyes with their lids, the outer lips. false: BlazeFace's ellipses for every face.")]
    public bool Mesh { get; init; } = true;

    [Doc("Face confidence (0–1) the face mesh needs for its outline to be used; below it (animals, faces drawn far from a photo, a box it cannot fit) the face keeps BlazeFace's ellipses. The sidecar says which (outline: mesh or ellipse).")]
    [Range(0.0, 1.0)]
    public double MeshScore { get; init; } = 0.5;

    [Doc("Score (0–1) down to which a face below min_score is still kept when the face mesh confirms it (mesh confidence at least confirm_mesh). Set it to min_score to turn confirmation off.")]
    [Range(0.3, 0.99)]
    public double ConfirmScore { get; init; } = 0.6;

    [Doc("Face confidence (0–1) the face mesh must give a face scoring between confirm_score and min_score for it to be kept. On the labelled set 0.85 brought back two drawn faces and no false alarm; 0.8 let in two (docs/masks.md).")]
    [Range(0.0, 1.0)]
    public double ConfirmMesh { get; init; } = 0.85;

    [Doc("Also run the detector on the mirrored image (test-time flip) and merge: finds some faces the detector misses one way round (drawn and painted faces), at twice the time.")]
    public bool Flip { get; init; }
}
