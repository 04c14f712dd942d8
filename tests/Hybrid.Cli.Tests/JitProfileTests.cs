using Hybrid.Cli.Infrastructure;

namespace Hybrid.Cli.Tests;

/// <summary>
/// The multicore JIT's profile (<see cref="JitProfile"/>): where it goes, how it is named, that the
/// program writes it and that <c>HYBRID_JIT_PROFILE=0</c> turns it off. What it buys (the first epoch
/// of <c>hybrid train</c> at nearly the later epochs' speed) is measured in the benchmark journal, not
/// here: no unit test times anything.
/// </summary>
public class JitProfileTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

    [Fact]
    public void The_profiles_go_under_the_users_cache_directory()
    {
        string cache = Path.Combine("c", "hybrid", "jit"), home = Path.Combine("h", ".cache", "hybrid", "jit");
        Assert.Equal(cache, JitProfile.DirectoryFor(Environment(("XDG_CACHE_HOME", "c"), ("HOME", "h")), windows: false));
        Assert.Equal(home, JitProfile.DirectoryFor(Environment(("HOME", "h")), windows: false));
        // An empty XDG_CACHE_HOME counts as unset, as the XDG specification says.
        Assert.Equal(home, JitProfile.DirectoryFor(Environment(("XDG_CACHE_HOME", ""), ("HOME", "h")), windows: false));
        Assert.Equal(Path.Combine("L", "hybrid", "jit"), JitProfile.DirectoryFor(Environment(("LOCALAPPDATA", "L"), ("HOME", "h")), windows: true));
        Assert.Null(JitProfile.DirectoryFor(Environment(), windows: false));
        Assert.Null(JitProfile.DirectoryFor(Environment(("HYBRID_JIT_PROFILE", "0"), ("HOME", "h")), windows: false));
        Assert.Equal(home, JitProfile.DirectoryFor(Environment(("HYBRID_JIT_PROFILE", "1"), ("HOME", "h")), windows: false));
    }

    [Fact]
    public void A_profile_is_named_by_the_command_and_the_version()
    {
        Assert.Equal("train-0.3.145_abc.jitprofile", JitProfile.NameFor(["train", "--epochs", "5"], "0.3.145+abc"));
        Assert.Equal("onnx-export-1.0.jitprofile", JitProfile.NameFor(["onnx-export"], "1.0"));
        // Anything but a lower-case word is not a command: no path, no option, no stray name.
        Assert.Equal("hybrid-1.0.jitprofile", JitProfile.NameFor(["--help"], "1.0"));
        Assert.Equal("hybrid-1.0.jitprofile", JitProfile.NameFor([], "1.0"));
        Assert.Equal("hybrid-1.0.jitprofile", JitProfile.NameFor(["../../etc/passwd"], "1.0"));
        Assert.Equal("hybrid-1.0.jitprofile", JitProfile.NameFor(["Train"], "1.0"));
    }

    [Fact]
    public void Profiles_of_other_versions_of_the_command_are_deleted_and_nothing_else()
    {
        string root = Directory.CreateTempSubdirectory("hybrid-jit-").FullName;
        try
        {
            string[] kept = ["train-2.0.jitprofile", "predict-1.0.jitprofile", "train-stats-1.0.jitprofile", "train-notes.txt"];
            foreach (string file in kept.Append("train-1.0_abc.jitprofile").Append("train-1.9.jitprofile")) File.WriteAllText(Path.Combine(root, file), "x");
            JitProfile.RemoveOtherVersions(root, "train-2.0.jitprofile");
            Assert.Equal(kept.Order(), Directory.EnumerateFiles(root).Select(Path.GetFileName).Order());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task The_program_records_its_profile_and_HYBRID_JIT_PROFILE_0_turns_it_off()
    {
        string root = Directory.CreateTempSubdirectory("hybrid-jit-").FullName;
        try
        {
            // The cache directory by both platforms' variables, so the test reads the same on each.
            Dictionary<string, string> Cache(string name, string setting) => new()
            {
                ["XDG_CACHE_HOME"] = Path.Combine(root, name), ["LOCALAPPDATA"] = Path.Combine(root, name), ["HYBRID_JIT_PROFILE"] = setting,
            };
            var on = await CliProcess.RunAsync(["--version"], Cache("on", "1"));
            Assert.Equal(0, on.ExitCode);
            var profile = new FileInfo(Path.Combine(root, "on", "hybrid", "jit", JitProfile.NameFor(["--version"], Program.Version)));
            Assert.True(profile.Exists && profile.Length > 0, $"{profile.FullName}: no profile after a run");

            var off = await CliProcess.RunAsync(["--version"], Cache("off", "0"));
            Assert.Equal(0, off.ExitCode);
            Assert.False(Directory.Exists(Path.Combine(root, "off", "hybrid")), "HYBRID_JIT_PROFILE=0 still wrote a profile");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
