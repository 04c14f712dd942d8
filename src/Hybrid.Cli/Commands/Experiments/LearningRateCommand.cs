using System.ComponentModel;
using Hybrid.Cli.Reporting;
using Hybrid.Data;
using Spectre.Console;
using Spectre.Console.Cli;
using static Hybrid.Cli.Commands.Experiments.ExperimentOutput;

namespace Hybrid.Cli.Commands.Experiments;

/// <summary>The options of <c>hybrid experiment learning-rate</c>.</summary>
public sealed class LearningRateSettings : ExperimentSettings
{
    /// <summary>Epochs per rate.</summary>
    [CommandOption("--epochs <N>")]
    [Description("Epochs per learning rate.")]
    [DefaultValue(30)]
    public int Epochs { get; init; } = 30;

    /// <summary>The rates.</summary>
    [CommandOption("--rates <LIST>")]
    [Description("Comma-separated learning rates: too small, good, too large.")]
    [DefaultValue("0.0001,0.1,20")]
    public string Rates { get; init; } = "0.0001,0.1,20";

    /// <inheritdoc />
    public override ValidationResult Validate() => Epochs < 1 ? ValidationResult.Error($"--epochs: must be at least 1, got {Epochs}.") : ValidationResult.Success();
}

/// <summary>
/// <c>hybrid experiment learning-rate</c> (S27): the same 64-32-10 network on the standardised
/// digits trained by minibatch gradient descent at a learning rate too small (the loss barely
/// moves), a good one, and one too large (the loss jumps or diverges); loss curves in the report.
/// </summary>
public sealed class LearningRateCommand(IAnsiConsole console) : Command<LearningRateSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, LearningRateSettings settings, CancellationToken cancellationToken)
    {
        var rates = settings.Rates.Split(',', StringSplitOptions.TrimEntries).Select(r => Infrastructure.Names.Double("--rates", r)).ToArray();
        var digits = DataSets.Digits();
        var data = Preprocessor.FitStandardize(digits.Features).Transform(digits);
        var start = Network.Create(64).Dense(32, Activation.ReLU).Dense(10, Activation.Softmax).Build(Initializer.HeNormal(settings.Seed));
        var table = new Table().AddColumns("learning rate", "first epoch loss", "last loss", "accuracy", "epochs", "how it ended");
        var rows = new List<IReadOnlyList<string>>();
        var series = new List<Series>();
        foreach (var rate in rates)
        {
            var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(rate)) { BatchSize = 32, Epochs = settings.Epochs, Seed = settings.Seed };
            var result = trainer.Fit(start, data.Features, data.Targets, null, cancellationToken);
            var e = result.Network.Evaluate(data.Features, data.Targets);
            var h = result.History;
            string[] row = [F(rate), h.Count > 0 ? F(h[0].TrainingLoss) : "-", h.Count > 0 ? F(h[^1].TrainingLoss) : "-", F(e.Accuracy, "P1"),
                            result.EpochsCompleted.ToString(System.Globalization.CultureInfo.InvariantCulture), result.StopReason.ToString()];
            table.AddRow(row.Select(Markup.Escape).ToArray());
            rows.Add(row);
            series.Add(new Series($"η = {F(rate)}", h.Select(r => (double)r.Epoch).ToArray(), h.Select(r => r.TrainingLoss).ToArray()));
        }
        console.Write(table);
        var report = new HtmlReport("hybrid experiment learning-rate (S27)")
            .Setting("data", "digits, standardised").Setting("network", "64-32-10 (ReLU, Softmax), He normal")
            .Setting("optimiser", "SGD, batch 32").Setting("epochs", settings.Epochs).Setting("learning rates", string.Join(", ", rates.Select(r => F(r))));
        report.Table("Learning rates", ["learning rate", "first epoch loss", "last loss", "accuracy", "epochs", "how it ended"], rows);
        report.Add(Charts.Lines("loss", "Training loss by epoch (log scale)", "epoch", "loss", series, logY: true));
        Save(console, report, settings, "learning-rate");
        return Program.Success;
    }
}
