using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Burnish.Schema;

/// <summary>
/// A value written as one piece of text, in a recipe or on the command line (a tile size, an aspect ratio, a length in
/// pixels or percent). It has exactly one parser, the static <c>TryParse</c>, which the recipe binder finds by
/// convention and the CLI options call; <see cref="object.ToString"/> writes it back in the same form.
/// </summary>
public interface ITextValue<TSelf> where TSelf : struct, ITextValue<TSelf>
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> is one line for a person, without a key or option name.</summary>
    static abstract bool TryParse(string? text, out TSelf value, out string problem);
}

/// <summary>Writes a text value as its text in JSON (the normalised recipe, the sidecar), so it hashes as the string it replaced.</summary>
public sealed class TextValueJsonConverter<T> : JsonConverter<T> where T : struct, ITextValue<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.Number
            ? reader.GetDouble().ToString(CultureInfo.InvariantCulture)
            : reader.GetString();
        return T.TryParse(text, out var value, out var problem) ? value : throw new JsonException(problem);
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

/// <summary>Other spellings an enum member accepts (jpg for jpeg, centre for center); messages and the docs use its own name.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class AlsoWrittenAttribute(params string[] spellings) : Attribute
{
    public IReadOnlyList<string> Spellings { get; } = spellings;
}

/// <summary>
/// Parses a single value of a parameter's type from text: whole numbers, numbers, enums (by their kebab-case name or an
/// <see cref="AlsoWrittenAttribute"/> spelling) and text values (a static <c>TryParse(string, out T, out string)</c>).
/// Used by the recipe binder for scalars and by the command line for options, so both read and explain a value alike.
/// </summary>
public static class Values
{
    /// <summary>The static TryParse(string?, out T, out string) of a text value type; null for any other type.</summary>
    public static MethodInfo? TextParser(Type type) =>
        type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), type.MakeByRefType(), typeof(string).MakeByRefType()]);

    /// <summary>Parses a text value by its type's TryParse.</summary>
    public static bool TryParseText(Type type, string? text, out object? value, out string problem)
    {
        var parser = TextParser(type) ?? throw new ArgumentException($"{type.Name} has no TryParse(string, out {type.Name}, out string)", nameof(type));
        var args = new object?[] { text, null, null };
        var ok = (bool)parser.Invoke(null, args)!;
        value = ok ? args[1] : null;
        problem = ok ? "" : (string)args[2]!;
        return ok;
    }

    /// <summary>The names an enum is written with, in declaration order, as messages and help show them.</summary>
    public static IReadOnlyList<string> EnumNames(Type type) => [.. Enum.GetNames(type).Select(Names.EnumValue)];

    /// <summary>Parses an enum member from its kebab-case name or another accepted spelling.</summary>
    public static bool TryParseEnum(Type type, string text, out object? value, out string problem)
    {
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var spellings = field.GetCustomAttribute<AlsoWrittenAttribute>()?.Spellings ?? [];
            if (Names.EnumValue(field.Name) == text || spellings.Contains(text, StringComparer.Ordinal))
            {
                value = field.GetValue(null);
                problem = "";
                return true;
            }
        }
        value = null;
        var names = EnumNames(type);
        var hint = Names.Closest(text, names);
        problem = $"'{text}' is not one of {string.Join(", ", names)}" + (hint is null ? "" : $"; did you mean '{hint}'?");
        return false;
    }

    /// <summary>
    /// Parses one option or key value: int, long, double, bool, an enum or a text value. The problem names no .NET type.
    /// </summary>
    public static bool TryParse(Type type, string text, out object? value, out string problem) => TryParse(type, text, null, out value, out problem);

    /// <summary>As above, with a number checked against the key's <paramref name="range"/>: the one conversion recipes and options share.</summary>
    public static bool TryParse(Type type, string text, RangeAttribute? range, out object? value, out string problem)
    {
        if (!TryParseValue(type, text, out value, out problem)) return false;
        if (range is null || value is not (int or long or double)) return true;
        if (OutOfRange(range, Convert.ToDouble(value, CultureInfo.InvariantCulture), text) is not { } outside) return true;
        (value, problem) = (null, outside);
        return false;
    }

    /// <summary>The problem with a number outside <paramref name="range"/>, written as <paramref name="text"/>; null when inside.</summary>
    public static string? OutOfRange(RangeAttribute range, double number, string text) =>
        number < range.Min || number > range.Max
            ? $"{text} is out of range {range.Min.ToString(CultureInfo.InvariantCulture)}..{range.Max.ToString(CultureInfo.InvariantCulture)}"
            : null;

    private static bool TryParseValue(Type type, string text, out object? value, out string problem)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        value = null;
        problem = "";
        if (type == typeof(string)) { value = text; return true; }
        if (type.IsEnum) return TryParseEnum(type, text, out value, out problem);
        if (TextParser(type) is not null) return TryParseText(type, text, out value, out problem);
        if (type == typeof(bool))
        {
            if (text is "true" or "false") { value = text == "true"; return true; }
            problem = $"expected true or false, got '{text}'";
            return false;
        }
        if (type == typeof(int) || type == typeof(long) || type == typeof(double))
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
            {
                problem = $"expected {Describe(type)}, got '{text}'";
                return false;
            }
            if (type != typeof(double) && (number != Math.Floor(number) || Math.Abs(number) > (type == typeof(int) ? int.MaxValue : long.MaxValue)))
            {
                problem = $"expected a whole number, got '{text}'";
                return false;
            }
            value = type == typeof(int) ? (object)(int)number : type == typeof(long) ? (object)(long)number : number;
            return true;
        }
        throw new NotSupportedException($"no text form for {type.Name}");
    }

    /// <summary>What a value of <paramref name="type"/> looks like, for messages.</summary>
    public static string Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) || t == typeof(long) => "a whole number",
        var t when t == typeof(double) => "a number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(string) => "text",
        var t when t.IsEnum => "one of " + string.Join(", ", EnumNames(t)),
        _ => "a value",
    };
}
