using System.Runtime;
using System.Text.RegularExpressions;

namespace Hybrid.Cli.Infrastructure;

/// <summary>
/// .NET's multicore JIT for the program (<see cref="ProfileOptimization"/>). Each run of a command
/// records the methods it compiled, in a profile per command and version under the user's cache
/// directory; the next run of that command compiles them on a spare core from its start, ahead of
/// their first call. The first epoch of <c>hybrid train</c> then runs at nearly the speed of the
/// later ones instead of waiting for the JIT (docs/performance.md, "The first epoch"). The first
/// run of a command, and a run after an upgrade, records only (and deletes the older version's
/// profile). <c>HYBRID_JIT_PROFILE=0</c> turns it off; so does a cache directory that cannot be created.
/// </summary>
internal static partial class JitProfile
{
    /// <summary>The environment variable that turns the profile off when it is <c>0</c>.</summary>
    internal const string Variable = "HYBRID_JIT_PROFILE";

    /// <summary>Starts the profile for this command line (once per process, from <see cref="Program.Main"/>); returns its path, or null when it is off.</summary>
    internal static string? Start(string[] args, Func<string, string?> environment)
    {
        string? directory = DirectoryFor(environment, OperatingSystem.IsWindows());
        if (directory is null) return null;
        try { Directory.CreateDirectory(directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException) { return null; }
        string name = NameFor(args, Program.Version);
        RemoveOtherVersions(directory, name);
        ProfileOptimization.SetProfileRoot(directory);
        ProfileOptimization.StartProfile(name);
        return Path.Combine(directory, name);
    }

    /// <summary>
    /// Deletes the command's profiles of other versions (they cannot serve this one), so the cache
    /// holds one profile per command however often the tool is upgraded. Best effort: a file that
    /// cannot be deleted stays.
    /// </summary>
    internal static void RemoveOtherVersions(string directory, string name)
    {
        string command = name[..(name.IndexOf('-') + 1)];
        foreach (string path in Directory.EnumerateFiles(directory, command + "*.jitprofile"))
        {
            string file = Path.GetFileName(path);
            // "train-" also begins "train-stats-…": only this command's own names, a version after its dash.
            if (file == name || !char.IsAsciiDigit(file[command.Length])) continue;
            try { File.Delete(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Where the profiles go: <c>$XDG_CACHE_HOME/hybrid/jit</c>, else <c>$HOME/.cache/hybrid/jit</c>
    /// (<c>%LOCALAPPDATA%\hybrid\jit</c> on Windows); null when <c>HYBRID_JIT_PROFILE</c> is <c>0</c>
    /// or no such directory is known.
    /// </summary>
    internal static string? DirectoryFor(Func<string, string?> environment, bool windows)
    {
        if (environment(Variable) is "0") return null;
        string? root = windows ? environment("LOCALAPPDATA")
            : environment("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache
            : environment("HOME") is { Length: > 0 } home ? Path.Combine(home, ".cache")
            : null;
        return string.IsNullOrEmpty(root) ? null : Path.Combine(root, "hybrid", "jit");
    }

    /// <summary>
    /// The profile's file name: the command (the first argument when it is a lower-case word, as
    /// <c>train</c>; else <c>hybrid</c>) and the version with anything but letters, digits and dots
    /// as <c>_</c>, e.g. <c>train-0.3.145_abc123.jitprofile</c>. A new version starts a new profile:
    /// one recorded against other assemblies would name methods they no longer have.
    /// </summary>
    internal static string NameFor(string[] args, string version)
    {
        string command = args is [var first, ..] && Command().IsMatch(first) ? first : "hybrid";
        return $"{command}-{NotNameCharacters().Replace(version, "_")}.jitprofile";
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex Command();

    [GeneratedRegex("[^A-Za-z0-9.]")]
    private static partial Regex NotNameCharacters();
}
