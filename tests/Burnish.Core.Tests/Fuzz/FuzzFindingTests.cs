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
    public void Malformed_yaml_that_broke_the_yaml_library_is_a_recipe_problem(string base64)
    {
        var text = B64(base64);

        var recipe = Assert.Throws<RecipeException>(() => RecipeReader.Parse(text, "fuzz.yaml"));
        var look = Assert.Throws<RecipeException>(() => RecipeReader.ParseSection<Burnish.Stages.Grade.GradeParams>(text, "fuzz-look.yaml"));

        Assert.StartsWith("not valid YAML or JSON", Assert.Single(recipe.Problems).Message);
        Assert.StartsWith("not valid YAML or JSON", Assert.Single(look.Problems).Message);
    }
}
