namespace Hybrid.Tests;

/// <summary>
/// Checkpoint files (TrainingState.Save and Load, docs/model-format.md "Checkpoints"): a run of a
/// epochs saved, loaded and resumed for b more is the run of a + b epochs, to the bit, for rules
/// with both moments, one, or none; the "training" section is read under the same hostile-input
/// rules as the rest of the file; a checkpoint also loads as a plain model.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly double[][] X = Enumerable.Range(0, 50).Select(i => new[] { Math.Sin(i), Math.Cos(1.7 * i), i % 3 - 1.0 }).ToArray();
    private static readonly int[] Y = X.Select(r => r[0] + r[1] > 0 ? 1 : 0).ToArray();

    private static Network Net() =>
        Network.Create(3).Dense(8, Activation.PReLU(0.2)).Dropout(0.25).Dense(2, Activation.Softmax).Build(Initializer.HeNormal(3));

    private static Optimizer OptimizerNamed(string name) => name switch
    {
        "adam" => Optimizer.Adam(0.02),
        "momentum" => Optimizer.Momentum(0.05, 0.8),
        "rmsprop" => Optimizer.RmsProp(0.01),
        _ => Optimizer.Sgd(0.1),
    };

    /// <summary>Sets the base rate after epoch 2 (kept in the state as its base rate).</summary>
    private sealed class HalveAtTwo : TrainingCallback
    {
        public override void OnEpochEnd(EpochEndContext context)
        {
            if (context.Report.Epoch == 2) context.SetLearningRate(context.LearningRate / 2);
        }
    }

    private static Trainer Trainer(string optimizer, int epochs, bool restoreBest = false) =>
        new(Loss.CrossEntropy, OptimizerNamed(optimizer))
        {
            Epochs = epochs, BatchSize = 16, Seed = 11, ValidationSplit = 0.2, Patience = 4, WeightDecay = 1e-3,
            Schedule = LearningRateSchedule.Exponential(0.9), RestoreBestWeights = restoreBest, Callbacks = [new HalveAtTwo()],
        };

    private static long[] Bits(Network n) => n.GetParameters().SelectMany(p => p.Values.Cast<double>()).Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static object[] Record(EpochReport r) =>
        [r.Epoch, BitConverter.DoubleToInt64Bits(r.LearningRate), BitConverter.DoubleToInt64Bits(r.TrainingLoss), BitConverter.DoubleToInt64Bits(r.TrainingAccuracy),
         r.ValidationLoss is { } l ? BitConverter.DoubleToInt64Bits(l) : 0L, r.IsBest];

    [Theory]
    [InlineData("adam", false)]
    [InlineData("adam", true)]
    [InlineData("momentum", false)]
    [InlineData("rmsprop", false)]
    [InlineData("sgd", false)]
    public void Fit_save_load_resume_equals_one_uninterrupted_run_bit_for_bit(string optimizer, bool restoreBest)
    {
        var whole = Trainer(optimizer, 5, restoreBest).Fit(Net(), X, Y);
        var first = Trainer(optimizer, 3, restoreBest).Fit(Net(), X, Y);
        var path = Path.Combine(_dir, "run.checkpoint.json");
        first.State.Save(path);
        var loaded = TrainingState.Load(path);
        Assert.Equal(3, loaded.EpochsCompleted);
        Assert.Equal(first.State.OptimizerSteps, loaded.OptimizerSteps);
        Assert.Equal(first.State.BestEpoch, loaded.BestEpoch);
        Assert.Equal(Bits(first.State.Network), Bits(loaded.Network));
        // Saved again, the loaded state writes the same bytes: every number round-trips.
        var again = Path.Combine(_dir, "again.json");
        loaded.Save(again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));

        var rest = Trainer(optimizer, 2, restoreBest).Resume(loaded, X, Y);
        Assert.Equal(whole.History.Select(Record), first.History.Concat(rest.History).Select(Record));
        Assert.Equal(Bits(whole.Network), Bits(rest.Network));
        Assert.Equal(Bits(whole.State.Network), Bits(rest.State.Network));
        Assert.Equal(whole.State.OptimizerSteps, rest.State.OptimizerSteps);
        Assert.Equal(whole.BestEpoch, rest.BestEpoch);
        Assert.Equal(whole.RestoredBestWeights, rest.RestoredBestWeights);
    }

    [Fact]
    public void The_state_after_each_epoch_is_the_state_a_run_of_that_many_epochs_ends_with()
    {
        // Trainer.AfterEpoch (the command line's --checkpoint-every): after epoch k, the state Fit for k epochs returns, saved to the same bytes.
        var seen = new List<byte[]>();
        var hooked = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.02))
        {
            Epochs = 4, BatchSize = 16, Seed = 11, ValidationSplit = 0.2, Patience = 4, WeightDecay = 1e-3, RestoreBestWeights = true,
            Schedule = LearningRateSchedule.Exponential(0.9), Callbacks = [new HalveAtTwo()],
            AfterEpoch = state =>
            {
                var path = Path.Combine(_dir, $"after{state.EpochsCompleted}.json");
                state.Save(path);
                seen.Add(File.ReadAllBytes(path));
            },
        };
        hooked.Fit(Net(), X, Y);
        Assert.Equal(4, seen.Count);
        for (int k = 1; k <= 4; k++)
        {
            var path = Path.Combine(_dir, $"fit{k}.json");
            Trainer("adam", k, restoreBest: true).Fit(Net(), X, Y).State.Save(path);
            Assert.Equal(File.ReadAllBytes(path), seen[k - 1]);
        }
    }

    [Fact]
    public void The_file_holds_only_the_moments_the_rule_keeps_and_NaN_as_null()
    {
        string Saved(string optimizer, int epochs)
        {
            var path = Path.Combine(_dir, optimizer + epochs + ".json");
            Trainer(optimizer, epochs).Fit(Net(), X, Y).State.Save(path);
            return File.ReadAllText(path);
        }
        var adam = Saved("adam", 1);
        Assert.Contains("\"version\":3", adam);
        Assert.Contains("\"optimizer\":{\"name\":\"adam\",\"beta1\":0.9,\"beta2\":0.999,\"epsilon\":1E-08}", adam);
        Assert.Contains("\"firstMoments\"", adam);
        Assert.Contains("\"secondMoments\"", adam);
        Assert.DoesNotContain("\"baseRate\"", adam);
        var momentum = Saved("momentum", 1);
        Assert.Contains("\"firstMoments\"", momentum);
        Assert.DoesNotContain("\"secondMoments\"", momentum);
        var sgd = Saved("sgd", 3);
        Assert.DoesNotContain("Moments\"", sgd);
        Assert.Contains("\"baseRate\":0.05", sgd);
        // No epoch completed: no best value, no first loss.
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var e = Assert.Throws<TrainingCanceledException>(() => Trainer("adam", 2).Fit(Net(), X, Y, null, cancel.Token));
        var path = Path.Combine(_dir, "none.json");
        e.PartialResult.State.Save(path);
        var text = File.ReadAllText(path);
        Assert.Contains("\"bestEpoch\":0,\"bestValue\":null", text);
        Assert.Contains("\"firstLoss\":null", text);
        var loaded = TrainingState.Load(path);
        Assert.Equal(0, loaded.EpochsCompleted);
        var rest = Trainer("adam", 2).Resume(loaded, X, Y);
        Assert.Equal(Bits(Trainer("adam", 2).Fit(Net(), X, Y).Network), Bits(rest.Network));
    }

    [Fact]
    public void A_checkpoint_loads_as_a_plain_model_and_a_plain_model_is_not_a_checkpoint()
    {
        var state = Trainer("adam", 2).Fit(Net(), X, Y).State;
        var path = Path.Combine(_dir, "c.json");
        state.Save(path);
        Assert.Equal(Bits(state.Network), Bits(Network.Load(path)));
        Assert.Equal(Bits(state.Network), Bits(Model.Load(path).Network));
        Assert.Equal(Bits(state.Network), Bits(Network.FromJson(File.ReadAllText(path))));
        var plain = Path.Combine(_dir, "plain.json");
        state.Network.Save(plain);
        var e = Assert.Throws<InvalidDataException>(() => TrainingState.Load(plain));
        Assert.Contains("has no training state", e.Message);
        Assert.Contains("plain.json", e.Message);
        Assert.Throws<ArgumentException>(() => state.Save(" "));
        Assert.Throws<ArgumentException>(() => state.Save(_dir));
        Assert.Throws<FileNotFoundException>(() => TrainingState.Load(Path.Combine(_dir, "missing.json")));
        Assert.Throws<ArgumentNullException>(() => TrainingState.Load(path, null!));
    }

    [Fact]
    public void A_state_loaded_from_a_checkpoint_resumes_only_under_its_optimizer()
    {
        var path = Path.Combine(_dir, "c.json");
        Trainer("adam", 1).Fit(Net(), X, Y).State.Save(path);
        var loaded = TrainingState.Load(path);
        var e = Assert.Throws<ArgumentException>(() => Trainer("momentum", 1).Resume(loaded, X, Y));
        Assert.Contains("same update rule", e.Message);
        // Adam with another beta1 is another rule.
        var other = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.02, beta1: 0.8)) { Epochs = 1 };
        Assert.Throws<ArgumentException>(() => other.Resume(loaded, X, Y));
    }

    // ------------------------------------------------------------------ hostile "training" sections

    /// <summary>The text of a checkpoint after one epoch of the rule (network 3-8-dropout-2: parameters layer 0 W (3×8), b, alpha, layer 2 W (8×2), b).</summary>
    private string Checkpoint(string optimizer = "adam", bool restoreBest = false)
    {
        var path = Path.Combine(_dir, "valid.json");
        Trainer(optimizer, 2, restoreBest).Fit(Net(), X, Y).State.Save(path);
        return File.ReadAllText(path);
    }

    private string Refused(string text)
    {
        var path = Path.Combine(_dir, "hostile.json");
        File.WriteAllText(path, text);
        var e = Assert.Throws<InvalidDataException>(() => TrainingState.Load(path));
        // A plain load reads the section too, and refuses it alike.
        Assert.Throws<InvalidDataException>(() => Network.Load(path));
        Assert.True(e.Message.Length < 600, e.Message);
        return e.Message;
    }

    /// <summary>The text with the first match of <paramref name="find"/> replaced (it must occur).</summary>
    private static string Replace(string text, string find, string with)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' not in the checkpoint");
        return text[..at] + with + text[(at + find.Length)..];
    }

    /// <summary>The text with the value of <paramref name="key"/> in "training" (a number, null or string) replaced by <paramref name="value"/>.</summary>
    private static string SetScalar(string text, string key, string value)
    {
        int training = text.IndexOf("\"training\"", StringComparison.Ordinal);
        int at = text.IndexOf($"\"{key}\":", training, StringComparison.Ordinal);
        Assert.True(at >= 0, key);
        int start = at + key.Length + 3, end = text.IndexOfAny([',', '}'], start);
        return text[..start] + value + text[end..];
    }

    /// <summary>The text without "key":value (an array value, balanced) in "training".</summary>
    private static string RemoveArray(string text, string key)
    {
        int at = text.IndexOf($",\"{key}\":[", StringComparison.Ordinal);
        Assert.True(at >= 0, key);
        int i = at + key.Length + 4, depth = 0;
        for (; ; i++)
        {
            if (text[i] == '[') depth++;
            else if (text[i] == ']' && --depth == 0) break;
        }
        return text[..at] + text[(i + 1)..];
    }

    [Fact]
    public void A_moment_of_the_wrong_shape_is_refused_naming_it()
    {
        var text = Checkpoint();
        // firstMoments 0 is layer 0 W, 3 rows of 8: drop its first row.
        int at = text.IndexOf("\"firstMoments\":[[", StringComparison.Ordinal) + "\"firstMoments\":[[".Length;
        int rowEnd = text.IndexOf("],", at, StringComparison.Ordinal);
        Assert.Contains("firstMoments 0 (layer 0 W) has 2 rows but the parameter has 3",
            Refused(text[..at] + text[(rowEnd + 2)..]));
        // A ninth value in the first row.
        Assert.Contains("firstMoments 0 (layer 0 W) row 0 has more values than the parameter's 8 columns",
            Refused(text[..rowEnd] + ",0.5" + text[rowEnd..]));
        // A short row in the second moments.
        int second = text.IndexOf("\"secondMoments\":[[[", StringComparison.Ordinal) + "\"secondMoments\":[[[".Length;
        int comma = text.IndexOf(',', second);
        Assert.Contains("secondMoments 0 (layer 0 W) row 0 has 7 values but the parameter has 8 columns",
            Refused(text[..second] + text[(comma + 1)..]));
        // One matrix too many, and one too few.
        int end = text.IndexOf("]]],\"secondMoments\"", StringComparison.Ordinal) + 2;
        Assert.Contains("firstMoments has more than 5 matrices", Refused(text[..end] + ",[[1]]" + text[end..]));
        Assert.Contains("firstMoments has 1 matrices but the network has 5 parameters",
            Refused(text[..(text.IndexOf("]],[", at, StringComparison.Ordinal) + 2)] + text[end..]));
    }

    [Fact]
    public void Duplicate_keys_in_the_section_and_its_optimizer_are_refused()
    {
        var text = Checkpoint();
        Assert.Contains("\"training\" has the key \"step\" more than once", Refused(Replace(text, "\"step\":", "\"step\":1,\"step\":")));
        Assert.Contains("\"training\" optimizer has the key \"beta1\" more than once", Refused(Replace(text, "\"beta1\":", "\"beta1\":0.5,\"beta1\":")));
        Assert.Contains("the model has the key \"training\" more than once",
            Refused(text[..^1] + text[text.IndexOf(",\"training\"", StringComparison.Ordinal)..]));
    }

    [Fact]
    public void NaN_and_non_numbers_where_none_is_allowed_are_refused()
    {
        var text = Checkpoint();
        Assert.Contains("\"training\" epochs must be a number", Refused(SetScalar(text, "epochs", "null")));
        Assert.Contains("\"training\" step must be an integer", Refused(SetScalar(text, "step", "2.5")));
        Assert.Contains("\"training\" sinceBest is -1 but must be >= 0", Refused(SetScalar(text, "sinceBest", "-1")));
        Assert.Contains("\"training\" bestValue must be a finite number when bestEpoch is", Refused(SetScalar(text, "bestValue", "null")));
        Assert.Contains("\"training\" bestValue must be a number, null (none)", Refused(SetScalar(text, "bestValue", "\"NaN\"")));
        Assert.Contains("\"training\" bestEpoch is 9 but only 2 epochs are completed", Refused(SetScalar(text, "bestEpoch", "9")));
        Assert.Contains("\"training\" baseRate must be a number", Refused(Replace(text, "\"sinceBest\":", "\"baseRate\":null,\"sinceBest\":")));
        Assert.Contains("\"training\" baseRate is \"0\" but must be > 0", Refused(Replace(text, "\"sinceBest\":", "\"baseRate\":0,\"sinceBest\":")));
        Assert.Contains("\"training\" baseRate must be a finite number", Refused(Replace(text, "\"sinceBest\":", "\"baseRate\":1e999,\"sinceBest\":")));
        int at = text.IndexOf("\"firstMoments\":[[[", StringComparison.Ordinal) + "\"firstMoments\":[[[".Length;
        Assert.Contains("firstMoments 0 (layer 0 W) row 0, column 0 must be a number",
            Refused(text[..at] + "null" + text[text.IndexOf(',', at)..]));
        Assert.Contains("firstMoments 0 (layer 0 W) row 0, column 0 must be a finite number",
            Refused(text[..at] + "1e400" + text[text.IndexOf(',', at)..]));
        int s = text.IndexOf("\"secondMoments\":[[[", StringComparison.Ordinal) + "\"secondMoments\":[[[".Length;
        Assert.Contains("secondMoments 0 (layer 0 W) row 0, column 0 is \"-1\" but a second moment must be >= 0",
            Refused(text[..s] + "-1" + text[text.IndexOf(',', s)..]));
        Assert.Contains("\"training\" optimizer beta1 must be a finite number", Refused(SetScalar(text, "beta1", "-1e999")));
        Assert.Contains("\"training\" optimizer \"adam\": beta1 must lie in [0, 1) but is 1.5.", Refused(SetScalar(text, "beta1", "1.5")));
    }

    [Fact]
    public void Missing_keys_and_moments_of_another_rule_are_refused()
    {
        var text = Checkpoint();
        foreach (var key in new[] { "epochs", "step", "bestEpoch", "sinceBest", "firstLoss" })
        {
            int at = text.IndexOf($"\"{key}\":", text.IndexOf("\"training\"", StringComparison.Ordinal), StringComparison.Ordinal);
            int end = text.IndexOfAny([',', '}'], at);
            var without = text[end] == ',' ? text[..at] + text[(end + 1)..] : text[..(at - 1)] + text[end..];
            Assert.Contains($"\"training\" has no \"{key}\"", Refused(without));
        }
        Assert.Contains("\"training\" has no \"secondMoments\" but optimizer \"adam\" keeps a second moment", Refused(RemoveArray(text, "secondMoments")));
        Assert.Contains("\"training\" has no \"firstMoments\" but optimizer \"adam\" keeps a first moment", Refused(RemoveArray(text, "firstMoments")));
        Assert.Contains("\"training\" optimizer \"adam\" has no \"beta2\"", Refused(Replace(text, "\"beta2\":0.999,", "")));
        Assert.Contains("\"training\" optimizer has no \"name\"", Refused(Replace(text, "\"name\":\"adam\",", "")));
        Assert.Contains("\"training\" optimizer has unknown name \"adamw\" (expected sgd, momentum", Refused(Replace(text, "\"name\":\"adam\"", "\"name\":\"adamw\"")));
        Assert.Contains("\"training\" optimizer \"adam\" has no hyper-parameter \"momentum\"", Refused(Replace(text, "\"beta1\":", "\"momentum\":0.9,\"beta1\":")));
        // An Adam state relabelled as momentum: its second moments are not momentum's.
        var momentum = Replace(text, "\"name\":\"adam\",\"beta1\":0.9,\"beta2\":0.999,\"epsilon\":1E-08", "\"name\":\"momentum\",\"momentum\":0.9");
        Assert.Contains("\"training\" has \"secondMoments\" but optimizer \"momentum\" keeps no second moment", Refused(momentum));
        Assert.Contains("\"training\" has \"firstMoments\" but optimizer \"sgd\" keeps no first moment",
            Refused(RemoveArray(Replace(text, "\"name\":\"adam\",\"beta1\":0.9,\"beta2\":0.999,\"epsilon\":1E-08", "\"name\":\"sgd\""), "secondMoments")));
        Assert.Contains("\"training\" has \"bestWeights\" but bestEpoch is 0", Refused(SetScalar(SetScalar(Checkpoint(restoreBest: true), "bestEpoch", "0"), "bestValue", "null")));
    }

    [Fact]
    public void Unknown_keys_in_the_section_are_skipped_as_elsewhere_up_to_64_per_object()
    {
        var text = Checkpoint();
        var path = Path.Combine(_dir, "unknown.json");
        // A newer writer's optional field, in the section and in its optimizer: skipped unread.
        File.WriteAllText(path, Replace(Replace(text, "\"step\":", "\"note\":{\"any\":[1,2]},\"step\":"), "\"beta1\":", "\"amsgrad\":false,\"beta1\":"));
        var loaded = TrainingState.Load(path);
        var original = Path.Combine(_dir, "original.json");
        File.WriteAllText(original, text);
        Assert.Equal(Bits(TrainingState.Load(original).Network), Bits(loaded.Network));
        var many = string.Concat(Enumerable.Range(0, 65).Select(i => $"\"x{i}\":0,"));
        Assert.Contains("\"training\" has more than 64 unknown keys", Refused(Replace(text, "\"step\":", many + "\"step\":")));
        Assert.Contains("\"training\" has the key \"x1\" more than once", Refused(Replace(text, "\"step\":", "\"x1\":0,\"x1\":0,\"step\":")));
    }

    [Fact]
    public void The_section_must_follow_the_layers_and_belongs_to_version_3()
    {
        var text = Checkpoint();
        Assert.Contains("\"training\" belongs to format version 3, but the file says version 2", Refused(Replace(text, "\"version\":3", "\"version\":2")));
        int training = text.IndexOf(",\"training\"", StringComparison.Ordinal);
        var section = text[(training + 1)..^1];
        var moved = Replace(text[..training] + "}", "\"format\"", section + ",\"format\"");
        Assert.Contains("\"training\" must come after \"layers\"", Refused(moved));
        Assert.Contains("\"training\" must be an object", Refused(text[..training] + ",\"training\":[]}"));
        Assert.Contains("version 4, written by a newer Hybrid", Refused(Replace(text, "\"version\":3", "\"version\":4")));
    }

    [Fact]
    public void Oversized_and_truncated_sections_fail_before_allocating()
    {
        // A wide network: its first moment declares 200 × 300 numbers, far more than the bytes left.
        var net = Network.Create(200).Dense(300, Activation.Tanh).Dense(2, Activation.Softmax).Build(Initializer.Default(1));
        var x = Enumerable.Range(0, 4).Select(i => Enumerable.Range(0, 200).Select(j => Math.Sin(i + j)).ToArray()).ToArray();
        var state = new Trainer(Loss.CrossEntropy, Optimizer.Adam()) { Epochs = 1 }.Fit(net, x, new[] { 0, 1, 0, 1 }).State;
        var path = Path.Combine(_dir, "wide.json");
        state.Save(path);
        var text = File.ReadAllText(path);
        int at = text.IndexOf("\"firstMoments\":[[", StringComparison.Ordinal) + "\"firstMoments\":[[".Length;
        Assert.Contains("firstMoments 0 (layer 0 W) must hold 60000 numbers but only", Refused(text[..at] + "[0]]]}}"));
        // The file limit counts the section.
        long length = new FileInfo(path).Length;
        int layersEnd = text.IndexOf(",\"training\"", StringComparison.Ordinal);
        var limits = new ModelLimits(layersEnd + 10, 10);
        var e = Assert.Throws<InvalidDataException>(() => TrainingState.Load(path, limits));
        Assert.Contains($"the file has {length} bytes, more than the limit", e.Message);
        // Truncated inside the section.
        Assert.Contains("truncated", Refused(text[..(at + 100)]));
    }
}
