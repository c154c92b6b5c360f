using System.Text.RegularExpressions;
using Burnish.Cli.Tests.Infrastructure;
using NetVips;

namespace Burnish.Cli.Tests;

/// <summary><c>burnish compare</c> and <c>finish --report</c> end to end: the files written, and the refusals.</summary>
public sealed class CompareCommandTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    /// <summary>
    /// The ComfyUI generation (512²) and a stand-in for an AI upscale of it: Lanczos ×2 to 1024² with a warm colour
    /// drift (red ×1.12, blue ×0.88), so the two differ visibly everywhere.
    /// </summary>
    internal static (string Source, string Upscaled) SourceAndUpscale(Workspace ws)
    {
        var source = ws.Copy(Fixtures.ComfyUi, "source.png");
        using var image = Image.NewFromFile(source);
        using var upscaled = (image.Resize(2, kernel: Enums.Kernel.Lanczos3) * new[] { 1.12, 1.0, 0.88 }).Cast(Enums.BandFormat.Uchar);
        var path = ws.PathOf("upscaled.png");
        upscaled.Pngsave(path);
        return (source, path);
    }

    private static IReadOnlyList<string> ImageSources(string html) =>
        Regex.Matches(html, "<img [^>]*src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();

    [Fact]
    public void Two_versions_make_one_self_contained_page()
    {
        var (source, upscaled) = SourceAndUpscale(ws);

        var result = ws.Burnish("compare", source, upscaled, "-o", "report.html", "--crops", "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("wrote report.html (2 versions, 3 crops", result.Stdout);
        Assert.Equal(["report.html", "source.png", "upscaled.png"], Workspace.FilesUnder(ws.Root));
        var html = File.ReadAllText(ws.PathOf("report.html"));
        var sources = ImageSources(html);
        Assert.Equal(2 + 3 * 2 + 1, sources.Count); // slider, 3 crops × 2 versions, overview
        Assert.All(sources, s => Assert.StartsWith("data:image/", s));
        Assert.Equal(3, Regex.Matches(html, "<div class=\"crop-set\"").Count);
        Assert.Contains("source.png", html);
        Assert.Contains("upscaled.png", html);
        Assert.Contains("largest: sets crops and 100 %", html);
        Assert.Contains("1024×1024", html);
    }

    [Fact]
    public void Beside_puts_the_images_in_a_folder_next_to_the_page()
    {
        var (source, upscaled) = SourceAndUpscale(ws);

        var result = ws.Burnish("compare", source, upscaled, "-o", "out/cmp.html", "--beside", "--crops", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["cmp.html", "cmp_files/crop1-v1.png", "cmp_files/crop1-v2.png", "cmp_files/overview.jpg", "cmp_files/v1.jpg", "cmp_files/v2.jpg"],
            Workspace.FilesUnder(ws.PathOf("out")));
        Assert.All(ImageSources(File.ReadAllText(ws.PathOf("out", "cmp.html"))), s => Assert.StartsWith("cmp_files/", s));
    }

    [Theory]
    [InlineData("missing", "file not found")]
    [InlineData("one", "at least two versions, got 1")]
    [InlineData("unreadable", "not a supported image")]
    [InlineData("crops-out-of-range", "crops")]
    [InlineData("embed-and-beside", "either --embed or --beside")]
    public void Bad_requests_exit_2_with_one_line_and_write_nothing(string kind, string message)
    {
        var (source, upscaled) = SourceAndUpscale(ws);
        string[] args = kind switch
        {
            "missing" => [source, ws.PathOf("nowhere.png")],
            "one" => [source],
            "unreadable" => [source, ws.Write("notes.png", "not an image\n")],
            "crops-out-of-range" => [source, upscaled, "--crops", "99"],
            _ => [source, upscaled, "--embed", "--beside"],
        };

        var result = ws.Burnish(["compare", .. args, "-o", "out/report.html"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr);
        Assert.Single(result.Lines);
        Workspace.AssertNoOutputs(ws.PathOf("out"));
    }

    [Fact]
    public void An_existing_report_is_kept_unless_forced()
    {
        var (source, upscaled) = SourceAndUpscale(ws);
        ws.Write("report.html", "mine");

        var kept = ws.Burnish("compare", source, upscaled, "-o", "report.html", "--crops", "0");
        Assert.Equal(2, kept.ExitCode);
        Assert.Contains("already exists", kept.Stderr);
        Assert.Equal("mine", File.ReadAllText(ws.PathOf("report.html")));

        var forced = ws.Burnish("compare", source, upscaled, "-o", "report.html", "--crops", "0", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.StartsWith("<!doctype html>", File.ReadAllText(ws.PathOf("report.html")));
    }

    [Fact]
    public void Finish_with_report_compares_the_source_every_kept_intermediate_and_the_master()
    {
        var input = ws.Copy(Fixtures.ComfyUi);
        ws.Write("recipe.yaml", "version: 1\ngrade: {preset: warm-golden}\nexport:\n  copies: [{long_edge: 256, format: png, name: small}]\n");

        var result = ws.Burnish("finish", input, "-r", "recipe.yaml", "-o", "out", "--keep-intermediates", "--report");

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = ws.PathOf("out", "comfyui-sdxl-turbo.report.html");
        Assert.True(File.Exists(report), string.Join(", ", Workspace.FilesUnder(ws.PathOf("out"))));
        var html = File.ReadAllText(report);
        // source, the grade and the sharpen-for-copy intermediates, the master: in that order in the pickers.
        var options = Regex.Matches(html, "<select id=\"left-version\">(.*?)</select>", RegexOptions.Singleline)[0].Groups[1].Value;
        Assert.Equal(["1 · source", "2 · grade", "3 · sharpen-small", "4 · master"],
            Regex.Matches(options, "<option value=\"\\d+\"[^>]*>([^<]*)</option>").Select(m => m.Groups[1].Value));
        Assert.Contains("comfyui-sdxl-turbo.burnish.json", html);
        Assert.Contains("stage:grade", html);
        Assert.Contains("master in <code>comfyui-sdxl-turbo.burnish.json</code>", html);
        Assert.Contains("Recipe, normalised", html);
        // The report is not one of the image's recorded outputs; the sidecar still matches the disk.
        Sidecar.Read(ws.PathOf("out", "comfyui-sdxl-turbo.burnish.json")).AssertMatchesDisk();
    }
}
