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
    public static void Release()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
