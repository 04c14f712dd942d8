namespace Hybrid;

/// <summary>
/// The atomic replace of a file (docs/model-format.md "Atomic writes"), used by model files and
/// ONNX files: the content goes to a temporary file in the target's directory, which is flushed
/// (fsync), renamed over the target and the directory flushed; stale temporaries of the same target
/// left by killed saves are then removed.
/// </summary>
internal static class AtomicFile
{
    /// <summary>A test seam: called with the temporary file's path after it is written and flushed, just before it replaces the target (a test throws here to simulate a crash).</summary>
    [ThreadStatic] internal static Action<string>? BeforeReplace;

    /// <summary>A test seam: called with the temporary file's path while it is still open and locked, its content written but not yet flushed (a test kills the process here).</summary>
    [ThreadStatic] internal static Action<string>? BeforeFlush;

    /// <summary>Every temporary file of an atomic save starts with this (docs/model-format.md "Atomic writes").</summary>
    internal const string TempPrefix = ".hybrid-save-";

    /// <summary>
    /// The temporary files of saves to the file named <paramref name="fileName"/> match
    /// <c>.hybrid-save-&lt;tag&gt;-&lt;pid&gt;-&lt;guid&gt;.tmp</c>, the tag being the first 16 hex digits of the SHA-256 of
    /// the UTF-8 file name (recognisable, tied to one target, and short whatever the target's name)
    /// and pid the writing process's id (so a cleanup can tell a live writer's temp from a dead one's).
    /// </summary>
    internal static string TempTag(string fileName) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(fileName)))[..16];

    /// <summary>Writes bytes to path atomically, as ModelFormat.Save writes a model; used for ONNX files.</summary>
    internal static void SaveBytes(byte[] bytes, string path)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("path must name a file.", nameof(path));
        Save(path, file => file.Write(bytes));
    }

    /// <summary>
    /// The atomic replace (docs/model-format.md "Atomic writes"): <paramref name="write"/> fills a
    /// temporary file in the target's directory, which is flushed, moved over the target, and the
    /// directory flushed; stale temporaries of the same target are then removed.
    /// </summary>
    internal static void Save(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new ArgumentException($"'{path}' is a directory: path must name a file.", nameof(path));
        var directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"The directory '{directory}' does not exist.");
        // In the same directory, so that the final move is a rename on the same volume.
        var tag = TempTag(Path.GetFileName(full));
        var temp = Path.Combine(directory, $"{TempPrefix}{tag}-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            // FileShare.None also takes an exclusive lock (flock on Unix) while the file is written,
            // which tells RemoveStaleTemps of another save that this temp is alive.
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(file);
                BeforeFlush?.Invoke(temp);
                file.Flush(flushToDisk: true);
            }
            BeforeReplace?.Invoke(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        FileKind.FlushDirectory(directory);
        RemoveStaleTemps(directory, tag);
    }

    /// <summary>How old a temp without a writer's id (written by an older Hybrid) must be before a cleanup takes it as stale.</summary>
    internal static readonly TimeSpan LegacyTempAge = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Deletes the temporary files that killed saves of the same target left behind. A temp is
    /// provably stale only when the process that wrote it has ended (the id in its name names no
    /// running process; a temp of this process is never stale: its save removes it on failure), or,
    /// for a temp without an id, when it is older than <see cref="LegacyTempAge"/>. A stale temp is
    /// deleted on close after opening it exclusively (no save holds it). A live writer's temp is left
    /// alone even between its close and its rename, so concurrent saves to one path cannot delete
    /// each other's files. Failures are ignored (another process may be cleaning up at the same
    /// time). Returns how many were removed.
    /// </summary>
    internal static int RemoveStaleTemps(string directory, string tag)
    {
        int removed = 0;
        foreach (var stale in Directory.EnumerateFiles(directory, $"{TempPrefix}{tag}-*.tmp"))
        {
            if (!IsStale(stale, tag)) continue;
            try
            {
                using (new FileStream(stale, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
                removed++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    private static bool IsStale(string temp, string tag)
    {
        // ".hybrid-save-<tag>-<pid>-<guid>.tmp"; an older Hybrid wrote ".hybrid-save-<tag>-<guid>.tmp".
        var rest = Path.GetFileNameWithoutExtension(temp)[(TempPrefix.Length + tag.Length + 1)..];
        int dash = rest.IndexOf('-');
        if (dash > 0 && int.TryParse(rest[..dash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid))
            return pid != Environment.ProcessId && !IsRunning(pid);
        try { return DateTime.UtcNow - File.GetLastWriteTimeUtc(temp) > LegacyTempAge; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }      // no process has that id
        catch (InvalidOperationException) { return false; }
        catch (System.ComponentModel.Win32Exception) { return true; } // exists but cannot be inspected: assume alive
    }
}
