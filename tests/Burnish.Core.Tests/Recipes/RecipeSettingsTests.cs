using Burnish.Imaging;
using Burnish.Recipes;
using Burnish.Report;
using Burnish.Stages.Export.Marks;
using Burnish.Stages.Grade;
using Burnish.Stages.Outpaint;
using Burnish.Stages.Upscale;

namespace Burnish.Core.Tests.Recipes;

/// <summary>
/// Command-line settings (options, --set, key=value arguments) bind through the recipe binder without any YAML text:
/// the same conversions, ranges and rules as a recipe file, each problem named by the setting it came from, and no
/// value able to add keys beside its own.
/// </summary>
public class RecipeSettingsTests
{
    private static string Problem(Action bind) => Assert.Throws<RecipeException>(bind).Message;

    [Fact]
    public void Settings_bind_like_the_same_keys_in_a_file()
    {
        var file = RecipeReader.ParseSection<UpscaleParams>("scale: 2.5\ntile: 256\nquality: best\npasses: [2, 2]\nthreads: 3\n", "u.yaml");

        var set = RecipeSettings.Bind<UpscaleParams>(
        [
            Setting.Text("scale", "2.5", "option --scale"),
            Setting.Given("tile", TileSize.Of(256), "option --tile"),
            Setting.Text("quality", "best", "option --quality"),
            Setting.Yaml("passes", "[2, 2]", "--set passes=[2, 2]"),
            Setting.Given("threads", 3, "option --threads"),
        ]);

        Assert.Equal(file with { Passes = null }, set with { Passes = null });
        Assert.Equal(file.Passes, set.Passes);
    }

    [Fact]
    public void A_problem_names_the_setting_not_a_line_of_text_nobody_wrote()
    {
        Assert.Equal("option --seam: 999 is out of range 0..256",
            Problem(() => RecipeSettings.Bind<OutpaintParams>([Setting.Given("aspects", new[] { AspectRatio.Parse("16:9") }, "option --aspect"), Setting.Given("seam", 999, "option --seam")])));
        Assert.Equal("option --scale: expected a number, got 'big'",
            Problem(() => RecipeSettings.Bind<UpscaleParams>([Setting.Text("scale", "big", "option --scale")])));
        // A rule between keys is placed at the key it names, so at the option that set it.
        Assert.Equal("option --scale: give scale or target, not both",
            Problem(() => RecipeSettings.Bind<UpscaleParams>([Setting.Given("scale", 2.0, "option --scale"), Setting.Given("target.long_edge", 900, "option --long-edge")])));
        // An item's problem follows the option that gave the list.
        Assert.Equal("option --aspect: 32:18 is the same ratio as 16:9, listed before it",
            Problem(() => RecipeSettings.Bind<OutpaintParams>([Setting.Given("aspects", new[] { AspectRatio.Parse("16:9"), AspectRatio.Parse("32:18") }, "option --aspect")])));
    }

    [Fact]
    public void A_set_problem_names_the_set_and_keeps_the_path_it_does_not_name()
    {
        var recipe = RecipePresets.Load(RecipePresets.Default);

        Assert.Equal("--set grade.exposur=1: unknown key 'grade.exposur'; did you mean 'exposure'?; --set grade.exposure=9: 9 is out of range -5..5",
            Problem(() => RecipeSettings.Override(recipe, [Setting.Yaml("grade.exposure", "9", "--set grade.exposure=9"), Setting.Yaml("grade.exposur", "1", "--set grade.exposur=1")])));
        // Inside a list the --set gave, the item's key path is still shown.
        Assert.Equal("--set export.copies=[{long_edge: 8}]: export.copies[0].long_edge: 8 is out of range 16..65535",
            Problem(() => RecipeSettings.Override(recipe, [Setting.Yaml("export.copies", "[{long_edge: 8}]", "--set export.copies=[{long_edge: 8}]")])));
    }

