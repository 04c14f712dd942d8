namespace Hybrid.Onnx;

/// <summary>Reading and writing .onnx files with the argument checks and policies of the JSON model files (docs/model-format.md): atomic replace on write; on read, no special files and at most ModelLimits.DefaultMaxFileBytes.</summary>
internal static class OnnxFile
{
    internal static byte[] Read(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
        if (Directory.Exists(path)) throw new ArgumentException($"'{path}' is a directory: path must name an ONNX model file.", nameof(path));
        if (!File.Exists(path)) throw new FileNotFoundException($"The ONNX model file '{path}' does not exist.", path);
        FileKind.RefuseSpecial(path, nameof(path), "an ONNX model file");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (file.Length > ModelLimits.DefaultMaxFileBytes)
            throw new InvalidDataException($"'{path}' has {file.Length} bytes, more than the limit of {ModelLimits.DefaultMaxFileBytes} bytes for a model file.");
        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        return bytes;
    }

    internal static void Write(byte[] bytes, string path) => AtomicFile.SaveBytes(bytes, path);
}
