using Hybrid.Cli.Reporting;
using Hybrid.Lessons;
using Spectre.Console;
using Spectre.Console.Cli;
using static Hybrid.Cli.Commands.Experiments.ExperimentOutput;

namespace Hybrid.Cli.Commands.Experiments;

/// <summary>
/// <c>hybrid experiment perceptron</c> (S01): the perceptron rule on AND, OR, NAND and XOR from
/// three starting points (seeds) at learning rates 0.01, 0.1 and 0.5: AND, OR and NAND converge,
/// XOR never does; the mistakes per epoch are charted in the report.
/// </summary>
public sealed class PerceptronCommand(IAnsiConsole console) : Command<ExperimentSettings>
{
    internal static readonly double[] Rates = [0.01, 0.1, 0.5];
    internal const int MaxEpochs = 50;

    /// <inheritdoc />
    public override int Execute(CommandContext context, ExperimentSettings settings, CancellationToken cancellationToken)
    {
        var report = new HtmlReport("hybrid experiment perceptron (S01)")
            .Setting("rule", "w ← w + η(y − ŷ)x, b ← b + η(y − ŷ), online").Setting("learning rates", string.Join(", ", Rates))
            .Setting("starting points", $"seeds {settings.Seed}..{settings.Seed + 2}").Setting("max epochs", MaxEpochs);
        var table = new Table().AddColumns("gate", "η", "seed", "epochs", "mistakes", "converged", "w", "b");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var gate in new[] { LogicGates.And, LogicGates.Or, LogicGates.Nand, LogicGates.Xor })
        {
            var series = new List<Series>();
            foreach (var rate in Rates)
                for (int seed = settings.Seed; seed < settings.Seed + 3; seed++)
                {
                    var p = new Perceptron(2, seed);
                    var r = p.Fit(gate.Inputs, gate.Targets, rate, MaxEpochs);
                    string[] row = [gate.Name, F(rate), seed.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                    r.TotalMistakes.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Converged ? "yes" : "no",
                                    $"({F(r.Weights[0])}, {F(r.Weights[1])})", F(r.Bias)];
                    table.AddRow(row.Select(Markup.Escape).ToArray());
                    rows.Add(row);
                    series.Add(new Series($"η={F(rate)} seed {seed}", Enumerable.Range(1, r.Epochs).Select(e => (double)e).ToArray(), r.MistakesPerEpoch.Select(m => (double)m).ToArray()));
                }
            report.Heading(gate.Name).Add(Charts.Lines($"mistakes-{gate.Name.ToLowerInvariant()}", $"{gate.Name}: mistakes per epoch", "epoch", "mistakes", series));
        }
        console.Write(table);
        console.WriteLine("AND, OR and NAND are linearly separable: every run converges. XOR is not: no run does (S01).");
        report.Heading("All runs").Table("Perceptron runs", ["gate", "η", "seed", "epochs", "mistakes", "converged", "w", "b"], rows);
        Save(console, report, settings, "perceptron");
        return Program.Success;
    }
}
