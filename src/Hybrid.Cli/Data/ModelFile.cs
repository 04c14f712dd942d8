using Hybrid.Cli.Infrastructure;
using Hybrid.Data;

namespace Hybrid.Cli.Data;

/// <summary>STOPGAP until the data layer's model file (network + preprocessing + class names) lands: the network only.</summary>
internal sealed record ModelFile(Network Network, Preprocessor? Preprocessor, IReadOnlyList<string>? ClassNames)
{
    public static ModelFile Load(string path)
    {
        if (!File.Exists(path)) throw new UsageException(Directory.Exists(path) ? $"MODEL: '{path}' is a folder, not a model file." : $"MODEL: file not found: {path}");
        return new(Network.Load(path), null, null);
    }

    public static void Save(string path, Network network, Preprocessor preprocessor, IReadOnlyList<string> classNames) => network.Save(path);

    public DataSet Preprocess(DataSet data) => Preprocessor is null ? data : Preprocessor.Transform(data);
}
