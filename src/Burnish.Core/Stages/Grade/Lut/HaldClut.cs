using NetVips;

namespace Burnish.Stages.Grade.Lut;

/// <summary>
/// Reads HaldCLUT images (Eskil Steenberg's format, as used by ImageMagick <c>-hald-clut</c>, G'MIC and
/// RawTherapee): a level-L HaldCLUT is an L³×L³ RGB image whose pixels, read row by row, are the entries of an
/// L²-point 3D table with red varying fastest. Level 8 (512×512, 64³) is the common one.
/// </summary>
public static class HaldClut
{
    /// <summary>Level 16 is 4096×4096 pixels, a 256³ table: the largest <see cref="CubeLut"/>.</summary>
    public const int MaxLevel = 16;

    /// <summary>Reads an 8- or 16-bit (or float) RGB HaldCLUT; an alpha band is ignored, an ICC profile is not applied.</summary>
    /// <exception cref="LutFileException">Missing or unreadable file, not RGB, or not a HaldCLUT size.</exception>
    public static CubeLut Load(string path)
    {
        if (!File.Exists(path))
            throw new LutFileException(path, 0, Directory.Exists(path) ? "is a folder, not a HaldCLUT image" : "file not found");
        Image image;
        try
        {
            image = Image.NewFromFile(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error);
        }
        catch (VipsException e)
        {
            throw new LutFileException(path, 0, $"not a readable image ({FirstLine(e)})", e);
        }
        using (image)
        {
            var level = Level(image.Width, image.Height);
            if (level is null)
                throw new LutFileException(path, 0,
                    $"{image.Width}×{image.Height} is not a HaldCLUT size: a level-L HaldCLUT is L³×L³ pixels, L = 2–{MaxLevel} (level 8 is 512×512)");
            if (image.Bands is not (3 or 4))
                throw new LutFileException(path, 0, $"a HaldCLUT is an RGB image; this one has {image.Bands} band{(image.Bands == 1 ? "" : "s")}");
            var scale = image.Format switch
            {
                Enums.BandFormat.Uchar => 255f,
                Enums.BandFormat.Ushort => 65535f,
                Enums.BandFormat.Float => 1f,
                _ => throw new LutFileException(path, 0, $"HaldCLUT samples must be 8-bit, 16-bit or float, not {image.Format}"),
            };
            float[] samples;
            try
            {
                var rgb = image.Bands == 4 ? image.ExtractBand(0, n: 3) : image;
                samples = rgb.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
            }
            catch (VipsException e)
            {
                throw new LutFileException(path, 0, $"corrupt or truncated image data ({FirstLine(e)})", e);
            }
            if (scale == 1f && Array.Exists(samples, v => !float.IsFinite(v)))
                throw new LutFileException(path, 0, "the HaldCLUT holds NaN or infinite values");
            // The pixels in reading order are the table; one float more for the kernel's padding.
            var table = new float[samples.Length + 1];
            // Divide rather than multiply by 1/scale: every 8- and 16-bit code maps to its nearest float.
            for (var i = 0; i < samples.Length; i++) table[i] = samples[i] / scale;
            var size = level.Value * level.Value;
            return CubeLut.FromPadded(path, size, table, new LutRgb(0, 0, 0), new LutRgb(1, 1, 1));
        }
    }

    /// <summary>L for an L³×L³ image with L = 2–16, else null.</summary>
    public static int? Level(int width, int height)
    {
        if (width != height) return null;
        for (var level = 2; level <= MaxLevel; level++)
        {
            if (level * level * level == width) return level;
        }
        return null;
    }

    private static string FirstLine(Exception e) =>
        e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? e.GetType().Name;
}
