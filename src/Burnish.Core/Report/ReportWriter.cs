using System.Text;
using Burnish.IO;

namespace Burnish.Report;

/// <summary>
/// Writes a report as one self-contained HTML file (images as data URIs) or as the HTML plus its images in a
/// NAME_files folder beside it. Either way every file goes through one <see cref="OutputTransaction"/>, the page last,
/// so a failed write leaves no page pointing at missing images.
/// </summary>
public static class ReportWriter
{
    /// <summary>The folder that holds the images of <paramref name="htmlPath"/> when they are written beside it.</summary>
    public static string FilesFolder(string htmlPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(htmlPath))!, Path.GetFileNameWithoutExtension(htmlPath) + "_files");

    /// <summary>Every path that writing <paramref name="report"/> to <paramref name="htmlPath"/> creates.</summary>
    public static IReadOnlyList<string> Paths(CompareReport report, string htmlPath, ImagePlacement placement) =>
        placement == ImagePlacement.Embed
            ? [Path.GetFullPath(htmlPath)]
            : [.. report.Assets.Select(a => Path.Combine(FilesFolder(htmlPath), a.Name)), Path.GetFullPath(htmlPath)];

    /// <summary>Writes the report; returns the bytes of the HTML page. Existing files are replaced only with <paramref name="overwrite"/>.</summary>
    public static long Write(CompareReport report, string htmlPath, ImagePlacement placement, bool overwrite, CancellationToken cancel = default)
    {
        if (!overwrite && Paths(report, htmlPath, placement).FirstOrDefault(File.Exists) is { } existing)
            throw new OutputException(existing, "already exists (use --force to overwrite)");
        using var transaction = new OutputTransaction(overwrite);
        string html;
        if (placement == ImagePlacement.Embed)
        {
            html = ReportPage.Render(report, a => $"data:{a.MediaType};base64,{Convert.ToBase64String(a.Bytes)}");
        }
        else
        {
            var folder = FilesFolder(htmlPath);
            var relative = Uri.EscapeDataString(Path.GetFileName(folder));
            foreach (var asset in report.Assets)
            {
                cancel.ThrowIfCancellationRequested();
                transaction.StageBytes(Path.Combine(folder, asset.Name), asset.Bytes);
            }
            html = ReportPage.Render(report, a => $"{relative}/{Uri.EscapeDataString(a.Name)}");
        }
        var bytes = Encoding.UTF8.GetBytes(html);
        transaction.StageBytes(htmlPath, bytes);
        transaction.Commit(cancel);
        return bytes.Length;
    }
}
