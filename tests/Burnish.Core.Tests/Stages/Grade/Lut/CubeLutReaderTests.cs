using System.Text;
using Burnish.Stages.Grade.Lut;

namespace Burnish.Core.Tests.Stages.Grade.Lut;

/// <summary>.cube parsing: the accepted layouts, and one clear line naming the file and line for every malformed one.</summary>
public class CubeLutReaderTests
{
    private static CubeLut Parse(string text) => CubeLutReader.Parse(new StringReader(text), "look.cube");

    private static LutFileException Fails(string text) => Assert.Throws<LutFileException>(() => Parse(text));

    /// <summary>A 2³ identity table: 8 rows, red fastest.</summary>
    private const string Rows2 = "0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n";

    [Fact]
    public void Reads_the_committed_17_point_lut_with_its_keywords()
    {
        var lut = CubeLutReader.Read(LutFixtures.PathOf("filmic-17.cube"));
        Assert.Equal(17, lut.Size);
        Assert.Equal(3 * 17 * 17 * 17, lut.Table.Length);
        Assert.Equal(new LutRgb(0, 0, 0), lut.DomainMin);
        Assert.Equal(new LutRgb(1, 1, 1), lut.DomainMax);
        Assert.Null(lut.Shaper);
        Assert.EndsWith("filmic-17.cube", lut.Name);
        // First row of the file ("0.000000 0.040927 0.085087") is grid point (0, 0, 0): the faded, teal black.
        Assert.Equal(new LutRgb(0f, 0.040927f, 0.085087f), lut[0, 0, 0]);
    }

    [Fact]
    public void Crlf_title_comments_blank_lines_and_tabs_are_accepted()
    {
        var text = "\uFEFF# made by hand\r\nTITLE \"A look # with a hash\"\r\n\r\n  # indented comment\r\nLUT_3D_SIZE 2\r\n" +
                   "DOMAIN_MIN 0 0 0\r\nDOMAIN_MAX 1 1 1\r\nLUT_IN_VIDEO_RANGE\r\n" +
                   Rows2.Replace("\n", "\r\n").Replace("1 1 1\r\n", "# a comment between rows\r\n\r\n1\t1   1  \r\n");
        var lut = CubeLutReader.Parse(new StreamReader(new MemoryStream(Encoding.UTF8.GetBytes(text))), "look.cube");
        Assert.Equal(2, lut.Size);
        Assert.Equal(new LutRgb(1, 1, 1), lut[1, 1, 1]);
        Assert.Equal(new LutRgb(1, 0, 0), lut[1, 0, 0]);
    }

    [Fact]
    public void Resolve_input_ranges_set_each_tables_domain()
    {
        var lut = Parse("LUT_1D_SIZE 2\nLUT_1D_INPUT_RANGE -0.25 1.25\nLUT_3D_SIZE 2\nLUT_3D_INPUT_RANGE 0 2\n0 0 0\n1 1 1\n" + Rows2);
        Assert.Equal(new LutRgb(-0.25f, -0.25f, -0.25f), lut.Shaper!.DomainMin);
        Assert.Equal(new LutRgb(1.25f, 1.25f, 1.25f), lut.Shaper.DomainMax);
        Assert.Equal(new LutRgb(2, 2, 2), lut.DomainMax);
    }

