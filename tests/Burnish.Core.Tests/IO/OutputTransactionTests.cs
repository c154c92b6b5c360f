using Burnish.IO;

namespace Burnish.Core.Tests.IO;

public class OutputTransactionTests
{
    [Fact]
    public void Nothing_appears_until_commit_and_a_failure_leaves_nothing()
    {
        using var dir = new TempDir();
        using (var t = new OutputTransaction(overwrite: false))
        {
            t.StageBytes(dir.File("a.txt"), [1, 2, 3]);
            Assert.False(File.Exists(dir.File("a.txt")));
            Assert.Throws<InvalidOperationException>(() => t.Stage(dir.File("b.txt"), temp => { File.WriteAllBytes(temp, [9]); throw new InvalidOperationException("encoder died"); }));
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Commit_moves_every_file_into_place_with_its_hash()
    {
        using var dir = new TempDir();
        using var t = new OutputTransaction(overwrite: false);
        var staged = t.StageBytes(dir.File("a.txt"), "abc"u8.ToArray());
        t.Commit(CancellationToken.None);
        Assert.Equal("abc", File.ReadAllText(dir.File("a.txt")));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", staged.Sha256); // SHA-256("abc"), FIPS 180-2
        Assert.Single(Directory.EnumerateFiles(dir.Path));
    }

    [Fact]
    public void An_existing_file_is_not_replaced_without_overwrite()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.txt"), "mine");
        using (var t = new OutputTransaction(overwrite: false))
        {
            t.StageBytes(dir.File("a.txt"), [1]);
            Assert.Throws<OutputException>(() => t.Commit(CancellationToken.None));
        }
        Assert.Equal("mine", File.ReadAllText(dir.File("a.txt")));
        Assert.Single(Directory.EnumerateFiles(dir.Path));
    }

    [Fact]
    public void A_cancelled_commit_writes_nothing_and_stale_temps_are_swept()
    {
        using var dir = new TempDir();
        using (var t = new OutputTransaction(overwrite: false))
        {
            t.StageBytes(dir.File("a.txt"), [1]);
            Assert.Throws<OperationCanceledException>(() => t.Commit(new CancellationToken(canceled: true)));
        }
        Assert.Empty(Directory.EnumerateFiles(dir.Path));
        File.WriteAllBytes(dir.File($".x.1234{AtomicFile.TempMarker}.png"), [1]);
        File.WriteAllBytes(dir.File("keep.png"), [1]);
        Assert.Equal(1, AtomicFile.SweepStale(dir.Path));
        Assert.Equal(["keep.png"], Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName));
    }
}
