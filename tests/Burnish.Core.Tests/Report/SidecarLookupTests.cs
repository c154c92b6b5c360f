using System.Security.Cryptography;
using System.Text.Json;
using Burnish.Imaging;
using Burnish.Pipeline;
using Burnish.Report;

namespace Burnish.Core.Tests.Report;

public class SidecarLookupTests
{
    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static OutputRecord Listed(string role, string dir, string relative, string? destination = null) =>
        new(role, relative, 8, 8, "display-p3", "png16", new FileInfo(Path.Combine(dir, relative)).Length, Sha(Path.Combine(dir, relative)), Destination: destination);

    /// <summary>out/pic.{master.png,web-2048.jpg,burnish.json}, out/pic/stages/05-grade.png, and the source in src/.</summary>
    private static (string Out, string Source) Finished(TempDir dir)
    {
        var outDir = Directory.CreateDirectory(dir.File("out")).FullName;
        Directory.CreateDirectory(Path.Combine(outDir, "pic", "stages"));
        var source = Path.Combine(Directory.CreateDirectory(dir.File("src")).FullName, "pic.png");
        File.WriteAllBytes(source, [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(outDir, "pic.master.png"), [4, 5]);
        File.WriteAllBytes(Path.Combine(outDir, "pic.web-2048.jpg"), [6]);
        File.WriteAllBytes(Path.Combine(outDir, "pic", "stages", "05-grade.png"), [7, 8, 9]);
        var facts = new ImageFacts(8, 8, 3, 8, false, "png", "sRGB", false, 1);
        var lineage = new Lineage("burnish", "0.1.0", Lineage.Success, new InputRecord(source, Sha(source), 3, facts, null),
            new RecipeRecord("preset:web-only", "abc", JsonSerializer.SerializeToElement(new { version = 1 })),
            [], [],
            [Listed("master", outDir, "pic.master.png"), Listed("copy", outDir, "pic.web-2048.jpg", "web-2048")],
            [Listed("stage:grade", outDir, Path.Combine("pic", "stages", "05-grade.png"))],
            DateTimeOffset.UnixEpoch, 12);
        File.WriteAllBytes(Path.Combine(outDir, "pic.burnish.json"), lineage.ToJson());
        return (outDir, source);
    }

    [Fact]
    public void Masters_copies_intermediates_and_the_input_are_found_with_their_roles()
    {
        using var dir = new TempDir();
        var (outDir, source) = Finished(dir);
        var found = SidecarLookup.Find([source, Path.Combine(outDir, "pic.master.png"), Path.Combine(outDir, "pic.web-2048.jpg"),
            Path.Combine(outDir, "pic", "stages", "05-grade.png")]);

        Assert.Equal(["input", "master", "copy:web-2048", "stage:grade"], found.Select(f => f?.Role));
        Assert.All(found, f => Assert.Equal(Path.Combine(outDir, "pic.burnish.json"), f!.SidecarPath));
        Assert.All(found, f => Assert.True(f!.Unchanged));
    }

    [Fact]
    public void A_changed_file_is_flagged_and_a_moved_source_is_matched_by_its_hash()
    {
        using var dir = new TempDir();
        var (outDir, source) = Finished(dir);
        File.WriteAllBytes(Path.Combine(outDir, "pic.master.png"), [4, 5, 6]);
        var moved = dir.File("elsewhere.png");
        File.Copy(source, moved);

        var found = SidecarLookup.Find([moved, Path.Combine(outDir, "pic.master.png")]);

        Assert.Equal("input", found[0]!.Role);
        Assert.Equal("master", found[1]!.Role);
        Assert.False(found[1]!.Unchanged);
    }

    [Fact]
    public void Files_no_sidecar_lists_and_foreign_json_are_not_matched()
    {
        using var dir = new TempDir();
        var (outDir, _) = Finished(dir);
        var stranger = Path.Combine(outDir, "pic.other.png");
        File.WriteAllBytes(stranger, [42]);
        var foreign = dir.File("x.png");
        File.WriteAllBytes(foreign, [1]);
        File.WriteAllText(dir.File("x.burnish.json"), "{\"hello\": 1}");

        Assert.Equal([null, null], SidecarLookup.Find([stranger, foreign]));
    }

    [Fact]
    public void Candidates_run_from_the_stages_folder_and_the_longest_stem_down()
    {
        var root = Path.GetFullPath("/data/out");
        Assert.Equal([Path.Combine(root, "a.b.master.burnish.json"), Path.Combine(root, "a.b.burnish.json"), Path.Combine(root, "a.burnish.json")],
            SidecarLookup.Candidates(Path.Combine(root, "a.b.master.png")));
        Assert.Equal(Path.Combine(root, "pic.burnish.json"), SidecarLookup.Candidates(Path.Combine(root, "pic", "stages", "05-grade.png")).First());
    }
}
