using Burnish.Imaging;
using Burnish.Stages.Repair;
using Burnish.Synthesis;

namespace Burnish.Core.Tests.Synthesis;

public class LabCanvasTests
{
    [Theory]
    [InlineData("repair/kodim15-crop.png")] // untagged 8-bit sRGB
    [InlineData("tree_alpha_16bit.png")]    // 16-bit RGBA, Adobe RGB (1998)
    public void The_fast_lab_agrees_with_littlecms_lab(string fixture)
    {
        var image = ImageLoader.Load(Fixtures.PathOf(fixture.Split('/')), LoadLimits.Default).Image;
        var reference = ColourSpaces.ToLab(image).WriteToMemory<float>();
        var canvas = LabCanvas.From(image);
        var alpha = image.Alpha?.WriteToMemory<float>();
        double worst = 0;
        for (var i = 0; i < image.Width * image.Height; i++)
        {
            for (var c = 0; c < 3; c++) worst = Math.Max(worst, Math.Abs(canvas.Pixels[i * 4 + c] - reference[i * 3 + c]));
            Assert.Equal(alpha is null ? 0f : alpha[i] * LabCanvas.AlphaScale, canvas.Pixels[i * 4 + 3]);
        }
        // Both are XYZ → Lab with the same white; what is left is float rounding of the matrix/TRC shortcut (within
        // 0.67/65535 of LittleCMS, docs/benchmarks.md) through the cube root: measured 6e-5, bound 0.001.
        Assert.True(worst < 0.001, $"largest difference {worst} in L*, a* or b*");
    }
}
