using Burnish.IO;
using Burnish.Pipeline;

namespace Burnish.Core.Tests.Pipeline;

/// <summary>Issue 11, defects 5 and 6: folder links and loops, and inputs whose name would put outputs outside the output folder.</summary>
public sealed class InputSetTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private string Touch(string relative)
    {
        var path = dir.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }

    private string Tree()
    {
        Touch("in/a.png");
        Touch("in/sub/b.png");
        return dir.File("in");
    }

    private IEnumerable<string> Bases(bool followLinks) =>
        InputSet.Expand([dir.File("in")], dir.File("out"), followLinks).Select(i => i.RelativeBase);

    [Theory(Timeout = 60_000)] // hang guard only: two loops used to be walked without end
    [InlineData(false)]
    [InlineData(true)]
    public async Task Folder_with_two_links_back_up_is_walked_once(bool followLinks)
    {
        var root = Tree();
        File.CreateSymbolicLink(Path.Combine(root, "sub", "up"), "..");
        File.CreateSymbolicLink(Path.Combine(root, "sub", "up2"), "..");

        var bases = await Task.Run(() => Bases(followLinks).ToList());

        Assert.Equal(["a", Path.Combine("sub", "b")], bases);
    }

    [Fact]
    public void Folder_links_are_followed_only_when_asked()
    {
        var root = Tree();
        Touch("elsewhere/c.png");
        File.CreateSymbolicLink(Path.Combine(root, "linked"), dir.File("elsewhere"));

        Assert.Equal(["a", Path.Combine("sub", "b")], Bases(followLinks: false));
        Assert.Equal(["a", Path.Combine("linked", "c"), Path.Combine("sub", "b")], Bases(followLinks: true));
    }

    [Fact]
    public void The_same_folder_linked_twice_is_walked_once_when_following()
    {
        var root = Tree();
        Touch("elsewhere/c.png");
        File.CreateSymbolicLink(Path.Combine(root, "l1"), dir.File("elsewhere"));
        File.CreateSymbolicLink(Path.Combine(root, "l2"), dir.File("elsewhere"));

        Assert.Equal(["a", Path.Combine("l1", "c"), Path.Combine("sub", "b")], Bases(followLinks: true));
    }

    [Fact]
    public void Linked_image_files_are_still_taken()
    {
        var root = Tree();
        File.CreateSymbolicLink(Path.Combine(root, "alias.png"), Path.Combine(root, "a.png"));

        Assert.Equal(["a", "alias", Path.Combine("sub", "b")], Bases(followLinks: false));
    }

    [Theory]
    [InlineData(".png")]
    [InlineData("..png")]
    [InlineData("...png")]
    public void Input_with_an_empty_or_dot_stem_gets_a_safe_name_inside_the_output_folder(string name)
    {
        var input = Touch(name);
        var outDir = dir.File("out");

        var item = Assert.Single(InputSet.Expand([input], outDir));

        Assert.Equal(OutputPaths.UnnamedStem, item.RelativeBase);
        Assert.True(OutputPaths.IsInside(outDir, Path.Combine(outDir, item.RelativeBase) + ".master.png"));
    }

    [Theory]
    [InlineData("a.master.png", true)]
    [InlineData("sub/a.master.png", true)]
    [InlineData(".master.png", true)]
    [InlineData("../out.master.png", false)]
    [InlineData("../outside/a.png", false)]
    [InlineData("../out2/a.png", false)] // a sibling whose name starts like the folder's
    public void Output_paths_are_checked_to_lie_inside_the_output_folder(string relative, bool inside)
    {
        var outDir = dir.File("out");
        var path = Path.Combine(outDir, relative);

        Assert.Equal(inside, OutputPaths.IsInside(outDir, path));
        if (inside)
            OutputPaths.EnsureInside(outDir, path);
        else
            Assert.Contains("outside the output folder", Assert.Throws<OutputException>(() => OutputPaths.EnsureInside(outDir, path)).Message);
    }

    [Fact]
    public void The_empty_stem_base_of_the_issue_lies_outside()
    {
        // Before the fix ".png" gave the base "P/out" itself, so outputs were "P/out.master.png", beside the folder.
        var outDir = dir.File("out");

        Assert.False(OutputPaths.IsInside(outDir, Path.Combine(outDir, "") + ".master.png"));
    }

    [Theory]
    [InlineData("out")]
    [InlineData("out/")]
    [InlineData("out/sub")]
    public void Folder_input_that_is_the_output_folder_says_so(string input)
    {
        // Issue 11: this said "no images found", since the output folder's files are never inputs.
        Touch("out/sub/a.png");

        var e = Assert.Throws<BurnishException>(() => InputSet.Expand([dir.File(input)], dir.File("out")));

        Assert.Contains("is the output folder or inside it", e.Message);
    }

    [Fact]
    public void Output_folder_inside_the_input_folder_is_left_out()
    {
        Touch("in/a.png");
        Touch("in/out/a.master.png");

        Assert.Equal(["a"], InputSet.Expand([dir.File("in")], dir.File("in/out")).Select(i => i.RelativeBase));
    }
}
