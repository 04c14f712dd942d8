using System.Net;
using System.Text;
using System.Text.Json;

namespace Hybrid.Cli.Reporting;

/// <summary>
/// One self-contained HTML page per run: settings, timings, tables and charts (PNG, base64
/// inline), and the charts' data as JSON in <c>&lt;script type="application/json" id="hybrid-data"&gt;</c>.
/// No script runs and nothing is fetched: the page opens offline. The markup is also well-formed
/// XML (void elements self-closed, text escaped), so a test can parse it strictly. Built for the command line's
/// runs and reusable by any caller (e.g. a later playground).
/// </summary>
public sealed class HtmlReport(string title)
{
    private readonly List<(string Key, string Value)> _settings = [];
    private readonly List<(string Key, string Value)> _timings = [];
    private readonly Dictionary<string, double> _results = [];
    private readonly List<Block> _blocks = [];
    private readonly List<Chart> _charts = [];

    private abstract record Block;
    private sealed record HeadingBlock(string Text) : Block;
    private sealed record TextBlock(string Text) : Block;
    private sealed record TableBlock(string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : Block;
    private sealed record ChartsBlock(IReadOnlyList<Chart> Charts) : Block;

    /// <summary>The page title.</summary>
    public string Title { get; } = title;

    /// <summary>The charts added so far.</summary>
    public IReadOnlyList<Chart> Charts => _charts;

    /// <summary>Records one setting of the run (shown in the settings table).</summary>
    public HtmlReport Setting(string key, object? value)
    {
        _settings.Add((key, Format(value)));
        return this;
    }

    /// <summary>Records one timing of the run (shown in the timings table).</summary>
    public HtmlReport Timing(string key, TimeSpan value)
    {
        _timings.Add((key, value.TotalSeconds < 1 ? $"{value.TotalMilliseconds:F0} ms" : $"{value.TotalSeconds:F2} s"));
        return this;
    }

    /// <summary>Records one numeric result of the run (e.g. "test accuracy"), kept in the page's JSON data under "results".</summary>
    public HtmlReport Result(string key, double value)
    {
        _results[key] = value;
        return this;
    }

    /// <summary>Adds a section heading.</summary>
    public HtmlReport Heading(string text)
    {
        _blocks.Add(new HeadingBlock(text));
        return this;
    }

    /// <summary>Adds a paragraph.</summary>
    public HtmlReport Paragraph(string text)
    {
        _blocks.Add(new TextBlock(text));
        return this;
    }

    /// <summary>Adds a table.</summary>
    public HtmlReport Table(string caption, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _blocks.Add(new TableBlock(caption, header, rows.ToList()));
        return this;
    }

    /// <summary>Adds one chart, or several side by side.</summary>
    public HtmlReport Add(params Chart[] charts)
    {
        _blocks.Add(new ChartsBlock(charts));
        _charts.AddRange(charts);
        return this;
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string H(string s) => WebUtility.HtmlEncode(s);

    /// <summary>The page as HTML text.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\" />\n")
            .Append("<title>").Append(H(Title)).Append("</title>\n<style>\n")
            .Append("body{font-family:'DejaVu Sans',sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}\n")
            .Append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f0f0f0}\n")
            .Append("td:first-child,th:first-child{text-align:left}caption{text-align:left;font-weight:bold;padding:.3em 0}\n")
            .Append(".charts{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0 0 1em}figure img{border:1px solid #ddd;max-width:100%}figcaption{font-size:.9em;color:#555}\n")
            .Append("</style>\n</head>\n<body>\n<h1>").Append(H(Title)).Append("</h1>\n");
        AppendTable(html, "Settings", ["setting", "value"], _settings.Select(s => (IReadOnlyList<string>)[s.Key, s.Value]).ToList(), "settings");
        if (_timings.Count > 0)
            AppendTable(html, "Timings", ["step", "time"], _timings.Select(s => (IReadOnlyList<string>)[s.Key, s.Value]).ToList(), "timings");
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case HeadingBlock h:
                    html.Append("<h2>").Append(H(h.Text)).Append("</h2>\n");
                    break;
                case TextBlock t:
                    html.Append("<p>").Append(H(t.Text)).Append("</p>\n");
                    break;
                case TableBlock t:
                    AppendTable(html, t.Caption, t.Header, t.Rows, null);
                    break;
                case ChartsBlock c:
                    html.Append("<div class=\"charts\">\n");
                    foreach (var chart in c.Charts)
                        html.Append("<figure class=\"chart\" id=\"chart-").Append(H(chart.Id)).Append("\" data-series=\"")
                            .Append(H(string.Join(";", chart.Series.Select(s => s.Name)))).Append("\">")
                            .Append("<img alt=\"").Append(H(chart.Title)).Append("\" src=\"data:image/png;base64,")
                            .Append(Convert.ToBase64String(chart.Png)).Append("\" />")
                            .Append("<figcaption>").Append(H(chart.Title)).Append("</figcaption></figure>\n");
                    html.Append("</div>\n");
                    break;
            }
        }
        var data = new
        {
            title = Title,
            settings = _settings.ToDictionary(s => s.Key, s => s.Value),
            results = _results,
            charts = _charts.Select(c => new
            {
                id = c.Id,
                title = c.Title,
                series = c.Series.Select(s => new { name = s.Name, x = s.X, y = s.Y.Select(v => double.IsFinite(v) ? (double?)v : null) }),
            }),
        };
        // '<' is escaped by the serializer, so the JSON cannot close the script element.
        html.Append("<script type=\"application/json\" id=\"hybrid-data\">")
            .Append(JsonSerializer.Serialize(data))
            .Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendTable(StringBuilder html, string caption, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, string? id)
    {
        html.Append("<table").Append(id is null ? "" : $" id=\"{id}\"").Append("><caption>").Append(H(caption)).Append("</caption>\n<tr>");
        foreach (var h in header) html.Append("<th>").Append(H(h)).Append("</th>");
        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td>").Append(H(cell)).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    /// <summary>Writes the page to a file (creating its folder).</summary>
    public void Save(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, ToHtml(), new UTF8Encoding(false));
    }
}
