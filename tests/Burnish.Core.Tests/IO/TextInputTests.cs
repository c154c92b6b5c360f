using System.Diagnostics;
using Burnish.IO;
using Burnish.Recipes;
using Burnish.Stages.Grade;
using Burnish.Stages.Grade.Lut;

namespace Burnish.Core.Tests.IO;

/// <summary>
/// Issue 11: text inputs were read whole, so /dev/zero or a 300 MB one-line .cube ran out of memory, a FIFO blocked,
/// and a .cube that is a folder said "Access denied". Each is now one line naming the file.
/// </summary>
public sealed class TextInputTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private string LinkToDevZero(string name)
    {
        var path = dir.File(name);
        File.CreateSymbolicLink(path, "/dev/zero");
        return path;
    }

    [Fact]
    public void Recipe_that_is_dev_zero_is_refused_by_name()
    {
        var path = LinkToDevZero("recipe.yaml");

        var e = Assert.Throws<RecipeException>(() => RecipeReader.Read(path));

        Assert.Equal($"{path}: is a device, not a regular file", e.Message); // a problem with the whole file has no position
    }

    [Fact]
    public void Look_that_is_dev_zero_is_refused_by_name()
    {
        var path = LinkToDevZero("look.yaml");

        var e = Assert.ThrowsAny<BurnishException>(() => SectionPresets.Load<GradeParams>(path));

        Assert.Equal($"{path}: is a device, not a regular file", e.Message);
    }

    [Fact]
    public void Cube_that_is_dev_zero_is_refused_by_name()
    {
        var path = LinkToDevZero("zero.cube");

        var e = Assert.Throws<LutFileException>(() => CubeLutReader.Read(path));

        Assert.Equal("is a device, not a regular file", e.Problem);
    }

    [Fact]
    public void Cube_that_is_a_folder_says_so()
    {
        var path = dir.File("looks.cube");
        Directory.CreateDirectory(path);

        var e = Assert.Throws<LutFileException>(() => CubeLutReader.Read(path));

        Assert.Equal($"{path}: is a folder, not a file", e.Message);
    }

    [Fact(Timeout = 20_000)] // hang guard only: opening a FIFO for reading blocks until a writer comes
    public async Task Cube_that_is_a_fifo_is_refused_without_blocking()
    {
        var path = dir.File("pipe.cube");
        using (var mkfifo = Process.Start("mkfifo", path)!)
            await mkfifo.WaitForExitAsync();

        var e = await Task.Run(() => Assert.Throws<LutFileException>(() => CubeLutReader.Read(path)));

        Assert.Equal("is a pipe (FIFO), not a regular file", e.Problem);
    }

    [Fact]
    public void Cube_with_a_line_over_the_line_limit_is_refused_at_that_line()
    {
        // The 300 MB one-line .cube of the issue, scaled down: a line past the cap is refused as soon as the cap is
        // reached, so memory never holds more than the cap of it.
        var path = dir.File("long.cube");
        File.WriteAllText(path, "LUT_3D_SIZE 2\n" + new string('1', InputLimits.Default.MaxLineChars + 1) + "\n");

        var e = Assert.Throws<LutFileException>(() => CubeLutReader.Read(path));

        Assert.Equal(2, e.Line);
        Assert.StartsWith("a line longer than", e.Problem);
    }

    [Fact]
    public void Recipe_over_the_size_limit_is_refused_before_parsing()
    {
        var path = dir.File("big.yaml");
        File.WriteAllText(path, "version: 1\n# " + new string('x', (int)InputLimits.Default.MaxTextFileBytes) + "\n");

        var e = Assert.Throws<RecipeException>(() => RecipeReader.Read(path));

        Assert.Contains("larger than 4 MiB", e.Message);
    }

    [Fact]
    public void Bounded_reader_reads_lines_as_StreamReader_does()
    {
        const string text = "a\r\nbb\n\rccc\r\rd\n\ne";
        using var bounded = new BoundedLineReader(new StringReader(text), 16);
        using var plain = new StringReader(text);
        string? expected;
        do
        {
            expected = plain.ReadLine();
            Assert.Equal(expected, bounded.ReadLine());
        } while (expected is not null);
    }

    [Fact]
    public void Newline_in_a_file_name_is_escaped_in_the_one_line_message()
    {
        var path = dir.File("evil\nname.cube");
        File.WriteAllText(path, "LUT_3D_SIZE 2\nnope\n");

        var e = Assert.Throws<LutFileException>(() => CubeLutReader.Read(path));

        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith($"\"{dir.Path}/evil\\nname.cube\":2:", e.Message);
    }
}
