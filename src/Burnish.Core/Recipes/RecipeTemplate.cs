using System.Collections;
using System.Globalization;
using System.Reflection;
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

        foreach (var (key, property) in RecipeKeys.Of(section.GetType()))
        {
            var doc = property.GetCustomAttribute<DocAttribute>()!.Text;
            var range = property.GetCustomAttribute<RangeAttribute>();
            foreach (var line in Wrap(doc + (range is null ? "" : $" Range {Num(range.Min)}–{Num(range.Max)}."), 100 - indent))
                Comment(line);
            var value = property.GetValue(section);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (value is null && RecipeKeys.IsSection(type))
            {
                // An optional section left out: show its keys and defaults, commented, so it can be switched on.
                Comment($"{key}:");
                var inner = new StringBuilder();
                WriteSection(inner, Activator.CreateInstance(type)!, 2);
                foreach (var line in inner.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    b.Append(pad).Append("# ").AppendLine(line.TrimEnd('\r'));
            }
            else if (value is null && type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
                     && RecipeKeys.IsSection(type.GetGenericArguments()[0]))
            {
                // An optional list of records left out (repair passes): show one item's keys and defaults, commented.
                Comment($"{key}:");
                var inner = new StringBuilder();
                WriteSection(inner, Activator.CreateInstance(type.GetGenericArguments()[0])!, 4, listItem: true);
                foreach (var line in inner.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    b.Append(pad).Append("# ").AppendLine(line.TrimEnd('\r'));
            }
            else if (value is null)
                Comment($"{key}:");
            else if (value is IList { Count: 0 })
                Key($"{key}: []");
            else if (value is IList list)
            {
                Key($"{key}:");
                foreach (var item in list) WriteSection(b, item!, indent + 4, listItem: true);
            }
            else if (RecipeKeys.IsSection(type))
            {
                Key($"{key}:");
                WriteSection(b, value, indent + 2);
            }
            else
                Key($"{key}: {Scalar(value)}");
        }
    }

    private static string Scalar(object value) => value switch
    {
        bool v => v ? "true" : "false",
        Enum e => Names.EnumValue(e.ToString()),
        double d => Num(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Num(double d) => d.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<string> Wrap(string text, int width)
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
