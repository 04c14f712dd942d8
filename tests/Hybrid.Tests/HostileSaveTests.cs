using System.Diagnostics;

namespace Hybrid.Tests;

/// <summary>
/// A Save killed at any point leaves the old or the new model (never a broken
/// one), and the next Save removes the temporary files killed saves left behind.
/// </summary>
public sealed class HostileSaveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-save-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The same networks the child saves (tests/Hybrid.ModelChild/Program.cs).
    private static Network Known(int seed) => Network.Create(100).Dense(300, Activation.Tanh).Dense(10, Activation.Softmax).Build(Initializer.Default(seed));

    // The same training states the child saves as checkpoints.
    private static TrainingState KnownState(int epochs)
    {
        var x = Enumerable.Range(0, 20).Select(i => Enumerable.Range(0, 100).Select(j => Math.Sin(i * 0.7 + j)).ToArray()).ToArray();
        var y = Enumerable.Range(0, 20).Select(i => i % 10).ToArray();
        return new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.01)) { Epochs = epochs, Seed = 5 }.Fit(Known(1), x, y).State;
    }

    /// <summary>Starts tests/Hybrid.ModelChild (built next to this assembly's project) with the given arguments.</summary>
    internal static Process StartChild(params string[] args)
    {
        // .../tests/Hybrid.Tests/bin/<Configuration>/net10.0/ -> .../tests/Hybrid.ModelChild/bin/<Configuration>/net10.0/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = here.Name, configuration = here.Parent!.Name;
        var tests = here.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(tests, "Hybrid.ModelChild", "bin", configuration, framework, "Hybrid.ModelChild.dll");
        Assert.True(File.Exists(dll), $"the child program is not built: {dll}");
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    [Fact]
    public async Task A_save_killed_before_its_flush_or_its_rename_leaves_the_old_model_and_the_next_save_removes_its_temp()
    {
        // The child pauses its save at a seam of AtomicFile and says where its temp is; the kill lands there.
        var path = Path.Combine(_dir, "model.json");
        string a = Known(1).ToJson(), b = Known(2).ToJson();
        foreach (var point in new[] { "before-replace", "before-flush" })
        {
            using var child = StartChild("save-pause", path, point);
            // The child's line says it reached the seam (or it ended without pausing: null); the wait is guarded, not timed.
            var reading = child.StandardOutput.ReadLineAsync();
            if (!await NamedPipes.CompletesWithin(reading, TimeSpan.FromMinutes(1)))
            {
                child.Kill();
                Assert.Fail($"{point}: the child neither paused nor ended within the guard of 1 minute");
            }
            var line = await reading;
            Assert.True(line is not null && line.StartsWith("paused ", StringComparison.Ordinal), $"{point}: the child said '{line}'");
            var temp = line["paused ".Length..];
            Assert.True(File.Exists(temp), $"{point}: no temp at {temp}");
            // Closed, not yet renamed: the temp holds the whole new model.
            if (point == "before-replace") Assert.Equal(b, Network.Load(temp).ToJson());
            child.Kill();   // SIGKILL: no finally, no flush
            child.WaitForExit();
            Assert.Equal(a, Network.Load(path).ToJson());
            // Only the killed save's temp is left: the child's first save removed the one an earlier kill left.
            Assert.Equal(new[] { Path.GetFileName(temp), "model.json" }.Order(), Directory.GetFiles(_dir).Select(Path.GetFileName).Order());
        }
        Known(2).Save(path);
        Assert.Equal(["model.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal(b, Network.Load(path).ToJson());
    }

    [Fact]
    public async Task A_checkpoint_save_killed_before_its_flush_or_its_rename_leaves_the_previous_checkpoint()
    {
        var path = Path.Combine(_dir, "run.checkpoint.json");
        var expected = Path.Combine(Directory.CreateTempSubdirectory("hybrid-expected-").FullName, "expected.json");
        KnownState(1).Save(expected);
        byte[] first = File.ReadAllBytes(expected);
        Directory.Delete(Path.GetDirectoryName(expected)!, recursive: true);
        foreach (var point in new[] { "before-replace", "before-flush" })
        {
            using var child = StartChild("checkpoint-pause", path, point);
            var reading = child.StandardOutput.ReadLineAsync();
            if (!await NamedPipes.CompletesWithin(reading, TimeSpan.FromMinutes(2)))
            {
                child.Kill();
                Assert.Fail($"{point}: the child neither paused nor ended within the guard of 2 minutes");
            }
            var line = await reading;
            Assert.True(line is not null && line.StartsWith("paused ", StringComparison.Ordinal), $"{point}: the child said '{line}'");
            var temp = line["paused ".Length..];
            // Closed, not yet renamed: the temp is the whole second checkpoint.
            if (point == "before-replace") Assert.Equal(2, TrainingState.Load(temp).EpochsCompleted);
            child.Kill();   // SIGKILL: no finally, no flush
            child.WaitForExit();
            // The previous checkpoint, byte for byte, and still a resumable state.
            Assert.Equal(first, File.ReadAllBytes(path));
            Assert.Equal(1, TrainingState.Load(path).EpochsCompleted);
        }
        KnownState(2).Save(path);
        Assert.Equal(["run.checkpoint.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal(2, TrainingState.Load(path).EpochsCompleted);
    }

    [Fact]
    public void Save_removes_stale_temps_of_its_target_only_and_never_a_live_one()
    {
        var path = Path.Combine(_dir, "model.json");
        string Temp(string target, string id) => Path.Combine(_dir, $"{AtomicFile.TempPrefix}{AtomicFile.TempTag(target)}-{id}.tmp");
        // Ids no running process can have (above every system's pid limit): their writers are gone.
        var stale = Temp("model.json", $"{int.MaxValue}-dead1");
        var stale2 = Temp("model.json", $"{int.MaxValue - 1}-dead2");
        var other = Temp("other.json", $"{int.MaxValue}-dead3");
        // A live writer of another process between closing its temp and renaming it: not locked, not stale.
        var between = Temp("model.json", $"{RunningOtherProcess()}-between");
        // A live writer of this process, still writing (locked).
        var live = Temp("model.json", $"{Environment.ProcessId}-live");
        // Temps an older Hybrid wrote (no writer id): stale only when older than LegacyTempAge.
        var oldLegacy = Temp("model.json", "0123456789abcdef0123456789abcdef");
        var newLegacy = Temp("model.json", "fedcba9876543210fedcba9876543210");
        foreach (var f in new[] { stale, stale2, other, between, oldLegacy, newLegacy }) File.WriteAllText(f, "{\"format\":");
        File.SetLastWriteTimeUtc(oldLegacy, DateTime.UtcNow - AtomicFile.LegacyTempAge - TimeSpan.FromMinutes(1));
        using (var writer = new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            NetworkTests.Small().Save(path);
            Assert.False(File.Exists(stale));
            Assert.False(File.Exists(stale2));
            Assert.False(File.Exists(oldLegacy));
            Assert.True(File.Exists(other), "a temp of another target was removed");
            Assert.True(File.Exists(live), "the temp of a save in progress was removed");
            Assert.True(File.Exists(between), "the temp of a live writer between close and rename was removed");
            Assert.True(File.Exists(newLegacy), "a recent temp of an older Hybrid was removed");
        }
        Assert.Equal(NetworkTests.Small().ToJson(), Network.Load(path).ToJson());
        // The tag is short and fixed whatever the target's name (a 255-byte name still leaves room).
        Assert.Equal(16, AtomicFile.TempTag(new string('m', 255)).Length);
        Assert.StartsWith(".hybrid-save-", Path.GetFileName(stale));
    }

    // The id of a running process other than this one: the test host's parent, or any other.
    private static int RunningOtherProcess() =>
        System.Diagnostics.Process.GetProcesses().Select(p => p.Id).First(id => id != Environment.ProcessId && id > 0);

    [Fact]
    public void Three_processes_saving_to_one_path_all_succeed()
    {
        // Each child saves 80 times over the same path; before a cleanup could tell a live writer's
        // temp from a dead one's, a writer's temp was deleted by another's cleanup between its
        // close and its rename (FileNotFoundException in the writer).
        var path = Path.Combine(_dir, "shared.model.json");
        var children = Enumerable.Range(0, 3).Select(_ => StartChild("save-n", path, "80")).ToArray();
        foreach (var child in children)
        {
            string errors = child.StandardError.ReadToEnd();
            Assert.True(child.WaitForExit(TimeSpan.FromMinutes(5)), "a child did not finish (guard only)");
            Assert.True(child.ExitCode == 0, $"a writer failed: {errors}");
        }
        var json = Network.Load(path).ToJson();
        Assert.Contains(json, new[] { Known(1).ToJson(), Known(2).ToJson() });
        Assert.Equal(["shared.model.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [UnixFact("documented: no directory flush on Windows")]
    public void The_directory_is_flushed_after_the_rename()
    {
        Assert.True(FileKind.FlushDirectory(_dir));
        Assert.False(FileKind.FlushDirectory(Path.Combine(_dir, "missing")));
    }
}
