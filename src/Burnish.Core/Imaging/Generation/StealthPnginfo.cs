using System.IO.Compression;
using System.Text;

namespace Burnish.Imaging.Generation;

/// <summary>
/// Decoder for A1111 "stealth pnginfo" (sd-webui-stealth-pnginfo): generation text hidden in the least
/// significant bits of the pixels, which survives metadata stripping as long as the pixels are lossless.
/// </summary>
/// <remarks>
/// Layout, as the extension writes and reads it: bits are taken column-major (for x in width, for y in height),
/// most significant bit first within each byte. In alpha mode each pixel gives one bit (alpha LSB); in RGB
/// mode each pixel gives three (R, G, B LSBs, in that order). The bit stream is a 15-byte signature
/// (<c>stealth_pnginfo</c> / <c>stealth_pngcomp</c> for alpha, <c>stealth_rgbinfo</c> / <c>stealth_rgbcomp</c>
/// for RGB; the <c>comp</c> forms are gzip), a 32-bit big-endian payload length in bits, then the payload:
/// UTF-8 text, usually the A1111 "parameters" string (NovelAI writes its metadata as JSON the same way).
/// </remarks>
public static class StealthPnginfo
{
    private const int SignatureBits = 15 * 8;
    private const int LengthBits = 32;

    // Decompressed text beyond this is not generation metadata; it guards against gzip bombs.
    private const int MaxPayloadBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Decodes stealth text from 8-bit, row-major, band-interleaved pixels (as libvips <c>WriteToMemory</c> gives them).
    /// </summary>
    /// <param name="pixels">At least <c>width * height * bands</c> bytes.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="bands">1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA). Alpha mode needs an alpha band (2 or 4);
    /// RGB mode needs 3 or 4 bands.</param>
    /// <returns>The hidden text, or <see langword="null"/> when no signature is present or the payload is damaged.</returns>
    public static string? Decode(ReadOnlySpan<byte> pixels, int width, int height, int bands)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bands, 4);
        if ((long)width * height * bands > pixels.Length)
            throw new ArgumentException($"Expected at least {(long)width * height * bands} bytes for {width}x{height}x{bands}, got {pixels.Length}.", nameof(pixels));

        if (bands is 2 or 4)
        {
            var alpha = new BitSource(width, height, bands, [bands - 1]);
            if (TryRead(pixels, alpha, "stealth_pnginfo", "stealth_pngcomp") is { } text)
                return text;
        }
        if (bands >= 3)
        {
            var rgb = new BitSource(width, height, bands, [0, 1, 2]);
            if (TryRead(pixels, rgb, "stealth_rgbinfo", "stealth_rgbcomp") is { } text)
                return text;
        }
        return null;
    }

    private static string? TryRead(ReadOnlySpan<byte> pixels, BitSource source, string plainSignature, string gzipSignature)
    {
        if (source.Capacity < SignatureBits + LengthBits)
            return null;
        Span<byte> signature = stackalloc byte[SignatureBits / 8];
        source.ReadBytes(pixels, 0, signature);
        bool compressed;
        if (signature.SequenceEqual(Encoding.ASCII.GetBytes(plainSignature)))
            compressed = false;
        else if (signature.SequenceEqual(Encoding.ASCII.GetBytes(gzipSignature)))
            compressed = true;
        else
            return null;

        Span<byte> lengthBytes = stackalloc byte[4];
        source.ReadBytes(pixels, SignatureBits, lengthBytes);
        var payloadBits = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(lengthBytes);
        var start = SignatureBits + LengthBits;
        if (payloadBits == 0 || payloadBits > source.Capacity - start)
            return null;

        var payload = new byte[payloadBits / 8];
        source.ReadBytes(pixels, start, payload);
        if (!compressed)
            return Encoding.UTF8.GetString(payload);
        try
        {
            using var gzip = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxPayloadBytes)
                    return null;
                output.Write(buffer, 0, read);
            }
            return Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Maps bit index n of the stream to a pixel byte: column-major pixels, then the chosen bands in order.</summary>
    private readonly struct BitSource(int width, int height, int bands, int[] channels)
    {
        public long Capacity => (long)width * height * channels.Length;

        private int Bit(ReadOnlySpan<byte> pixels, long n)
        {
            var pixel = n / channels.Length;
            var x = pixel / height;
            var y = pixel % height;
            return pixels[(int)(((y * width) + x) * bands + channels[(int)(n % channels.Length)])] & 1;
        }

        public void ReadBytes(ReadOnlySpan<byte> pixels, long firstBit, Span<byte> into)
        {
            var n = firstBit;
            for (var i = 0; i < into.Length; i++)
            {
                var b = 0;
                for (var k = 0; k < 8; k++)
                    b = (b << 1) | Bit(pixels, n++);
                into[i] = (byte)b;
            }
        }
    }
}
