using CoreNetwork = Hybrid.Core.Network;

namespace Hybrid;

/// <summary>
/// The versioned JSON model format (docs/model-format.md), read and written without reflection:
/// its name and version, and the entry points (save and load a file, write and read text). The
/// writer is in ModelWriter.cs, the reader's grammar in ModelReader.cs (and ModelKeys.cs, the keys
/// one object may hold), the extras of version 2 in ModelFormatExtras.cs, the atomic replace of
/// the file in AtomicFile.cs and the refusal of non-regular files in FileKind.cs.
/// </summary>
internal static partial class ModelFormat
{
    internal const string FormatName = "hybrid-network";
    /// <summary>The newest version this reader reads. A plain network is written as version 1; a model with preprocessing or class names as version 2 (ModelFormatExtras.cs); a checkpoint (a model with a "training" section, ModelFormatTraining.cs) as version 3.</summary>
    internal const int Version = 3;

    /// <summary>The version of a file that carries a training state.</summary>
    internal const int CheckpointVersion = 3;

    // ------------------------------------------------------------------ saving

    internal static void Save(CoreNetwork net, string path, ModelExtras? extras = null, Hybrid.Core.TrainingState? state = null, Precision precision = Precision.Double)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
        AtomicFile.Save(path, file => WriteTo(file, net, extras, state, precision));
    }

    // ------------------------------------------------------------------ reading
    //
    // A streaming reader (docs/model-format.md "Limits and policies"): tokens are pulled through a
    // 64 KiB buffer (JsonTokenStream), every array is read straight into the storage of its matrix,
    // and every size is checked against the bytes that remain before anything of that size is
    // allocated. Messages are built only on failure and quote at most a few dozen characters.

    internal static CoreNetwork Load(string path, ModelLimits limits) => LoadContents(path, limits).Network;

    internal static ModelContents LoadContents(string path, ModelLimits limits)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
        ArgumentNullException.ThrowIfNull(limits);
        if (Directory.Exists(path)) throw new ArgumentException($"'{path}' is a directory: path must name a model file.", nameof(path));
        if (!File.Exists(path)) throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        FileKind.RefuseSpecial(path, nameof(path), "a model file");
        FileStream file;
        try { file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan); }
        catch (DirectoryNotFoundException e) { throw new FileNotFoundException($"The model file '{path}' does not exist.", path, e); }
        using (file)
        {
            try
            {
                long length = file.Length;
                if (length > limits.MaxFileBytes)
                    throw new InvalidDataException($"the file has {length} bytes, more than the limit of {limits.MaxFileBytes} bytes (ModelLimits.MaxFileBytes)");
                return Read(new JsonTokenStream(file, length, limits.MaxFileBytes), limits);
            }
            catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not a valid Hybrid model: {e.Message}", e); }
        }
    }

    internal static CoreNetwork Read(string json, ModelLimits limits) => ReadContents(json, limits).Network;

    internal static ModelContents ReadContents(string json, ModelLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        // A leading U+FEFF (a byte order mark that survived decoding) is skipped.
        var text = json.AsSpan();
        if (text.StartsWith("\uFEFF")) text = text[1..];
        long bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        if (bytes > limits.MaxFileBytes)
            throw new InvalidDataException($"the text has {bytes} bytes in UTF-8, more than the limit of {limits.MaxFileBytes} bytes (ModelLimits.MaxFileBytes)");
        var utf8 = new byte[bytes];
        System.Text.Encoding.UTF8.GetBytes(text, utf8);
        using var stream = new MemoryStream(utf8, writable: false);
        return Read(new JsonTokenStream(stream, bytes, limits.MaxFileBytes), limits);
    }

    private static ModelContents Read(JsonTokenStream json, ModelLimits limits)
    {
        try { return new ModelReader(json, limits).ReadModel(); }
        catch (InvalidDataException) { throw; }
        catch (OutOfMemoryException)
        {
            throw new InvalidDataException($"the model ({json.Length} bytes) does not fit in memory; the limits are {limits.MaxFileBytes} bytes (ModelLimits.MaxFileBytes) and {limits.MaxLayers} layers (ModelLimits.MaxLayers)");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"the model is inconsistent: {Excerpt.Quote(e.Message, Excerpt.MessageChars)}", e);
        }
    }
}
