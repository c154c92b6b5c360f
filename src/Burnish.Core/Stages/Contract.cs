using Burnish.Imaging;

namespace Burnish.Stages;

/// <summary>
/// One step of the finishing chain: its section of the recipe (<see cref="Key"/> is also its name in the sidecar) and
/// how it gets ready for a run. Preparing loads and checks everything the stage needs (a LUT, masks, models) before
/// any image is touched; the prepared stage then serves every image of the run.
/// </summary>
public interface IStage
{
    /// <summary>The recipe section key and the sidecar's stage name: repair, outpaint, upscale, …</summary>
    string Key { get; }

    /// <summary>The type of the recipe section (the recipe's property of the same key holds one).</summary>
    Type ParametersType { get; }

    /// <summary>Loads and validates what <paramref name="parameters"/> name; throws <see cref="BurnishException"/> with one line when it cannot.</summary>
    IPreparedStage Prepare(object parameters, StageResources resources);

    /// <summary>
    /// The opt-in models (<see cref="Models.OptInModels"/>) that <paramref name="parameters"/> need. A machine without one
    /// cannot run the section, since opt-in models are never fetched on demand, so a service routes such work only to
    /// workers that have them.
    /// </summary>
    IReadOnlyList<string> RequiredOptInModels(object parameters) => [];
}

/// <summary>A stage whose recipe section is a <typeparamref name="TParameters"/>.</summary>
public interface IStage<in TParameters> : IStage where TParameters : class
{
    Type IStage.ParametersType => typeof(TParameters);

    IPreparedStage IStage.Prepare(object parameters, StageResources resources) => Prepare((TParameters)parameters, resources);

    IReadOnlyList<string> IStage.RequiredOptInModels(object parameters) => RequiredOptInModels((TParameters)parameters);

    IPreparedStage Prepare(TParameters parameters, StageResources resources);

    /// <inheritdoc cref="IStage.RequiredOptInModels"/>
    IReadOnlyList<string> RequiredOptInModels(TParameters parameters) => [];
}

/// <summary>
/// A stage ready to run, shared by every image of a run, on several threads at once with <c>-j N</c>: whatever
/// belongs to one image lives in <see cref="Apply"/>'s locals, never on this object (Real-ESRGAN's <c>self.img</c>
/// is the anti-pattern). Disposing it releases what <see cref="IStage.Prepare"/> loaded.
/// </summary>
public interface IPreparedStage : IDisposable
{
    /// <summary>How the stage reads its input; a streamed image is held in memory first only for <see cref="ImageAccess.Random"/>.</summary>
    ImageAccess Access => ImageAccess.Random;

    /// <summary>The finished sets one input makes, when the stage makes more than one (outpaint to several aspects); empty otherwise.</summary>
    IReadOnlyList<StageVariant> Variants => [];

    StageOutcome Apply(WorkImage image, StageContext context);
}

/// <summary>How a stage reads the image it is given.</summary>
public enum ImageAccess
{
    /// <summary>Once, top to bottom: an image streamed from the stage before can flow straight in.</summary>
    Sequential,
    /// <summary>More than once, or out of order: a streamed image is held in memory before this stage.</summary>
    Random,
}

/// <summary>One of the sets a stage makes from one input: <see cref="Label"/> for people (16:9), <see cref="FileTag"/> for names (16x9).</summary>
public sealed record StageVariant(string Label, string FileTag);

/// <summary>Progress within one stage: a fraction of its work and a short label (upscale: "pass 1/2", "7/12 tiles").</summary>
public sealed record StageProgress(string Stage, double Fraction, string Step = "", string Detail = "");

/// <summary>
/// What one image's run gives every stage. <see cref="Reference"/> is the image an AI stage started from, kept at its
/// own (small) size, for a later stage that measures what the AI changed (cleanup); the enlarged result is never
/// kept alive twice.
/// </summary>
public sealed record StageContext(WorkImage Source, SourceMetadata Metadata, IProgress<StageProgress>? Progress = null, CancellationToken Cancel = default)
{
    /// <summary>The image that went into an AI enlargement, before it; null when none ran.</summary>
    public WorkImage? Reference { get; init; }

    /// <summary>Output sharpening for export's copies, handed on by the pipeline from the sharpen stage.</summary>
    public OutputSharpener Sharpener { get; init; } = OutputSharpening.None;

    /// <summary>The sizes the run's outputs need (export's copies), handed on by the pipeline; null where it writes none.</summary>
    public IMasterSizes? Outputs { get; init; }

    /// <summary>Where files and intermediates go; null where the run writes no set (a one-image command).</summary>
    public IStageFiles? Files { get; init; }

