using System.Collections;
using System.Text;
using Burnish.Schema;

namespace Burnish.Recipes;

/// <summary>Writes a recipe as commented YAML, every key with its doc, from the same declarations validation uses.</summary>
public static class RecipeTemplate
{
    public static string Write(Recipe recipe)
    {
        var b = new StringBuilder();
        b.AppendLine("# Burnish recipe. Stages always run in this order:");
        b.AppendLine("#   repair → outpaint → upscale → cleanup → grade → sharpen → export");
        b.AppendLine("# Every key is optional except version; what is left out takes the default shown here.");
        WriteSection(b, recipe, 0);
        return b.ToString();
    }

    // A list item's first real key line carries the "- "; comment lines before it stay at the item's indent.
    private static void WriteSection(StringBuilder b, object section, int indent, bool listItem = false)
    {
        var pad = new string(' ', indent);
        var dashPending = listItem;
        void Comment(string text) => b.Append(pad).Append("# ").AppendLine(text);
        void Key(string text)
        {
            b.Append(dashPending ? pad[..^2] + "- " : pad).AppendLine(text);
            dashPending = false;
        }

        foreach (var k in RecipeKey.Of(section.GetType()))
        {
            var key = k.Name;
            foreach (var line in Wrap(k.DocWithRange, 100 - indent))
                Comment(line);
            var value = k.ValueIn(section);
            if (value is null && k.IsSection)
            {
                // An optional section left out: show its keys and defaults, commented, so it can be switched on.
                Comment($"{key}:");
                var inner = new StringBuilder();
                WriteSection(inner, Activator.CreateInstance(k.Type)!, 2);
                foreach (var line in inner.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    b.Append(pad).Append("# ").AppendLine(line.TrimEnd('\r'));
            }
            else if (value is null && k.IsSectionList)
            {
                // An optional list of records left out (repair passes): show one item's keys and defaults, commented.
                Comment($"{key}:");
                var inner = new StringBuilder();
                WriteSection(inner, Activator.CreateInstance(k.Item!)!, 4, listItem: true);
                foreach (var line in inner.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    b.Append(pad).Append("# ").AppendLine(line.TrimEnd('\r'));
            }
            else if (value is null)
                Comment($"{key}:");
            else if (value is IList { Count: 0 })
                Key($"{key}: []");
            else if (k.IsSectionList)
            {
                Key($"{key}:");
                foreach (var item in (IList)value) WriteSection(b, item!, indent + 4, listItem: true);
            }
            else if (k.IsSection)
            {
                Key($"{key}:");
                WriteSection(b, value, indent + 2);
            }
            else
                Key($"{key}: {RecipeKey.Format(value)}");
        }
    }

    internal static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + word.Length + 1 > width) { yield return line.ToString(); line.Clear(); }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }
}
