using Mono.Unix.Native;

namespace Hybrid;

/// <summary>
/// Whether a path names something other than a regular file (a named pipe, a device, a socket,
/// a directory), which every file reader refuses before opening it: opening a named pipe blocks
/// until a writer comes. Also the directory flush of the atomic save. On Unix both go through
/// Mono.Unix (the package's documented POSIX bindings, which translate the C structures and flags
/// themselves); on Windows through the file attributes.
/// </summary>
internal static class FileKind
{
    /// <summary>
    /// fsync(2) on a directory, so that a rename inside it survives a power loss (Unix). Returns
    /// whether it happened; on Windows, or when the call is unavailable or fails, it does nothing
    /// and returns false (docs/model-format.md "Atomic writes" says what that leaves).
    /// </summary>
    internal static bool FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return false;
        try { return FlushDirectoryUnix(directory); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    private static bool FlushDirectoryUnix(string directory)
    {
        int fd = Syscall.open(directory, OpenFlags.O_RDONLY);
        if (fd == -1) return false;
        try { return Syscall.fsync(fd) == 0; }
        finally { Syscall.close(fd); }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="path"/> if it is not a regular file: every reader of files calls this before opening one.</summary>
    /// <param name="path">The path, which exists.</param>
    /// <param name="paramName">The argument that named it.</param>
    /// <param name="what">What it must name, e.g. "a model file".</param>
    internal static void RefuseSpecial(string path, string paramName, string what)
    {
        if (IsSpecial(path))
            throw new ArgumentException($"'{path}' is not a regular file (a named pipe, device or socket): {paramName} must name {what}.", paramName);
    }

    /// <summary>
    /// Whether <paramref name="path"/> names something that exists and is not a regular file,
    /// following symbolic links (stat(2) on Unix; the <see cref="FileAttributes.Device"/> attribute
    /// on Windows). False when it cannot be examined: opening the file then reports the error.
    /// </summary>
    internal static bool IsSpecial(string path)
    {
        if (OperatingSystem.IsWindows()) return (File.GetAttributes(path) & FileAttributes.Device) != 0;
        try { return IsSpecialUnix(path); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    private static bool IsSpecialUnix(string path)
    {
        if (Syscall.stat(path, out var status) != 0) return false;   // let opening the file report the error
        return (status.st_mode & FilePermissions.S_IFMT) != FilePermissions.S_IFREG;
    }
}
