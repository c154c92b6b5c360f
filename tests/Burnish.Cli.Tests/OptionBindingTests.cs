using Burnish.Cli.Tests.Infrastructure;

namespace Burnish.Cli.Tests;

/// <summary>
/// Options are bound to the parameter records with no YAML text in between: a bad value is named by the option or
/// --set the user typed, with the record's own range, and no value (a ': ', a '#', a line break) can add keys.
/// </summary>
public sealed class OptionBindingTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    private void AssertRefusedAlone(CliResult run, string line)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(line, Assert.Single(run.Lines));
        Assert.DoesNotContain("command line", run.AllOutput);
        Assert.Equal(["img.png"], Workspace.FilesUnder(ws.Root));
    }

    [Fact]
    public void A_value_outside_its_keys_range_names_the_option_in_every_command()
    {
        var img = ws.Copy(Fixtures.A1111, "img.png");

        AssertRefusedAlone(ws.Burnish("upscale", img, "-o", "u.png", "--threads", "0"), "burnish: option --threads: 0 is out of range 1..1024");
        AssertRefusedAlone(ws.Burnish("upscale", img, "-o", "u.png", "--long-edge", "8"), "burnish: option --long-edge: 8 is out of range 16..262144");
        AssertRefusedAlone(ws.Burnish("outpaint", img, "-o", "o.png", "-a", "16:9", "--context", "99"), "burnish: option --context: 99 is out of range 1..16");
        AssertRefusedAlone(ws.Burnish("repair", img, "-o", "r.png", "--box", "1,1,8,8", "--grow", "999"), "burnish: option --grow: 999 is out of range 0..256");
        AssertRefusedAlone(ws.Burnish("compare", img, img, "-o", "r.html", "--crop-size", "8"), "burnish: option --crop-size: 8 is out of range 32..1024");
        AssertRefusedAlone(ws.Burnish("grade", img, "saturation=7", "-o", "g.png"), "burnish: setting saturation=7: 7 is out of range -1..1");
        AssertRefusedAlone(ws.Burnish("export", img, "-o", "out", "--to", "web-2048", "--sharpen", "radius=99"), "burnish: --sharpen radius=99: 99 is out of range 0.3..10");
    }

    [Fact]
    public void A_set_problem_names_the_set()
    {
        var img = ws.Copy(Fixtures.A1111, "img.png");

        AssertRefusedAlone(ws.Burnish("finish", img, "--set", "upscale.scale=0", "-o", "out"), "burnish: --set upscale.scale=0: 0 is out of range 1..64");
        AssertRefusedAlone(ws.Burnish("finish", img, "--set", "export.copies=[{long_edge: 8}]", "-o", "out"),
            "burnish: --set export.copies=[{long_edge: 8}]: export.copies[0].long_edge: 8 is out of range 16..65535");
        AssertRefusedAlone(ws.Burnish("finish", img, "--set", "grade.exposure", "-o", "out"), "burnish: 'grade.exposure' is not key=value");
    }

    [Fact]
    public void A_value_cannot_add_keys_beside_its_own()
    {
        var img = ws.Copy(Fixtures.A1111, "img.png");

        // Built into a YAML document, each of these became a second key (or a comment that hid the value).
        var set = ws.Burnish("finish", img, "--set", "grade.exposure=0.1\ngrade: {saturation: 1}", "-o", "out");
        var setting = ws.Burnish("grade", img, "exposure=0.1\nsaturation: 1", "-o", "g.png");
        var anchor = ws.Burnish("export", img, "-o", "out", "--to", "web-2048", "--text", "content=hi,anchor=top-left # and more");
        var model = ws.Burnish("upscale", img, "-o", "u.png", "--model", "esrgan-slim\nscale: 64");

        Assert.True(set.ExitCode == 2, set.ToString());
        Assert.StartsWith("burnish: \"--set grade.exposure=0.1\\ngrade: {saturation: 1}\": ", Assert.Single(set.Lines));
        Assert.True(setting.ExitCode == 2, setting.ToString());
        Assert.StartsWith("burnish: \"setting exposure=0.1\\nsaturation: 1\": ", Assert.Single(setting.Lines));
        AssertRefusedAlone(anchor, "burnish: --text anchor=top-left # and more: 'top-left # and more' is not one of top-left, top, top-right, left, centre, right, bottom-left, bottom, bottom-right");
        Assert.True(model.ExitCode == 2, model.ToString());
        Assert.Contains("esrgan-slim\nscale: 64", model.Stderr);
        Assert.DoesNotContain("out of range", model.Stderr);
        Assert.Equal(["img.png"], Workspace.FilesUnder(ws.Root));
    }

    [Fact]
    public void Help_shows_the_records_default_and_range()
    {
        var help = ws.Burnish("outpaint", "--help").Stdout;
        var record = new Burnish.Stages.Outpaint.OutpaintParams();
        var range = (Burnish.Schema.RangeAttribute)Attribute.GetCustomAttribute(typeof(Burnish.Stages.Outpaint.OutpaintParams).GetProperty("Step")!, typeof(Burnish.Schema.RangeAttribute))!;

        Assert.Contains(FormattableString.Invariant($"(default {record.Step}, {range.Min}–{range.Max})."), help);
        Assert.Contains("--anchor <center|left|right|top|bottom|top-left|top-right|bottom-left|bottom-right>", help);
    }

    [Fact]
    public void A_caption_with_a_colon_and_a_hash_is_written_as_typed()
    {
        var img = ws.Copy(Fixtures.A1111, "img.png");

        var hash = ws.Burnish("export", img, "-o", "hash", "--to", "x-post", "--format", "png", "--text", "content=Ada: #1,colour=#ff0000,size=10%");
        var plain = ws.Burnish("export", img, "-o", "plain", "--to", "x-post", "--format", "png", "--text", "content=Ada,colour=#ff0000,size=10%");
        Assert.Equal(0, ws.Burnish("export", img, "-o", "bare", "--to", "x-post", "--format", "png").ExitCode);

        Assert.True(hash.ExitCode == 0, hash.ToString());
        Assert.True(plain.ExitCode == 0, plain.ToString());
        // The longer caption reaches further left (anchored bottom-right): ': #1' was drawn, not read as a key or a comment.
        Assert.True(Left(ws.PathOf("hash", "img.x-post.png"), ws.PathOf("plain", "img.x-post.png")) < Left(ws.PathOf("plain", "img.x-post.png"), ws.PathOf("bare", "img.x-post.png")));
    }

    // The leftmost column where two copies differ: the caption's left edge when only one of them has it.
    private static int Left(string a, string b)
    {
        using var x = NetVips.Image.NewFromFile(a);
        using var y = NetVips.Image.NewFromFile(b);
        var differs = ((x - y).Abs().ExtractBand(0, 3).BandOr() > 40).Ifthenelse(255, 0).Cast(NetVips.Enums.BandFormat.Uchar);
        return (int)differs.FindTrim(threshold: 10, background: [0])[0];
    }
}
