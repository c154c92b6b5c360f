using Burnish.Pipeline;

namespace Burnish.Core.Tests.Pipeline;

/// <summary>Issue 11, defect 5: folder links and loops.</summary>
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
}
