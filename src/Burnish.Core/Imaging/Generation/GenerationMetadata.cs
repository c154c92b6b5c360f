using System.Text.Json;

namespace Burnish.Imaging.Generation;

/// <summary>
/// Recognises which tool generated an image from its metadata and reads the generation parameters.
/// Pure text/JSON work: the caller extracts the carriers (see <see cref="GenerationSource"/>).
/// </summary>
public static class GenerationMetadata
{
    /// <summary>
    /// Parses the generation parameters, or returns <see langword="null"/> when no known generator's
    /// metadata is present. Malformed metadata never throws; unreadable fields stay null.
    /// </summary>
    /// <remarks>
    /// Carriers are tried in order of how specific they are: PNG text chunks (ComfyUI graph, InvokeAI,
    /// NovelAI, Fooocus, A1111 "parameters"), then the EXIF UserComment, then the stealth payload.
    /// A ComfyUI graph wins over an A1111-style "parameters" chunk that some ComfyUI save nodes add,
    /// since the graph is what actually ran.
    /// </remarks>
    public static GenerationParams? Parse(GenerationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return FromTextChunks(source)
            ?? FromFreeText(GenerationSource.Bounded(source.ExifUserComment is { } exif ? ExifUserComment.Decode(exif) : null))
            ?? FromFreeText(GenerationSource.Bounded(source.StealthPayload));
    }

    private static GenerationParams? FromTextChunks(GenerationSource s)
    {
        if (s.Text("prompt") is { } graph && ComfyUiGraph.Parse(graph) is { } comfy)
            return comfy;

        if (s.Text("invokeai_metadata") is { } imeta && InvokeAiMetadata.ParseInvokeAiMetadata(imeta) is { } invoke3)
            return invoke3;
        if (s.Text("sd-metadata") is { } sdmeta && InvokeAiMetadata.ParseSdMetadata(sdmeta) is { } invoke2)
            return invoke2;
        if (s.Text("Dream") is { } dream && InvokeAiMetadata.ParseDream(dream) is { } invoke1)
            return invoke1;

        if (s.Text("Comment") is { } comment && IsNovelAi(s.Text("Software"), comment)
            && NovelAiMetadata.Parse(s.Text("Description"), comment, s.Text("Source")) is { } novel)
            return novel;

        if (s.Text("parameters") is { } parameters)
        {
            var scheme = s.Text("fooocus_scheme");
            if (string.Equals(scheme, "fooocus", StringComparison.OrdinalIgnoreCase) || FooocusMetadata.IsFooocusJson(parameters))
                return FooocusMetadata.Parse(parameters);
            var tool = string.Equals(scheme, "a1111", StringComparison.OrdinalIgnoreCase)
                ? GenerationTools.Fooocus
                : GenerationTools.Automatic1111;
            if (!string.IsNullOrWhiteSpace(parameters))
                return A1111Parameters.Parse(parameters, tool);
        }

        // A UI workflow without the API graph still says which tool made the image.
        if (s.Text("workflow") is { } workflow && JsonValues.ParseObject(workflow) is { } wf)
        {
            using (wf)
            {
                if (wf.RootElement.Prop("nodes") is { ValueKind: JsonValueKind.Array })
                    return new GenerationParams(GenerationTools.ComfyUI, null, null, null, null, null, null, null, null, null, null,
                        new Dictionary<string, string>());
            }
        }
        return null;
    }

    private static bool IsNovelAi(string? software, string comment)
    {
        if (string.Equals(software?.Trim(), "NovelAI", StringComparison.OrdinalIgnoreCase))
            return true;
        // Re-saved images may lose Software but keep Comment, whose "uc" key is NovelAI's alone.
        using var doc = JsonValues.ParseObject(comment);
        return doc?.RootElement.Prop("uc") is not null;
    }

    /// <summary>Text from EXIF or the stealth pixels: A1111 text, Fooocus JSON, or NovelAI's chunk set as JSON.</summary>
    private static GenerationParams? FromFreeText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (text.TrimStart().StartsWith('{'))
        {
            if (FooocusMetadata.IsFooocusJson(text))
                return FooocusMetadata.Parse(text);
            // NovelAI's stealth payload is {"Description": ..., "Comment": "{...}", "Software": "NovelAI", ...}.
            using var doc = JsonValues.ParseObject(text);
            if (doc is not null && doc.RootElement.Str("Comment") is { } comment
                && NovelAiMetadata.Parse(doc.RootElement.Str("Description"), comment, doc.RootElement.Str("Source")) is { } novel)
                return novel;
            return null;
        }
        // A camera's or editor's comment is not generation metadata: require A1111's settings line.
        return A1111Parameters.LooksLikeParameters(text) ? A1111Parameters.Parse(text) : null;
    }
}
