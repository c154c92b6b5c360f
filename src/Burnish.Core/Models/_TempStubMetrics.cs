// TEMPORARY stub for the metrics branch. Delete at merge.
using Burnish.Imaging;
namespace Burnish.Metrics;
public static partial class ImageMetrics
{
    public static double PsnrY(WorkImage image, WorkImage truth, int border = 0) => 0;
    public static double SsimY(WorkImage image, WorkImage truth, int border = 0) => 0;
}
