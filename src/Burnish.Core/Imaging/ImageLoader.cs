using Burnish.Imaging.Generation;
using Burnish.IO;
using NetVips;

namespace Burnish.Imaging;

/// <summary>Limits applied before any pixel is decoded.</summary>
/// <param name="MaxPixels">Refuse inputs with more pixels than this (decompression-bomb guard).</param>
public sealed record LoadLimits(long MaxPixels)
{
    public static LoadLimits Default { get; } = new(16384L * 16384L);
}

/// <summary>An input decoded for the pipeline: pixels, what the file said about itself, and its facts.</summary>
public sealed record LoadedImage(WorkImage Image, ImageFacts Facts, SourceMetadata Metadata)
{
    /// <summary>What the caller should know about how the file was read (one line each, for the sidecar).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>Reads PNG, JPEG, WebP, TIFF, AVIF and GIF through libvips into a <see cref="WorkImage"/>.</summary>
public static class ImageLoader
{
    private const string CommentPrefix = "png-comment-";

    /// <summary>
    /// Reads the header and metadata. Pixels are decoded only where they may hold A1111 "stealth" metadata: no other
    /// generation metadata, 8-bit RGB(A), and at most <see cref="InputLimits.MaxStealthPixels"/> pixels.
    /// </summary>
    public static (ImageFacts Facts, SourceMetadata Metadata) Inspect(string path, LoadLimits limits)
    {
        using var header = OpenHeader(path, limits);
        var facts = Facts(header, path);
        var metadata = ReadMetadata(header);
        if (metadata.Generation is null && (long)header.Width * header.Height <= InputLimits.Default.MaxStealthPixels)
        {
            try
            {
                metadata = metadata with { Generation = StealthGeneration(header, metadata) };
            }
            catch (VipsException)
            {
                // Damaged pixel data: the header is still worth showing, and there is no stealth text to read.
            }
        }
        return (facts, metadata);
    }

    /// <summary>Decodes the whole file. Throws <see cref="ImageInputException"/> with one clear line on any problem.</summary>
    public static LoadedImage Load(string path, LoadLimits limits) => Load(path, limits, null);

    /// <summary>As above; <paramref name="admit"/> sees the header's facts before any pixel is decoded and may refuse the image by throwing.</summary>
    public static LoadedImage Load(string path, LoadLimits limits, Action<ImageFacts>? admit)
    {
        var header = OpenHeader(path, limits);
        var facts = Facts(header, path);
        if (admit is not null)
        {
            try
            {
                admit(facts);
            }
            catch
            {
                header.Dispose();
                throw;
            }
        }
        var metadata = ReadMetadata(header);
        var profile = EmbeddedProfile(header, path, facts.Bands);

        Image decoded;
        try
        {
            // Orientation first, then decode all of it now so a truncated file fails here, not halfway through export.
            decoded = header.Autorot().CopyMemory();
        }
        catch (VipsException e)
        {
            throw new ImageInputException(path, $"corrupt or truncated image data ({FirstLine(e)})", e);
        }
        finally
        {
            header.Dispose();
        }

        var scale = decoded.Format switch
        {
            Enums.BandFormat.Uchar or Enums.BandFormat.Char => 255.0,
            Enums.BandFormat.Ushort or Enums.BandFormat.Short => 65535.0,
            Enums.BandFormat.Float or Enums.BandFormat.Double => 1.0,
            _ => throw new ImageInputException(path, $"unsupported sample format {decoded.Format}"),
        };
        var pixels = decoded.Cast(Enums.BandFormat.Float);
        if (scale != 1.0) pixels = pixels * (1.0 / scale);
        pixels = pixels.Copy(interpretation: decoded.Bands < 3 ? Enums.Interpretation.Bw : Enums.Interpretation.Rgb);

        var generation = metadata.Generation ?? StealthGeneration(decoded, metadata);
        // An animation would otherwise pass silently as its first frame.
        IReadOnlyList<string> warnings = facts.Frames > 1
            ? [$"{PathText.Show(path)} has {facts.Frames} frames (animated or multi-page); only the first was used"]
            : [];
        return new LoadedImage(new WorkImage(pixels, profile), facts, metadata with { Generation = generation }) { Warnings = warnings };
    }

    private static Image OpenHeader(string path, LoadLimits limits)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new ImageInputException(path, Directory.Exists(path) ? "is a folder, not an image" : "file not found");
        if (info.Length == 0)
            throw new ImageInputException(path, "empty file (0 bytes)");
        var loader = Image.FindLoad(path);
        if (loader is null)
            throw new ImageInputException(path, "not a supported image (PNG, JPEG, WebP, TIFF, AVIF or GIF expected)");
        Image header;
        try
        {
            header = Image.NewFromFile(path, access: Enums.Access.Random, failOn: Enums.FailOn.Error);
        }
        catch (VipsException e)
        {
            throw new ImageInputException(path, $"unreadable image header ({FirstLine(e)})", e);
        }
        if (!header.Contains("icc-profile-data") && DeclaredProfile.IsDeclared(path))
        {
            header.Dispose();
            throw new ImageInputException(path, "unreadable ICC profile: the file embeds one that the decoder could not parse");
        }
        var (w, h, bands, interpretation) = (header.Width, header.Height, header.Bands, header.Interpretation);
        var pixels = (long)w * h;
        if (pixels > limits.MaxPixels)
        {
            header.Dispose();
            throw new ImageInputException(path,
                $"image is {w}×{h} = {pixels:N0} pixels, over the limit of {limits.MaxPixels:N0} (raise it with --max-pixels)");
        }
        if (interpretation is Enums.Interpretation.Cmyk || bands > 4)
        {
            header.Dispose();
            throw new ImageInputException(path, $"{bands}-band {interpretation} images are not supported (grey or RGB, with or without alpha)");
        }
        return header;
    }

