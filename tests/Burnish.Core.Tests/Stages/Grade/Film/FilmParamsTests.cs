using System.Reflection;
using System.Text.Json;
using Burnish.Recipes;
using Burnish.Stages.Grade.Film;
using Burnish.Schema;

namespace Burnish.Core.Tests.Stages.Grade.Film;

public class FilmParamsTests
{
    [Theory]
    [InlineData(typeof(GrainParams), "amount,size,roughness,seed,colour")]
    [InlineData(typeof(HalationParams), "amount,threshold,radius,tint")]
    [InlineData(typeof(HalationTint), "r,g,b")]
    public void Every_key_is_documented_and_its_default_is_in_range(Type type, string keys)
    {
        var properties = RecipeKeys.Of(type);
        Assert.Equal(keys.Split(','), properties.Keys);
        var defaults = Activator.CreateInstance(type)!;
        foreach (var property in properties.Values)
        {
            Assert.False(string.IsNullOrWhiteSpace(property.GetCustomAttribute<DocAttribute>()!.Text));
            var value = property.GetValue(defaults);
            if (value is int or double)
            {
                var range = property.GetCustomAttribute<RangeAttribute>();
                Assert.True(range is not null, $"{type.Name}.{property.Name} has no range");
                Assert.InRange(Convert.ToDouble(value), range.Min, range.Max);
            }
        }
    }

    [Theory]
    [InlineData(typeof(GrainParams))]
    [InlineData(typeof(HalationParams))]
    [InlineData(typeof(HalationTint))]
    public void The_normalised_form_holds_exactly_the_recipe_keys(Type type)
    {
        // The sidecar and the recipe hash are the snake_case JSON of the public properties: no derived values.
        var json = JsonSerializer.SerializeToElement(Activator.CreateInstance(type), type, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        Assert.Equal(RecipeKeys.Of(type).Keys.Order(), json.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public void Default_grain_is_barely_visible_and_off_is_off()
    {
        // Peak standard deviation between 0.5 and 2 L* units: it shows at 100 % on a flat midtone, and stays under
        // about two just-noticeable lightness differences.
        var peak = 100 * Grain.Amplitude(0.5, GrainParams.Default.Amount);
        Assert.InRange(peak, 0.5, 2);
        Assert.Equal(0, GrainParams.Off.Amount);
        Assert.False(GrainParams.Default.Colour);
        Assert.Equal(0, HalationParams.Off.Amount);
        var tint = HalationParams.Default.Tint;
        Assert.True(tint.R > tint.G && tint.G > tint.B, "the default tint should be red-orange");
    }
}
