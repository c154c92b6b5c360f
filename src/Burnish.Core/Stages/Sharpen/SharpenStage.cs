using Burnish.Imaging;

namespace Burnish.Stages.Sharpen;

/// <summary>
/// The sharpen stage in the chain. Output sharpening depends on each copy's size and medium, so it runs once per
/// copy inside export: the prepared stage hands export its <see cref="OutputSharpener"/> (through the pipeline) and
/// leaves the image itself as it is.
/// </summary>
public sealed class SharpenStage : IStage<SharpenParams>
{
    public string Key => "sharpen";

    public IPreparedStage Prepare(SharpenParams parameters, StageResources resources)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new PreparedSharpen(parameters);
    }

    private sealed class PreparedSharpen(SharpenParams p) : IPreparedStage, ISharpensOutput
    {
        public OutputSharpener Sharpener { get; } = Sharpen.Sharpener(p);

        public ImageAccess Access => ImageAccess.Sequential;

        // Each copy's measurements and warnings are in the export record.
        public StageOutcome Apply(WorkImage image, StageContext context) =>
            StageOutcome.Done(image, StageReport.Empty, p.Amount > 0 ? "per destination, inside export" : "amount 0: none") with { MadeImage = false };

        public void Dispose() { }
    }
}