    [Fact]
    public void A_set_merges_into_its_section_key_by_key()
    {
        var recipe = RecipeReader.Parse("version: 1\ngrade: {exposure: 0.5, saturation: 0.2}\n", "r.yaml");

        var over = RecipeSettings.Override(recipe, [Setting.Yaml("grade.saturation", "-0.1", "--set grade.saturation=-0.1")]);

        Assert.Equal(0.5, over.Grade!.Exposure);
        Assert.Equal(-0.1, over.Grade.Saturation);
        Assert.Equal(RecipeReader.Hash(RecipeReader.Parse("version: 1\ngrade: {exposure: 0.5, saturation: -0.1}\n", "r.yaml")), RecipeReader.Hash(over));
    }

    [Theory]
    [InlineData("a: b")]
    [InlineData("#1 of 2")]
    [InlineData("line one\nscale: 8")]
    [InlineData("x'\ny: \"z")]
    public void A_text_value_is_the_text_itself_and_adds_no_keys(string text)
    {
        var upscale = RecipeSettings.Bind<UpscaleParams>([Setting.Text("model", text, "option --model")]);
        var caption = RecipeSettings.Bind<TextParams>([Setting.Text("content", text, "option --text")]);

        Assert.Equal(text, upscale.Model);
        Assert.Null(upscale.Scale);
        Assert.Equal(text, caption.Content);
        Assert.Equal(new TextParams { Content = text }, caption);
    }

    [Fact]
    public void A_literal_null_is_text_and_a_colour_needs_no_quotes()
    {
        Assert.Equal("null", RecipeSettings.Bind<UpscaleParams>([Setting.Text("model", "null", "option --model")]).Model);
        Assert.Equal(RecipeReader.ParseSection<TextParams>("content: x\ncolour: '#ff0000'\n", "t.yaml"),
            RecipeSettings.Bind<TextParams>([Setting.Text("content", "x", "--text content=x"), Setting.Text("colour", "#ff0000", "--text colour=#ff0000")]));
    }

    [Theory]
    [InlineData("1\ntone: {contrast: 1}")]
    [InlineData("1\n  exposure: 3")]
    [InlineData("exposure: 3")]
    [InlineData("- 1\n- 2")]
    public void A_yaml_value_is_one_value_and_cannot_add_keys(string value)
    {
        var source = "--set grade.exposure=" + value;

        var e = Assert.Throws<RecipeException>(() => RecipeSettings.Override(RecipePresets.Load(RecipePresets.Default), [Setting.Yaml("grade.exposure", value, source)]));

        var problem = Assert.Single(e.Problems);
        Assert.Equal(source, problem.File);
        Assert.Equal(0, problem.Line);
    }

    [Fact]
    public void A_yaml_value_may_be_a_flow_list_or_mapping()
    {
        var curve = RecipeSettings.Bind<GradeParams>([Setting.Yaml("tone.curve", "[[0.25, 0.2], [0.75, 0.8]]", "setting tone.curve=…")]);
        var tone = RecipeSettings.Bind<GradeParams>([Setting.Yaml("tone", "{contrast: 0.2}", "setting tone={contrast: 0.2}")]);
        var file = RecipeReader.ParseSection<GradeParams>("tone: {curve: [[0.25, 0.2], [0.75, 0.8]]}\n", "g.yaml");

        Assert.Equal(file.Tone.Curve!.SelectMany(p => p), curve.Tone.Curve!.SelectMany(p => p));
        Assert.Equal(0.2, tone.Tone.Contrast);
    }

    [Fact]
    public void A_record_level_rule_with_no_setting_behind_it_has_no_label()
    {
        var e = Assert.Throws<RecipeException>(() => RecipeSettings.Bind<OutpaintParams>([Setting.Given("seam", 8, "option --seam")]));

        Assert.Equal("a target is needed: aspect (such as 16:9) or aspects (such as [1:1, 4:5, 16:9])", e.Message);
    }

    [Fact]
    public void Range_and_type_come_from_the_record_for_given_values_too()
    {
        Assert.Equal("option --crops: 99 is out of range 0..16", Problem(() => RecipeSettings.Bind<ReportOptions>([Setting.Given("crops", 99, "option --crops")])));
        Assert.Equal(8, RecipeSettings.Bind<ReportOptions>([Setting.Given("crops", 8, "option --crops")]).Crops);
    }
}
