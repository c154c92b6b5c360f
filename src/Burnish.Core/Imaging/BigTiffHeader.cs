using System.Buffers.Binary;

namespace Burnish.Imaging;

/// <summary>
/// The header of an uncompressed float BigTIFF (so any size works), little-endian, one IFD, samples contiguous, whose
/// data blocks (strips or tiles) follow it in order: what <see cref="BandStream"/> and <see cref="Strips"/> present to
/// libvips as a custom source.
/// </summary>
internal static class BigTiffHeader
{
    private const long IfdAt = 16;

    /// <summary>A strip layout: <paramref name="rowsPerStrip"/> rows of <paramref name="rowBytes"/> each.</summary>
    public static byte[] Strips(int width, int height, int bands, int rowsPerStrip, long rowBytes, out long dataStart)
    {
        var strips = (height + rowsPerStrip - 1) / rowsPerStrip;
        return Build(width, height, bands, [(278, 16, 1, (ulong)rowsPerStrip)], 273, 279, strips,
            k => Math.Min(rowsPerStrip, height - k * rowsPerStrip) * rowBytes, out dataStart);
    }

    /// <summary>A tile layout of <paramref name="tiles"/> tiles of <paramref name="tileBytes"/> each.</summary>
    public static byte[] Tiles(int width, int height, int bands, int tileWidth, int tileLength, long tiles, long tileBytes, out long dataStart) =>
        Build(width, height, bands, [(322, 4, 1, (ulong)tileWidth), (323, 4, 1, (ulong)tileLength)], 324, 325, tiles, _ => tileBytes, out dataStart);

    // TIFF wants the IFD's entries in tag order; the layout's tags (278, 322, 323) and its offset/count tags fall between
    // the common ones, so everything is sorted before writing.
    private static byte[] Build(int width, int height, int bands, (ushort Tag, ushort Type, ulong Count, ulong Value)[] layout,
        ushort offsetsTag, ushort countsTag, long blocks, Func<long, long> blockBytes, out long dataStart)
    {
        var entries = new List<(ushort Tag, ushort Type, ulong Count, ulong Value)>
        {
            (256, 16, 1, (ulong)width),                          // ImageWidth (LONG8)
            (257, 16, 1, (ulong)height),                         // ImageLength
            (258, 3, (ulong)bands, Shorts(bands, 32)),           // BitsPerSample
            (259, 3, 1, 1),                                      // Compression: none
            (262, 3, 1, bands < 3 ? 1ul : 2ul),                  // Photometric: min-is-black or RGB
            (277, 3, 1, (ulong)bands),                           // SamplesPerPixel
            (284, 3, 1, 1),                                      // PlanarConfiguration: contiguous
            (339, 3, (ulong)bands, Shorts(bands, 3)),            // SampleFormat: IEEE float
        };
        if (bands is 2 or 4) entries.Add((338, 3, 1, 2));      // ExtraSamples: unassociated alpha
        entries.AddRange(layout);
        var offsetsAt = IfdAt + 8 + (entries.Count + 2) * 20 + 8;
        var countsAt = offsetsAt + blocks * 8;
        dataStart = countsAt + blocks * 8;
        entries.Add((offsetsTag, 16, (ulong)blocks, (ulong)offsetsAt));
        entries.Add((countsTag, 16, (ulong)blocks, (ulong)countsAt));
        entries.Sort((a, b) => a.Tag.CompareTo(b.Tag));

        var bytes = new byte[dataStart];
        var span = bytes.AsSpan();
        "II"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 43);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], 8);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], IfdAt);
        BinaryPrimitives.WriteUInt64LittleEndian(span[(int)IfdAt..], (ulong)entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = span[(int)(IfdAt + 8 + i * 20)..];
            BinaryPrimitives.WriteUInt16LittleEndian(e, entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(e[2..], entries[i].Type);
            BinaryPrimitives.WriteUInt64LittleEndian(e[4..], entries[i].Count);
            BinaryPrimitives.WriteUInt64LittleEndian(e[12..], entries[i].Value);
        }
        var at = dataStart;
        for (var k = 0L; k < blocks; k++)
        {
            var size = blockBytes(k);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(int)(offsetsAt + k * 8)..], (ulong)at);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(int)(countsAt + k * 8)..], (ulong)size);
            at += size;
        }
        return bytes;
    }

    // Up to four SHORT values packed into the 8-byte value field.
    private static ulong Shorts(int count, ushort value)
    {
        ulong packed = 0;
        for (var i = 0; i < count; i++) packed |= (ulong)value << (16 * i);
        return packed;
    }
}
