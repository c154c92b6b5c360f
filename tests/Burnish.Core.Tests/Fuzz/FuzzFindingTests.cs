using System.Text;
using Burnish.Recipes;

namespace Burnish.Core.Tests.Fuzz;

/// <summary>Inputs the fuzz smoke run found (fuzz/Burnish.Fuzz, fixed seed 1), each kept as a regression test.</summary>
public class FuzzFindingTests
{
    private static string B64(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));

    [Theory]
    // A look with "tone: {c1" repeated: YamlDotNet's scanner threw InvalidOperationException, an "unexpected error".
    [InlineData("IyBjb29sLW1vb2R5OiBjb29sZXIgbGlnaHQsIGRlZXBlciBzaGFkb3dzLCBzbGlnaHRseSBtdXRlZCBjb2xvdXIuCndoaXRlX2JhbGFuY2U6IHt0ZW1wZXJhdHVyZTogLTEwfQpleHBvc3VyZTogLTAuMQp0b25lOiB7YzEKdG9uZToge2MxCnRvbmU6IHtjMQp0b25lOiB7YzEKdG9uZToge2MxCnRvbmU6IHtjMQp0b25lOiB7YzEKdG9uZToge2MxCnRvbmU6IHtjMQp0b25lOiB7YzEKdG9uZToge2MxCnRvbmU6IHtjMQp0b25lOiB7YzEKdG9uZToge2MxCg==")]
    // A shipped look with an 0xFFFFFFFF run spliced into its first comment line.
    [InlineData("IyBjaW5lbWF0aWMtc3BsaXT/////YWwgc2hhZG93cywgd2FybSBoaWdobGlnaHRzLCBnZW50bGUgUy1jdXJ2ZS4KdG9uZToge2NvbnRyYXN0OiAwLjF9CnNwbGl0X3RvbmU6CiAgc2hhZG93czoge2h1ZTogMTk1LCBhbW91bnQ6IHswLjA3fQogIGgAAACAaWdodHM6IHtodWU6IDM1LCBhbW91bnQ6IDAuMDZ9CiAgYmFsYW5jZTogMC4xCnZpYnJhbmNlOiAwLjA1Cg==")]
    // "# neu\xff\0\0\0\0: no change…" (seed 2): YamlDotNet's node builder threw ArgumentException ("unsupported event").
    [InlineData("IyBuZXX/AAAAOiBubyBjaGFuZ2UgYXQgYWxsOyBhIGJhc2UgZm9yIHlvdXIgb3c=")]
    [InlineData("IyBjaW5lbWF0aWMtc4AAAAA6IHRlYWwg")]
    [InlineData("IyBzb2Z0LWZpbG06IGZhZGVkIGJsYWNrcywgc29mdGVuZWQgd2hpdGVzLCBhIHF1aWV0ZXIgcGFsZXR0ZS4KdG9uZToge2NvbnRyYXN0OiAwLjA1LCBibGFja19saWZ0OiAwLjAzLCB3aGl0ZV9wb2ludDogMC45N30Kc3BsaXRfdG9uZToKIDogLTAuMDgK")]
    // Tags that are not URIs ("!!]s", "!!+"), found by AFL on the recipe target: YamlDotNet's parser threw
    // ArgumentException while the nesting depth was counted, an "unexpected error".
    [InlineData("ISErISsh")]
    [InlineData("ISFdZTIgbgAu")]
    [InlineData("ISBuOiAhISFdcyEhISEu")]
    public void Malformed_yaml_that_broke_the_yaml_library_is_a_recipe_problem(string base64)
    {
        var text = B64(base64);

        var recipe = Assert.Throws<RecipeException>(() => RecipeReader.Parse(text, "fuzz.yaml"));
        var look = Assert.Throws<RecipeException>(() => RecipeReader.ParseSection<Burnish.Stages.Grade.GradeParams>(text, "fuzz-look.yaml"));

        Assert.StartsWith("not valid YAML or JSON", Assert.Single(recipe.Problems).Message);
        Assert.StartsWith("not valid YAML or JSON", Assert.Single(look.Problems).Message);
    }

    [Theory]
    // Found by AFL on the recipe target: an alias used as a complex mapping key before its anchor ("? *-" … "&-").
    // YamlDotNet's node model compared the unresolved aliases recursively until the stack overflowed (exit 134).
    [InlineData("IWQKPwoAACotCj8KLQAmLb29vaa9vb0/Ci0AJi0KPwotAA==")]
    [InlineData("IWQKPwo/ACotCj8KLQAmLb29vaa9vb0tCi0AJi0KPwotACZKvb3/fwAAvaY=")]
    public void An_alias_before_its_anchor_is_a_recipe_problem(string base64)
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse(B64(base64), "fuzz.yaml"));

        Assert.Contains("does not refer to an anchor defined before it", Assert.Single(e.Problems).Message);
    }

    [Fact]
    public void An_alias_inside_its_own_anchor_is_refused()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse("version: 1\ngrade: &g {tone: *g}\n", "self.yaml"));

        var problem = Assert.Single(e.Problems);
        Assert.Equal(2, problem.Line);
        Assert.Contains("alias *g", problem.Message);
    }

    [Fact]
    public void Nested_aliases_that_expand_past_the_limit_are_refused()
    {
        // Eleven levels of ten aliases each: 10^11 values once expanded ("billion laughs").
        var text = new StringBuilder("version: 1\nx0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
        for (var i = 1; i <= 11; i++) text.Append($"x{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");

        var e = Assert.Throws<RecipeException>(() => RecipeReader.Parse(text.ToString(), "laughs.yaml"));

        Assert.Contains("expands to more than", Assert.Single(e.Problems).Message);
    }

    [Fact]
    public void Aliases_to_finished_anchors_still_work()
    {
        var recipe = RecipeReader.Parse("""
            version: 1
            export:
              master: {format: png}
              copies:
                - long_edge: &edge 1536
                  format: jpeg
                - long_edge: *edge
                  format: webp
            """, "aliases.yaml");

        Assert.Equal([1536, 1536], recipe.Export.Copies.Select(c => c.LongEdge));
    }

    [Theory]
    // Found by AFL on the look target (1 KB each, 30–60 s before the fix): an unknown directive line ("%9 k%%…") that
    // ends the text exactly at YamlDotNet's 1,024-character read block, where its skip to the line's end ran ~2³² steps.
    [InlineData("look-directive-at-block-end.yaml")]
    [InlineData("look-directive-after-nul.yaml")]
    public async Task A_directive_line_at_the_end_of_a_read_block_does_not_stall_the_reader(string finding)
    {
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(Fixtures.PathOf("fuzz", finding)));
        Assert.Equal(1024, text.Length);
        // The same shape at the second block, and after a mapping line.
        string[] shapes = [text, "%FOO " + new string('x', 2043), "a: 1\n%FOO " + new string('x', 1014)];

        foreach (var shape in shapes)
        {
            // A hang guard, not a speed measurement: the reader takes milliseconds; before the fix, 30 s or more.
            var read = Task.Run(() => Record.Exception(() => RecipeReader.ParseSection<Burnish.Stages.Grade.GradeParams>(shape, "fuzz-look.yaml")));
            Assert.True(await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10))) == read, $"reading {shape.Length} characters took over 10 s");
            var error = await read;
            Assert.True(error is null or RecipeException, $"{error}");
        }
    }
}
