using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Reflection;
using Burnish.Recipes;
using Burnish.Schema;

namespace Burnish.Cli;

/// <summary>
/// What is wrong with a command line, found before anything runs: unknown options (with a "did you mean"), values
/// that do not parse, missing required options. Each is one line naming the option; then one usage line; exit 2.
/// </summary>
public static class CommandLine
{
    /// <summary>
    /// Gives every option of the tree the parser of its value type (<see cref="Values.TryParse"/>: numbers, enums with
    /// their other spellings, typed values), so a bad value reads "option --quality: expected a whole number, got 'x'"
    /// and never names a .NET type; and makes unmatched tokens Burnish's problem rather than the parser's.
    /// </summary>
    public static void Prepare(Command command)
    {
        command.TreatUnmatchedTokensAsErrors = false;
        foreach (var option in command.Options)
        {
            var valueType = option.GetType().IsGenericType ? option.GetType().GetGenericArguments()[0] : null;
            if (valueType is null || valueType == typeof(bool) || valueType == typeof(string) || valueType == typeof(string[])) continue;
            typeof(CommandLine).GetMethod(nameof(Typed), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(valueType).Invoke(null, [option]);
        }
        foreach (var sub in command.Subcommands) Prepare(sub);
    }

    private static void Typed<T>(Option<T> option)
    {
        if (option.CustomParser is not null) return;
        var element = typeof(T).IsArray ? typeof(T).GetElementType()! : typeof(T);
        var underlying = Nullable.GetUnderlyingType(element) ?? element;
        if (underlying.IsEnum && option.HelpName is null) option.HelpName = string.Join("|", Values.EnumNames(underlying));
        option.CustomParser = result =>
        {
            var parsed = new List<object?>();
            foreach (var token in result.Tokens)
            {
                // A list takes its items repeated or comma-separated (--passes 2,2); a list of lists one list per value (--box 10,10,64,64).
                var items = typeof(T).IsArray ? token.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [token.Value];
                var inner = ListItem(element);
                if (inner is not null) items = [token.Value];
                foreach (var item in items)
                {
                    var ok = inner is null ? Values.TryParse(element, item, out var value, out var problem) : TryParseList(inner, item, out value, out problem);
                    if (!ok)
                    {
                        result.AddError($"option {option.Name}: {problem}");
                        return default;
                    }
                    parsed.Add(value);
                }
            }
            if (typeof(T).IsArray)
            {
                var array = Array.CreateInstance(element, parsed.Count);
                for (var i = 0; i < parsed.Count; i++) array.SetValue(parsed[i], i);
                return (T)(object)array;
            }
            return parsed.Count == 0 ? default : (T?)parsed[^1];
        };
    }

    /// <summary>The item type of a list or array type; null for any other.</summary>
    internal static Type? ListItem(Type type) =>
        type.IsArray ? type.GetElementType() : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;

    // One comma-separated list (a box's x,y,width,height), each item parsed by its type.
    private static bool TryParseList(Type item, string text, out object? value, out string problem)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var list = Array.CreateInstance(item, parts.Length);
        value = list;
        problem = "";
        for (var i = 0; i < parts.Length; i++)
        {
            if (!Values.TryParse(item, parts[i], out var one, out var why))
            {
                (value, problem) = (null, $"in '{text}', {why}");
                return false;
            }
            list.SetValue(one, i);
        }
        return true;
    }

    /// <summary>Adds a check of an option's parsed value; <paramref name="check"/> returns the problem, or null when it is fine.</summary>
    public static void Check<T>(this Option<T> option, Func<T?, string?> check) => option.Validators.Add(result =>
    {
        T? value;
        try
        {
            value = result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return; // the value did not parse, and its parser has said so
        }
        if (check(value) is { } problem) result.AddError($"option {option.Name}: {problem}");
    });

