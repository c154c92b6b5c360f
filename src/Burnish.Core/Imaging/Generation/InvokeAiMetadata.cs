using System.Text.Json;
using System.Text.RegularExpressions;

namespace Burnish.Imaging.Generation;

/// <summary>
/// InvokeAI's three metadata generations: <c>invokeai_metadata</c> (3.x+ JSON), <c>sd-metadata</c>
/// (2.x JSON) and <c>Dream</c> (1.x/2.x command line).
/// </summary>
internal static partial class InvokeAiMetadata
{
    // InvokeAI 2.x reads [bracketed] prompt text as the negative prompt.
    [GeneratedRegex(@"\[([^\[\]]*)\]")]
    private static partial Regex Bracketed();

    // Where the switches start in an unquoted Dream string.
    [GeneratedRegex(@"(?:^|\s)-[A-Za-z]")]
    private static partial Regex FirstSwitch();

    /// <summary>InvokeAI 3.x+ <c>invokeai_metadata</c>.</summary>
    public static GenerationParams? ParseInvokeAiMetadata(string json)
    {
        using var doc = JsonValues.ParseObject(json);
        if (doc is null)
            return null;
        var root = doc.RootElement;
        var model = root.Prop("model") is { } m
            ? m.ValueKind == JsonValueKind.Object ? m.Str("model_name") ?? m.Str("name") : JsonValues.AsString(m)
            : null;
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        var seed = SeedOrExtra(root, "seed", extra);
        JsonValues.CopyScalars(root, extra, new HashSet<string>(StringComparer.Ordinal)
        {
            "positive_prompt", "negative_prompt", "seed", "steps", "cfg_scale", "scheduler", "model", "width", "height",
        });
        return new GenerationParams(
            GenerationTools.InvokeAI,
            JsonValues.NullIfBlank(root.Str("positive_prompt")),
            JsonValues.NullIfBlank(root.Str("negative_prompt")),
            seed,
            model,
            null,
            // InvokeAI's own label for the sampling algorithm is "scheduler" (euler, dpmpp_2m_k, ...); kept as such.
            root.Str("scheduler"),
            root.Int("steps"),
            root.Double("cfg_scale"),
            root.Int("width"),
            root.Int("height"),
            extra);
    }

    /// <summary>InvokeAI 2.x <c>sd-metadata</c>: top level is the app/model, <c>image</c> the generation.</summary>
    public static GenerationParams? ParseSdMetadata(string json)
    {
        using var doc = JsonValues.ParseObject(json);
        if (doc is null)
            return null;
        var root = doc.RootElement;
        var image = root.Prop("image") is { ValueKind: JsonValueKind.Object } img ? img : root;

        // "prompt" is either a string or a list of weighted prompts [{prompt, weight}] (blends).
        string? combined = null;
        if (image.Prop("prompt") is { } p)
        {
            if (p.ValueKind == JsonValueKind.Array)
            {
                var parts = p.EnumerateArray()
                    .Select(e => e.ValueKind == JsonValueKind.Object ? e.Str("prompt") : JsonValues.AsString(e))
                    .Where(s => !string.IsNullOrWhiteSpace(s))
                    .ToList();
                combined = parts.Count > 0 ? string.Join(' ', parts) : null;
            }
            else
            {
                combined = JsonValues.AsString(p);
            }
        }
        var (prompt, negative) = SplitNegative(combined);

        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        var seed = SeedOrExtra(image, "seed", extra);
        JsonValues.CopyScalars(image, extra, new HashSet<string>(StringComparer.Ordinal)
        {
            "prompt", "seed", "steps", "cfg_scale", "sampler", "width", "height",
        });
        if (root.Str("model_hash") is { } hash)
            extra["model_hash"] = hash;
        if (root.Str("app_version") is { } version)
            extra["app_version"] = version;
        return new GenerationParams(
            GenerationTools.InvokeAI,
            prompt,
            negative,
            seed,
            root.Str("model_weights") ?? root.Str("model"),
            image.Str("sampler"),
            null,
            image.Int("steps"),
            image.Double("cfg_scale"),
            image.Int("width"),
            image.Int("height"),
            extra);
    }

