using Hybrid.Cli.Infrastructure;

namespace Hybrid.Cli.Data;

/// <summary>STOPGAP until the data layer's model file (network + preprocessing + class names) lands.</summary>
internal sealed record ModelFile(Network Network, IReadOnlyList<string>? ClassNames)
{
    public static ModelFile Load(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"MODEL: file not found: {path}");
        return new(Network.Load(path), null);
    }
}
