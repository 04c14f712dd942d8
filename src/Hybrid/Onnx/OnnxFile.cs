namespace Hybrid.Onnx;

/// <summary>Reading and writing .onnx files with the argument checks and the atomic replace of the JSON model files (docs/model-format.md).</summary>
internal static class OnnxFile
{
    internal static byte[] Read(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
        if (Directory.Exists(path)) throw new ArgumentException($"'{path}' is a directory: path must name an ONNX model file.", nameof(path));
        try { return File.ReadAllBytes(path); }
        catch (DirectoryNotFoundException e) { throw new FileNotFoundException($"The ONNX model file '{path}' does not exist.", path, e); }
    }

    /// <summary>Writes a temporary file in the same directory, flushes it to disk, then moves it over path.</summary>
    internal static void Write(byte[] bytes, string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new ArgumentException($"'{path}' is a directory: path must name a file.", nameof(path));
        var directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"The directory '{directory}' does not exist.");
        var temp = Path.Combine(directory, $".hybrid-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
