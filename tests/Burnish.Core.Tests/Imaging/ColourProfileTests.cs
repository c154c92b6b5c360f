using Burnish.Imaging;

namespace Burnish.Core.Tests.Imaging;

/// <summary>A profile samples its tone curves once, and its transforms share them (ColourProfile.Shaper).</summary>
public class ColourProfileTests
{
    [Fact]
    public void A_profile_reads_its_curves_once_and_a_copy_with_other_bytes_reads_its_own()
    {
        var profile = new ColourProfile("embedded", "sRGB", (byte[])ShippedProfiles.Srgb.Icc.Clone());
        Assert.Same(profile.Shaper, profile.Shaper);

        var other = profile with { Icc = ShippedProfiles.DisplayP3.Icc };
        Assert.NotSame(profile.Shaper, other.Shaper);
        Assert.Equal(MatrixShaper.TryRead(ShippedProfiles.DisplayP3.Icc)!.ToXyz, other.Shaper!.ToXyz);
        Assert.NotEqual(profile.Shaper!.ToXyz, other.Shaper.ToXyz);
    }

    [Fact]
    public void Reading_the_curves_leaves_equality_as_it_was()
    {
        var icc = (byte[])ShippedProfiles.Srgb.Icc.Clone();
        var read = new ColourProfile("embedded", "sRGB", icc);
        var unread = new ColourProfile("embedded", "sRGB", icc);
        _ = read.Shaper;
        Assert.Equal(unread, read);
        Assert.Equal(unread.GetHashCode(), read.GetHashCode());
        Assert.NotEqual(read, read with { Id = "srgb" });
        // Bytes compare by reference, as the record always did: SameAs is the comparison by content.
        Assert.NotEqual(read, new ColourProfile("embedded", "sRGB", (byte[])icc.Clone()));
    }

    [Fact]
    public void Transforms_that_share_a_profiles_curves_give_the_bits_of_freshly_read_ones()
    {
        // Two transforms in a row from the same profiles share the sampled curves; a third from copies reads its own.
        var samples = new float[3 * 4099];
        var random = new Random(5);
        for (var i = 0; i < samples.Length; i++) samples[i] = (float)(random.NextDouble() * 1.2 - 0.1);
        float[] Run(ColourProfile from, ColourProfile to)
        {
            using var transform = LittleCms.Create(from, LittleCms.PixelFormat.RgbFloat, to, LittleCms.PixelFormat.RgbFloat);
            var output = new float[samples.Length];
            transform.Transform(samples, output, samples.Length / 3);
            return output;
        }
        var first = Run(ShippedProfiles.Srgb, ShippedProfiles.DisplayP3);
        var again = Run(ShippedProfiles.Srgb, ShippedProfiles.DisplayP3);
        var fresh = Run(ShippedProfiles.Srgb with { Icc = (byte[])ShippedProfiles.Srgb.Icc.Clone() },
            ShippedProfiles.DisplayP3 with { Icc = (byte[])ShippedProfiles.DisplayP3.Icc.Clone() });
        Assert.Equal(first, again);
        Assert.Equal(first, fresh);
    }
}
