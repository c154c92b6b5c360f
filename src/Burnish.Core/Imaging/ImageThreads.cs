namespace Burnish.Imaging;

/// <summary>
/// How many threads the loops of one image may use: libvips' thread count, which <c>finish -j N</c> and the service
/// set to cores / images at once. Loops that took every pool thread made images running at once wait on each other:
/// one inside a libvips callback queued work for pool threads that were all blocked in the other image's libvips
/// calls, until the pool added a thread (about one each half second).
/// </summary>
public static class ImageThreads
{
    public static ParallelOptions Options(CancellationToken cancel = default) =>
        new() { MaxDegreeOfParallelism = Math.Max(1, global::NetVips.NetVips.Concurrency), CancellationToken = cancel };
}
