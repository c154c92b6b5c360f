using System.Text.Json;
using Burnish.IO;

namespace Burnish.Imaging.Generation;

/// <summary>
/// Reads generation parameters from a ComfyUI API "prompt" graph (node id to <c>{class_type, inputs}</c>,
/// where a linked input is <c>[sourceNodeId, outputSlot]</c>).
/// </summary>
/// <remarks>
/// Node types vary endlessly (custom nodes), so the walk goes by input names rather than class names:
/// a sampler is any node with a linked <c>latent_image</c> plus <c>positive</c> or <c>guider</c>.
/// The sampler that produced the saved image is found by walking up from the save/preview nodes;
/// if that sampler only continues another's noise (SDXL refiner, <c>add_noise: disable</c>), the one
/// that added the noise is the generation proper and supplies the prompt, seed and model.
/// Anything that cannot be followed stays null.
/// </remarks>
internal sealed class ComfyUiGraph
{
    private const int MaxWalk = 256;

    // Input names that carry the latent being denoised, in the order a latent-processing node's "main" input is found.
    private static readonly string[] LatentInputs = ["latent_image", "samples", "samples_to", "samples1", "latent", "latents", "destination"];

    // Where text encoders keep their text (CLIPTextEncode, SDXL, SD3, Flux, HiDream, Qwen variants).
    private static readonly string[] TextInputs = ["text", "prompt", "t5xxl", "text_g", "clip_g", "clip_l", "text_l", "llama"];

    // Where primitive / string nodes keep a value another node links to.
    private static readonly string[] PrimitiveInputs = ["value", "seed", "noise_seed", "int", "float", "number", "string", "text", "prompt", "populated_text"];

    private static readonly string[] ModelNameInputs = ["ckpt_name", "unet_name", "model_name", "base_ckpt_name"];

    private readonly Dictionary<string, JsonElement> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _classes = new(StringComparer.Ordinal);

    // Nodes dequeued by the graph walks: what the walks cost, so that tests can hold them to linear work.
    private long _visits;

    private long VisitBudget => 16L * _classes.Count + 4 * MaxWalk;

    private ComfyUiGraph() { }

    /// <summary>Parses the API graph JSON; <see langword="null"/> when it is not one.</summary>
    public static GenerationParams? Parse(string promptJson) => Parse(promptJson, InputLimits.Default, out _);

    /// <summary>As <see cref="Parse(string)"/>; <paramref name="visits"/> counts the nodes the walks visited.</summary>
    internal static GenerationParams? Parse(string promptJson, InputLimits limits, out long visits)
    {
        visits = 0;
        if (promptJson.Length > limits.MaxMetadataChunkChars)
            return null;
        using var doc = JsonValues.ParseObject(promptJson);
        if (doc is null)
            return null;
        var graph = new ComfyUiGraph();
        foreach (var node in doc.RootElement.EnumerateObject())
        {
            if (graph._classes.Count >= limits.MaxGraphNodes)
                return null; // a graph this large is not a real workflow, and walking it is unbounded work
            if (node.Value.Str("class_type") is not { } cls)
                continue;
            graph._classes[node.Name] = cls;
            graph._inputs[node.Name] = node.Value.Prop("inputs") is { ValueKind: JsonValueKind.Object } inputs
                ? inputs
                : default;
        }
        var result = graph._classes.Count == 0 ? null : graph.Read();
        visits = graph._visits;
        return result;
    }

