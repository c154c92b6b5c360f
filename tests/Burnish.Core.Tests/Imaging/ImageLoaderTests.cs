using Burnish.Imaging;
using Burnish.Stages.Export;
using NetVips;

namespace Burnish.Core.Tests.Imaging;

public class ImageLoaderTests
{
    private static readonly string Photo = Fixtures.PathOf("tree_alpha_16bit.png");

    [Fact]
    public void Exif_orientation_is_applied_on_load()
    {
        using var dir = new TempDir();
        var path = dir.File("rotated.jpg");
        // 40×20 pixels stored, orientation 6 (rotate 90° clockwise to view): viewers show 20×40.
        Image.Black(40, 20, bands: 3).Mutate(m => m.Set(GValue.GIntType, "orientation", 6)).WriteToFile(path);
        var loaded = ImageLoader.Load(path, LoadLimits.Default);
        Assert.Equal((20, 40), (loaded.Image.Width, loaded.Image.Height));
        Assert.Equal(6, loaded.Facts.Orientation);
    }

    [Fact]
    public void The_pixel_limit_refuses_before_decoding()
    {
        var e = Assert.Throws<ImageInputException>(() => ImageLoader.Load(Photo, new LoadLimits(342 * 256 - 1)));
        Assert.Contains("342×256", e.Message);
        Assert.Contains("--max-pixels", e.Message);
        Assert.NotNull(ImageLoader.Load(Photo, new LoadLimits(342 * 256)));
    }

    [Fact]
    public void Sixteen_bit_samples_are_kept_exactly()
    {
        var loaded = ImageLoader.Load(Photo, LoadLimits.Default);
        var raw = Image.NewFromFile(Photo);
        Assert.Equal(16, loaded.Facts.BitDepth);
        Assert.True(loaded.Image.HasAlpha);
        var back = ColourSpaces.Quantise16(loaded.Image.Pixels);
        Assert.Equal(0, (back.Cast(Enums.BandFormat.Int) - raw.Cast(Enums.BandFormat.Int)).Abs().Max());
    }

    [Theory]
    [InlineData(MasterFormat.Png)]
    [InlineData(MasterFormat.Tiff)]
    public void Sixteen_bit_files_round_trip_bit_exactly_with_their_profile(MasterFormat format)
    {
        using var dir = new TempDir();
        var image = ImageLoader.Load(Photo, LoadLimits.Default).Image;
        var path = dir.File("rt" + ImageFiles.Extension(format));
        ImageFiles.Save16(image, format, OutputMetadata.Bare(72), path);
        var again = ImageLoader.Load(path, LoadLimits.Default).Image;
        Assert.True(again.Profile.SameAs(image.Profile));
        Assert.Equal(0, (ColourSpaces.Quantise16(again.Pixels).Cast(Enums.BandFormat.Int) - ColourSpaces.Quantise16(image.Pixels).Cast(Enums.BandFormat.Int)).Abs().Max());
    }

    [Theory]
    [InlineData(CopyFormat.Png, 0.0)]    // lossless
    [InlineData(CopyFormat.Jpeg, 6.0)]   // q95 4:2:0; worst single pixel on a textured photo
    [InlineData(CopyFormat.Webp, 8.0)]
    [InlineData(CopyFormat.Avif, 10.0)]
    public void Eight_bit_copies_decode_close_to_what_was_encoded(CopyFormat format, double meanTolerance)
    {
        var image = ColourSpaces.Convert(ImageLoader.Load(Fixtures.PathOf("metadata", "automatic1111_stealth.png"), LoadLimits.Default).Image, ShippedProfiles.Srgb);
        image = image.WithPixels(image.Colour); // JPEG has no alpha; compare colour alone
        var bytes = ImageFiles.Encode8(image, format, 95, 4, OutputMetadata.Bare(72));
        var decoded = Image.NewFromBuffer(bytes);
        var original = ColourSpaces.Quantise8(image.Pixels);
        Assert.Equal((original.Width, original.Height), (decoded.Width, decoded.Height));
        var meanError = (decoded.Cast(Enums.BandFormat.Int) - original.Cast(Enums.BandFormat.Int)).Abs().Avg();
        Assert.True(meanError <= meanTolerance, $"{format}: mean error {meanError:0.00} levels");
        Assert.Equal("Burnish sRGB", IccHeader.Read((byte[])decoded.Get("icc-profile-data")).Description);
    }

    public static TheoryData<string> DamagedProfiles => ["tags point outside", "tags swapped", "garbage"];

    [Theory]
    [MemberData(nameof(DamagedProfiles))]
    public void A_damaged_profile_is_refused_with_its_reason(string damage)
    {
        using var dir = new TempDir();
        var path = dir.File("bad-icc.png");
        var icc = (byte[])ShippedProfiles.Srgb.Icc.Clone();
        var tags = icc[131];
        switch (damage)
        {
            case "tags point outside": // a sound header whose every tag offset lies past the end
                for (var i = 0; i < tags; i++) icc[132 + i * 12 + 4] = 0x7f;
                break;
            case "tags swapped": // the colorant and curve tags read as the wrong types
                for (var i = 0; i < tags; i++) icc[132 + i * 12] ^= 0x20;
                break;
            default:
                new Random(7).NextBytes(icc.AsSpan(128));
                break;
        }
        File.WriteAllBytes(path, PngChunks.ReplaceIccp(Image.Black(8, 8, bands: 3)
            .Mutate(m => m.Set(GValue.BlobType, "icc-profile-data", ShippedProfiles.Srgb.Icc)).PngsaveBuffer(), icc));
        var e = Assert.Throws<ImageInputException>(() => ImageLoader.Load(path, LoadLimits.Default));
        Assert.Contains("unreadable ICC profile", e.Message);
        Assert.Contains("bad-icc.png", e.Message);
    }
}