    /// <summary>Which of a stage's <see cref="IPreparedStage.Variants"/> this run makes; 0 when there is one.</summary>
    public int Variant { get; init; }

    /// <summary>Reports progress of <paramref name="stage"/>.</summary>
    public void Report(string stage, double fraction, string step = "", string detail = "") =>
        Progress?.Report(new StageProgress(stage, fraction, step, detail));
}

/// <summary>What a stage did to one image.</summary>
/// <param name="Image">The image handed to the next stage.</param>
/// <param name="Report">Warnings and measurements for the sidecar.</param>
/// <param name="Status">One line for the sidecar: done, identity, done: 16:9, skipped: …</param>
/// <param name="Models">The models the stage ran, for the sidecar.</param>
public sealed record StageOutcome(WorkImage Image, StageReport Report, string Status, IReadOnlyList<ModelRecord> Models)
{
    /// <summary>False when the image passed through unchanged by design (a skipped stage, sharpen's per-copy work): no intermediate is kept.</summary>
    public bool MadeImage { get; init; } = true;

    /// <summary>True when the stage did not run at all; the sidecar then records no parameters and no time.</summary>
    public bool Skipped { get; init; }

    /// <summary>What the sidecar records instead of the recipe section, when the run itself says more (repair: each pass as it ran).</summary>
    public object? Detail { get; init; }

    /// <summary>Set by a stage whose result is computed while it is read; the pipeline disposes it once the image is done.</summary>
    public IStreamedImage? Stream { get; init; }

    /// <summary>Set by an AI enlargement: what later stages get as <see cref="StageContext.Reference"/>.</summary>
    public WorkImage? Reference { get; init; }

    public static StageOutcome Done(WorkImage image, StageReport report, string status = "done") => new(image, report, status, []);

    /// <summary>The stage did not run on this image; the image goes on as it came.</summary>
    public static StageOutcome Skip(WorkImage image, string reason) =>
        new(image, StageReport.Empty, reason, []) { MadeImage = false, Skipped = true };
}

/// <summary>
/// An image computed as it is read (the upscale's last model pass, the grade): read <see cref="Image"/> once, top to
/// bottom, through <see cref="Consume"/>, or take an in-memory copy with <see cref="Materialise"/>.
/// </summary>
public interface IStreamedImage : IDisposable
{
    WorkImage Image { get; }

    /// <summary>The producing stage's report; complete once the image has been read.</summary>
    StageReport Report { get; }

    /// <summary>
    /// True when <see cref="Image"/> may be read any number of times, in any order (a strip image computed on demand,
    /// the grade's): it is then never held in memory for a stage that reads its input more than once.
    /// </summary>
    bool Rereadable => false;

    /// <summary>Reads the image through <paramref name="consume"/> (an encoder, say), surfacing the producer's errors as themselves.</summary>
    void Consume(Action<WorkImage> consume);

    /// <summary>The whole image in memory, for stages that read it more than once.</summary>
    WorkImage Materialise();
}

/// <summary>Where a stage puts files; the pipeline names them, adds the lineage and writes them as one set.</summary>
public interface IStageFiles
{
    /// <summary>Stages the master (16-bit, lossless); the pipeline adds the input's metadata and the lineage.</summary>
    void Master(WorkImage master, MasterFormat format);

    /// <summary>Stages an encoded destination copy, BASE.<paramref name="name"/>.EXT, with the brand marks composited onto it.</summary>
    void Copy(string name, CopyFormat format, byte[] bytes, WorkImage image, int? quality, string destination, IReadOnlyList<MarkRecord>? marks = null);

    /// <summary>Keeps <paramref name="image"/> as an intermediate of <paramref name="stage"/> when the run keeps them (NN-stage-suffix.png).</summary>
    void Intermediate(string stage, string suffix, WorkImage image);
}

/// <summary>
/// A brand mark as composited onto a copy, for the sidecar: <paramref name="Kind"/> overlay or text,
/// <paramref name="Source"/> the overlay's file (with its SHA-256) or the text, and its box in the copy's pixels.
/// </summary>
public sealed record MarkRecord(string Kind, string Source, string? Sha256, int X, int Y, int Width, int Height);

/// <summary>
/// Implemented by a prepared stage whose outputs are resized from the image it is given (export's copies): how large
/// that image must be for none of them to be enlarged. An upscale reads it to cover the copies.
/// </summary>
public interface IMasterSizes
{
    /// <summary>The smallest image, at the aspect of a <paramref name="width"/>×<paramref name="height"/> one, from which no output is enlarged.</summary>
    (int Width, int Height) Covering(int width, int height);
}

/// <summary>Implemented by a prepared stage that provides export's output sharpening (the sharpen stage).</summary>
public interface ISharpensOutput
{
    OutputSharpener Sharpener { get; }
}
