using Burnish.Cli.Tests.Infrastructure;
using NetVips;

namespace Burnish.Cli.Tests;

/// <summary>
/// Inputs that cannot be finished: each is refused with one line naming the file and the problem, a non-zero exit,
/// and nothing in the output folder. Every bad file is made here, at run time, from a good fixture.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly Workspace ws = new();

    public void Dispose() => ws.Dispose();

    /// <summary>Writes the bad input named by <paramref name="kind"/> and returns its path.</summary>
    private string MakeBadInput(string kind)
    {
        switch (kind)
        {
            case "truncated-png":
            {
                var png = File.ReadAllBytes(Fixtures.ComfyUi);
                return ws.Write("truncated.png", png[..(png.Length * 2 / 5)]); // cut inside the IDAT stream
            }
            case "truncated-jpeg":
            {
                using var image = Image.NewFromFile(Fixtures.ComfyUi);
                var jpeg = image.JpegsaveBuffer(q: 90);
                return ws.Write("truncated.jpg", jpeg[..(jpeg.Length / 2)]);
            }
            case "zero-byte":
                return ws.Write("empty.png", []);
            case "text-named-png":
                return ws.Write("notes.png", "These are notes about a render, not an image.\n");
            case "huge-header":
                // A valid signature and IHDR (correct CRC) claiming 100000×100000: must be refused from the header, before any decoding.
                return ws.Write("huge.png", [.. Png.Signature, .. Png.Ihdr(100_000, 100_000), .. Png.Chunk("IDAT", Png.Deflate(new byte[64])), .. Png.Chunk("IEND", [])]);
            case "iccp-garbage-zlib":
                return ws.Write("iccp-zlib.png", Png.Grey(8, Png.Iccp("this is not a zlib stream at all"u8.ToArray())));
            case "iccp-garbage-profile":
                return ws.Write("iccp-bytes.png", Png.Grey(8, Png.Iccp(Png.Deflate([.. Enumerable.Range(0, 600).Select(i => (byte)(i * 31))]))));
            case "iccp-garbage-tags":
            {
                // The tree fixture's real Adobe RGB profile with its tag contents overwritten: header and tag table stay sound,
                // so it passes libpng's checks and a header reader, and only a colour engine can tell it is unusable.
                byte[] icc;
                using (var tree = Image.NewFromFile(Fixtures.Tree16)) icc = (byte[])tree.Get("icc-profile-data");
                var tagCount = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(icc.AsSpan(128));
                for (var i = 132 + tagCount * 12; i < icc.Length; i++) icc[i] = (byte)(i * 37);
                return ws.Write("iccp-tags.png", Png.Grey(8, Png.Iccp(Png.Deflate(icc))));
            }
            case "missing":
                return ws.PathOf("no-such-render.png");
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    [Theory]
    [InlineData("truncated-png", "corrupt or truncated")]
    [InlineData("truncated-jpeg", "corrupt or truncated")]
    [InlineData("zero-byte", "empty file")]
    [InlineData("text-named-png", "not a supported image")]
    [InlineData("huge-header", "100000×100000")]
    [InlineData("iccp-garbage-zlib", "unreadable ICC profile")]
    [InlineData("iccp-garbage-profile", "unreadable ICC profile")]
    [InlineData("iccp-garbage-tags", "unreadable ICC profile")]
    [InlineData("missing", "file not found")]
    public void BadImageIsReportedOnOneLineAndLeavesNoOutputs(string kind, string problem)
    {
        var input = MakeBadInput(kind);
        var outDir = ws.PathOf("out");

        var run = ws.Burnish("finish", input, "-o", outDir, "-r", ws.Write("recipe.yaml", Fixtures.SmallRecipe()));

        Assert.True(run.ExitCode == 1, $"expected exit 1 (an image failed), got {run}");
        var name = Path.GetFileName(input);
        // The failure list holds exactly one entry, naming the file and saying what is wrong with it.
        var entry = Assert.Single(run.FailureList);
        Assert.Contains(name, entry);
        Assert.Contains(problem, entry, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unexpected error", run.AllOutput);
        Assert.DoesNotContain("   at ", run.AllOutput); // no stack trace without --verbose
        Assert.Contains("0 finished, 0 skipped, 1 failed", run.Stdout);
        Workspace.AssertNoOutputs(outDir);
    }

    [Fact]
    public void HugeHeaderIsRefusedByInfoWithoutDecoding()
    {
        var input = MakeBadInput("huge-header");

        var run = ws.Burnish("info", input);

        Assert.True(run.ExitCode == 2, $"expected exit 2, got {run}");
        var line = Assert.Single(run.Lines);
        Assert.Contains("huge.png", line);
        Assert.Contains("over the limit", line);
    }

    public static TheoryData<string> UnwritableOutputs => new() { "parent-is-a-file", "output-is-a-file", "/proc/burnish-test" };

    [Theory]
    [MemberData(nameof(UnwritableOutputs))]
    public void UnwritableOutputFolderIsReportedBeforeAnyWork(string where)
    {
        // Tests run as root, so permissions would not stop a write: use places no one can create a folder in.
        var blocker = ws.Write("afile", "a regular file where a folder should be\n");
        var outDir = where switch
        {
            "parent-is-a-file" => Path.Combine(blocker, "out"),
            "output-is-a-file" => blocker,
            _ => where,
        };
        var input = ws.Copy(Fixtures.A1111, folder: "in");

        var run = ws.Burnish("finish", input, "-o", outDir, "-r", ws.Write("recipe.yaml", Fixtures.SmallRecipe()));

        Assert.True(run.ExitCode == 2, $"expected exit 2 (the command could not start), got {run}");
        var line = Assert.Single(run.Lines);
        Assert.Contains(outDir, line);
        Assert.Matches("not writable|not a folder", line);
        Assert.Equal("a regular file where a folder should be\n", File.ReadAllText(blocker));
        Assert.False(Directory.Exists(outDir), $"{outDir} was created");
        // Nothing was written beside the input or the blocker either.
        Assert.Equal(["afile", "in/a1111-parameters.png", "recipe.yaml"], Workspace.FilesUnder(ws.Root));
    }
}
