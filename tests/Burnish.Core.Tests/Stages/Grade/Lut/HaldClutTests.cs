using Burnish.Stages.Grade.Lut;
using NetVips;

namespace Burnish.Core.Tests.Stages.Grade.Lut;

public class HaldClutTests
{
    [Fact]
    public void A_level_8_hald_is_a_64_point_table_in_pixel_order()
    {
        var lut = HaldClut.Load(LutFixtures.PathOf("filmic-hald-8.png"));
        Assert.Equal(64, lut.Size);
        Assert.Equal(new LutRgb(0, 0, 0), lut.DomainMin);
        Assert.Equal(new LutRgb(1, 1, 1), lut.DomainMax);
        // Pixel (x, y) of the 512×512 image is entry x + 512·y = r + 64·g + 4096·b.
        using var image = Image.NewFromFile(LutFixtures.PathOf("filmic-hald-8.png"));
        foreach (var (r, g, b) in new[] { (0, 0, 0), (63, 0, 0), (5, 40, 0), (17, 33, 63), (63, 63, 63) })
        {
            var i = r + 64 * g + 4096 * b;
            var p = image.Getpoint(i % 512, i / 512);
            Assert.Equal(new LutRgb((float)p[0] / 255f, (float)p[1] / 255f, (float)p[2] / 255f), lut[r, g, b]);
        }
    }

    [Fact]
    public void A_16_bit_hald_reads_as_the_same_table()
    {
        using var dir = new TempDir();
        var path16 = dir.File("filmic-hald-8-16bit.png");
        using (var image = Image.NewFromFile(LutFixtures.PathOf("filmic-hald-8.png")))
        using (var wide = (image.Cast(Enums.BandFormat.Ushort) * 257).Cast(Enums.BandFormat.Ushort).Copy(interpretation: Enums.Interpretation.Rgb16))
            wide.Pngsave(path16, bitdepth: 16);

        var lut8 = HaldClut.Load(LutFixtures.PathOf("filmic-hald-8.png"));
        var lut16 = HaldClut.Load(path16);

        // v/255 and 257v/65535 are the same number; both divisions are correctly rounded.
        Assert.True(lut8.Table.SequenceEqual(lut16.Table));
    }

    [Fact]
    public void An_alpha_band_is_ignored()
    {
        using var dir = new TempDir();
        var path = dir.File("hald-alpha.png");
        using (var image = Image.NewFromFile(LutFixtures.PathOf("filmic-hald-8.png")))
        using (var rgba = image.Bandjoin(128))
            rgba.Pngsave(path);
        Assert.True(HaldClut.Load(path).Table.SequenceEqual(HaldClut.Load(LutFixtures.PathOf("filmic-hald-8.png")).Table));
    }

    [Theory]
    [InlineData(2, 8)]
    [InlineData(8, 512)]
    [InlineData(12, 1728)]
    [InlineData(16, 4096)]
    public void Levels_are_cube_roots_of_the_side(int level, int side) => Assert.Equal(level, HaldClut.Level(side, side));

    [Theory]
    [InlineData(100, 100)]
    [InlineData(512, 511)]
    [InlineData(1, 1)]
    [InlineData(4913, 4913)] // level 17: a 289³ table, over the 256 limit
    public void Other_sizes_are_not_halds(int width, int height) => Assert.Null(HaldClut.Level(width, height));

    [Fact]
    public void An_image_of_the_wrong_size_is_refused_naming_the_file()
    {
        using var dir = new TempDir();
        var path = dir.File("not-a-hald.png");
        using (var image = Image.Black(100, 100, bands: 3))
            image.Cast(Enums.BandFormat.Uchar).Pngsave(path);
        var e = Assert.Throws<LutFileException>(() => HaldClut.Load(path));
        Assert.Equal($"{path}: 100×100 is not a HaldCLUT size: a level-L HaldCLUT is L³×L³ pixels, L = 2–16 (level 8 is 512×512)", e.Message);
    }

    [Fact]
    public void Grey_missing_and_non_image_files_are_refused_naming_the_file()
    {
        using var dir = new TempDir();
        var grey = dir.File("grey.png");
        using (var image = Image.Black(64, 64))
            image.Cast(Enums.BandFormat.Uchar).Pngsave(grey);
        Assert.Equal($"{grey}: a HaldCLUT is an RGB image; this one has 1 band", Assert.Throws<LutFileException>(() => HaldClut.Load(grey)).Message);

        var missing = dir.File("missing.png");
        Assert.Equal($"{missing}: file not found", Assert.Throws<LutFileException>(() => HaldClut.Load(missing)).Message);

        var text = dir.File("text.png");
        File.WriteAllText(text, "not a png");
        Assert.StartsWith($"{text}: not a readable image", Assert.Throws<LutFileException>(() => HaldClut.Load(text)).Message);
    }
}
