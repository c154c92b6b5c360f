using System.Globalization;
using Burnish.Imaging;
using NetVips;

namespace Burnish.Imaging;

/// <summary>
/// What to repair: a coverage value per pixel of the image, 0 (keep) to 1 (replace entirely). Immutable; every control
/// returns a new mask. Coverage between 0 and 1 blends the repair over the original (a feathered edge).
/// </summary>
public sealed class Mask
{
    private readonly float[] coverage;

    private Mask(int width, int height, float[] coverage)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (coverage.LongLength != (long)width * height)
            throw new ArgumentException($"expected {width}×{height} coverage values, got {coverage.LongLength}", nameof(coverage));
        Width = width;
        Height = height;
        this.coverage = coverage;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Coverage at (x, y), 0–1.</summary>
    public float this[int x, int y] => coverage[(long)y * Width + x];

    /// <summary>A copy of the coverage values, row-major.</summary>
    public float[] ToArray() => (float[])coverage.Clone();

    /// <summary>The coverage values without a copy, for the fill and the compositing.</summary>
    internal ReadOnlySpan<float> Values => coverage;

    /// <summary>Mean coverage over the image, 0–1 (a pixel half covered counts half).</summary>
    public double Coverage
    {
        get
        {
            double sum = 0;
            foreach (var c in coverage) sum += c;
            return sum / coverage.Length;
        }
    }

    /// <summary>Nothing to repair: no pixel has any coverage.</summary>
    public bool IsEmpty => !coverage.AsSpan().ContainsAnyExcept(0f);

    /// <summary>Nothing left to repair from: every pixel is fully covered.</summary>
    public bool IsFull => !coverage.AsSpan().ContainsAnyExcept(1f);

    /// <summary>Pixels with any coverage: the region a fill has to synthesise.</summary>
    public int HolePixels => coverage.Length - coverage.AsSpan().Count(0f);

    /// <summary>The smallest rectangle holding every covered pixel, or null when the mask is empty.</summary>
    public (int X, int Y, int Width, int Height)? Bounds()
    {
        int x0 = Width, y0 = Height, x1 = -1, y1 = -1;
        for (var y = 0; y < Height; y++)
        {
            var row = coverage.AsSpan(y * Width, Width);
            var first = row.IndexOfAnyExcept(0f);
            if (first < 0) continue;
            var last = row.LastIndexOfAnyExcept(0f);
            x0 = Math.Min(x0, first);
            x1 = Math.Max(x1, last);
            y0 = Math.Min(y0, y);
            y1 = y;
        }
        return x1 < 0 ? null : (x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    /// <summary>A mask from coverage values (row-major, clamped to 0–1).</summary>
    public static Mask FromCoverage(int width, int height, ReadOnlySpan<float> values)
    {
        var c = values.ToArray();
        for (var i = 0; i < c.Length; i++) c[i] = float.IsNaN(c[i]) ? 0f : Math.Clamp(c[i], 0f, 1f);
        return new Mask(width, height, c);
    }

    /// <summary>An empty mask of the given size.</summary>
    public static Mask Empty(int width, int height) => new(width, height, new float[(long)width * height]);

    /// <summary>
    /// A mask from an image, white = repair (or black with <paramref name="invert"/>). Colour is read as its mean, a
    /// transparent pixel as black, and levels within 1 % of black or white as exactly black or white (a JPEG mask's
    /// noise must not leak into the repair). Another size is stretched to <paramref name="width"/>×<paramref name="height"/>
    /// with bilinear interpolation.
    /// </summary>
    public static Mask FromImage(Image mask, int width, int height, bool invert = false)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var scale = mask.Format switch
        {
            Enums.BandFormat.Uchar or Enums.BandFormat.Char => 255.0,
            Enums.BandFormat.Ushort or Enums.BandFormat.Short => 65535.0,
            _ => 1.0,
        };
        var hasAlpha = mask.Bands is 2 or 4;
        var colourBands = hasAlpha ? mask.Bands - 1 : mask.Bands;
        var f = mask.Cast(Enums.BandFormat.Float) / scale;
        var grey = colourBands == 1 ? f[0] : f.ExtractBand(0, colourBands).Bandmean();
        if (hasAlpha) grey *= f[colourBands];
        if (grey.Width != width || grey.Height != height)
            grey = grey.Resize((double)width / grey.Width, kernel: Enums.Kernel.Linear, vscale: (double)height / grey.Height);
        var values = grey.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
        if (values.Length != width * height) // libvips rounds a resize to whole pixels; make sure it landed on the size
            throw new InvalidOperationException($"mask resize gave {grey.Width}×{grey.Height}, expected {width}×{height}");
        const float Snap = 0.01f;
        for (var i = 0; i < values.Length; i++)
        {
            var v = Math.Clamp(values[i], 0f, 1f);
            v = v <= Snap ? 0f : v >= 1 - Snap ? 1f : v;
            values[i] = invert ? 1f - v : v;
        }
        return new Mask(width, height, values);
    }

    /// <summary>The image's transparency as a mask: fully transparent = repair fully, opaque = keep.</summary>
    public static Mask FromAlpha(WorkImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var alpha = image.Alpha ?? throw new BurnishException("the image has no alpha channel to take the mask from");
        var values = alpha.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
        for (var i = 0; i < values.Length; i++) values[i] = 1f - Math.Clamp(values[i], 0f, 1f);
        return new Mask(image.Width, image.Height, values);
    }

    /// <summary>
    /// Boxes and ellipses drawn on an empty <paramref name="width"/>×<paramref name="height"/> mask. A pixel is covered
    /// when its centre is inside the shape (pixel (i, j) spans [i, i+1)×[j, j+1)). Throws when a shape is out of the image.
    /// </summary>
    public static Mask FromShapes(int width, int height, IEnumerable<MaskShape> shapes)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        var c = new float[(long)width * height];
        foreach (var shape in shapes)
        {
            var (a, b, sw, sh) = shape.Place(width, height);
            if (shape.Kind == ShapeKind.Box)
            {
                // Centre inside [a, a+w): i + 0.5 ≥ a and i + 0.5 < a + w.
                int x0 = Math.Max(0, (int)Math.Ceiling(a - 0.5)), x1 = Math.Min(width, (int)Math.Ceiling(a + sw - 0.5));
                int y0 = Math.Max(0, (int)Math.Ceiling(b - 0.5)), y1 = Math.Min(height, (int)Math.Ceiling(b + sh - 0.5));
                for (var y = y0; y < y1; y++) c.AsSpan(y * width + x0, Math.Max(0, x1 - x0)).Fill(1f);
                continue;
            }
            int ey0 = Math.Max(0, (int)Math.Floor(b - sh)), ey1 = Math.Min(height - 1, (int)Math.Ceiling(b + sh));
            int ex0 = Math.Max(0, (int)Math.Floor(a - sw)), ex1 = Math.Min(width - 1, (int)Math.Ceiling(a + sw));
            for (var y = ey0; y <= ey1; y++)
            {
                var dy = (y + 0.5 - b) / sh;
                for (var x = ex0; x <= ex1; x++)
                {
                    var dx = (x + 0.5 - a) / sw;
                    if (dx * dx + dy * dy <= 1) c[y * width + x] = 1f;
                }
            }
        }
        return new Mask(width, height, c);
    }

