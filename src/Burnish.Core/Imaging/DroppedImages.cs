namespace Burnish.Imaging;

/// <summary>
/// Frees the memory of libvips images that are no longer referenced. A dropped image's pixels (a pinned managed array,
/// or a native copy) are released only when its wrapper, and every lazy image derived from it, has been finalised:
/// one collection runs those finalisers, the next reclaims the arrays. Called at the few points where a full-size
/// image has just been let go and a large allocation follows; a couple of blocking collections over a heap of a few
/// large arrays cost milliseconds, where waiting for the GC to get round to them costs hundreds of MB at 4096².
/// </summary>
public static class DroppedImages
{
    /// <summary>
    /// What libvips may still hold from finished images before <see cref="ReleaseFinished"/> collects: a few small
    /// images' buffers, where one 2048² float image alone is 48 MB.
    /// </summary>
    public const long FinishedHeldBytes = 128L << 20;

    /// <summary>
    /// After an image has finished: <see cref="Release"/> once libvips' own allocations (image buffers, which only
    /// finalisers free) pass <paramref name="heldBytes"/>. A blocking collection stops every thread of the process, so
    /// with several images at once each image's own collection would stall the others; small images share one.
    /// </summary>
    /// <returns>Whether it collected.</returns>
    public static bool ReleaseFinished(long heldBytes = FinishedHeldBytes)
    {
        if (NetVips.Stats.Mem < heldBytes) return false;
        Release();
        return true;
    }

    public static void Release()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
