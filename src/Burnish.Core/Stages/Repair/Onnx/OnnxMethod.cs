using Burnish.Imaging;
using Burnish.Stages.Repair.Learned;

namespace Burnish.Stages.Repair.Onnx;

/// <summary>
/// <c>method: onnx</c>: a learned inpainting model you bring (LaMa or MI-GAN export) on ONNX Runtime; its session is
/// opened once per run and checked against the inpainting contract before any image is touched.
/// </summary>
public sealed class OnnxMethod : IRepairMethod
{
    private readonly InpaintModel model;
    private readonly LearnedInpaintParams settings;

    private OnnxMethod(InpaintModel model, LearnedInpaintParams settings) => (this.model, this.settings) = (model, settings);

    public static OnnxMethod Load(RepairPass pass) =>
        new(new InpaintModel(pass.Model ?? throw new BurnishException("method onnx needs model: the path of a LaMa or MI-GAN ONNX file")),
            pass.Learned ?? LearnedInpaintParams.Default);

    public RepairMethod Method => RepairMethod.Onnx;

    public int? Seed => null;

    public WorkImage Fill(WorkImage image, Mask mask, CancellationToken cancel) => LearnedInpaint.Fill(image, mask.ToImage(), settings, model, cancel);

    public void Dispose() => model.Dispose();
}