    /// <summary>An option's value inside a validator; the default when it did not parse (its parser has said why).</summary>
    public static T? ValueOrDefault<T>(SymbolResult result, Option<T> option)
    {
        try
        {
            return result.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>Every problem with the command line, one line each; empty when it can run.</summary>
    public static IReadOnlyList<string> Problems(ParseResult parse)
    {
        var problems = new List<string>();
        var command = parse.CommandResult.Command;
        var unknown = parse.UnmatchedTokens.ToList();
        // An unknown option given before or after a variadic argument (finish's inputs) is taken as one of its values.
        foreach (var argument in parse.CommandResult.Children.OfType<ArgumentResult>())
            unknown.AddRange(argument.Tokens.Where(t => LooksLikeOption(t.Value) && !AfterDoubleDash(parse, t)).Select(t => t.Value));
        // `burnish finsh img.png`: the first word is the one that matters; the rest only follow from it.
        if (!command.Parents.Any() && unknown.FirstOrDefault(t => !LooksLikeOption(t)) is { } word)
            return [UnknownCommand(command, word)];
        foreach (var token in unknown.Distinct())
            problems.Add(UnknownOption(command, token));
        foreach (var error in parse.Errors)
        {
            var message = error.Message.TrimEnd('.');
            if (message.Length > 0 && !message.StartsWith("option --", StringComparison.Ordinal) && !message.StartsWith("--", StringComparison.Ordinal))
                message = char.ToLowerInvariant(message[0]) + message[1..];
            problems.Add(message);
        }
        return problems.Distinct().ToList();
    }

    /// <summary>One line of how the command is called, and where its options are listed.</summary>
    public static string Usage(Command command)
    {
        var path = string.Join(' ', Path(command));
        var parts = new List<string> { path };
        foreach (var a in command.Arguments)
            parts.Add(a.Arity.MaximumNumberOfValues > 1 ? $"{a.Name.ToUpperInvariant()}..." : a.Arity.MinimumNumberOfValues == 0 ? $"[{a.Name.ToUpperInvariant()}]" : a.Name.ToUpperInvariant());
        foreach (var o in command.Options.Where(o => o.Required))
            parts.Add($"{o.Aliases.Where(x => x.Length == 2).DefaultIfEmpty(o.Name).First()} {(o.HelpName ?? o.Name.TrimStart('-')).ToUpperInvariant()}");
        if (command.Subcommands.Count > 0) parts.Add("COMMAND");
        parts.Add("[options]");
        return $"usage: {string.Join(' ', parts)} (all options: {path} --help)";
    }

    private static IEnumerable<string> Path(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
            names.Insert(0, c is RootCommand ? "burnish" : c.Name);
        return names;
    }

    private static string UnknownOption(Command command, string token)
    {
        var known = Known(command).ToList();
        var bare = token.TrimStart('-');
        var hint = Names.Closest(token, known);
        var line = $"unknown option '{token}' for '{string.Join(' ', Path(command))}'";
        if (hint is not null) return $"{line}; did you mean '{hint}'?";
        // `finish img.png --upscale 4`: a stage is set in the recipe, not by an option of finish.
        if (command.Name == "finish" && RecipeKeys.Of(typeof(Recipe)).ContainsKey(bare))
            return $"{line}; {bare} is a recipe section: set its keys with --set {bare}.KEY=VALUE or in a recipe (-r FILE), or use 'burnish {bare}' on one image";
        return $"{line}; options: {string.Join(", ", command.Options.Where(o => !o.Hidden).Select(o => o.Name))}";
    }

    private static string UnknownCommand(Command command, string token)
    {
        var hint = Names.Closest(token, command.Subcommands.Select(c => c.Name));
        return $"unknown command '{token}'" + (hint is null ? $"; commands: {string.Join(", ", command.Subcommands.Select(c => c.Name))}" : $"; did you mean '{hint}'?");
    }

    private static IEnumerable<string> Known(Command command)
    {
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
            foreach (var o in c.Options.Where(o => c == command || o.Recursive))
            {
                yield return o.Name;
                foreach (var alias in o.Aliases) yield return alias;
            }
    }

    // "-", negative numbers and existing files whose names start with a dash are values, not options.
    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        && !File.Exists(token) && !Directory.Exists(token);

    private static bool AfterDoubleDash(ParseResult parse, Token token)
    {
        var dash = parse.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        return dash >= 0 && parse.Tokens.ToList().IndexOf(token) > dash;
    }
}
