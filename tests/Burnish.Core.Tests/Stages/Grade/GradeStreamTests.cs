using Burnish.Imaging;
using Burnish.Stages.Grade;

namespace Burnish.Core.Tests.Stages.Grade;

using Grade = Burnish.Stages.Grade.Grade;

/// <summary>
/// The streamed grade counts its clipping figures from the bands its readers compute, so its report must not depend
/// on who read what: exact equality (the counts are integers) against a grade whose report was asked for first.
/// </summary>
public class GradeStreamTests
{
    private static readonly GradeParams Heavy = new() { Exposure = 2.5, Vibrance = 0.3 };

    [Fact]
    public void The_report_after_a_full_read_is_the_report_of_an_unread_grade()
    {
        var image = Image();
        var expected = Grade.Apply(image, Heavy).Report;
        using var graded = Grade.Stream(image, Heavy);
        var pixels = PixelBuffer.From(graded.Image.Pixels); // every band, as export's master reads them
        Assert.Equal(expected.Measurements, graded.Report.Measurements);
        Assert.Equal(expected.Warnings, graded.Report.Warnings);
        Assert.Contains(graded.Report.Warnings, w => w.Contains("grade clips"));
        Assert.Equal(pixels.Data, PixelBuffer.From(Grade.Apply(image, Heavy).Image.Pixels).Data);
    }

    [Fact]
    public void A_partly_read_grade_computes_the_bands_no_one_read_for_its_report()
    {
        var image = Image();
        var expected = Grade.Apply(image, Heavy).Report;
        using var graded = Grade.Stream(image, Heavy);
        var rows = new float[Strips.DefaultBandRows * image.Width * 3];
        Strips.ReadRows(graded.Image.Colour, Strips.DefaultBandRows, Strips.DefaultBandRows, rows); // the second band only
        Assert.Equal(expected.Measurements, graded.Report.Measurements);
    }

    [Fact]
    public void The_streamed_grade_is_rereadable_so_the_run_never_holds_it()
    {
        using var graded = Grade.Stream(Image(), Heavy);
        Assert.True(graded.Rereadable);
    }

    // A real generation (SDXL), 256 rows: four bands.
    private static WorkImage Image() => ImageLoader.Load(Fixtures.PathOf("golden", "lut", "sdxl-bottle-256.png"), LoadLimits.Default).Image;
}
