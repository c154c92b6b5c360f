using System.Security.Cryptography;

namespace Burnish.IO;

/// <summary>One file written into a transaction: where it will land, its size and hash.</summary>
public sealed record StagedFile(string FinalPath, string TempPath, long Bytes, string Sha256);

/// <summary>
/// The outputs of one image, written to temporary names and renamed into place together at <see cref="Commit"/>,
/// so an image's set of files appears whole or not at all. Whatever is not committed is deleted on dispose.
/// </summary>
public sealed class OutputTransaction(bool overwrite) : IDisposable
{
    private readonly List<StagedFile> staged = [];
    private bool committed;

    public IReadOnlyList<StagedFile> Staged => staged;

    /// <summary>Writes one file under a temp name; <paramref name="write"/> receives the temp path (same extension).</summary>
    public StagedFile Stage(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = AtomicFile.TempPathFor(full);
        try
        {
            write(temp);
        }
        catch
        {
            if (File.Exists(temp)) File.Delete(temp);
            throw;
        }
        if (!File.Exists(temp)) throw new OutputException(path, "the encoder wrote nothing");
        using var stream = File.OpenRead(temp);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        var file = new StagedFile(full, temp, stream.Length, hash);
        staged.Add(file);
        return file;
    }

    public StagedFile StageBytes(string path, byte[] bytes) => Stage(path, temp => File.WriteAllBytes(temp, bytes));

    /// <summary>Flushes every staged file to disk, then renames each into place.</summary>
    public void Commit(CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        foreach (var f in staged)
        {
            using var handle = File.OpenHandle(f.TempPath, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.FlushToDisk(handle);
        }
        foreach (var f in staged)
        {
            try
            {
                File.Move(f.TempPath, f.FinalPath, overwrite);
            }
            catch (IOException e) when (!overwrite && File.Exists(f.FinalPath))
            {
                throw new OutputException(f.FinalPath, "already exists (another process wrote it meanwhile)", e);
            }
        }
        committed = true;
    }

    public void Dispose()
    {
        if (committed) return;
        foreach (var f in staged)
            if (File.Exists(f.TempPath)) File.Delete(f.TempPath);
    }
}
