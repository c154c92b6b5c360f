using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Burnish.Pipeline;

namespace Burnish.Report;

/// <summary>
/// Renders a <see cref="CompareReport"/> as one HTML page with its style and script inline and no request to any
/// network (a Content-Security-Policy forbids them). Images come from <c>src</c>: data URIs or relative file paths.
/// </summary>
public static class ReportPage
{
    public static string Render(CompareReport report, Func<ReportAsset, string> src)
    {
        var html = new StringBuilder(1 << 16);
        html.Append($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: file: 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <meta name="generator" content="Burnish {E(report.ToolVersion)}">
            <title>Compare: {E(report.Title)}</title>
            <style>{Resource("report.css")}</style>
            </head>
            <body>
            <header>
            <h1>Compare <span class="muted">{report.Versions.Count} versions</span></h1>
            <p class="muted">{E(report.Title)}</p>
            <p class="muted">Made {E(report.Created.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))} by Burnish {E(report.ToolVersion)}.
            Shown in sRGB (wider colours are clipped for display only). Metrics reference: {E(report.Reference)}.</p>
            <nav><a href="#slider">Slider</a><a href="#crops">Crops</a><a href="#metrics">Metrics</a><a href="#histograms">Histograms</a><a href="#lineage">Lineage</a></nav>
            </header>

            """);
        Versions(html, report);
        Slider(html, report, src);
        Crops(html, report, src);
        Metrics(html, report);
        Histograms(html, report);
        Lineages(html, report);
        var data = new
        {
            frame = new { width = report.FrameWidth, height = report.FrameHeight },
            versions = report.Versions.Select(v => new { label = v.Label, width = v.Width, height = v.Height, sameFraming = v.SameFraming }),
        };
        // The default encoder escapes <, > and &, so the JSON cannot close the script element.
        html.Append($"""
            <script type="application/json" id="report-data">{JsonSerializer.Serialize(data)}</script>
            <script>{Resource("report.js")}</script>
            </body>
            </html>

            """);
        return html.ToString();
    }

    private static void Versions(StringBuilder html, CompareReport report)
    {
        html.Append("""
            <section id="versions">
            <h2>Versions</h2>
            <table class="versions">
            <thead><tr><th>#</th><th>Version</th><th>Pixels</th><th>File</th><th>Lineage</th></tr></thead>
            <tbody>

            """);
        foreach (var v in report.Versions)
        {
            var f = v.Facts;
            var notes = new List<string>();
            if (v.IsReference) notes.Add("metrics reference");
            if (v.Number - 1 == report.FrameVersion) notes.Add("largest: sets crops and 100 %");
            if (!v.SameFraming) notes.Add("framed differently from version 1: no crops, letterboxed in the slider");
            var lineage = v.Lineage is { } l
                ? $"{E(l.Role)} in <code>{E(Path.GetFileName(l.SidecarPath))}</code>" + (l.Unchanged ? "" : " <span class=\"warn\">(file changed since)</span>")
                : "<span class=\"muted\">no sidecar</span>";
            html.Append($"""
                <tr><td>{v.Number}</td><td><strong>{E(v.Label)}</strong><br><span class="muted path">{E(v.Path)}</span>{(notes.Count > 0 ? $"<br><span class=\"muted\">{E(string.Join("; ", notes))}</span>" : "")}</td>
                <td class="num">{v.Width}×{v.Height}</td><td>{E(f.Format)}, {f.BitDepth}-bit{(f.HasAlpha ? ", alpha" : "")}<br><span class="muted">{E(f.ColourProfile)}</span></td><td>{lineage}</td></tr>

                """);
        }
        html.Append("</tbody></table>\n</section>\n");
    }

    private static void Slider(StringBuilder html, CompareReport report, Func<ReportAsset, string> src)
    {
        var options = string.Concat(report.Versions.Select(v => $"<option value=\"{v.Number - 1}\">{v.Number} · {E(v.Label)}</option>"));
        string Picker(string id, string label, int selected) =>
            $"<label>{label} <select id=\"{id}\">{options.Replace($"value=\"{selected}\">", $"value=\"{selected}\" selected>")}</select></label>";
        html.Append($"""
            <section id="slider">
            <h2>Before / after</h2>
            <div class="controls">
            {Picker("left-version", "Left", 0)}
            <button type="button" id="swap" title="Swap sides (S)">⇄ Swap</button>
            {Picker("right-version", "Right", report.Versions.Count - 1)}
            <span class="group" role="group" aria-label="Zoom"><button type="button" data-zoom="fit" aria-pressed="true" title="Fit the window (Z)">Fit</button><button type="button" data-zoom="actual" aria-pressed="false" title="1 pixel of the largest version per screen pixel (Z)">100 %</button></span>
            <span class="group" role="group" aria-label="Enlarging smaller versions"><span class="muted">Enlarge with</span> <button type="button" data-interp="smooth" aria-pressed="true" title="The browser's smooth scaling (N)">Smooth</button><button type="button" data-interp="nearest" aria-pressed="false" title="Nearest neighbour: every source pixel stays visible (N)">Nearest</button></span>
            <button type="button" id="lens-toggle" aria-pressed="false" title="A magnifier at 100 % under the pointer, split where the divider is (L)">Lens 100 %</button>
            </div>
            <div class="stage" id="stage">
            <div class="viewport" id="viewport">
            <div class="canvas" id="canvas" style="aspect-ratio: {report.FrameWidth} / {report.FrameHeight}">

            """);
        foreach (var v in report.Versions)
            html.Append($"<img class=\"version\" data-version=\"{v.Number - 1}\" src=\"{A(src(v.Display))}\" alt=\"{E(v.Label)}\" width=\"{v.Width}\" height=\"{v.Height}\" draggable=\"false\" decoding=\"async\">\n");
        html.Append($"""
            </div>
            </div>
            <div class="divider" id="divider" role="slider" tabindex="0" aria-label="Divider between the left and right version" aria-valuemin="0" aria-valuemax="100" aria-valuenow="50"><span class="grip"></span></div>
            <div class="tag left" id="tag-left"></div><div class="tag right" id="tag-right"></div>
            <div class="lens" id="lens" hidden aria-hidden="true"><div class="lens-canvas" id="lens-canvas"><div class="lens-divider" id="lens-divider"></div></div><span class="lens-tag">100 %</span></div>
            </div>
            <p class="hint muted">Drag the divider, or use <kbd>←</kbd> <kbd>→</kbd> (with <kbd>Shift</kbd>: faster; <kbd>Home</kbd>/<kbd>End</kbd> on the divider).
            <kbd>Z</kbd> fit / 100 % · <kbd>L</kbd> lens at 100 % · <kbd>S</kbd> swap · <kbd>N</kbd> nearest / smooth · <kbd>1</kbd>–<kbd>9</kbd> right version, <kbd>Shift</kbd>+<kbd>1</kbd>–<kbd>9</kbd> left version.
            At 100 % drag the picture (or scroll) to pan. 100 % is the largest version's pixels ({report.FrameWidth}×{report.FrameHeight}); smaller versions are enlarged as chosen, and the labels say by how much.</p>
            </section>

            """);
    }

    private static void Crops(StringBuilder html, CompareReport report, Func<ReportAsset, string> src)
    {
        html.Append("<section id=\"crops\">\n<h2>Same-place crops at 100 %</h2>\n");
        if (report.Crops.Count == 0)
        {
            html.Append("<p class=\"muted\">No crops (asked for none, or the image is too small).</p>\n</section>\n");
            return;
        }
        var frame = report.Versions[report.FrameVersion];
        html.Append($"""
            <p class="muted">The {report.Crops.Count} regions with the most fine detail (local variance of luminance) in version {frame.Number}, {E(frame.Label)},
            each shown for every version at the largest version's pixel size; smaller versions are enlarged as chosen above.</p>
            <div class="overview"><img src="{A(report.Overview is { } o ? src(o) : "")}" alt="Where the crops are">

            """);
        foreach (var c in report.Crops)
        {
            var r = c.Crop.Region;
            html.Append(string.Create(CultureInfo.InvariantCulture,
                $"<a class=\"box\" href=\"#crop-{c.Crop.Number}\" style=\"left:{100.0 * r.Left / report.FrameWidth:0.###}%;top:{100.0 * r.Top / report.FrameHeight:0.###}%;width:{100.0 * r.Width / report.FrameWidth:0.###}%;height:{100.0 * r.Height / report.FrameHeight:0.###}%\">{c.Crop.Number}</a>\n"));
        }
        html.Append("</div>\n");
        foreach (var c in report.Crops)
        {
            var r = c.Crop.Region;
            html.Append($"<div class=\"crop-set\" id=\"crop-{c.Crop.Number}\">\n<h3>Crop {c.Crop.Number} <span class=\"muted\">at {r.Left},{r.Top}, {r.Width}×{r.Height} px of version {frame.Number}</span></h3>\n<div class=\"crop-row\">\n");
            for (var i = 0; i < report.Versions.Count; i++)
            {
                var v = report.Versions[i];
                if (c.Images[i] is not { } image || c.Regions[i] is not { } vr)
                {
                    html.Append($"<figure class=\"crop missing\" style=\"width:{r.Width}px\"><div class=\"placeholder\" style=\"height:{r.Height}px\">framed differently</div><figcaption>{v.Number} · {E(v.Label)}</figcaption></figure>\n");
                    continue;
                }
                html.Append($"<figure class=\"crop\"><img class=\"crop-image\" src=\"{A(src(image))}\" alt=\"Crop {c.Crop.Number} of {E(v.Label)}\" width=\"{r.Width}\" height=\"{r.Height}\" data-pixels=\"{vr.Width}\" draggable=\"false\"><figcaption>{v.Number} · {E(v.Label)}<br><span class=\"muted\">{vr.Width}×{vr.Height} px at {vr.Left},{vr.Top}{Enlarged(vr.Width, r.Width)}</span></figcaption></figure>\n");
            }
            html.Append("</div>\n</div>\n");
        }
        html.Append("</section>\n");
    }

    private static string Enlarged(int pixels, int shown) =>
        pixels >= shown ? "" : string.Create(CultureInfo.InvariantCulture, $", enlarged ×{(double)shown / pixels:0.##}");

    private static void Metrics(StringBuilder html, CompareReport report)
    {
        var rows = MetricTable.Rows([.. report.Versions.Select(v => v.Metrics)]);
        html.Append($"""
            <section id="metrics">
            <h2>Metrics</h2>
            <p class="muted">Measured on each version's own pixels in sRGB. Reference figures are against {E(report.Reference)};
            ★ marks the best value in each row. Higher sharpness is not always better: compare it with the halo.</p>
            <div class="scroll" tabindex="0" role="region" aria-label="Metrics table (scrolls sideways)"><table class="metrics">
            <thead><tr><th>Metric</th><th></th>{string.Concat(report.Versions.Select(v => $"<th class=\"num\">{v.Number} · {E(v.Label)}</th>"))}</tr></thead>
            <tbody>

            """);
        foreach (var row in rows)
        {
            html.Append($"<tr><th scope=\"row\">{E(row.Label)}<br><span class=\"muted small\">{E(row.Explanation)}</span></th><td class=\"direction\" title=\"{(row.HigherIsBetter ? "higher is better" : "lower is better")}\">{(row.HigherIsBetter ? "↑ better" : "↓ better")}</td>");
            for (var i = 0; i < report.Versions.Count; i++)
            {
                var v = report.Versions[i];
                if (row.Values[i] is { } value)
                    html.Append(row.Best.Contains(i) ? $"<td class=\"num best\">{E(row.Format(value))}</td>" : $"<td class=\"num\">{E(row.Format(value))}</td>");
                else
                    html.Append($"<td class=\"num muted\">{(v.IsReference ? "reference" : v.ComparedToReference ? "n/a" : "—")}</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table></div>\n");
        if (report.Versions.Any(v => !v.IsReference && !v.ComparedToReference))
            html.Append("<p class=\"muted\">— : framed differently from the reference, so no reference figures. n/a : not defined for these sizes (PSNR and SSIM need equal sizes).</p>\n");
        html.Append("</section>\n");
    }

    private static void Histograms(StringBuilder html, CompareReport report)
    {
        html.Append("""
            <section id="histograms">
            <h2>Histograms</h2>
            <p class="muted">8-bit sRGB levels 0–255: luma (Rec. 709) filled grey, <span class="key-red">red</span>, <span class="key-green">green</span> and <span class="key-blue">blue</span> as lines. Heights are scaled to the tallest level between 1 and 254, so clipped ends show as capped spikes. Fully transparent pixels are not counted.</p>
            <div class="histograms">

            """);
        foreach (var v in report.Versions)
            html.Append($"<figure>{v.Histogram.ToSvg($"Histogram of {v.Label}")}<figcaption>{v.Number} · {E(v.Label)}</figcaption></figure>\n");
        html.Append("</div>\n</section>\n");
    }

    private static void Lineages(StringBuilder html, CompareReport report)
    {
        html.Append("<section id=\"lineage\">\n<h2>Lineage</h2>\n");
        var groups = report.Versions.Where(v => v.Lineage is not null).GroupBy(v => v.Lineage!.SidecarPath).ToList();
        if (groups.Count == 0)
        {
            html.Append("<p class=\"muted\">No version has a Burnish sidecar (NAME.burnish.json) beside it.</p>\n</section>\n");
            return;
        }
        foreach (var group in groups)
        {
            var l = group.First().Lineage!.Lineage;
            var shown = string.Join(", ", group.Select(v => $"{v.Number} ({v.Lineage!.Role})"));
            html.Append($"""
                <article class="sidecar">
                <h3><code>{E(Path.GetFileName(group.Key))}</code> <span class="muted">versions {E(shown)}</span></h3>
                <dl>
                <dt>Status</dt><dd>{E(l.Status)}, {E(l.Tool)} {E(l.Version)}, started {E(l.Started.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))}, {Ms(l.TotalMs)} in all</dd>
                <dt>Input</dt><dd><code>{E(l.Input.Path)}</code><br><span class="muted">{l.Input.Info.Width}×{l.Input.Info.Height}, SHA-256 {E(Short(l.Input.Sha256))}</span></dd>
                {Generation(l)}<dt>Recipe</dt><dd>{E(l.Recipe.Source)} <span class="muted">SHA-256 {E(Short(l.Recipe.Sha256))}</span></dd>
                </dl>

