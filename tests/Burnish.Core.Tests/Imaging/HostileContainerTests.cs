using System.Buffers.Binary;
using System.Text;
using Burnish.Imaging;

namespace Burnish.Core.Tests.Imaging;

/// <summary>Crafted lengths from issue 11 that threw out of the ICC and declared-profile readers and aborted a batch.</summary>
public sealed class HostileContainerTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("burnish-hostile-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // A 132-byte header and a one-entry tag table whose 'desc' tag is the given bytes.
    private static byte[] Profile(byte[] descTag)
    {
        var icc = new byte[144 + descTag.Length];
        BinaryPrimitives.WriteUInt32BigEndian(icc, (uint)icc.Length);
        icc[8] = 4;
        Encoding.ASCII.GetBytes("mntrRGB XYZ ").CopyTo(icc, 12);
        Encoding.ASCII.GetBytes("acsp").CopyTo(icc, 36);
        BinaryPrimitives.WriteUInt32BigEndian(icc.AsSpan(128), 1);
        Encoding.ASCII.GetBytes("desc").CopyTo(icc, 132);
        BinaryPrimitives.WriteUInt32BigEndian(icc.AsSpan(136), 144);
        BinaryPrimitives.WriteUInt32BigEndian(icc.AsSpan(140), (uint)descTag.Length);
        descTag.CopyTo(icc, 144);
        return icc;
    }

    private static byte[] Mluc(string text, uint? recordLength = null)
    {
        var utf16 = Encoding.BigEndianUnicode.GetBytes(text);
        var tag = new byte[28 + utf16.Length];
        Encoding.ASCII.GetBytes("mluc").CopyTo(tag, 0);
        BinaryPrimitives.WriteUInt32BigEndian(tag.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt32BigEndian(tag.AsSpan(12), 12);
        Encoding.ASCII.GetBytes("enUS").CopyTo(tag, 16);
        BinaryPrimitives.WriteUInt32BigEndian(tag.AsSpan(20), recordLength ?? (uint)utf16.Length);
        BinaryPrimitives.WriteUInt32BigEndian(tag.AsSpan(24), 28);
        utf16.CopyTo(tag, 28);
        return tag;
    }

    private static byte[] TextDescription(string text, uint? count = null)
    {
        var tag = new byte[12 + text.Length + 1];
        Encoding.ASCII.GetBytes("desc").CopyTo(tag, 0);
        BinaryPrimitives.WriteUInt32BigEndian(tag.AsSpan(8), count ?? (uint)(text.Length + 1));
        Encoding.ASCII.GetBytes(text).CopyTo(tag, 12);
        return tag;
    }

    [Fact]
    public void Icc_mluc_description_is_read_when_sound()
    {
        Assert.Equal("Crafted RGB", IccHeader.Read(Profile(Mluc("Crafted RGB"))).Description);
        Assert.Equal("Crafted RGB", IccHeader.Read(Profile(TextDescription("Crafted RGB"))).Description);
    }

    [Fact]
    public void Icc_mluc_record_length_0xFFFFFFFF_leaves_the_description_unknown()
    {
        var header = IccHeader.Read(Profile(Mluc("Crafted RGB", recordLength: 0xFFFFFFFF)));

        Assert.Null(header.Description);
        Assert.Equal("RGB", header.ColourSpace);
    }

    [Fact]
    public void Icc_desc_count_0x7FFFFFFF_leaves_the_description_unknown()
    {
        Assert.Null(IccHeader.Read(Profile(TextDescription("Crafted RGB", count: 0x7FFFFFFF))).Description);
    }

    [Fact]
    public void Icc_desc_tag_offset_that_wraps_is_a_format_error()
    {
        var icc = Profile(Mluc("x"));
        BinaryPrimitives.WriteUInt32BigEndian(icc.AsSpan(136), 0x7FFFFFF0);
        BinaryPrimitives.WriteUInt32BigEndian(icc.AsSpan(140), 0x100);

        Assert.Throws<FormatException>(() => IccHeader.Read(icc));
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] WebP(params (string Type, uint Length, int Actual)[] chunks)
    {
        using var ms = new MemoryStream();
        ms.Write("RIFF"u8);
        ms.Write(new byte[4]);
        ms.Write("WEBP"u8);
        foreach (var (type, length, actual) in chunks)
        {
            ms.Write(Encoding.ASCII.GetBytes(type));
            var l = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(l, length);
            ms.Write(l);
            ms.Write(new byte[actual]);
        }
        return ms.ToArray();
    }

    [Fact]
    public void WebP_trailing_chunk_of_length_0x7FFFFFF5_declares_no_profile()
    {
        var path = Write("trailing.webp", WebP(("VP8X", 10, 10), ("EXIF", 0x7FFFFFF5, 6)));

        Assert.False(DeclaredProfile.IsDeclared(path));
    }

    [Fact]
    public void WebP_iccp_after_a_sound_chunk_is_declared()
    {
        Assert.True(DeclaredProfile.IsDeclared(Write("iccp.webp", WebP(("VP8X", 10, 10), ("ICCP", 4, 4)))));
    }

    [Fact]
    public void Png_chunk_whose_length_wraps_the_offset_declares_no_profile()
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        ms.Write([0, 0, 0, 13]);
        ms.Write("IHDR"u8);
        ms.Write(new byte[17]);
        ms.Write([0x7F, 0xFF, 0xFF, 0xF0]);
        ms.Write("tEXt"u8);
        ms.Write(new byte[16]);

        Assert.False(DeclaredProfile.IsDeclared(Write("wrap.png", ms.ToArray())));
    }
}
