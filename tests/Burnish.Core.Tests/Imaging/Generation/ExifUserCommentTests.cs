using System.Text;
using Burnish.Imaging.Generation;
using Xunit;

namespace Burnish.Core.Tests.Imaging.Generation;

public class ExifUserCommentTests
{
    [Fact]
    public void A1111_jpeg_comment_is_big_endian_utf16()
    {
        var raw = MetadataFixtures.ReadJpegUserComment(MetadataFixtures.PathOf("automatic1111_cropped.jpg"));

        Assert.NotNull(raw);
        Assert.Equal("UNICODE\0"u8.ToArray(), raw.AsSpan(0, 8).ToArray());
        Assert.Equal(0, raw[8]); // 'p' as big-endian UTF-16 starts with the zero byte
        var text = ExifUserComment.Decode(raw);
        Assert.StartsWith("photo of a duck\nNegative prompt: monochrome\nSteps: 15", text);
        Assert.EndsWith("Model: realistic_realisticVisionV20_v20", text);
    }

    [Fact]
    public void Little_endian_utf16_is_recognised()
    {
        var raw = "UNICODE\0"u8.ToArray().Concat(Encoding.Unicode.GetBytes("héllo, Steps: 3")).ToArray();

        Assert.Equal("héllo, Steps: 3", ExifUserComment.Decode(raw));
    }

    [Fact]
    public void Byte_order_mark_wins_over_guessing()
    {
        var raw = "UNICODE\0"u8.ToArray().Concat(new byte[] { 0xFF, 0xFE }).Concat(Encoding.Unicode.GetBytes("日本語")).ToArray();

        Assert.Equal("日本語", ExifUserComment.Decode(raw));
    }

    [Fact]
    public void Ascii_and_undefined_prefixes_read_utf8_and_drop_padding()
    {
        Assert.Equal("plain", ExifUserComment.Decode("ASCII\0\0\0plain\0\0"u8));
        Assert.Equal("über", ExifUserComment.Decode([.. new byte[8], .. Encoding.UTF8.GetBytes("über ")]));
        Assert.Null(ExifUserComment.Decode("ASCII\0\0\0\0\0\0"u8));
        Assert.Null(ExifUserComment.Decode([]));
    }

    [Fact]
    public void Camera_comment_is_not_taken_for_generation_metadata()
    {
        var raw = "ASCII\0\0\0Holiday in Rome, 2019"u8.ToArray();

        Assert.Null(GenerationMetadata.Parse(new GenerationSource(new Dictionary<string, string>(), raw, null)));
    }
}
