using Burnish.Imaging;
using Burnish.Stages.Grade.Lut;

namespace Burnish.Stages.Grade;

/// <summary>The grade stage in the chain: a creative LUT is read and checked once per run.</summary>
public sealed class GradeStage : IStage<GradeParams>
{
    public string Key => "grade";

    public IPreparedStage Prepare(GradeParams parameters, StageResources resources)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new PreparedGrade(parameters, parameters.Lut is { } lut ? LutFile.Load(lut.File) : null);
    }

    private sealed class PreparedGrade(GradeParams p, CubeLut? lut) : IPreparedStage
    {
        public StageOutcome Apply(WorkImage image, StageContext context)
        {
            // Streamed: the clipping figures are settled once export (or the encoder) has read the graded bands.
            var graded = Grade.Stream(image, p, lut, context.Cancel);
            return new StageOutcome(graded.Image, StageReport.Empty, Grade.IsIdentity(p) ? "identity" : "done", []) { Stream = graded };
        }

        public void Dispose() { }
    }
}
