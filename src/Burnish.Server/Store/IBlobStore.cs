namespace Burnish.Server.Store;

/// <summary>
/// Where a job's inputs, outputs, state and events live, by key ("jobs/ID/job.json"). The directory store is the one
/// that must work (a local folder, or NFS shared by every worker); an S3-compatible store can follow behind this.
/// </summary>
public interface IBlobStore
{
    /// <summary>Writes <paramref name="content"/> under <paramref name="key"/> whole or not at all, replacing what was there.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancel);

    /// <summary>Writes <paramref name="bytes"/> under <paramref name="key"/> whole or not at all.</summary>
    void Put(string key, ReadOnlySpan<byte> bytes);

    /// <summary>Adds one line to a log that only one writer appends to at a time.</summary>
    void Append(string key, string line);

    /// <summary>The blob's bytes from <paramref name="offset"/>; null when it does not exist.</summary>
    byte[]? Read(string key, long offset = 0);

    /// <summary>A stream over the blob; null when it does not exist.</summary>
    Stream? OpenRead(string key);

    bool Exists(string key);

    /// <summary>Removes <paramref name="prefix"/> and everything under it; nothing happens when it is absent.</summary>
    void Delete(string prefix);

    /// <summary>The names directly under <paramref name="prefix"/> (files and folders).</summary>
    IReadOnlyList<string> List(string prefix);

    /// <summary>
    /// A local folder for <paramref name="prefix"/> that the finishing pipeline reads and writes as files (it works on
    /// paths, with atomic renames). The directory store hands out its own folder.
    /// </summary>
    string LocalFolder(string prefix);
}
