using System.Reflection;
using Burnish.Recipes;
using Burnish.Stages.Grade.Lut;
using Burnish.Schema;

namespace Burnish.Core.Tests.Stages.Grade.Lut;

public class LutParamsTests
{
    [Fact]
    public void Keys_defaults_ranges_and_docs_are_declared_on_the_record()
    {
        var keys = RecipeKeys.Of(typeof(LutParams));
        Assert.Equal(["file", "strength"], keys.Keys.Order());
        Assert.All(keys.Values, p => Assert.False(string.IsNullOrWhiteSpace(p.GetCustomAttribute<DocAttribute>()!.Text)));
        var range = keys["strength"].GetCustomAttribute<Burnish.Schema.RangeAttribute>()!;
        Assert.Equal((0.0, 1.0), (range.Min, range.Max));
        Assert.Equal(1.0, new LutParams().Strength);
    }

    [Theory]
    [InlineData("", "file", "a LUT needs a file")]
    [InlineData("looks/teal.3dl", "file", "'looks/teal.3dl' is not a LUT format Burnish reads")]
    public void A_missing_or_unreadable_kind_of_file_is_a_recipe_problem(string file, string key, string start)
    {
        var problem = Assert.Single(new LutParams { File = file }.Problems());
        Assert.Equal(key, problem.Key);
        Assert.StartsWith(start, problem.Message);
    }

    [Theory]
    [InlineData("looks/teal.cube")]
    [InlineData("looks/Teal.CUBE")]
    [InlineData("looks/hald-8.png")]
    [InlineData("looks/hald-12.tiff")]
    public void Cube_and_hald_files_are_accepted(string file) => Assert.Empty(new LutParams { File = file }.Problems());
}