                """);
            var warnings = l.Stages.SelectMany(s => (s.Warnings ?? []).Select(w => (s.Stage, w))).ToList();
            if (warnings.Count > 0)
                html.Append($"<ul class=\"warnings\">{string.Concat(warnings.Select(w => $"<li><strong>{E(w.Stage)}</strong>: {E(w.w)}</li>"))}</ul>\n");
            html.Append("<table class=\"stages\"><thead><tr><th>Stage</th><th>Status</th><th class=\"num\">Time</th><th>Warnings</th><th>Measurements</th></tr></thead><tbody>\n");
            foreach (var s in l.Stages)
            {
                var measurements = string.Join(", ", (s.Measurements ?? new Dictionary<string, double>()).Select(m => $"{m.Key} {m.Value.ToString("G4", CultureInfo.InvariantCulture)}"));
                html.Append($"<tr><td>{E(s.Stage)}</td><td>{E(s.Status)}</td><td class=\"num\">{(s.Ms > 0 ? Ms(s.Ms) : "")}</td><td>{(s.Warnings ?? []).Count}</td><td class=\"small\">{E(measurements)}</td></tr>\n");
            }
            html.Append("</tbody></table>\n");
            var files = l.Outputs.Concat(l.Intermediates ?? []).ToList();
            html.Append($"<details><summary>Files it lists ({files.Count})</summary><table class=\"files\"><thead><tr><th>Role</th><th>Path</th><th class=\"num\">Pixels</th><th>Space</th><th>Format</th><th class=\"num\">Bytes</th></tr></thead><tbody>\n");
            foreach (var f in files)
                html.Append($"<tr><td>{E(f.Role)}{(f.Destination is { } d ? $" ({E(d)})" : "")}</td><td><code>{E(f.Path)}</code></td><td class=\"num\">{f.Width}×{f.Height}</td><td>{E(f.ColourSpace)}</td><td>{E(f.Format)}{(f.Quality is { } q ? $" q{q}" : "")}</td><td class=\"num\">{f.Bytes.ToString("#,0", CultureInfo.InvariantCulture)}</td></tr>\n");
            html.Append("</tbody></table></details>\n");
            var recipe = JsonSerializer.Serialize(l.Recipe.Normalised, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            html.Append($"<details><summary>Recipe, normalised</summary><pre>{E(recipe)}</pre></details>\n</article>\n");
        }
        html.Append("</section>\n");
    }

    private static string Generation(Lineage l)
    {
        if (l.Input.Generation is not { } g) return "";
        var parts = new List<string> { g.Tool };
        if (g.Model is { } model) parts.Add(model);
        if (g.Seed is { } seed) parts.Add($"seed {seed}");
        if (g.Steps is { } steps) parts.Add($"{steps} steps");
        var prompt = g.Prompt is { Length: > 0 } p ? $"<br><span class=\"muted\">{E(p.Length > 400 ? p[..400] + "…" : p)}</span>" : "";
        return $"<dt>Generation</dt><dd>{E(string.Join(", ", parts))}{prompt}</dd>\n";
    }

    private static string Ms(double ms) => ms >= 1000
        ? (ms / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : ms.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] + "…" : sha;

    /// <summary>Text for HTML content.</summary>
    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A URL for an attribute: data URIs and escaped relative paths need only the quote and ampersand escaped.</summary>
    private static string A(string url) => url.Replace("&", "&amp;").Replace("\"", "&quot;");

    private static string Resource(string name)
    {
        using var stream = typeof(ReportPage).Assembly.GetManifestResourceStream($"Burnish.Report.Page.{name}")
            ?? throw new InvalidOperationException($"report resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
