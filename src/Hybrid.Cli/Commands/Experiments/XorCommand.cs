using Hybrid.Cli.Reporting;
using Hybrid.Data;
using Hybrid.Lessons;
using Spectre.Console;
using Spectre.Console.Cli;
using static Hybrid.Cli.Commands.Experiments.ExperimentOutput;

namespace Hybrid.Cli.Commands.Experiments;

/// <summary>
/// <c>hybrid experiment xor</c> (S01, S15): a perceptron cannot learn XOR (it never stops making
/// mistakes); a 2-4-2 tanh/softmax network trained with Adam classifies all four points; the
/// report draws its decision boundary.
/// </summary>
public sealed class XorCommand(IAnsiConsole console) : Command<ExperimentSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, ExperimentSettings settings, CancellationToken cancellationToken)
    {
        var gate = LogicGates.Xor;
        var perceptron = new Perceptron(2, settings.Seed).Fit(gate.Inputs, gate.Targets, 0.1, 100);
        console.WriteLine($"perceptron: {perceptron.Epochs} epochs, mistakes in the last epoch {perceptron.MistakesPerEpoch[^1]}, converged: {(perceptron.Converged ? "yes" : "no")}");

        var xor = DataSets.LogicGate("xor");
        var network = Network.Create(2).Dense(4, Activation.Tanh).Dense(2, Activation.Softmax).Build(Initializer.XavierNormal(settings.Seed));
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { BatchSize = 4, Epochs = 500, Seed = settings.Seed };
        var result = trainer.Fit(network, xor.Features, xor.Targets, null, cancellationToken);
        var e = result.Network.Evaluate(xor.Features, xor.Targets);
        var outputs = result.Network.Predict(xor.GetFeatures());
        var table = new Table().AddColumns("x1", "x2", "XOR", "MLP P(1)", "MLP class");
        var labels = xor.GetLabels();
        var rows = new List<IReadOnlyList<string>>();
        var x = xor.GetFeatures();
        for (int i = 0; i < x.Length; i++)
        {
            string[] row = [F(x[i][0]), F(x[i][1]), labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture), F(outputs[i][1], "F4"), (outputs[i][1] >= 0.5 ? 1 : 0).ToString(System.Globalization.CultureInfo.InvariantCulture)];
            table.AddRow(row);
            rows.Add(row);
        }
        console.Write(table);
        console.WriteLine($"MLP 2-4-2 (tanh, softmax): accuracy {e.Accuracy:P0}, loss {F(e.Loss)} after {result.EpochsCompleted} epochs");
        var report = new HtmlReport("hybrid experiment xor (S01, S15)")
            .Setting("perceptron", "η = 0.1, 100 epochs").Setting("network", "2-4-2 (Tanh, Softmax), Xavier/Glorot normal")
            .Setting("optimiser", trainer.Optimizer.Name).Setting("epochs", trainer.Epochs).Setting("seed", settings.Seed)
            .Setting("perceptron converged", perceptron.Converged).Setting("MLP accuracy", e.Accuracy);
        report.Heading("The perceptron cannot learn XOR")
              .Add(Charts.Lines("perceptron-mistakes", "Perceptron on XOR: mistakes per epoch", "epoch", "mistakes",
                   [new Series("mistakes", Enumerable.Range(1, perceptron.Epochs).Select(v => (double)v).ToArray(), perceptron.MistakesPerEpoch.Select(v => (double)v).ToArray())]));
        report.Heading("A small MLP can").Table("MLP outputs", ["x1", "x2", "XOR", "MLP P(1)", "MLP class"], rows);
        TrainingReport.AddCurves(report, result.History);
        report.Heading("Decision boundary").Add(TrainingReport.Boundary(result.Network, Preprocessor.None(2), x, labels, ["0", "1"]));
        Save(console, report, settings, "xor");
        return Program.Success;
    }
}
