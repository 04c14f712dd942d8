namespace Hybrid.Cli.Playground;

/// <summary>The page's three files, embedded in the assembly (Playground/Page/*): served as they are, nothing fetched from elsewhere.</summary>
internal static class PageResources
{
    /// <summary>The files by request path, with their content types.</summary>
    public static readonly IReadOnlyDictionary<string, (string Resource, string ContentType)> Files = new Dictionary<string, (string, string)>
    {
        ["/"] = ("index.html", "text/html; charset=utf-8"),
        ["/playground.js"] = ("playground.js", "text/javascript; charset=utf-8"),
        ["/playground.css"] = ("playground.css", "text/css; charset=utf-8"),
    };

    /// <summary>The bytes of an embedded page file.</summary>
    public static byte[] Read(string name)
    {
        using var stream = typeof(PageResources).Assembly.GetManifestResourceStream("Hybrid.Cli.Playground.Page." + name)
            ?? throw new InvalidOperationException($"The playground file {name} is not embedded in Hybrid.Cli.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
