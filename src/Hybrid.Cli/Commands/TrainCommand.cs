using System.Diagnostics;
using System.Globalization;
using Hybrid.Cli.Data;
using Hybrid.Cli.Infrastructure;
using Hybrid.Cli.Reporting;
using Hybrid.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Hybrid.Cli.Commands;

/// <summary><c>hybrid train</c>: load, split, preprocess, build, train (live display), evaluate, save the model and write the report.</summary>
public sealed class TrainCommand(IAnsiConsole console) : Command<TrainSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var report = new HtmlReport($"hybrid train — {Path.GetFileName(settings.Data)}");
        var clock = Stopwatch.StartNew();
        var raw = DataSource.Labelled(DataSource.Load("--data", settings.Data, settings), "--data");
        var classNames = DataSource.ClassNames(raw);
        // A test set in its own file: read as the data is, its labels numbered as the training data's classes.
        var testFile = settings.TestFile is { } testPath
            ? TestFile(DataSource.LoadFile("--test-file", testPath, settings.TestLabels, "--test-labels", settings), testPath, raw, settings.Data)
            : null;
        var loadTime = clock.Elapsed;
        clock.Restart();
        // Stratified splits: test first (unless the test set is a file), then validation out of the rest (a different seed).
        var (rest, rawTest) = testFile is not null ? (raw, testFile)
            : settings.TestShare > 0 ? raw.TrainTestSplit(settings.TestShare, settings.Seed) : (raw, (DataSet?)null);
        var (rawTrain, rawValidation) = settings.ValidationSplit > 0 ? rest.TrainTestSplit(settings.ValidationSplit, settings.Seed + 1) : (rest, (DataSet?)null);
        var (preprocessor, preprocessWarning) = Preprocessing.Choose(settings.Preprocess, rawTrain);
        if (preprocessWarning is not null) Errors.Warn(preprocessWarning);
        var train = preprocessor.Transform(rawTrain);
        var validation = rawValidation is null ? null : preprocessor.Transform(rawValidation);
        var test = rawTest is null ? null : preprocessor.Transform(rawTest);
        var prepareTime = clock.Elapsed;

        var network = NetworkFactory.Build(settings, train.FeatureCount, raw.ClassCount);
        var output = settings.Output ?? Path.Combine("runs", $"train-{Path.GetFileNameWithoutExtension(settings.Data)}-{DateTime.Now:yyyyMMdd-HHmmss}");
        // Checkpoints: --checkpoint, else checkpoint.json next to the model (written on Ctrl+C, and every N epochs if asked).
        var checkpointPath = settings.Checkpoint ?? Path.Combine(output, "checkpoint.json");
        var checkpointModel = new Model(network, preprocessor, classNames); // the checkpoint's preprocessing and class names
        var loss = Names.LossOf("--loss", settings.Loss);
        EarlyStoppingMetric? stopping = settings.EarlyStopping.ToLowerInvariant() switch
        {
            "accuracy" => EarlyStoppingMetric.Accuracy,
            "loss" => EarlyStoppingMetric.Loss,
            "none" => null,
            _ => throw new UsageException($"--early-stopping: '{settings.EarlyStopping}' is not one of accuracy, loss, none."),
        };
        var trainer = new Trainer(loss, Names.OptimizerOf("--optimizer", settings.Optimizer, settings.LearningRate))
        {
            BatchSize = settings.BatchSize,
            Epochs = settings.Epochs,
            Seed = settings.Seed,
            WeightDecay = settings.L2,
            Schedule = Names.ScheduleOf("--schedule", settings.Schedule),
            Patience = stopping is null ? 0 : settings.Patience,
            Monitor = stopping ?? EarlyStoppingMetric.Loss,
            RestoreBestWeights = stopping is not null,
            Precision = settings.PrecisionValue ?? Precision.Double,
            // Every N epochs (numbered on from a resumed checkpoint's), the state after the epoch, saved atomically.
            AfterEpoch = settings.Checkpoints
                ? state => { if (state.EpochsCompleted % (settings.CheckpointEvery ?? 1) == 0) state.Save(checkpointPath, checkpointModel); }
                : null,
        };
        var resumed = settings.Resume is { } resumePath ? Resumable(resumePath, network, trainer) : null;
        if (settings.Checkpoints) CreateFolderOf(checkpointPath);
        int first = resumed?.EpochsCompleted ?? 0, maxEpochs = first + settings.Epochs;

        console.MarkupLine($"[bold]hybrid train[/] {Markup.Escape(raw.Name)}: {raw.RowCount} rows, {raw.FeatureCount} features, {raw.ClassCount} classes; "
                           + (testFile is null
                               ? $"train {train.RowCount}, validation {validation?.RowCount ?? 0}, test {test?.RowCount ?? 0} (stratified); "
                               : $"train {train.RowCount}, validation {validation?.RowCount ?? 0} (stratified); {Markup.Escape(TestSetLine(testFile))}; ")
                           + $"preprocessing {Markup.Escape(preprocessor.ToString())}");
        console.MarkupLine($"network {Markup.Escape(NetworkFactory.Describe(network))}, {network.ParameterCount} parameters; {Markup.Escape(trainer.Optimizer.Name)}, batch {settings.BatchSize}, up to {settings.Epochs} epochs"
                           + (resumed is null ? "" : $", resuming after epoch {first} of {Markup.Escape(settings.Resume!)}"));

        clock.Restart();
        TrainingResult result;
        bool cancelled = false;
        try
        {
            result = TrainingDisplay.Run(console, settings.Plain, maxEpochs, progress =>
                (resumed, validation) switch
                {
                    (null, null) => trainer.Fit(network, train.Features, train.Targets, progress, cancellationToken),
                    (null, _) => trainer.Fit(network, train.Features, train.Targets, validation.Features, validation.Targets, progress, cancellationToken),
                    (_, null) => trainer.Resume(resumed, train.Features, train.Targets, progress, cancellationToken),
                    _ => trainer.Resume(resumed, train.Features, train.Targets, validation.Features, validation.Targets, progress, cancellationToken),
                });
            if (settings.Checkpoints)
            {
                result.State.Save(checkpointPath, checkpointModel);
                console.WriteLine($"checkpoint: {checkpointPath} (after epoch {result.State.EpochsCompleted})");
            }
        }
        catch (OverflowException e) { throw Overflowed(e); }
        catch (TrainingCanceledException e)
        {
            cancelled = true;
            result = e.PartialResult;
            // The state at the start of the interrupted epoch: --resume continues as if never stopped.
            if (result.State.EpochsCompleted > first)
            {
                CreateFolderOf(checkpointPath);
                result.State.Save(checkpointPath, checkpointModel);
                console.WriteLine($"checkpoint: {checkpointPath} (after epoch {result.State.EpochsCompleted})");
                console.WriteLine($"to continue: the same command with --resume {checkpointPath} --epochs {maxEpochs - result.State.EpochsCompleted}");
            }
            if (result.EpochsCompleted == 0)
            {
                console.WriteLine("Training cancelled before the first epoch ended: nothing to keep.");
                return Program.Cancelled;
            }
            console.WriteLine($"Training cancelled after {result.EpochsCompleted} epochs: keeping the model of epoch {(result.RestoredBestWeights ? result.BestEpoch : result.EpochsCompleted)}.");
        }
        var trainTime = clock.Elapsed;

        clock.Restart();
        var model = result.Network;
        var rows = new List<(string Set, Evaluation E)>();
        try
        {
            rows.Add(("training", model.Evaluate(train.Features, train.Targets, loss)));
            if (validation is not null) rows.Add(("validation", model.Evaluate(validation.Features, validation.Targets, loss)));
            if (test is not null) rows.Add(("test", model.Evaluate(test.Features, test.Targets, loss)));
        }
        catch (OverflowException e) { throw Overflowed(e); }
        var evalTime = clock.Elapsed;

        Directory.CreateDirectory(output);
        var modelPath = Path.Combine(output, "model.json");
        new Model(model, preprocessor, classNames).Save(modelPath); // network + fitted preprocessing + class names

        int epochs = result.EpochsCompleted;
        double samplesPerSecond = trainTime.TotalSeconds > 0 ? (double)train.RowCount * epochs / trainTime.TotalSeconds : 0;
        var summary = new Table().Title("summary").AddColumns("set", "rows", "loss", "accuracy");
        foreach (var (set, e) in rows)
            summary.AddRow(set, e.Count.ToString(CultureInfo.InvariantCulture), e.Loss.ToString("F4", CultureInfo.InvariantCulture), e.Accuracy.ToString("P2", CultureInfo.InvariantCulture));
        console.Write(summary);
        if (testFile is not null) console.WriteLine(TestSetLine(testFile));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epochs {epochs} (best {result.BestEpoch}; {result.StopReason}{(cancelled ? ", cancelled" : "")}), training time {trainTime.TotalSeconds:F2} s, {samplesPerSecond:F0} samples/s"));
        if (TrainingTiming.Note(result.History) is { } note) console.WriteLine(note);
        console.WriteLine(result.Message);

        var finalRows = rows.Select(r => (IReadOnlyList<string>)[r.Set, r.E.Count.ToString(CultureInfo.InvariantCulture), r.E.Loss.ToString("F4", CultureInfo.InvariantCulture), r.E.Accuracy.ToString("P2", CultureInfo.InvariantCulture)]);
        report.Setting("data", raw.Name).Setting("rows (train / validation / test)", $"{train.RowCount} / {validation?.RowCount ?? 0} / {test?.RowCount ?? 0}")
              .Setting("network", NetworkFactory.Describe(network)).Setting("parameters", network.ParameterCount)
              .Setting("initialiser", settings.Init).Setting("loss", loss.Name).Setting("optimiser", trainer.Optimizer.Name)
              .Setting("schedule", trainer.Schedule.Name).Setting("batch size", settings.BatchSize).Setting("max epochs", settings.Epochs)
              .Setting("L2", settings.L2).Setting("dropout", settings.Dropout).Setting("early stopping", $"{settings.EarlyStopping}, patience {settings.Patience}")
              .Setting("preprocessing", preprocessor.ToString()).Setting("precision", trainer.Precision.ToString().ToLowerInvariant()).Setting("seed", settings.Seed)
              .Setting("epochs run", epochs).Setting("best epoch", result.BestEpoch).Setting("stop", result.Message)
              .Setting("samples/s", Math.Round(samplesPerSecond));
        if (testFile is not null) report.Setting("test set", $"{testFile.Name} ({testFile.RowCount} rows)");
        foreach (var (set, e) in rows)
            report.Result($"{set} accuracy", e.Accuracy).Result($"{set} loss", e.Loss);
        report.Result("epochs", epochs).Result("samples per second", samplesPerSecond);
        report.Timing("load", loadTime).Timing("split and preprocess", prepareTime).Timing("train", trainTime).Timing("evaluate", evalTime);
        report.Heading("Results").Table("Loss and accuracy", ["set", "rows", "loss", "accuracy"], finalRows);
        TrainingReport.AddCurves(report, result.History);
        var (confusionSet, confusionEval) = rows[^1];
        report.Heading("Confusion matrix").Add(Charts.Confusion("confusion", $"Confusion matrix ({confusionSet} set)", confusionEval.ConfusionMatrix, classNames));
        if (raw.FeatureCount == 2)
            report.Heading("Decision boundary").Add(TrainingReport.Boundary(model, preprocessor, raw.GetFeatures(), raw.GetLabels(), classNames));
        report.Timing("total", total.Elapsed);
        var reportPath = Path.Combine(output, "report.html");
        report.Save(reportPath);
        console.WriteLine($"model:  {modelPath}");
        console.WriteLine($"report: {reportPath}");
        return cancelled ? Program.Cancelled : Program.Success;
    }

    /// <summary>
    /// The state in the checkpoint of --resume, checked against this run's settings: the network the settings and data build
    /// (same inputs, layers, activations, dropout and outputs) and the optimizer (its moments are that optimizer's).
    /// </summary>
    private static TrainingState Resumable(string path, Network built, Trainer trainer)
    {
        TrainingState state;
        try { state = TrainingState.Load(path); }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw new UsageException($"--resume: {e.Message}");
        }
        catch (FileNotFoundException) { throw new UsageException($"--resume: the checkpoint '{path}' does not exist."); }
        var saved = state.Network;
        if (saved.InputCount != built.InputCount || saved.OutputCount != built.OutputCount)
            throw new UsageException($"--resume: the checkpoint's network takes {saved.InputCount} features and has {saved.OutputCount} outputs but the data has {built.InputCount} features and {built.OutputCount} outputs: give the data of the first run.");
        string had = NetworkFactory.Describe(saved), wants = NetworkFactory.Describe(built);
        if (had != wants)
            throw new UsageException($"--resume: the checkpoint's network is {had} but these settings build {wants}: give the --layers, --activation, --output-activation and --dropout of the first run.");
        var rule = Hybrid.Core.Interop.Trainings.RuleOf(state.Core);
        if (!rule.Equals(trainer.Optimizer.Rule))
            throw new UsageException($"--resume: the checkpoint was trained with {RuleName(rule)} but --optimizer gives {RuleName(trainer.Optimizer.Rule)}: resume with the optimizer of the first run (its moments are that optimizer's).");
        return state;
    }

    /// <summary>"adam (beta1 0.9, beta2 0.999, epsilon 1E-08)".</summary>
    private static string RuleName(Hybrid.Core.UpdateRule rule)
    {
        var values = Hybrid.Core.Interop.Trainings.RuleValues(rule, out var name);
        var names = Hybrid.Core.Interop.Registries.UpdateRules.First(e => e.Cli == name).ParameterNames;
        return values.Length == 0 ? name
            : $"{name} ({string.Join(", ", values.Select((v, i) => string.Create(CultureInfo.InvariantCulture, $"{names[i]} {v}")))})";
    }

    private static void CreateFolderOf(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
    }

    /// <summary>What the summary says of a test set read from its own file.</summary>
    private static string TestSetLine(DataSet testFile) => $"test set: {testFile.Name} ({testFile.RowCount} rows)";

    /// <summary>
    /// The test file's rows with their labels renumbered as the training data's classes (matched by name: the loaders number
    /// string labels in sorted order of the labels present, so a test file with fewer classes numbers them differently).
    /// Refuses a feature count that differs from the training data's and a class no training row has.
    /// </summary>
    private static DataSet TestFile(DataSet test, string path, DataSet train, string trainSource)
    {
        if (test.FeatureCount != train.FeatureCount)
            throw new UsageException($"--test-file: '{path}' has {test.FeatureCount} feature columns but --data '{trainSource}' has {train.FeatureCount}: they must match.");
        var trainNames = DataSource.ClassNames(train);
        var trainCounts = train.ClassCounts();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < trainNames.Count; c++)
            if (trainCounts[c] > 0) index[trainNames[c]] = c;
        var testNames = DataSource.ClassNames(test);
        var labels = test.GetLabels();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!index.TryGetValue(testNames[labels[i]], out var c))
                throw new UsageException($"--test-file: '{path}' has the class label '{testNames[labels[i]]}' (data row {i + 1}), which no row of --data '{trainSource}' has.");
            labels[i] = c;
        }
        return DataSet.FromLabels(test.GetFeatures(), labels, trainNames, test.FeatureNames, test.Name);
    }

    /// <summary>Weights or data so large that the forward pass overflowed (while training or evaluating): an input problem, named with what to change.</summary>
    private static UsageException Overflowed(OverflowException e) =>
        new($"training overflowed: {e.Message} Give a smaller --learning-rate or scale the data (--preprocess standardize).");
}
