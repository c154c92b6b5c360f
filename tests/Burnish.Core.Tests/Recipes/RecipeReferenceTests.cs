using System.Reflection;
using Burnish.Pipeline;
using Burnish.Recipes;
using Burnish.Stages.Export;
using Burnish.Stages.Grade;

namespace Burnish.Core.Tests.Recipes;

/// <summary>docs/recipe-keys.md is written from the declarations; these tests keep the committed copy and the declarations honest.</summary>
public class RecipeReferenceTests
{
    [Fact]
    public void Committed_key_reference_is_what_the_generator_writes()
    {
        var root = Fixtures.RepositoryRoot();
        Assert.True(root is not null, "the tests must run from a checkout (no Burnish.slnx above the test binaries)");
        var path = Path.Combine(root, RecipeReference.DocPath);
        var committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        var generated = RecipeReference.WriteMarkdown().ReplaceLineEndings("\n");
        Assert.True(committed == generated,
            $"{RecipeReference.DocPath} differs from the recipe declarations; regenerate it with `{RecipeReference.Regenerate}` and commit it"
            + (committed.Length == 0 ? " (the file is missing)" : $" (first difference at line {FirstDifferentLine(committed, generated)})"));
    }

    [Fact]
    public void Reference_lists_every_stage_in_canonical_order_after_version()
    {
        // backends is the one section no stage owns: the servers the stages refer to by name.
        Assert.Equal(["version", "backends", .. StageCatalogue.Canonical.Select(s => s.Key)], RecipeReference.Sections().Select(s => s.Section));
    }

    [Fact]
    public void Every_property_of_every_recipe_record_is_a_documented_key()
    {
        // A settable property without [Doc] would be invisible to the binder, the template and the reference alike.
        var types = RecipeReference.Rows(new Recipe())
            .Select(r => r.Key.IsSectionList ? r.Key.Item! : r.Key.IsSection ? r.Key.Type : null)
            .OfType<Type>().Append(typeof(Recipe)).Distinct().ToList();
        Assert.Contains(typeof(Burnish.Stages.Cleanup.SoftenRegion), types);
        foreach (var type in types)
        {
            var settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name);
            Assert.Equal(settable.Order(), RecipeKey.Of(type).Select(k => k.Property.Name).Order());
        }
    }

    [Fact]
    public void Docs_that_list_presets_by_hand_name_every_one()
    {
        var destination = RecipeKey.Of(typeof(CopyParams)).Single(k => k.Name == "destination").Doc;
        Assert.All(Destinations.Presets.Keys, id => Assert.Contains(id, destination));
        var look = RecipeKey.Of(typeof(GradeParams)).Single(k => k.Name == "preset").Doc;
        Assert.All(SectionPresets.Names<GradeParams>(), name => Assert.Contains(name, look));
    }

    [Fact]
    public void Reference_shows_enum_values_as_the_binder_spells_them()
    {
        var markdown = RecipeReference.WriteMarkdown();
        // The other spellings the binder takes follow the canonical one.
        Assert.Contains("| `export.master.space` | `display-p3` (or `p3`) \\| `adobe-rgb` (or `adobergb`) \\| `prophoto` (or `prophoto-rgb`) | `display-p3` |", markdown);
        Assert.Contains("| `repair[].seed` | whole number ≥ 0 | `0` |", markdown);
        Assert.Contains("| `grade.exposure` | −5–5 | `0` |", markdown);
        Assert.Contains("`warm-golden`", markdown);
        Assert.Contains("`print-a3-300ppi`", markdown);
        Assert.Contains("grade.tone.contrast  −0.5–1  (default 0)", RecipeReference.WriteText());
    }

    [Fact]
    public void Template_keeps_lists_of_values()
    {
        // Lists of scalars (passes, aspects, boxes, curve points) are written as flow lists, so init's output reads back.
        var recipe = RecipeReader.Parse("""
            version: 1
            repair:
              - boxes: [["10%", "10%", 20, 20]]
            outpaint:
              aspects: ["16:9", "1:1"]
            upscale:
              passes: [2, 2]
            grade:
              tone:
                curve: [[0.25, 0.2], [0.75, 0.8]]
            export:
              copies:
                - destination: web-2048
            """, "lists.yaml");
        var template = RecipeTemplate.Write(recipe);
        Assert.Contains("passes: [2, 2]", template);
        Assert.Equal(RecipeReader.Hash(recipe), RecipeReader.Hash(RecipeReader.Parse(template, "template.yaml")));
    }

    private static int FirstDifferentLine(string a, string b)
    {
        var (la, lb) = (a.Split('\n'), b.Split('\n'));
        var i = 0;
        while (i < la.Length && i < lb.Length && la[i] == lb[i]) i++;
        return i + 1;
    }
}
