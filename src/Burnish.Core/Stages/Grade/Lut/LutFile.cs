namespace Burnish.Stages.Grade.Lut;

/// <summary>Reads a LUT file by its extension: <c>.cube</c> text, or a HaldCLUT image.</summary>
public static class LutFile
{
    private static readonly string[] HaldExtensions = [".png", ".tif", ".tiff"];

    /// <summary>True for the extensions <see cref="Load"/> reads (.cube, .png, .tif, .tiff; any case).</summary>
    public static bool IsSupported(string path)
    {
        var extension = Path.GetExtension(path);
        return extension.Equals(".cube", StringComparison.OrdinalIgnoreCase) ||
               HaldExtensions.Any(e => e.Equals(extension, StringComparison.OrdinalIgnoreCase));
    }

    /// <exception cref="LutFileException">Unknown extension, missing file, or a malformed LUT.</exception>
    public static CubeLut Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var extension = Path.GetExtension(path);
        if (extension.Equals(".cube", StringComparison.OrdinalIgnoreCase)) return CubeLutReader.Read(path);
        if (HaldExtensions.Any(e => e.Equals(extension, StringComparison.OrdinalIgnoreCase))) return HaldClut.Load(path);
        throw new LutFileException(path, 0, "not a LUT format Burnish reads: use a .cube file or a HaldCLUT image (.png, .tif, .tiff)");
    }
}