    private static ImageFacts Facts(Image image, string path)
    {
        var bits = image.Format switch
        {
            Enums.BandFormat.Uchar or Enums.BandFormat.Char => 8,
            Enums.BandFormat.Ushort or Enums.BandFormat.Short => 16,
            _ => 32,
        };
        if (image.Contains("bits-per-sample")) bits = (int)image.Get("bits-per-sample");
        var loader = image.Contains("vips-loader") ? ((string)image.Get("vips-loader")).Replace("load", "").Replace("_source", "") : "unknown";
        var orientation = image.Contains("orientation") ? (int)image.Get("orientation") : 1;
        string profile;
        var embedded = image.Contains("icc-profile-data");
        if (embedded)
        {
            try { profile = IccHeader.Read((byte[])image.Get("icc-profile-data")).Description ?? "embedded (no description)"; }
            catch (FormatException e) { throw new ImageInputException(path, $"unreadable ICC profile: {e.Message}", e); }
        }
        else
        {
            profile = "sRGB (untagged, assumed)";
        }
        var frames = image.Contains("n-pages") ? Math.Max(1, (int)image.Get("n-pages")) : 1;
        return new ImageFacts(image.Width, image.Height, image.Bands, bits, image.HasAlpha(), loader, profile, embedded, orientation) { Frames = frames };
    }

    private static ColourProfile EmbeddedProfile(Image image, string path, int bands)
    {
        if (!image.Contains("icc-profile-data")) return ShippedProfiles.Srgb;
        var icc = (byte[])image.Get("icc-profile-data");
        var header = IccHeader.Read(icc); // already validated by Facts
        var expected = bands < 3 ? "GRAY" : "RGB";
        if (header.ColourSpace != expected)
            throw new ImageInputException(path, $"unreadable ICC profile: it describes {header.ColourSpace} but the image is {(bands < 3 ? "grey" : "RGB")}");
        var profile = new ColourProfile("embedded", header.Description ?? "embedded", icc);
        // The shipped sRGB (what most generations embed) needs no check, and its curves are sampled once per process.
        if (profile.SameAs(ShippedProfiles.Srgb)) return ShippedProfiles.Srgb;
        if (!LittleCms.CanTransform(profile, bands < 3 ? LittleCms.PixelFormat.GreyFloat : LittleCms.PixelFormat.RgbFloat))
            throw new ImageInputException(path, "unreadable ICC profile: LittleCMS cannot build a transform from it");
        return profile;
    }

    private static SourceMetadata ReadMetadata(Image image)
    {
        var chunks = new List<KeyValuePair<string, string>>();
        foreach (var field in image.GetFields())
        {
            if (!field.StartsWith(CommentPrefix, StringComparison.Ordinal)) continue;
            // png-comment-N-KEY: keep the key after the running number.
            var rest = field[CommentPrefix.Length..];
            var dash = rest.IndexOf('-');
            if (dash < 0) continue;
            chunks.Add(new(rest[(dash + 1)..], (string)image.Get(field)));
        }
        byte[]? Blob(string name) => image.Contains(name) ? (byte[])image.Get(name) : null;
        var exif = Blob("exif-data");
        var userComment = exif is null ? null : ExifBlock.FindTag(exif, ExifBlock.UserComment);
        var generation = GenerationMetadata.Parse(new GenerationSource(
            chunks.GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.First().Value), userComment, null));
        var fields = image.GetFields()
            .Where(f => f.StartsWith("exif-", StringComparison.Ordinal) || f is "xmp-data" or "iptc-data")
            .Select(f => new MetadataField(f, image.GetTypeOf(f), image.Get(f)))
            .ToList();
        return new SourceMetadata(chunks, exif, Blob("xmp-data"), Blob("icc-profile-data"), generation, fields);
    }

    // A1111's "stealth pnginfo" hides parameters in the low bits of 8-bit pixels; only worth a look when nothing else was found.
    private static GenerationParams? StealthGeneration(Image decoded, SourceMetadata metadata)
    {
        if (decoded.Format != Enums.BandFormat.Uchar || decoded.Bands < 3 || metadata.TextChunks.Count > 0) return null;
        var payload = StealthPnginfo.Decode(decoded.WriteToMemory<byte>(), decoded.Width, decoded.Height, decoded.Bands);
        return payload is null ? null : GenerationMetadata.Parse(new GenerationSource(new Dictionary<string, string>(), null, payload));
    }

    /// <summary>libvips' most specific error line: its messages open with generic wrappers ("unable to copy to memory").</summary>
    internal static string FirstLine(Exception e)
    {
        var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.FirstOrDefault(l => !l.StartsWith("unable to ", StringComparison.Ordinal) && !l.EndsWith("load error", StringComparison.Ordinal))
            ?? lines.FirstOrDefault() ?? e.Message;
    }
}