    [Theory]
    // wrong count of rows
    [InlineData("LUT_3D_SIZE 2\n" + "0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n", "look.cube:8: 7 rows for LUT_3D_SIZE 2 (expected 8)")]
    [InlineData("LUT_3D_SIZE 2\n" + Rows2 + "0.5 0.5 0.5\n\n", "look.cube:10: 9 rows for LUT_3D_SIZE 2 (expected 8)")]
    [InlineData("LUT_3D_SIZE 2\n# nothing else\n", "look.cube:2: 0 rows for LUT_3D_SIZE 2 (expected 8)")]
    [InlineData("LUT_1D_SIZE 4\nLUT_3D_SIZE 2\n" + Rows2, "look.cube:10: 8 rows for LUT_1D_SIZE 4 and LUT_3D_SIZE 2 (expected 4 + 8)")]
    // a non-numeric value
    [InlineData("LUT_3D_SIZE 2\n0 0 0\n1 0 0\nabc\n", "look.cube:4: expected 3 numbers, got 'abc'")]
    [InlineData("LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 0,5 0\n", "look.cube:5: expected 3 numbers, got '0,5' in '1 0,5 0'")]
    [InlineData("LUT_3D_SIZE 2\n0 0 0\n1 nan 0\n", "look.cube:3: expected 3 numbers, got 'nan' in '1 nan 0'")]
    [InlineData("LUT_3D_SIZE 2\n0 0 0\n1 0\n", "look.cube:3: expected 3 numbers, got 2: '1 0'")]
    [InlineData("LUT_3D_SIZE 2\n0 0 0\n1 0 0 1\n", "look.cube:3: expected 3 numbers, got 4: '1 0 0 1'")]
    [InlineData("LUT_3D_SIZE 2\n0 0 0\nLUT_3D_SIZE 2\n", "look.cube:3: expected 3 numbers, got 'LUT_3D_SIZE' in 'LUT_3D_SIZE 2'")]
    [InlineData("hello world\nLUT_3D_SIZE 2\n", "look.cube:1: expected a keyword or 3 numbers, got 'hello world'")]
    // sizes
    [InlineData("TITLE \"x\"\nLUT_3D_SIZE 300\n", "look.cube:2: LUT_3D_SIZE 300 is over 256")]
    [InlineData("LUT_3D_SIZE 1\n0 0 0\n", "look.cube:1: LUT_3D_SIZE 1 is under 2")]
    [InlineData("LUT_3D_SIZE 33.5\n", "look.cube:1: LUT_3D_SIZE needs a whole number, got '33.5'")]
    [InlineData("LUT_3D_SIZE\n", "look.cube:1: LUT_3D_SIZE needs a whole number, got ''")]
    [InlineData("LUT_1D_SIZE 70000\n", "look.cube:1: LUT_1D_SIZE 70000 is over 65536")]
    [InlineData("LUT_3D_SIZE 2\nLUT_3D_SIZE 3\n", "look.cube:2: a second LUT_3D_SIZE (the first is on line 1)")]
    // missing size
    [InlineData("# only a comment\nTITLE \"t\"\n0 0 0\n", "look.cube:3: table data before LUT_3D_SIZE or LUT_1D_SIZE")]
    [InlineData("TITLE \"t\"\n\n", "look.cube:2: no LUT_3D_SIZE or LUT_1D_SIZE")]
    [InlineData("", "look.cube:1: no LUT_3D_SIZE or LUT_1D_SIZE")]
    // domains
    [InlineData("LUT_3D_SIZE 2\nDOMAIN_MIN 0 0 0\nDOMAIN_MAX 1 0 1\n" + Rows2, "look.cube:3: DOMAIN_MIN 0 0 0 is not below DOMAIN_MAX 1 0 1 (G: 0 ≥ 0)")]
    [InlineData("DOMAIN_MAX 1 1 1\nDOMAIN_MIN 0 2 0\nLUT_3D_SIZE 2\n" + Rows2, "look.cube:2: DOMAIN_MIN 0 2 0 is not below DOMAIN_MAX 1 1 1 (G: 2 ≥ 1)")]
    [InlineData("LUT_3D_SIZE 2\nDOMAIN_MIN 1.5 0 0\n" + Rows2, "look.cube:2: DOMAIN_MIN 1.5 0 0 is not below the default DOMAIN_MAX 1 1 1")]
    [InlineData("LUT_3D_SIZE 2\nDOMAIN_MAX 1 1\n", "look.cube:2: DOMAIN_MAX needs 3 numbers, got '1 1'")]
    [InlineData("LUT_3D_SIZE 2\nDOMAIN_MIN 0 0 x\n", "look.cube:2: DOMAIN_MIN needs 3 numbers, got '0 0 x'")]
    [InlineData("LUT_3D_SIZE 2\nLUT_3D_INPUT_RANGE 1 0\n" + Rows2, "look.cube:2: LUT_3D_INPUT_RANGE 1 0: the minimum is not below the maximum")]
    [InlineData("LUT_3D_SIZE 2\nDOMAIN_MAX 2 2 2\nLUT_3D_INPUT_RANGE 0 2\n" + Rows2, "look.cube:2: both DOMAIN_MIN/DOMAIN_MAX and LUT_3D_INPUT_RANGE give the input range")]
    public void Malformed_files_name_the_file_and_line(string text, string message)
    {
        var e = Fails(text);
        Assert.Equal(message, e.Message);
        Assert.Equal("look.cube", e.File);
        Assert.True(e.Line > 0);
        Assert.IsAssignableFrom<BurnishException>(e);
    }

    [Fact]
    public void A_short_33_point_file_reports_its_row_count()
    {
        // The example: one row missing from a 33³ table.
        var text = new StringBuilder("TITLE \"short\"\nLUT_3D_SIZE 33\n");
        for (var i = 0; i < 33 * 33 * 33 - 1; i++) text.Append("0.5 0.5 0.5\n");
        var e = Fails(text.ToString());
        Assert.Equal($"look.cube:{2 + 35936}: 35936 rows for LUT_3D_SIZE 33 (expected 35937)", e.Message);
    }

    [Fact]
    public void Read_names_the_path_of_a_bad_or_missing_file()
    {
        using var dir = new TempDir();
        var path = dir.File("broken.cube");
        File.WriteAllText(path, "LUT_3D_SIZE 2\n0 0 0\n0 0 x\n");
        Assert.Equal($"{path}:3: expected 3 numbers, got 'x' in '0 0 x'", Assert.Throws<LutFileException>(() => CubeLutReader.Read(path)).Message);
        var missing = dir.File("missing.cube");
        Assert.Equal($"{missing}: file not found", Assert.Throws<LutFileException>(() => CubeLutReader.Read(missing)).Message);
    }

    [Fact]
    public void LutFile_dispatches_on_the_extension()
    {
        Assert.Equal(17, LutFile.Load(LutFixtures.PathOf("filmic-17.cube")).Size);
        Assert.Equal(64, LutFile.Load(LutFixtures.PathOf("filmic-hald-8.png")).Size);
        var e = Assert.Throws<LutFileException>(() => LutFile.Load("look.3dl"));
        Assert.StartsWith("look.3dl: not a LUT format", e.Message);
    }
}
