using System.Diagnostics;
using System.Globalization;
using Hybrid.Cli.Data;
using Hybrid.Cli.Infrastructure;
using Hybrid.Cli.Reporting;
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
        var report = new HtmlReport($"hybrid train — {settings.Data}");
        var clock = Stopwatch.StartNew();
        var data = LoadedData.Load(settings.Data);
        var loadTime = clock.Elapsed;
        var (train, validation, test) = Splits.Make(data, settings.TestSplit, settings.ValidationSplit, settings.Seed);

        var network = NetworkFactory.Build(settings, data.FeatureCount, data.ClassCount);
        var loss = Names.LossOf("--loss", settings.Loss);
        var trainer = new Trainer(loss, Names.OptimizerOf("--optimizer", settings.Optimizer, settings.LearningRate))
        {
            BatchSize = settings.BatchSize,
            Epochs = settings.Epochs,
            Seed = settings.Seed,
            WeightDecay = settings.L2,
            Schedule = Names.ScheduleOf("--schedule", settings.Schedule),
            Patience = settings.EarlyStopping == "none" ? 0 : settings.Patience,
            RestoreBestWeights = settings.EarlyStopping != "none",
        };
        var output = settings.Output ?? Path.Combine("runs", $"train-{Path.GetFileNameWithoutExtension(settings.Data)}-{DateTime.Now:yyyyMMdd-HHmmss}");

        console.MarkupLine($"[bold]hybrid train[/] {Markup.Escape(data.Name)}: {data.X.Length} rows, {data.FeatureCount} features, {data.ClassCount} classes; "
                           + $"train {train.X.Length}, validation {validation?.X.Length ?? 0}, test {test?.X.Length ?? 0}");
        console.MarkupLine($"network {Markup.Escape(NetworkFactory.Describe(network))}, {network.ParameterCount} parameters; {Markup.Escape(trainer.Optimizer.Name)}, batch {settings.BatchSize}, up to {settings.Epochs} epochs");

        clock.Restart();
        TrainingResult result;
        bool cancelled = false;
        try
        {
            result = TrainingDisplay.Run(console, settings.Plain, settings.Epochs, progress =>
                validation is null
                    ? trainer.Fit(network, train.X, train.Labels, progress, cancellationToken)
                    : trainer.Fit(network, train.X, train.Labels, validation.X, validation.Labels, progress, cancellationToken));
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
            console.MarkupLine("[yellow]Training cancelled: nothing to keep.[/]");
            return 130;
        }
        var trainTime = clock.Elapsed;

        clock.Restart();
        var model = result.Network;
        var rows = new List<(string Set, Evaluation E)> { ("training", model.Evaluate(train.X, train.Labels, loss)) };
        if (validation is not null) rows.Add(("validation", model.Evaluate(validation.X, validation.Labels, loss)));
        if (test is not null) rows.Add(("test", model.Evaluate(test.X, test.Labels, loss)));
        var evalTime = clock.Elapsed;

        Directory.CreateDirectory(output);
        var modelPath = Path.Combine(output, "model.json");
        model.Save(modelPath);

        int epochs = result.EpochsCompleted;
        double samplesPerSecond = trainTime.TotalSeconds > 0 ? (double)train.X.Length * epochs / trainTime.TotalSeconds : 0;
        var summary = new Table().Title("summary").AddColumns("set", "rows", "loss", "accuracy");
        foreach (var (set, e) in rows)
            summary.AddRow(set, e.Count.ToString(CultureInfo.InvariantCulture), e.Loss.ToString("F4", CultureInfo.InvariantCulture), e.Accuracy.ToString("P2", CultureInfo.InvariantCulture));
        console.Write(summary);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epochs {epochs} (best {result.BestEpoch}; {result.StopReason}{(cancelled ? ", cancelled" : "")}), training time {trainTime.TotalSeconds:F2} s, {samplesPerSecond:F0} samples/s"));
        console.WriteLine(result.Message);

        var finalRows = rows.Select(r => (IReadOnlyList<string>)[r.Set, r.E.Count.ToString(CultureInfo.InvariantCulture), r.E.Loss.ToString("F4", CultureInfo.InvariantCulture), r.E.Accuracy.ToString("P2", CultureInfo.InvariantCulture)]);
        report.Setting("data", data.Name).Setting("rows (train / validation / test)", $"{train.X.Length} / {validation?.X.Length ?? 0} / {test?.X.Length ?? 0}")
              .Setting("network", NetworkFactory.Describe(network)).Setting("parameters", network.ParameterCount)
              .Setting("initialiser", settings.Init).Setting("loss", loss.Name).Setting("optimiser", trainer.Optimizer.Name)
              .Setting("schedule", trainer.Schedule.Name).Setting("batch size", settings.BatchSize).Setting("max epochs", settings.Epochs)
              .Setting("L2", settings.L2).Setting("dropout", settings.Dropout).Setting("early stopping", $"{settings.EarlyStopping}, patience {settings.Patience}")
              .Setting("preprocessing", settings.Preprocess).Setting("seed", settings.Seed)
              .Setting("epochs run", epochs).Setting("best epoch", result.BestEpoch).Setting("stop", result.Message)
              .Setting("samples/s", Math.Round(samplesPerSecond));
        report.Timing("load", loadTime).Timing("train", trainTime).Timing("evaluate", evalTime);
        report.Heading("Results").Table("Loss and accuracy", ["set", "rows", "loss", "accuracy"], finalRows);
        TrainingReport.AddCurves(report, result.History);
        var (confusionSet, confusionEval) = rows[^1];
        report.Heading("Confusion matrix").Add(Charts.Confusion("confusion", $"Confusion matrix ({confusionSet} set)", confusionEval.ConfusionMatrix, data.ClassNames));
        if (data.FeatureCount == 2)
            report.Heading("Decision boundary").Add(TrainingReport.Boundary(model, data));
        report.Timing("total", total.Elapsed);
        var reportPath = Path.Combine(output, "report.html");
        report.Save(reportPath);
        console.WriteLine($"model:  {modelPath}");
        console.WriteLine($"report: {reportPath}");
        return Program.Success;
    }
}
