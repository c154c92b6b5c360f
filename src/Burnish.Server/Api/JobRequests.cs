using Microsoft.AspNetCore.Http;

namespace Burnish.Server.Api;

/// <summary>
/// <c>POST /v1/jobs</c> as JSON: images already in the store, each an earlier job's input or finished file, with the
/// same recipe fields as the multipart form.
/// </summary>
/// <param name="Images">The images to finish, in order.</param>
/// <param name="Preset">A shipped recipe's name; give this or <paramref name="Recipe"/>.</param>
/// <param name="Recipe">Recipe text, YAML or JSON.</param>
/// <param name="Look">A grade look laid over the recipe.</param>
/// <param name="Aspects">Outpaint aspects (16:9, 1:1): one complete set, and one image job, per aspect.</param>
/// <param name="Queue">default, or gpu for workers started with --gpu.</param>
/// <param name="BPreset">For a blind A/B job: recipe B as a shipped recipe's name (the fields above are recipe A).</param>
/// <param name="BRecipe">For a blind A/B job: recipe B as text.</param>
/// <param name="BLook">For a blind A/B job: a look laid over recipe B.</param>
public sealed record StoredJobRequest(IReadOnlyList<StoredImage>? Images, string? Preset = null, string? Recipe = null, string? Look = null,
    IReadOnlyList<string>? Aspects = null, string? Queue = null, string? BPreset = null, string? BRecipe = null, string? BLook = null);

/// <summary>An image in the store: <paramref name="Job"/>'s input number <paramref name="Image"/>, or its finished file named <paramref name="File"/>.</summary>
/// <param name="Job">The id of an earlier job.</param>
/// <param name="Image">An image index of that job (its input is used); give this or <paramref name="File"/>.</param>
/// <param name="File">The name of a master or copy its status lists under outputs.</param>
public sealed record StoredImage(string? Job, int? Image = null, string? File = null);

/// <summary><c>POST /v1/jobs</c> as multipart/form-data, for the OpenAPI description; the handler reads the form itself.</summary>
/// <param name="Images">One or more image files; each is recognised by its bytes, never its name.</param>
/// <param name="Preset">A shipped recipe's name; give this or <paramref name="Recipe"/>.</param>
/// <param name="Recipe">Recipe text, YAML or JSON.</param>
/// <param name="Look">A grade look laid over the recipe.</param>
/// <param name="Aspects">Outpaint aspects, comma-separated (16:9,1:1).</param>
/// <param name="Queue">default, or gpu.</param>
/// <param name="BPreset">A blind A/B job: recipe B as a shipped recipe's name; every image is finished by both recipes.</param>
/// <param name="BRecipe">A blind A/B job: recipe B as text.</param>
/// <param name="BLook">A blind A/B job: a look laid over recipe B.</param>
public sealed record JobUpload(IFormFileCollection Images, string? Preset, string? Recipe, string? Look, string? Aspects, string? Queue,
    string? BPreset = null, string? BRecipe = null, string? BLook = null);
