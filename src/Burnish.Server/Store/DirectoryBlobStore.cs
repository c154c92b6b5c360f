using System.Text;

namespace Burnish.Server.Store;

/// <summary>A store that is a folder: keys are relative paths below <see cref="Root"/>. Writes go to a temp name and are renamed.</summary>
public sealed class DirectoryBlobStore : IBlobStore
{
    public DirectoryBlobStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public async Task PutAsync(string key, Stream content, CancellationToken cancel)
    {
        var path = PathOf(key);
        var temp = TempFor(path);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                await content.CopyToAsync(file, cancel);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public void Put(string key, ReadOnlySpan<byte> bytes)
    {
        var path = PathOf(key);
        var temp = TempFor(path);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                file.Write(bytes);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public void Append(string key, string line)
    {
        // One write call per line, so a reader never sees half a line followed by another writer's.
        using var file = new FileStream(PathOf(key), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        file.Write(Encoding.UTF8.GetBytes(line + "\n"));
    }

    public byte[]? Read(string key, long offset = 0)
    {
        var path = ReadPathOf(key);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (offset >= file.Length) return [];
            file.Seek(offset, SeekOrigin.Begin);
            var bytes = new byte[file.Length - offset];
            file.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Stream? OpenRead(string key)
    {
        var path = ReadPathOf(key);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public bool Exists(string key) => File.Exists(ReadPathOf(key));

    public void Delete(string prefix)
    {
        var path = Path.Combine(Root, Checked(prefix));
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        else File.Delete(path);
    }

    public IReadOnlyList<string> List(string prefix)
    {
        var dir = Path.Combine(Root, Checked(prefix));
        if (!Directory.Exists(dir)) return [];
        return [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.'))];
    }

    public string LocalFolder(string prefix)
    {
        var dir = Path.Combine(Root, Checked(prefix));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private string PathOf(string key)
    {
        var path = Path.Combine(Root, Checked(key));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    // A read never creates folders: asking for an unknown job leaves nothing behind.
    private string ReadPathOf(string key) => Path.Combine(Root, Checked(key));

    private static string TempFor(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}{Burnish.IO.AtomicFile.TempMarker}-{Guid.NewGuid():N}");

    /// <summary>Keys are made by the server, never from a client's text; this guards that rule.</summary>
    private static string Checked(string key)
    {
        if (key.Length == 0 || Path.IsPathRooted(key) || key.Split('/').Any(p => p is "" or "." or ".."))
            throw new ArgumentException($"'{key}' is not a store key", nameof(key));
        return key;
    }
}
