using NetVips;

namespace Burnish.Imaging;

/// <summary>
/// An image computed once and held for reading again: in memory up to <see cref="MemoryLimitBytes"/>, beyond that as an
/// uncompressed libvips file in a scratch folder, opened again for random access. libvips maps only windows of a file
/// that large as regions are read (its own way with images larger than memory), so a 16384² float image (3.2 GB)
/// costs disk, not resident memory. The file's name is removed as soon as it is open (libvips keeps it open while the
/// image lives, and the space is freed when the last image reading it is gone); where a file in use cannot be
/// removed (Windows), disposing the holder removes it. Measured to hold a lazy strip image in 155 MB at 16384²; fed the
/// upscale's read-once band stream at that size, the rows were still kept in memory (docs/benchmarks.md).
/// </summary>
public sealed class HeldImage : IDisposable
{
    /// <summary>Images up to this size stay in memory; libvips maps larger files by windows, not whole.</summary>
    public const long MemoryLimitBytes = 1L << 30;

    private readonly string? path;

    private HeldImage(Image image, string? path) => (Image, this.path, OnDisk) = (image, path, path is not null);

    /// <summary>The held pixels.</summary>
    public Image Image { get; }

    /// <summary>True when the pixels live in a file rather than in memory.</summary>
    public bool OnDisk { get; private init; }

    /// <summary>Computes <paramref name="image"/> once, in memory or, when larger than the limit, into <paramref name="scratch"/>.</summary>
    public static HeldImage Hold(Image image, string scratch, long memoryLimitBytes = MemoryLimitBytes)
    {
        ArgumentNullException.ThrowIfNull(image);
        var bytes = (long)image.Width * image.Height * image.Bands * FormatBytes(image.Format);
        if (bytes <= memoryLimitBytes) return new HeldImage(image.CopyMemory(), null);
        Directory.CreateDirectory(scratch);
        var file = Path.Combine(scratch, $"burnish-held-{Guid.NewGuid():N}.v");
        try
        {
            image.WriteToFile(file);
            var opened = Image.NewFromFile(file, access: Enums.Access.Random);
            if (OperatingSystem.IsWindows()) return new HeldImage(opened, file);
            File.Delete(file);
            return new HeldImage(opened, null) { OnDisk = true };
        }
        catch
        {
            File.Delete(file);
            throw;
        }
    }

    private static int FormatBytes(Enums.BandFormat format) => format switch
    {
        Enums.BandFormat.Uchar or Enums.BandFormat.Char => 1,
        Enums.BandFormat.Ushort or Enums.BandFormat.Short => 2,
        Enums.BandFormat.Double or Enums.BandFormat.Complex => 8,
        Enums.BandFormat.Dpcomplex => 16,
        _ => 4,
    };

    public void Dispose()
    {
        Image.Dispose();
        if (path is null) return;
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Still open through an image derived from it: the temp folder's own clean-up takes it.
        }
    }
}
