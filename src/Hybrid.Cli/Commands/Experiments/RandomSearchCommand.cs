using System.ComponentModel;
using Hybrid.Cli.Reporting;
using Hybrid.Data;
using Spectre.Console;
using Spectre.Console.Cli;
using static Hybrid.Cli.Commands.Experiments.ExperimentOutput;
using Search = Hybrid.Lessons.RandomSearch;

namespace Hybrid.Cli.Commands.Experiments;

/// <summary>The options of <c>hybrid experiment random-search</c>.</summary>
public sealed class RandomSearchSettings : ExperimentSettings
{
    /// <summary>Loss evaluations per method.</summary>
    [CommandOption("--budget <N>")]
    [Description("Loss evaluations per method.")]
    [DefaultValue(1000)]
    public int Budget { get; init; } = 1000;

    /// <inheritdoc />
    public override ValidationResult Validate() => Budget < 1 ? ValidationResult.Error($"--budget: must be at least 1, got {Budget}.") : ValidationResult.Success();
}

/// <summary>
/// <c>hybrid experiment random-search</c> (S25 against S27): a linear softmax classifier on the
/// standardised iris set (15 parameters) optimised with the same budget of loss evaluations by
/// random search, random local search and gradient descent; best loss so far in the report.
/// </summary>
public sealed class RandomSearchCommand(IAnsiConsole console) : Command<RandomSearchSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, RandomSearchSettings settings, CancellationToken cancellationToken)
    {
        var iris = DataSets.Iris();
        var data = Preprocessor.FitStandardize(iris.Features).Transform(iris);
        int d = data.FeatureCount, k = data.ClassCount;
        // θ packs W (d×k, row by row) then b (k): a network per θ, its loss and gradient from the façade.
        Network Net(double[] theta)
        {
            var w = new double[d, k];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < k; j++)
                    w[i, j] = theta[i * k + j];
            return Network.Create(d).Dense(w, theta[(d * k)..], Activation.Softmax).Build();
        }
        double LossOf(double[] theta) => Net(theta).ComputeLoss(Loss.CrossEntropy, data.Features, data.Targets);
        double[] GradientOf(double[] theta)
        {
            var g = Net(theta).ComputeGradients(Loss.CrossEntropy, data.Features, data.Targets).Gradients;
            return g[0].Values.Cast<double>().Concat(g[1].Values.Cast<double>()).ToArray();
        }
        var zero = new double[d * k + k];
        var methods = new (string Name, Lessons.SearchResult Result)[]
        {
            ("random search (scale 1)", Search.Search(LossOf, zero.Length, settings.Budget, 1.0, settings.Seed)),
            ("random local search (step 0.1)", Search.LocalSearch(LossOf, zero, settings.Budget, 0.1, settings.Seed)),
            ("gradient descent (η = 0.5)", Search.GradientDescent(LossOf, GradientOf, zero, settings.Budget, 0.5)),
        };
        var table = new Table().AddColumns("method", "evaluations", "best loss", "accuracy");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (name, r) in methods)
        {
            var e = Net(r.Parameters.ToArray()).Evaluate(data.Features, data.Targets);
            string[] row = [name, r.Evaluations.ToString(System.Globalization.CultureInfo.InvariantCulture), F(r.Loss, "F4"), F(e.Accuracy, "P1")];
            table.AddRow(row.Select(Markup.Escape).ToArray());
            rows.Add(row);
        }
        console.Write(table);
        var report = new HtmlReport("hybrid experiment random-search (S25)")
            .Setting("model", $"linear softmax classifier on standardised iris ({zero.Length} parameters)").Setting("budget", settings.Budget).Setting("seed", settings.Seed);
        report.Table("Best loss after the budget", ["method", "evaluations", "best loss", "accuracy"], rows);
        report.Add(Charts.Lines("best-loss", "Best loss so far by evaluation (log scale)", "evaluation", "cross-entropy",
            methods.Select(m => new Series(m.Name, Enumerable.Range(1, m.Result.BestLossHistory.Count).Select(v => (double)v).ToArray(), m.Result.BestLossHistory.ToArray())).ToArray(), logY: true));
        Save(console, report, settings, "random-search");
        return Program.Success;
    }
}
