using Burnish.Imaging;
using Burnish.Synthesis;

namespace Burnish.Stages.Repair.Telea;

/// <summary><c>method: telea</c>: fast-marching inpainting (Telea 2004), smooth, for thin scratches, lines and small spots.</summary>
public sealed class TeleaMethod : IRepairMethod
{
    public RepairMethod Method => RepairMethod.Telea;

    public int? Seed => null;

    public WorkImage Fill(WorkImage image, Mask mask, CancellationToken cancel) => TeleaInpaint.Fill(image, mask, cancel: cancel);

    public void Dispose() { }
}
