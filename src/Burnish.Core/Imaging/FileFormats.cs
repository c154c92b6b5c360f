using Burnish.Schema;

namespace Burnish.Imaging;

/// <summary>Lossless 16-bit containers a master is written in.</summary>
public enum MasterFormat { Png, [AlsoWritten("tif")] Tiff }

/// <summary>8-bit sRGB encodings a copy is written in.</summary>
public enum CopyFormat { [AlsoWritten("jpg")] Jpeg, Webp, Avif, Png }
