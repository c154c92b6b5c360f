using Burnish.Imaging;
using Burnish.Stages.Cleanup;
using Burnish.Stages.Grade.Lut;
using Burnish.Stages.Repair;
using Burnish.Stages.Upscale;

namespace Burnish.Recipes;

/// <summary>
/// What a valid recipe names outside itself: the upscale model, the grade's LUT, mask images and inpainting models.
/// Resolved before any image is touched, so `recipe validate` passes only a recipe that `finish` can run.
/// </summary>
public static class RecipeResources
{
    /// <summary>Every file or model the recipe names that cannot be used, as "key: problem"; empty when all resolve.</summary>
    public static IReadOnlyList<string> Problems(Recipe recipe, LoadLimits? limits = null)
    {
        var problems = new List<string>();
        void Try(string key, Action check)
        {
            try
            {
                check();
            }
            catch (BurnishException e)
            {
                problems.Add($"{key}: {e.Message}");
            }
        }
        if (recipe.Upscale is { } upscale) Try("upscale.model", () => UpscaleModels.Check(ModelChoice.Named(upscale)));
        if (recipe.Grade?.Lut is { } lut) Try("grade.lut.file", () => LutFile.Load(lut.File));
        if (recipe.Cleanup is { } cleanup) Try("cleanup.soften", () => SoftenMasks.Load(cleanup, limits));
        for (var i = 0; i < (recipe.Repair?.Count ?? 0); i++)
        {
            var pass = recipe.Repair![i];
            if (pass.Mask is { } mask) Try($"repair[{i}].mask", () => ImageLoader.Load(mask, limits ?? LoadLimits.Default));
            if (pass.Method == RepairMethod.Onnx && pass.Model is { } model && !File.Exists(model)) problems.Add($"repair[{i}].model: {model}: file not found");
            if (pass.Diffusion?.Graph is { } graph) Try($"repair[{i}].diffusion.graph", () => Burnish.Backends.ComfyUi.GraphPlaceholders.Load(graph));
        }
        if (recipe.Outpaint?.Diffusion?.Graph is { } outpaintGraph) Try("outpaint.diffusion.graph", () => Burnish.Backends.ComfyUi.GraphPlaceholders.Load(outpaintGraph));
        if (recipe.Upscale?.Diffusion?.Graph is { } upscaleGraph) Try("upscale.diffusion.graph", () => Burnish.Backends.ComfyUi.GraphPlaceholders.Load(upscaleGraph));
        return problems;
    }
}
