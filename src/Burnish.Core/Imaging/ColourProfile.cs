using System.Security.Cryptography;

namespace Burnish.Imaging;

/// <summary>An ICC profile with a short stable id ("srgb", "display-p3", … or "embedded").</summary>
public sealed record ColourProfile(string Id, string Description, byte[] Icc)
{
    /// <summary>Two profiles are the same when their bytes after the 128-byte header match (the header holds dates and ids).</summary>
    public bool SameAs(ColourProfile other) =>
        ReferenceEquals(this, other) || Icc.AsSpan(Math.Min(128, Icc.Length)).SequenceEqual(other.Icc.AsSpan(Math.Min(128, other.Icc.Length)));

    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Icc));

    /// <summary>A grey (single-channel) profile, from the ICC header's colour space.</summary>
    public bool IsGrey => Icc.Length >= 20 && Icc[16] == (byte)'G' && Icc[17] == (byte)'R' && Icc[18] == (byte)'A' && Icc[19] == (byte)'Y';

    // Sampled once per profile and shared by every transform made from it: sampling the curves takes about 100,000
    // LittleCMS curve evaluations, a fifth of a light recipe's time when each of an image's transforms did it again.
    private ShaperMemo? shaper;

    private sealed record ShaperMemo(byte[] Icc, MatrixShaper? Shaper);

    /// <summary>The profile's matrix/TRC model (see <see cref="MatrixShaper.TryRead"/>), read on first use.</summary>
    internal MatrixShaper? Shaper
    {
        get
        {
            var memo = Volatile.Read(ref shaper);
            // Built from these very bytes: a copy made with `with { Icc = … }` reads its own.
            if (memo is null || !ReferenceEquals(memo.Icc, Icc))
                Volatile.Write(ref shaper, memo = new ShaperMemo(Icc, MatrixShaper.TryRead(Icc)));
            return memo.Shaper;
        }
    }

    // The memo is not part of the value: profiles are equal as their id, description and bytes are.
    public bool Equals(ColourProfile? other) =>
        other is not null && Id == other.Id && Description == other.Description && ReferenceEquals(Icc, other.Icc);

    public override int GetHashCode() => HashCode.Combine(Id, Description, Icc);
}

/// <summary>The RGB spaces Burnish ships (made with LittleCMS by tools/icc/make-profiles.sh).</summary>
public static class ShippedProfiles
{
    private static readonly Lazy<ColourProfile> srgb = new(() => Load("srgb", "sRGB IEC 61966-2-1", "srgb.icc"));
    private static readonly Lazy<ColourProfile> displayP3 = new(() => Load("display-p3", "Display P3", "display-p3.icc"));
    private static readonly Lazy<ColourProfile> adobeRgb = new(() => Load("adobe-rgb", "Adobe RGB (1998) compatible", "adobe-rgb-1998.icc"));
    private static readonly Lazy<ColourProfile> proPhoto = new(() => Load("prophoto", "ProPhoto RGB (ROMM)", "prophoto-rgb.icc"));
    private static readonly Lazy<ColourProfile> linearRec2020 = new(() => Load("rec2020-linear", "linear Rec.2020", "rec2020-linear.icc"));

    public static ColourProfile Srgb => srgb.Value;
    public static ColourProfile DisplayP3 => displayP3.Value;
    public static ColourProfile AdobeRgb => adobeRgb.Value;
    public static ColourProfile ProPhoto => proPhoto.Value;

    /// <summary>The grade stage's working space: linear light, BT.2020 primaries, D65. Wide enough that grading does not clip.</summary>
    public static ColourProfile LinearRec2020 => linearRec2020.Value;

    public static ColourProfile ById(string id) => id switch
    {
        "srgb" => Srgb,
        "display-p3" => DisplayP3,
        "adobe-rgb" => AdobeRgb,
        "prophoto" => ProPhoto,
        "rec2020-linear" => LinearRec2020,
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "unknown colour space"),
    };

    private static ColourProfile Load(string id, string description, string file)
    {
        using var stream = typeof(ShippedProfiles).Assembly.GetManifestResourceStream($"Burnish.Profiles.{file}")
            ?? throw new InvalidOperationException($"profile resource {file} is missing from the build");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return new ColourProfile(id, description, bytes.ToArray());
    }
}
