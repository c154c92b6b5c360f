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
        // A killed run's temp: its owner process is gone.
        File.WriteAllBytes(dir.File($".x.1234-p{ExitedProcessId()}{AtomicFile.TempMarker}.png"), [1]);
        File.WriteAllBytes(dir.File("keep.png"), [1]);
        Assert.Equal(1, AtomicFile.SweepStale(dir.Path));
        Assert.Equal(["keep.png"], Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName));
    }

    // The id of a process that has exited: a temp file it owned is stale.
    private static int ExitedProcessId()
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    [Fact]
    public void A_second_run_into_the_same_folder_keeps_the_first_runs_in_flight_files()
    {
        // Issue 11: a second finish started 4 s after the first swept the first run's temp files away mid-write.
        using var dir = new TempDir();
        using var first = new OutputTransaction(overwrite: false);
        var master = first.StageBytes(dir.File("a.master.png"), [1, 2, 3]);
        var sidecar = first.StageBytes(dir.File("a.burnish.json"), [4]);

        // The second run starts and sweeps while the first is still writing.
        Assert.Equal(0, AtomicFile.SweepStale(dir.Path));

        Assert.True(File.Exists(master.TempPath));
        first.Commit(CancellationToken.None);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(dir.File("a.master.png")));
        Assert.True(File.Exists(dir.File("a.burnish.json")));
        Assert.Equal(Environment.ProcessId, AtomicFile.Owner(Path.GetFileName(sidecar.TempPath)));
    }

    [Fact]
    public void Temp_files_with_no_recorded_owner_are_swept_only_once_old()
    {
        using var dir = new TempDir();
        var fresh = dir.File($".fresh.1234{AtomicFile.TempMarker}.png");
        var old = dir.File($".old.1234{AtomicFile.TempMarker}.png");
        File.WriteAllBytes(fresh, [1]);
        File.WriteAllBytes(old, [1]);
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow - AtomicFile.UnownedStaleAfter - TimeSpan.FromMinutes(1));

        Assert.Equal(1, AtomicFile.SweepStale(dir.Path));
        Assert.True(File.Exists(fresh));
        Assert.False(File.Exists(old));
    }

    [Fact]
    public void Temp_files_of_another_live_process_are_kept_until_it_exits()
    {
        // The first run as a separate process: its temp file survives the second run's sweep while it lives.
        using var dir = new TempDir();
        using var other = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var temp = dir.File($".a.master.0123abcd-p{other.Id}{AtomicFile.TempMarker}.png");
            File.WriteAllBytes(temp, [1]);

            Assert.Equal(0, AtomicFile.SweepStale(dir.Path));
            Assert.True(File.Exists(temp));

            other.Kill();
            other.WaitForExit();
            Assert.Equal(1, AtomicFile.SweepStale(dir.Path));
            Assert.False(File.Exists(temp));
        }
        finally
        {
            if (!other.HasExited) other.Kill();
        }
    }
}