    /// <summary>Legacy <c>Dream</c>: <c>"prompt [negative]" -s 50 -S 12345 -W 512 -H 512 -C 7.5 -A k_lms</c>.</summary>
    public static GenerationParams? ParseDream(string dream)
    {
        dream = dream.Trim();
        string promptText, switches;
        if (dream.StartsWith('"'))
        {
            // Switch values never hold quotes, so the last quote closes the prompt.
            var close = dream.LastIndexOf('"');
            if (close <= 0)
                return null;
            promptText = dream[1..close];
            switches = dream[(close + 1)..];
        }
        else
        {
            var first = FirstSwitch().Match(dream);
            promptText = first.Success ? dream[..first.Index] : dream;
            switches = first.Success ? dream[first.Index..] : "";
        }

        // Each switch takes the bare tokens after it as its value ("-U 4 0.95" takes two); "-S -1" cannot
        // occur because a switch needs a letter after the dash.
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var token in switches.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.Length > 1 && token[0] == '-' && (char.IsLetter(token[1]) || token[1] == '-'))
            {
                current = token;
                values[current] = "";
            }
            else if (current is not null)
            {
                values[current] = values[current].Length == 0 ? token : values[current] + " " + token;
            }
        }
        foreach (var flag in values.Keys.ToList())
        {
            if (values[flag].Length == 0)
                values[flag] = "true"; // bare flags such as --seamless
        }

        string? Take(string flag) => values.Remove(flag, out var v) ? v : null;
        var (prompt, negative) = SplitNegative(promptText);
        var seedText = Take("-S");
        var seed = JsonValues.ParseLong(seedText);
        var steps = JsonValues.ParseInt(Take("-s"));
        var width = JsonValues.ParseInt(Take("-W"));
        var height = JsonValues.ParseInt(Take("-H"));
        var cfg = JsonValues.ParseDouble(Take("-C"));
        var sampler = Take("-A");

        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        if (seed is null && seedText is not null)
            extra["seed"] = seedText;
        foreach (var (flag, value) in values)
            extra[DreamNames.GetValueOrDefault(flag, flag)] = value;
        return new GenerationParams(GenerationTools.InvokeAI, prompt, negative, seed, null, sampler, null, steps, cfg, width, height, extra);
    }

    // Names from InvokeAI 2.x's dream CLI help for the switches it wrote into images.
    private static readonly Dictionary<string, string> DreamNames = new(StringComparer.Ordinal)
    {
        ["-G"] = "gfpgan_strength",
        ["-cf"] = "codeformer_fidelity",
        ["-U"] = "upscale",
        ["-f"] = "strength",
        ["-I"] = "init_img",
        ["-M"] = "init_mask",
        ["-V"] = "variation_amount",
        ["-v"] = "with_variations",
        ["-F"] = "fit",
        ["-t"] = "log_tokenization",
        ["--seamless"] = "seamless",
        ["--hires_fix"] = "hires_fix",
        ["-m"] = "model",
    };

    /// <summary>Splits InvokeAI 2.x prompt text into the plain part and the [bracketed] negative part.</summary>
    private static (string? Prompt, string? Negative) SplitNegative(string? text)
    {
        if (text is null)
            return (null, null);
        var negatives = Bracketed().Matches(text)
            .Select(m => m.Groups[1].Value.Trim(' ', ','))
            .Where(s => s.Length > 0)
            .ToList();
        var positive = Bracketed().Replace(text, " ");
        positive = Regex.Replace(positive, @"[ \t]{2,}", " ").Trim(' ', ',', '\t', '\n', '\r');
        return (JsonValues.NullIfBlank(positive), negatives.Count > 0 ? string.Join(", ", negatives) : null);
    }

    private static long? SeedOrExtra(JsonElement obj, string key, Dictionary<string, string> extra)
    {
        if (obj.Prop(key) is not { } v)
            return null;
        var seed = JsonValues.AsLong(v);
        if (seed is null && JsonValues.AsString(v) is { } raw)
            extra[key] = raw;
        return seed;
    }
}
