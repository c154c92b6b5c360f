using Burnish.Imaging;
using Burnish.Server.Jobs;
using Microsoft.AspNetCore.Http;

namespace Burnish.Server.Api;

/// <summary>
/// Repair masks in a job submission: the multipart file <c>maskN</c> is the mask of image N (white = repair, any
/// size, as <c>--mask</c>). Each is checked to be an image before the job is queued.
/// </summary>
public static class MaskUpload
{
    /// <summary>Stores every mask of the form; a refusal (400) names the field and the reason.</summary>
    public static async Task<IResult?> StoreAsync(IFormCollection form, int images, JobBook book, string id, CancellationToken cancel)
    {
        foreach (var file in form.Files.Where(f => f.Name.StartsWith("mask", StringComparison.Ordinal)))
        {
            if (!int.TryParse(file.Name.AsSpan(4), System.Globalization.NumberStyles.None, null, out var index) || index >= images)
                return Problems.BadRequest($"{file.Name}: a mask field is maskN, with N the index of one of the {images} images");
            var key = ImageMasks.Key(id, index);
            await using (var upload = file.OpenReadStream())
                await book.Store.PutAsync(key, upload, cancel);
            try
            {
                ImageLoader.Inspect(Path.Combine(book.Store.LocalFolder(Path.GetDirectoryName(key)!), Path.GetFileName(key)), new LoadLimits(1L << 28));
            }
            catch (BurnishException e)
            {
                return Problems.BadRequest($"{file.Name}: the mask is not a readable image ({e.Message.Split('\n')[0]})");
            }
        }
        return null;
    }
}
