using Hybrid.Cli.Infrastructure;

namespace Hybrid.Cli.Data;

/// <summary>Reading the model file a command names, with a one-line message for a missing path or a folder.</summary>
internal static class ModelFile
{
    /// <summary>The façade's <see cref="Model"/> (network, preprocessing, class names) from <paramref name="path"/>.</summary>
    public static Model Load(string path)
    {
        if (Directory.Exists(path)) throw new UsageException($"MODEL: '{path}' is a folder, not a model file.");
        if (!File.Exists(path)) throw new UsageException($"MODEL: file not found: {path}");
        return Model.Load(path);
    }
}
