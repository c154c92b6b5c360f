using Burnish.Stages.Grade.Lut;
using Xunit.Abstractions;

namespace Burnish.Core.Tests.Stages.Grade.Lut;

/// <summary>
/// LUT application against peer tools on a real AI generation (a 256×256 crop of ComfyUI_examples' SDXL example),
/// goldens made by fixtures/golden/lut/make-golden.sh.
/// </summary>
public class LutPeerTests(ITestOutputHelper output)
{
    /// <summary>
    /// ≤ 1/255: ffmpeg's 8-bit path truncates its float result to an integer (av_clip_uint8 of a float) where we
    /// round, so the same float result can land one code lower; the interpolation is the same tetrahedral scheme.
    /// </summary>
    private const int FfmpegTolerance = 1;

    /// <summary>
    /// ≤ 2/255: ImageMagick 6 interpolates the HaldCLUT trilinearly, we tetrahedrally; on a 64³ grid of a smooth
    /// look the two schemes differ by under 2 codes, plus rounding.
    /// </summary>
    private const int ImageMagickTolerance = 2;

    [Theory]
    [InlineData(17)]
    [InlineData(33)]
    public void Cube_matches_ffmpeg_lut3d_tetrahedral(int size)
    {
        var lut = LutFixtures.Cube(size);
        Assert.Equal(size, lut.Size);
        var pixels = LutFixtures.Read8(LutFixtures.Crop);

        Lut3D.Apply(pixels, lut, 1.0);

        var golden = LutFixtures.Codes8($"sdxl-bottle-256.ffmpeg-{size}.png");
        var (max, differing) = LutFixtures.Compare(LutFixtures.Quantise8(pixels), golden);
        output.WriteLine($"{size}³ vs ffmpeg: max |diff| {max}/255, {differing} of {golden.Length} samples differ");
        Assert.True(max <= FfmpegTolerance, $"max |diff| {max}/255 against ffmpeg ({differing} samples differ)");
        // Quantised ffmpeg's way (truncated), the results are the same codes: the interpolation is the same. A few
        // samples may still sit across an integer from float rounding (1 of 196,608 for the 33³ when written).
        var truncated = pixels.Data.Select(v => (byte)Math.Clamp((int)(v * 255f), 0, 255)).ToArray();
        var (maxTruncated, differingTruncated) = LutFixtures.Compare(truncated, golden);
        output.WriteLine($"{size}³ vs ffmpeg, truncated like ffmpeg: max |diff| {maxTruncated}/255, {differingTruncated} samples differ");
        Assert.True(maxTruncated <= 1 && differingTruncated <= golden.Length / 10_000,
            $"truncated like ffmpeg: max |diff| {maxTruncated}/255, {differingTruncated} samples differ");
        // The look must really move the image, or the comparison proves nothing.
        var (moved, _) = LutFixtures.Compare(golden, LutFixtures.Codes8(LutFixtures.Crop));
        Assert.True(moved >= 20, $"the LUT changes the crop by at most {moved} codes");
    }

    [Fact]
    public void Hald_clut_matches_imagemagick_hald_clut()
    {
        var lut = HaldClut.Load(LutFixtures.PathOf("filmic-hald-8.png"));
        Assert.Equal(64, lut.Size);
        var pixels = LutFixtures.Read8(LutFixtures.Crop);

        Lut3D.Apply(pixels, lut, 1.0);

        var golden = LutFixtures.Codes8("sdxl-bottle-256.im6-hald.png");
        var (max, differing) = LutFixtures.Compare(LutFixtures.Quantise8(pixels), golden);
        output.WriteLine($"HaldCLUT vs ImageMagick: max |diff| {max}/255, {differing} of {golden.Length} samples differ");
        Assert.True(max <= ImageMagickTolerance, $"max |diff| {max}/255 against ImageMagick ({differing} samples differ)");
    }

    [Fact]
    public void The_three_forms_of_one_look_agree()
    {
        // Same look sampled at 17, 33 and 64 points: interpolation error shrinks with the grid, so all three stay
        // within a few codes of each other (the 17³ sees most of the curvature; the Hald adds 8-bit table rounding).
        var results = new[] { LutFixtures.Cube(17), LutFixtures.Cube(33), HaldClut.Load(LutFixtures.PathOf("filmic-hald-8.png")) }
            .Select(lut =>
            {
                var pixels = LutFixtures.Read8(LutFixtures.Crop);
                Lut3D.Apply(pixels, lut, 1.0);
                return LutFixtures.Quantise8(pixels);
            }).ToArray();
        var (max33, _) = LutFixtures.Compare(results[1], results[2]);
        var (max17, _) = LutFixtures.Compare(results[0], results[2]);
        output.WriteLine($"33³ vs Hald 64³: {max33}/255; 17³ vs Hald 64³: {max17}/255");
        Assert.True(max33 <= 3, $"33³ and 64³ differ by {max33}/255");
        Assert.True(max17 <= 6, $"17³ and 64³ differ by {max17}/255");
    }
}
