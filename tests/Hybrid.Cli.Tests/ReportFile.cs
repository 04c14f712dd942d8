using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace Hybrid.Cli.Tests;

/// <summary>A report read back strictly: parsed as XML (the page is polyglot markup), its JSON data and its charts.</summary>
public sealed class ReportFile
{
    public ReportFile(string path)
    {
        Html = File.ReadAllText(path);
        using var reader = XmlReader.Create(new StringReader(Html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        Document = XDocument.Load(reader); // throws on malformed markup
        var script = Document.Descendants("script").Single(e => (string?)e.Attribute("id") == "hybrid-data");
        Assert.Equal("application/json", (string?)script.Attribute("type"));
        Data = JsonDocument.Parse(script.Value).RootElement;
    }

    public string Html { get; }

    public XDocument Document { get; }

    public JsonElement Data { get; }

    /// <summary>The figure elements: id → series names (from data-series).</summary>
    public IReadOnlyDictionary<string, string[]> Figures =>
        Document.Descendants("figure").ToDictionary(f => ((string)f.Attribute("id")!)["chart-".Length..], f => ((string)f.Attribute("data-series")!).Split(';'));

    /// <summary>The PNG bytes of a chart.</summary>
    public byte[] Png(string id)
    {
        var img = Document.Descendants("figure").Single(f => (string?)f.Attribute("id") == "chart-" + id).Element("img")!;
        var src = (string)img.Attribute("src")!;
        Assert.StartsWith("data:image/png;base64,", src);
        return Convert.FromBase64String(src["data:image/png;base64,".Length..]);
    }

    /// <summary>One series' values from the JSON data.</summary>
    public (double[] X, double?[] Y) Series(string chart, string name)
    {
        var c = Data.GetProperty("charts").EnumerateArray().Single(c => c.GetProperty("id").GetString() == chart);
        var s = c.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
        return (s.GetProperty("x").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
                s.GetProperty("y").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToArray());
    }

    /// <summary>A numeric result ("test accuracy", ...).</summary>
    public double Result(string key) => Data.GetProperty("results").GetProperty(key).GetDouble();

    /// <summary>A setting as text.</summary>
    public string Setting(string key) => Data.GetProperty("settings").GetProperty(key).GetString()!;
}