    private GenerationParams Read()
    {
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        var final = FinalSampler();
        if (final is null)
            return new GenerationParams(GenerationTools.ComfyUI, null, null, null, null, null, null, null, null, null, null, extra);

        var primary = NoiseSource(final);
        var inputs = _inputs[primary];
        var guider = LinkedNode(inputs, "guider");
        var sigmas = LinkedNode(inputs, "sigmas");
        var samplerNode = LinkedNode(inputs, "sampler");

        var positiveLink = Link(inputs, "positive") ?? LinkIn(guider, "positive") ?? LinkIn(guider, "conditioning") ?? LinkIn(guider, "cond1");
        var negativeLink = Link(inputs, "negative") ?? LinkIn(guider, "negative");
        string? guidance = null;
        var prompt = ConditioningText(positiveLink, ref guidance);
        string? negativeGuidance = null; // guidance only means something on the positive branch
        var negative = ConditioningText(negativeLink, ref negativeGuidance);
        if (guidance is not null)
            extra["Guidance"] = guidance;

        var seedValue = Scalar(inputs, "seed") ?? Scalar(inputs, "noise_seed")
            ?? ScalarIn(LinkedNode(inputs, "noise"), "noise_seed") ?? ScalarIn(LinkedNode(inputs, "noise"), "seed");
        long? seed = seedValue is { } sv ? JsonValues.AsLong(sv) : null;
        if (seed is null && seedValue is { } raw && JsonValues.AsString(raw) is { } rawSeed)
            extra["Seed"] = rawSeed; // ComfyUI seeds go up to 2^64-1, past long.

        var sampler = Text(Scalar(inputs, "sampler_name"))
            ?? Text(ScalarIn(samplerNode, "sampler_name"))
            ?? (samplerNode is { } sn && _classes[sn].StartsWith("Sampler", StringComparison.Ordinal) ? _classes[sn] : null);
        var scheduler = Text(Scalar(inputs, "scheduler")) ?? Text(ScalarIn(sigmas, "scheduler"));
        var steps = Int(Scalar(inputs, "steps")) ?? Int(ScalarIn(sigmas, "steps"));
        var cfg = Double(Scalar(inputs, "cfg")) ?? Double(ScalarIn(guider, "cfg")) ?? Double(ScalarIn(guider, "cfg_conds"));
        if (Text(Scalar(inputs, "denoise") ?? ScalarIn(sigmas, "denoise")) is { } denoise)
            extra["Denoise"] = denoise;

        var loras = new List<string>();
        var model = ModelName(Link(inputs, "model") ?? LinkIn(guider, "model"), loras);
        if (loras.Count > 0)
            extra["LoRAs"] = string.Join(", ", loras);
        if (final != primary)
        {
            var finalInputs = _inputs[final];
            var refiner = ModelName(Link(finalInputs, "model") ?? LinkIn(LinkedNode(finalInputs, "guider"), "model"), []);
            if (refiner is not null && refiner != model)
                extra["Refiner model"] = refiner;
        }

        var (width, height) = LatentSize(primary);
        return new GenerationParams(GenerationTools.ComfyUI, prompt, negative, seed, model, sampler, scheduler, steps, cfg, width, height, extra);
    }

    // ---- choosing the sampler -------------------------------------------------------------------

    private bool IsSampler(string id) =>
        Link(_inputs[id], "latent_image") is not null
        && (Link(_inputs[id], "positive") is not null || Link(_inputs[id], "guider") is not null);

    /// <summary>The sampler whose latent ends up in a saved image, furthest downstream.</summary>
    private string? FinalSampler()
    {
        var candidates = new List<string>();
        foreach (var id in _classes.Keys)
        {
            var cls = _classes[id];
            var isOutput = (cls.Contains("Save", StringComparison.OrdinalIgnoreCase) || cls.Contains("Preview", StringComparison.OrdinalIgnoreCase))
                && (Link(_inputs[id], "images") is not null || Link(_inputs[id], "image") is not null);
            if (isOutput && NearestUpstreamSampler(id) is { } s && !candidates.Contains(s))
                candidates.Add(s);
        }
        // No recognisable output node (custom savers, API-only graphs): consider every sampler.
        if (candidates.Count == 0)
            candidates.AddRange(_classes.Keys.Where(IsSampler));
        if (candidates.Count == 0)
            return null;

        // Hires-fix style graphs save both passes; the pass that feeds another is not the final one.
        var feedsAnother = FeedsAnotherCandidate(candidates);
        var downstream = candidates.Where(c => !feedsAnother.Contains(c)).ToList();
        if (downstream.Count == 0)
            downstream = candidates;
        return downstream.OrderBy(NumericId).ThenBy(id => id, StringComparer.Ordinal).First();
    }