    /// <summary>Every pixel covered by either mask (the larger coverage of the two).</summary>
    public Mask Union(Mask other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Width != Width || other.Height != Height)
            throw new ArgumentException($"mask sizes differ: {Width}×{Height} and {other.Width}×{other.Height}", nameof(other));
        var c = new float[coverage.Length];
        for (var i = 0; i < c.Length; i++) c[i] = Math.Max(coverage[i], other.coverage[i]);
        return new Mask(Width, Height, c);
    }

    /// <summary>
    /// Grows the mask by <paramref name="pixels"/> (dilation by a disc): a pixel is covered when it lies within that
    /// Euclidean distance of a pixel with coverage ≥ 0.5. The result is binary. Distances from libvips <c>fill_nearest</c>.
    /// </summary>
    public Mask Grow(double pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pixels);
        if (pixels == 0) return this;
        var distance = DistanceTo(inside: true, pixels);
        var c = new float[coverage.Length];
        for (var i = 0; i < c.Length; i++) c[i] = distance[i] <= pixels ? 1f : 0f;
        return new Mask(Width, Height, c);
    }

    /// <summary>
    /// Shrinks the mask by <paramref name="pixels"/> (erosion by a disc): a pixel stays covered when no pixel with
    /// coverage &lt; 0.5 lies within that distance. The result is binary. The image's edge does not erode the mask.
    /// </summary>
    public Mask Shrink(double pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pixels);
        if (pixels == 0) return this;
        var distance = DistanceTo(inside: false, pixels);
        var c = new float[coverage.Length];
        for (var i = 0; i < c.Length; i++) c[i] = coverage[i] >= 0.5f && distance[i] > pixels ? 1f : 0f;
        return new Mask(Width, Height, c);
    }

    /// <summary>
    /// Softens the edge outwards with a Gaussian of <paramref name="sigma"/> pixels: the mask grown by 2σ, blurred,
    /// and never below the original coverage. Every covered pixel stays covered (a flaw cannot show through), the edge
    /// keeps about 98 % and the blend fades out about 5σ past it.
    /// </summary>
    public Mask Feather(double sigma)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sigma);
        if (sigma == 0) return this;
        var grown = Grow(Math.Ceiling(2 * sigma));
        var blurred = grown.ToImage().Gaussblur(sigma, minAmpl: 0.002, precision: Enums.Precision.Float).WriteToMemory<float>();
        var c = new float[coverage.Length];
        for (var i = 0; i < c.Length; i++) c[i] = Math.Max(coverage[i], Math.Clamp(blurred[i], 0f, 1f));
        // The blur's far tail is numerical noise; below 1/1024 nothing changes in a 16-bit master that a person could see.
        for (var i = 0; i < c.Length; i++) if (c[i] < 1f / 1024) c[i] = 0f;
        return new Mask(Width, Height, c);
    }

    /// <summary>The same coverage, inverted (1 − c).</summary>
    public Mask Invert()
    {
        var c = new float[coverage.Length];
        for (var i = 0; i < c.Length; i++) c[i] = 1f - coverage[i];
        return new Mask(Width, Height, c);
    }

    /// <summary>The coverage as a one-band float libvips image.</summary>
    public Image ToImage() =>
        Image.NewFromMemoryCopy<float>(coverage, Width, Height, 1, Enums.BandFormat.Float).Copy(interpretation: Enums.Interpretation.Bw);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"mask {Width}×{Height}, {100 * Coverage:0.##} % covered");

    // Euclidean distance from each pixel to the nearest pixel inside (coverage ≥ 0.5) or outside the mask. Only
    // distances up to `reach` matter, so libvips works on the mask's bounds grown by reach + 1 (its fill_nearest costs
    // grow with the distances it has to reach); pixels beyond get +∞, which is "far" for a grow and irrelevant for a
    // shrink (they are outside the mask).
    private float[] DistanceTo(bool inside, double reach)
    {
        var result = new float[coverage.Length];
        Array.Fill(result, float.PositiveInfinity);
        int x0 = Width, y0 = Height, x1 = -1, y1 = -1;
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
                if (coverage[y * Width + x] >= 0.5f)
                    (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
        if (x1 < 0) return result; // nothing inside: a grow adds nothing, a shrink keeps nothing
        var margin = (int)Math.Ceiling(reach) + 1;
        int cx0 = Math.Max(0, x0 - margin), cy0 = Math.Max(0, y0 - margin);
        int cx1 = Math.Min(Width - 1, x1 + margin), cy1 = Math.Min(Height - 1, y1 + margin);
        int cw = cx1 - cx0 + 1, ch = cy1 - cy0 + 1;
        var seeds = new byte[cw * ch];
        var any = false;
        for (var y = 0; y < ch; y++)
            for (var x = 0; x < cw; x++)
            {
                var isIn = coverage[(y + cy0) * Width + x + cx0] >= 0.5f;
                if (isIn != inside) continue;
                seeds[y * cw + x] = 255;
                any = true;
            }
        if (!any) return result; // a shrink of a mask with no outside pixel near it: every distance is "far"
        using var seedImage = Image.NewFromMemoryCopy<byte>(seeds, cw, ch, 1, Enums.BandFormat.Uchar);
        using var filled = seedImage.FillNearest(out var distanceImage);
        float[] distances;
        using (distanceImage) distances = distanceImage.Cast(Enums.BandFormat.Float).WriteToMemory<float>();
        for (var y = 0; y < ch; y++)
            distances.AsSpan(y * cw, cw).CopyTo(result.AsSpan((y + cy0) * Width + cx0, cw));
        return result;
    }

    /// <summary>Throws a clear <see cref="BurnishException"/> when the mask does not fit the image, is empty or covers all of it.</summary>
    public void CheckFillable(WorkImage image)
    {
        if (Width != image.Width || Height != image.Height)
            throw new ArgumentException($"the mask is {Width}×{Height} but the image is {image.Width}×{image.Height}");
        if (IsEmpty)
            throw new BurnishException("the mask is empty: it covers no pixel, so there is nothing to repair (check the mask's polarity: white = repair, or use invert)");
        if (Unknown().AsSpan().IndexOf((byte)0) < 0)
            throw new BurnishException("the mask covers the whole image: nothing is left to fill from (check the mask's polarity: white = repair, or use invert)");
    }

    /// <summary>1 for every pixel the repair has to synthesise (any coverage at all).</summary>
    public byte[] Unknown()
    {
        var values = Values;
        var unknown = new byte[values.Length];
        for (var i = 0; i < unknown.Length; i++) unknown[i] = values[i] > 0 ? (byte)1 : (byte)0;
        return unknown;
    }
}
