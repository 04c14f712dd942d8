using System.Text.RegularExpressions;
using Mono.Unix.Native;

namespace Hybrid.Tests;

/// <summary>
/// The file-kind check every reader runs before opening a file (docs/model-format.md "Limits and
/// policies", "Non-regular files"), and the rule that it goes through a supported API: the
/// runtime's own native shim (libSystem.Native) has no public contract, so no source may bind it.
/// </summary>
public sealed class FileKindTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-filekind-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_regular_file_is_not_special()
    {
        var file = Path.Combine(_dir, "model.json");
        File.WriteAllText(file, "{}");
        Assert.False(FileKind.IsSpecial(file));
        FileKind.RefuseSpecial(file, "path", "a model file");   // does not throw
    }

    [UnixFact("named pipes, devices under /dev and symbolic links of Unix")]
    public void A_directory_a_named_pipe_and_a_character_device_are_special_a_link_to_a_file_is_not()
    {
        var file = Path.Combine(_dir, "regular");
        File.WriteAllText(file, "x");
        var fifo = Path.Combine(_dir, "pipe");
        Assert.Equal(0, Syscall.mkfifo(fifo, FilePermissions.S_IRUSR | FilePermissions.S_IWUSR));
        var link = Path.Combine(_dir, "link");
        File.CreateSymbolicLink(link, file);
        var linkToFifo = Path.Combine(_dir, "link-to-pipe");
        File.CreateSymbolicLink(linkToFifo, fifo);

        // What each path is, told independently of FileKind (lstat through Mono.Unix, by the kind's bits).
        Assert.Equal(FilePermissions.S_IFIFO, Kind(fifo));
        Assert.Equal(FilePermissions.S_IFCHR, Kind("/dev/null"));

        Assert.False(FileKind.IsSpecial(file));
        Assert.False(FileKind.IsSpecial(link));          // followed: the target is a regular file
        Assert.True(FileKind.IsSpecial(_dir));
        Assert.True(FileKind.IsSpecial(fifo));           // told without opening it (that would block)
        Assert.True(FileKind.IsSpecial(linkToFifo));
        Assert.True(FileKind.IsSpecial("/dev/null"));
        var e = Assert.Throws<ArgumentException>(() => FileKind.RefuseSpecial(fifo, "path", "a model file"));
        Assert.Equal("path", e.ParamName);
        Assert.Contains("not a regular file", e.Message);
    }

    private static FilePermissions Kind(string path)
    {
        Assert.Equal(0, Syscall.lstat(path, out var status));
        return status.st_mode & FilePermissions.S_IFMT;
    }

    private static readonly Regex NativeShimImport = new(
        @"(DllImport|LibraryImport)(Attribute)?\s*\(\s*(@?""(lib)?System\.Native(\.so|\.dylib)?""|[^)]*\bSystemNative_)",
        RegexOptions.Compiled);

    [Fact]
    public void The_pattern_recognises_a_binding_of_the_native_shim()
    {
        Assert.Matches(NativeShimImport, """[System.Runtime.InteropServices.DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]""");
        Assert.Matches(NativeShimImport, """[LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Open")]""");
        Assert.Matches(NativeShimImport, """[<DllImport("System.Native")>]""");
        Assert.DoesNotMatch(NativeShimImport, """[DllImport("libc", SetLastError = true)]""");
    }

    /// <summary>
    /// libSystem.Native is the runtime's private shim: its exports and structures (FileStatus) change
    /// between .NET versions without notice, and a binding to them fails silently. Unix calls go
    /// through Mono.Unix instead.
    /// </summary>
    [Fact]
    public void No_source_binds_the_runtimes_private_native_shim()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hybrid.sln"))) dir = dir.Parent;
        var src = Path.Combine(dir!.FullName, "src");
        var sources = Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".fs", StringComparison.Ordinal))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .ToList();
        Assert.True(sources.Count > 50, $"found only {sources.Count} sources under {src}");
        var offenders = sources.Where(f => NativeShimImport.IsMatch(File.ReadAllText(f))).Select(f => Path.GetRelativePath(src, f));
        Assert.Empty(offenders);
    }
}
