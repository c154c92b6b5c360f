using Burnish.Metrics;
using Burnish.Report;

namespace Burnish.Core.Tests.Report;

public class MetricTableTests
{
    [Fact]
    public void The_best_value_depends_on_the_direction_and_ties_are_all_marked()
    {
        double?[] values = [3, 7, null, 7];
        Assert.Equal([1, 3], MetricTable.Best(values, higherIsBetter: true).Order());
        Assert.Equal([0], MetricTable.Best(values, higherIsBetter: false).Order());
    }

    [Fact]
    public void Nothing_is_marked_when_there_is_nothing_to_choose_between()
    {
        Assert.Empty(MetricTable.Best([2.5, 2.5, 2.5], higherIsBetter: true));
        Assert.Empty(MetricTable.Best([null, 4.0, null], higherIsBetter: false));
        Assert.Empty(MetricTable.Best([null, null], higherIsBetter: false));
    }

    [Fact]
    public void One_row_per_metric_in_the_record_order_with_unmeasured_and_non_finite_values_left_empty()
    {
        var reference = new MetricSet(10, 2, 1, 0.5, 0.1, 3, null, null, null);
        var upscaled = new MetricSet(20, 3, 0.5, 0.4, 0.2, 6, 1.2, double.PositiveInfinity, 0.9);

        var rows = MetricTable.Rows([reference, upscaled]);

        var expected = MetricSet.Names;
        Assert.Equal(expected, rows.Select(r => r.Name));
        var sharpness = rows.Single(r => r.Name == nameof(MetricSet.Sharpness));
        Assert.Equal(ImageMetrics.HigherIsBetter(nameof(MetricSet.Sharpness)), sharpness.HigherIsBetter);
        Assert.Equal(sharpness.HigherIsBetter ? [1] : [0], sharpness.Best.Order());
        var drift = rows.Single(r => r.Name == nameof(MetricSet.DeltaE00));
        Assert.Equal([null, 1.2], drift.Values);
        Assert.Empty(drift.Best);
        Assert.Equal([null, null], rows.Single(r => r.Name == nameof(MetricSet.Psnr)).Values);
    }

    [Theory]
    [InlineData(nameof(MetricSet.ShadowClip), 0.123, "0.12 %")]
    [InlineData(nameof(MetricSet.Psnr), 31.456, "31.46 dB")]
    [InlineData(nameof(MetricSet.Ssim), 0.98765, "0.9877")]
    [InlineData(nameof(MetricSet.Sharpness), 1234.5, "1,235")]
    [InlineData(nameof(MetricSet.Noise), 1.234, "1.23")]
    public void Values_are_formatted_with_their_unit(string metric, double value, string shown) =>
        Assert.Equal(shown, MetricTable.Format(metric, value));
}
