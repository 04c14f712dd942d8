using System.ComponentModel;
using Hybrid.Cli.Reporting;
using Spectre.Console;
using Spectre.Console.Cli;
using static Hybrid.Cli.Commands.Experiments.ExperimentOutput;

namespace Hybrid.Cli.Commands.Experiments;

/// <summary>The options of <c>hybrid experiment two-layer</c>.</summary>
public sealed class TwoLayerSettings : ExperimentSettings
{
    /// <summary>Gradient-descent steps.</summary>
    [CommandOption("--steps <N>")]
    [Description("Gradient-descent steps (slides: 2000); the loss is printed every 100.")]
    [DefaultValue(2000)]
    public int Steps { get; init; } = 2000;

    /// <inheritdoc />
    public override ValidationResult Validate() => Steps < 1 ? ValidationResult.Error($"--steps: must be at least 1, got {Steps}.") : ValidationResult.Success();
}

/// <summary>
/// <c>hybrid experiment two-layer</c> (S29): the "20 lines" network. N, D_in, H, D_out = 64, 1000,
/// 100, 10; x, y ~ randn; sigmoid hidden layer, linear output, sum-of-squares loss, plain gradient
/// descent at η = 1e-4 on the whole batch; the loss every 100 steps.
/// </summary>
public sealed class TwoLayerCommand(IAnsiConsole console) : Command<TwoLayerSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, TwoLayerSettings settings, CancellationToken cancellationToken)
    {
        const int n = 64, dIn = 1000, h = 100, dOut = 10;
        // randn draws through the façade's seeded N(0, 1) initialiser.
        var x = Initializer.Normal(1.0, settings.Seed).CreateWeights(n, dIn);
        var y = Initializer.Normal(1.0, settings.Seed + 1).CreateWeights(n, dOut);
        var network = Network.Create(dIn).Dense(h, Activation.Sigmoid).Dense(dOut, Activation.Identity).Build(Initializer.Normal(1.0, settings.Seed + 2));
        var trainer = new Trainer(Loss.SumOfSquares, Optimizer.Sgd(1e-4)) { BatchSize = n, Epochs = settings.Steps, Seed = settings.Seed };
        var start = network.ComputeLoss(Loss.SumOfSquares, x, y);
        var result = trainer.Fit(network, x, y, null, cancellationToken);
        var table = new Table().AddColumns("step", "loss");
        var rows = new List<IReadOnlyList<string>> { new[] { "0", F(start, "F2") } };
        table.AddRow("0", F(start, "F2"));
        foreach (var r in result.History.Where(r => r.Epoch % 100 == 0 || r.Epoch == result.History.Count))
        {
            table.AddRow(r.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), F(r.TrainingLoss, "F2"));
            rows.Add([r.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), F(r.TrainingLoss, "F2")]);
        }
        console.Write(table);
        var report = new HtmlReport("hybrid experiment two-layer (S29)")
            .Setting("N, D_in, H, D_out", "64, 1000, 100, 10").Setting("hidden", "sigmoid").Setting("loss", "sum of squares")
            .Setting("optimiser", trainer.Optimizer.Name).Setting("steps", settings.Steps).Setting("seed", settings.Seed);
        report.Table("Loss every 100 steps", ["step", "loss"], rows);
        report.Add(Charts.Lines("loss", "Sum-of-squares loss by step", "step", "loss",
            [new Series("training loss", result.History.Select(r => (double)r.Epoch).ToArray(), result.History.Select(r => r.TrainingLoss).ToArray())], logY: true));
        Save(console, report, settings, "two-layer");
        return Program.Success;
    }
}