    /// <summary>
    /// The candidates upstream of some other candidate, found in one walk from all of them at once: each node
    /// remembers up to two distinct candidates that reach it, so it is visited at most twice (linear in the graph,
    /// where a walk per candidate pair was cubic).
    /// </summary>
    private HashSet<string> FeedsAnotherCandidate(List<string> candidates)
    {
        var reachedBy = new Dictionary<string, (string First, string? Second)>(StringComparer.Ordinal);
        var queue = new Queue<(string Node, string From)>();
        foreach (var c in candidates)
        {
            foreach (var (_, target, _) in Links(c))
                queue.Enqueue((target, c));
        }
        while (queue.Count > 0)
        {
            var (node, from) = queue.Dequeue();
            if (reachedBy.TryGetValue(node, out var r))
            {
                if (r.First == from || r.Second is not null)
                    continue;
                reachedBy[node] = (r.First, from);
            }
            else
            {
                reachedBy[node] = (from, null);
            }
            _visits++;
            foreach (var (_, target, _) in Links(node))
                queue.Enqueue((target, from));
        }
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in candidates)
        {
            // Reached by another candidate: a second source always differs from c or from the first one.
            if (reachedBy.TryGetValue(c, out var r) && (r.First != c || r.Second is not null))
                result.Add(c);
        }
        return result;
    }

    private static long NumericId(string id) => long.TryParse(id, out var n) ? n : long.MaxValue;

    private string? NearestUpstreamSampler(string start)
    {
        var seen = new HashSet<string> { start };
        var queue = new Queue<string>();
        queue.Enqueue(start);
        // Each walk is bounded, and so is their sum: a graph of thousands of save nodes over one long chain
        // would otherwise cost saves × walk.
        while (queue.Count > 0 && seen.Count < MaxWalk * 4 && _visits < VisitBudget)
        {
            var id = queue.Dequeue();
            _visits++;
            foreach (var (_, target, _) in Links(id))
            {
                if (!seen.Add(target))
                    continue;
                if (IsSampler(target))
                    return target;
                queue.Enqueue(target);
            }
        }
        return null;
    }

    private bool AddsNoise(string sampler)
    {
        var inputs = _inputs[sampler];
        if (Scalar(inputs, "add_noise") is { } add)
        {
            if (add.ValueKind == JsonValueKind.False)
                return false;
            if (add.ValueKind == JsonValueKind.String && string.Equals(add.GetString(), "disable", StringComparison.OrdinalIgnoreCase))
                return false;
        }
        return !(LinkedNode(inputs, "noise") is { } noise && _classes[noise] == "DisableNoise");
    }

    /// <summary>
    /// A sampler that does not add noise continues an upstream sampler's work (base + refiner);
    /// that upstream sampler is where the seed, prompt and model of the generation live.
    /// </summary>
    private string NoiseSource(string final)
    {
        if (AddsNoise(final))
            return final;
        var id = LatentSource(final);
        for (var i = 0; id is not null && i < MaxWalk; i++)
        {
            if (IsSampler(id) && AddsNoise(id))
                return id;
            id = LatentSource(id);
        }
        return final;
    }

    private string? LatentSource(string id)
    {
        foreach (var name in LatentInputs)
        {
            if (Link(_inputs[id], name) is { } link && _classes.ContainsKey(link.Id))
                return link.Id;
        }
        return null;
    }

    /// <summary>Size of the latent the sampler denoised: the nearest empty-latent or latent-upscale node upstream.</summary>
    private (int? Width, int? Height) LatentSize(string sampler)
    {
        var scale = 1.0;
        var id = LatentSource(sampler);
        for (var i = 0; id is not null && i < MaxWalk; i++)
        {
            var inputs = _inputs[id];
            if (Double(Scalar(inputs, "width")) is { } w && Double(Scalar(inputs, "height")) is { } h)
            {
                // LatentUpscale uses 0 for "keep aspect ratio", which we cannot resolve without the source.
                int? Dim(double v) => v > 0 ? (int)Math.Round(v * scale) : null;
                return (Dim(w), Dim(h));
            }
            if (Double(Scalar(inputs, "scale_by")) is { } by && by > 0)
                scale *= by;
            id = LatentSource(id);
        }
        return (null, null);
    }

    // ---- prompts and models ---------------------------------------------------------------------

    /// <summary>
    /// Follows a conditioning link back to its text encoders. Conditioning combiners contribute every
    /// distinct text (joined by newlines); zeroed-out conditioning contributes none.
    /// </summary>
    private string? ConditioningText((string Id, int Slot)? link, ref string? guidance)
    {
        if (link is null)
            return null;
        var texts = new List<string>();
        var seen = new HashSet<(string, int)>();
        CollectText(link.Value, texts, seen, ref guidance);
        return JsonValues.NullIfBlank(string.Join('\n', texts));
    }

    private void CollectText((string Id, int Slot) link, List<string> texts, HashSet<(string, int)> seen, ref string? guidance)
    {
        if (!_classes.TryGetValue(link.Id, out var cls) || !seen.Add(link) || seen.Count > MaxWalk)
            return;
        if (cls == "ConditioningZeroOut")
            return;
        var inputs = _inputs[link.Id];
        // FluxGuidance / CLIPTextEncodeFlux carry Flux's distilled guidance on the conditioning path.
        if (guidance is null && Text(Scalar(inputs, "guidance")) is { } g)
            guidance = g;

        foreach (var name in TextInputs)
        {
            // Surrounding whitespace (ComfyUI texts often end in "\n") carries no meaning.
            if (Text(Scalar(inputs, name))?.Trim() is not { } text)
                continue;
            if (!string.IsNullOrWhiteSpace(text) && !texts.Contains(text))
                texts.Add(text);
            if (!string.IsNullOrWhiteSpace(text))
                return;
        }
        if (TextInputs.Any(name => inputs.Prop(name) is not null))
            return; // a text encoder whose text is empty

        // Nodes like ControlNetApplyAdvanced pass both branches through: output 0 is positive, 1 negative.
        if (Link(inputs, "positive") is { } pos && Link(inputs, "negative") is { } neg)
        {
            CollectText(link.Slot == 1 ? neg : pos, texts, seen, ref guidance);
            return;
        }
        foreach (var (name, target, slot) in Links(link.Id))
        {
            if (name.StartsWith("conditioning", StringComparison.Ordinal) || name == "cond")
                CollectText((target, slot), texts, seen, ref guidance);
        }
    }

    private string? ModelName((string Id, int Slot)? link, List<string> loras)
    {
        var id = link?.Id;
        for (var i = 0; id is not null && _classes.ContainsKey(id) && i < MaxWalk; i++)
        {
            var inputs = _inputs[id];
            foreach (var name in ModelNameInputs)
            {
                if (Text(Scalar(inputs, name)) is { } model)
                    return model;
            }
            if (Text(Scalar(inputs, "lora_name")) is { } lora && !loras.Contains(lora))
                loras.Add(lora);
            id = (Link(inputs, "model") ?? Link(inputs, "model1"))?.Id;
        }
        return null;
    }

    // ---- input access ---------------------------------------------------------------------------

    private IEnumerable<(string Name, string Target, int Slot)> Links(string id)
    {
        var inputs = _inputs[id];
        if (inputs.ValueKind != JsonValueKind.Object)
            yield break;
        foreach (var p in inputs.EnumerateObject())
        {
            if (AsLink(p.Value) is { } link && _classes.ContainsKey(link.Id))
                yield return (p.Name, link.Id, link.Slot);
        }
    }

    private static (string Id, int Slot)? AsLink(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2)
            return null;
        var id = v[0].ValueKind switch
        {
            JsonValueKind.String => v[0].GetString(),
            JsonValueKind.Number => v[0].GetRawText(),
            _ => null,
        };
        return id is not null && v[1].ValueKind == JsonValueKind.Number && v[1].TryGetInt32(out var slot) ? (id, slot) : null;
    }

    private static (string Id, int Slot)? Link(JsonElement inputs, string name) =>
        inputs.Prop(name) is { } v ? AsLink(v) : null;

    private (string Id, int Slot)? LinkIn(string? node, string name) =>
        node is null ? null : Link(_inputs[node], name);

    private string? LinkedNode(JsonElement inputs, string name) =>
        Link(inputs, name) is { } link && _classes.ContainsKey(link.Id) ? link.Id : null;

    /// <summary>A literal input value, following links into primitive nodes.</summary>
    private JsonElement? Scalar(JsonElement inputs, string name)
    {
        var value = inputs.Prop(name);
        for (var i = 0; value is { } v && i < 16; i++)
        {
            if (AsLink(v) is not { } link)
                return v;
            if (!_inputs.TryGetValue(link.Id, out var source))
                return null;
            value = null;
            foreach (var key in PrimitiveInputs.Prepend(name))
            {
                if (source.Prop(key) is { } found)
                {
                    value = found;
                    break;
                }
            }
        }
        return null;
    }

    private JsonElement? ScalarIn(string? node, string name) => node is null ? null : Scalar(_inputs[node], name);

    private static string? Text(JsonElement? v) => v is { } e ? JsonValues.AsString(e) : null;
    private static int? Int(JsonElement? v) => v is { } e ? JsonValues.AsInt(e) : null;
    private static double? Double(JsonElement? v) => v is { } e ? JsonValues.AsDouble(e) : null;
}
