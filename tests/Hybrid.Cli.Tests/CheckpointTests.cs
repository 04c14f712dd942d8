namespace Hybrid.Cli.Tests;

/// <summary>
/// hybrid train --checkpoint / --checkpoint-every / --resume: a run of a epochs checkpointed and
/// resumed for b more (--epochs is the number to add) saves the model file one run of a + b epochs
/// saves, byte for byte; Ctrl+C writes a checkpoint of the start of the interrupted epoch; a resume
/// under another optimizer, network or data is refused with exit 2 and one line.
/// </summary>
public class CheckpointTests
{
    private static string[] Train(string optimizer, int epochs, string output, params string[] more) =>
        ["train", "--data", "iris", "--layers", "8", "--dropout", "0.2", "--optimizer", optimizer, "--batch-size", "16",
         "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--patience", "20", "--output", output, .. more];

    private static void Ok(Cli.Result r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error} {r.Output}");

    [Theory]
    [InlineData("adam")]
    [InlineData("momentum")]
    [InlineData("sgd")]
    public void Train_then_resume_saves_the_model_of_one_uninterrupted_run_byte_for_byte(string optimizer)
    {
        var dir = Cli.TempFolder();
        string whole = Path.Combine(dir, "whole"), first = Path.Combine(dir, "first"), rest = Path.Combine(dir, "rest");
        var checkpoint = Path.Combine(dir, "cp", "run.checkpoint.json");
        Ok(Cli.Run(Train(optimizer, 7, whole)));
        var a = Cli.Run(Train(optimizer, 4, first, "--checkpoint", checkpoint, "--checkpoint-every", "3"));
        Ok(a);
        Assert.Contains($"checkpoint: {checkpoint} (after epoch 4)", a.Output);
        Assert.Equal(4, TrainingState.Load(checkpoint).EpochsCompleted);
        var b = Cli.Run(Train(optimizer, 3, rest, "--resume", checkpoint));
        Ok(b);
        Assert.Contains("resuming after epoch 4", b.Output);
        // Epochs numbered on from the checkpoint's: 5..7 of 7.
        Assert.Contains("epoch   5/7", b.Output);
        Assert.Contains("epoch   7/7", b.Output);
        Assert.DoesNotContain("epoch   4/", b.Output);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "model.json")), File.ReadAllBytes(Path.Combine(rest, "model.json")));
        // The first run's own model is another one (4 epochs): the comparison can tell.
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(whole, "model.json")), File.ReadAllBytes(Path.Combine(first, "model.json")));
        // The checkpoint loads as the model the command line saves (preprocessing and class names included).
        Assert.Equal(Model.Load(Path.Combine(first, "model.json")).ToString(), Model.Load(checkpoint).ToString());
    }

    /// <summary>A writer that runs an action once, when its text first contains a marker (at that point of the run).</summary>
    private sealed class OnMarker(string marker, Action action) : StringWriter
    {
        private bool _done;
        public override void Write(char value) { base.Write(value); Check(); }
        public override void Write(string? value) { base.Write(value); Check(); }
        public override void WriteLine(string? value) { base.WriteLine(value); Check(); }
        private void Check()
        {
            if (_done || !ToString().Contains(marker, StringComparison.Ordinal)) return;
            _done = true;
            action();
        }
    }

    [Fact]
    public void Checkpoint_every_n_epochs_writes_the_state_after_each_nth_epoch()
    {
        var dir = Cli.TempFolder();
        var checkpoint = Path.Combine(dir, "c.json");
        var seen = new List<int>();
        // When epochs 3, 5 and 6 are reported, the checkpoint on disk is the one of epochs 2, 4 and 4 (every 2).
        var writer = new OnMarker("epoch   3/", () => seen.Add(TrainingState.Load(checkpoint).EpochsCompleted));
        var watch5 = new OnMarker("epoch   5/", () => seen.Add(TrainingState.Load(checkpoint).EpochsCompleted));
        var output = new Chain(writer, watch5);
        var r = Cli.Run(output, CancellationToken.None, Train("adam", 5, Path.Combine(dir, "out"), "--checkpoint-every", "2", "--checkpoint", checkpoint));
        Ok(r);
        Assert.Equal([2, 4], seen);
        // At the end the final state is written whatever N is.
        Assert.Equal(5, TrainingState.Load(checkpoint).EpochsCompleted);
        Assert.Contains($"checkpoint: {checkpoint} (after epoch 5)", r.Output);
    }

    /// <summary>A writer that passes its text to two OnMarker writers.</summary>
    private sealed class Chain(StringWriter a, StringWriter b) : StringWriter
    {
        public override void Write(char value) { base.Write(value); a.Write(value); b.Write(value); }
        public override void Write(string? value) { base.Write(value); a.Write(value); b.Write(value); }
        public override void WriteLine(string? value) { base.WriteLine(value); a.WriteLine(value); b.WriteLine(value); }
    }

    [Fact]
    public void Ctrl_C_writes_a_resumable_checkpoint_next_to_the_model_and_resuming_gives_the_uninterrupted_model()
    {
        var dir = Cli.TempFolder();
        string whole = Path.Combine(dir, "whole"), cut = Path.Combine(dir, "cut"), rest = Path.Combine(dir, "rest");
        Ok(Cli.Run(Train("adam", 8, whole)));
        using var cancel = new CancellationTokenSource();
        var r = Cli.Run(new CancelOn("epoch   3/", cancel), cancel.Token, Train("adam", 8, cut));
        Assert.True(r.ExitCode == 130, $"exit {r.ExitCode}: {r.Error} {r.Output}");
        var checkpoint = Path.Combine(cut, "checkpoint.json");
        Assert.Contains($"checkpoint: {checkpoint} (after epoch 3)", r.Output);
        Assert.Contains($"to continue: the same command with --resume {checkpoint} --epochs 5", r.Output);
        Assert.Equal(3, TrainingState.Load(checkpoint).EpochsCompleted);
        Ok(Cli.Run(Train("adam", 5, rest, "--resume", checkpoint)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "model.json")), File.ReadAllBytes(Path.Combine(rest, "model.json")));
    }

    [Fact]
    public void A_resume_under_another_optimizer_network_or_data_is_refused_with_one_line()
    {
        var dir = Cli.TempFolder();
        var checkpoint = Path.Combine(dir, "c.json");
        Ok(Cli.Run(Train("adam", 2, Path.Combine(dir, "a"), "--checkpoint", checkpoint)));
        void Refused(string expected, params string[] args)
        {
            var r = Cli.Run(args);
            Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error} {r.Output}");
            Assert.Contains(expected, r.Error);
            Assert.Single(r.Error.Trim().Split('\n'));
            Assert.DoesNotContain("   at ", r.Error + r.Output);
        }
        var output = Path.Combine(dir, "b");
        Refused("--resume: the checkpoint was trained with adam (beta1 0.9, beta2 0.999, epsilon 1E-08) but --optimizer gives momentum (momentum 0.9)",
            Train("momentum", 2, output, "--resume", checkpoint));
        Refused("but these settings build 4-16-3",
            [.. Train("adam", 2, output, "--resume", checkpoint).Select(a => a == "8" ? "16" : a)]);
        Refused("--resume: the checkpoint's network takes 4 features and has 3 outputs but the data has 2 features and 2 outputs",
            [.. Train("adam", 2, output, "--resume", checkpoint).Select(a => a == "iris" ? "moons" : a)]);
        var plain = Path.Combine(dir, "a", "model.json");
        Refused("has no training state", Train("adam", 2, output, "--resume", plain));
        Refused($"--resume: the checkpoint '{Path.Combine(dir, "none.json")}' does not exist", Train("adam", 2, output, "--resume", Path.Combine(dir, "none.json")));
        Refused("--checkpoint-every: must be at least 1, got 0", Train("adam", 2, output, "--checkpoint-every", "0"));
        Assert.False(Directory.Exists(output));
    }
}
