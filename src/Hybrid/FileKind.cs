namespace Hybrid;

/// <summary>Whether a path names something other than a regular file (a named pipe, a device, a socket), which every file reader refuses before opening it: opening a named pipe blocks until a writer comes.</summary>
internal static class FileKind
{
    [System.Runtime.InteropServices.DllImport("libSystem.Native", EntryPoint = "SystemNative_Open")]
    private static extern IntPtr Open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [System.Runtime.InteropServices.DllImport("libSystem.Native", EntryPoint = "SystemNative_FSync")]
    private static extern int FSync(IntPtr fd);

    [System.Runtime.InteropServices.DllImport("libSystem.Native", EntryPoint = "SystemNative_Close")]
    private static extern int Close(IntPtr fd);

    /// <summary>
    /// fsync(2) on a directory, so that a rename inside it survives a power loss (Unix). Returns
    /// whether it happened; on Windows, or when the call is unavailable or fails, it does nothing
    /// and returns false (docs/model-format.md "Atomic writes" says what that leaves).
    /// </summary>
    internal static bool FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return false;
        try
        {
            var fd = Open(directory, 0 /* read only */, 0);
            if (fd == -1) return false;
            try { return FSync(fd) == 0; }
            finally { Close(fd); }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    private const int TypeMask = 0xF000, Regular = 0x8000;

    // .NET's own native shim (libSystem.Native, shipped with every runtime on Unix) exposes
    // stat(2) as SystemNative_Stat, filling a FileStatus struct whose second int32 is st_mode.
    [System.Runtime.InteropServices.DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int Stat([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, byte[] status);

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="path"/> if it is not a regular file: every reader of files calls this before opening one.</summary>
    /// <param name="path">The path, which exists.</param>
    /// <param name="paramName">The argument that named it.</param>
    /// <param name="what">What it must name, e.g. "a model file".</param>
    internal static void RefuseSpecial(string path, string paramName, string what)
    {
        if (IsSpecial(path))
            throw new ArgumentException($"'{path}' is not a regular file (a named pipe, device or socket): {paramName} must name {what}.", paramName);
    }

    internal static bool IsSpecial(string path)
    {
        if (OperatingSystem.IsWindows()) return (File.GetAttributes(path) & FileAttributes.Device) != 0;
        var status = new byte[256];   // FileStatus is about 120 bytes; room to spare
        try
        {
            if (Stat(path, status) != 0) return false;   // let opening the file report the error
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
        int mode = BitConverter.ToInt32(status, 4);
        return (mode & TypeMask) != Regular;
    }
}
