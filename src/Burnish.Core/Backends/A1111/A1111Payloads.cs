using System.Text.Json;
using System.Text.Json.Serialization;

namespace Burnish.Backends.A1111;

// The request and response shapes of AUTOMATIC1111's API, named as in modules/api/models.py
// (StableDiffusionProcessingImg2Img's fields, ImageToImageResponse, SDModelItem, SamplerItem) and modules/progress.py
// (ProgressRequest, InternalProgressResponse). Only the fields Burnish sends or reads.

/// <summary>POST /sdapi/v1/img2img.</summary>
internal sealed record Img2ImgRequest
{
    [JsonPropertyName("init_images")] public required IReadOnlyList<string> InitImages { get; init; }
    [JsonPropertyName("mask")] public required string Mask { get; init; }
    [JsonPropertyName("mask_blur")] public int MaskBlur { get; init; }
    [JsonPropertyName("inpainting_fill")] public int InpaintingFill { get; init; }
    // Burnish sends the masked region already cropped and scaled ("only masked" done on its side), so the server's
    // own crop would only crop and scale it a second time.
    [JsonPropertyName("inpaint_full_res")] public bool InpaintFullRes { get; init; }
    [JsonPropertyName("inpaint_full_res_padding")] public int InpaintFullResPadding { get; init; }
    [JsonPropertyName("inpainting_mask_invert")] public int InpaintingMaskInvert { get; init; }
    [JsonPropertyName("resize_mode")] public int ResizeMode { get; init; }
    [JsonPropertyName("denoising_strength")] public double DenoisingStrength { get; init; }
    [JsonPropertyName("prompt")] public required string Prompt { get; init; }
    [JsonPropertyName("negative_prompt")] public required string NegativePrompt { get; init; }
    [JsonPropertyName("seed")] public long Seed { get; init; }
    [JsonPropertyName("sampler_name")] public string? SamplerName { get; init; }
    [JsonPropertyName("steps")] public int Steps { get; init; }
    [JsonPropertyName("cfg_scale")] public double CfgScale { get; init; }
    [JsonPropertyName("width")] public int Width { get; init; }
    [JsonPropertyName("height")] public int Height { get; init; }
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 1;
    [JsonPropertyName("n_iter")] public int NIter { get; init; } = 1;
    [JsonPropertyName("override_settings")] public IReadOnlyDictionary<string, string> OverrideSettings { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("override_settings_restore_afterwards")] public bool OverrideSettingsRestoreAfterwards { get; init; } = true;
    [JsonPropertyName("send_images")] public bool SendImages { get; init; } = true;
    [JsonPropertyName("save_images")] public bool SaveImages { get; init; }
    [JsonPropertyName("force_task_id")] public required string ForceTaskId { get; init; }
}

/// <summary>ImageToImageResponse: base64 images, the parameters echoed, and info (a JSON string with the seed used).</summary>
internal sealed record Img2ImgResponse
{
    [JsonPropertyName("images")] public IReadOnlyList<string>? Images { get; init; }
    [JsonPropertyName("parameters")] public JsonElement Parameters { get; init; }
    [JsonPropertyName("info")] public string? Info { get; init; }
}

/// <summary>POST /sdapi/v1/extra-single-image: ExtrasBaseRequest's fields and ExtrasSingleImageRequest's image.</summary>
internal sealed record ExtrasSingleImageRequest
{
    // 0: scale by upscaling_resize; Burnish asks for 1, so the image comes back at its own size.
    [JsonPropertyName("resize_mode")] public int ResizeMode { get; init; }
    [JsonPropertyName("show_extras_results")] public bool ShowExtrasResults { get; init; } = true;
    [JsonPropertyName("gfpgan_visibility")] public double GfpganVisibility { get; init; }
    [JsonPropertyName("codeformer_visibility")] public double CodeformerVisibility { get; init; }
    [JsonPropertyName("codeformer_weight")] public double CodeformerWeight { get; init; }
    [JsonPropertyName("upscaling_resize")] public double UpscalingResize { get; init; } = 1;
    [JsonPropertyName("upscaler_1")] public string Upscaler1 { get; init; } = "None";
    [JsonPropertyName("upscaler_2")] public string Upscaler2 { get; init; } = "None";
    [JsonPropertyName("extras_upscaler_2_visibility")] public double ExtrasUpscaler2Visibility { get; init; }
    [JsonPropertyName("upscale_first")] public bool UpscaleFirst { get; init; }
    [JsonPropertyName("image")] public required string Image { get; init; }
}

/// <summary>ExtrasSingleImageResponse: html_info and the base64 image.</summary>
internal sealed record ExtrasSingleImageResponse
{
    [JsonPropertyName("html_info")] public string? HtmlInfo { get; init; }
    [JsonPropertyName("image")] public string? Image { get; init; }
}

/// <summary>POST /internal/progress body.</summary>
internal sealed record ProgressRequest(
    [property: JsonPropertyName("id_task")] string IdTask,
    [property: JsonPropertyName("id_live_preview")] int IdLivePreview = -1);

/// <summary>InternalProgressResponse.</summary>
internal sealed record ProgressResponse
{
    [JsonPropertyName("active")] public bool Active { get; init; }
    [JsonPropertyName("queued")] public bool Queued { get; init; }
    [JsonPropertyName("completed")] public bool Completed { get; init; }
    [JsonPropertyName("progress")] public double? Progress { get; init; }

    /// <summary>True when the server has (or had) the task: it was accepted.</summary>
    public bool Known => Active || Queued || Completed;
}

/// <summary>SDModelItem of GET /sdapi/v1/sd-models.</summary>
internal sealed record SdModelItem
{
    [JsonPropertyName("title")] public string Title { get; init; } = "";
    [JsonPropertyName("model_name")] public string ModelName { get; init; } = "";
    [JsonPropertyName("hash")] public string? Hash { get; init; }
}

/// <summary>SamplerItem of GET /sdapi/v1/samplers.</summary>
internal sealed record SamplerItem
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
}

/// <summary>UpscalerItem of GET /sdapi/v1/upscalers.</summary>
internal sealed record UpscalerItem
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
}

/// <summary>The error body of A1111's api_middleware: error (exception type), detail, body, errors.</summary>
internal sealed record ErrorBody
{
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("detail")] public JsonElement Detail { get; init; }
    [JsonPropertyName("errors")] public string? Errors { get; init; }
}
