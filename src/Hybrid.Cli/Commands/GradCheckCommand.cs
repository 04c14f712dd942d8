using System.ComponentModel;
using System.Globalization;
using Hybrid.Cli.Data;
using Hybrid.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Hybrid.Cli.Commands;

/// <summary>The options of <c>hybrid gradcheck</c>: the network options of train, and the check's own.</summary>
public sealed class GradCheckSettings : NetworkSettings
{
    /// <summary>Rows of the data used.</summary>
    [CommandOption("--rows <N>")]
    [Description("How many rows of the data to check on (the first N of a stratified shuffle).")]
    [DefaultValue(8)]
    public int Rows { get; init; } = 8;

    /// <summary>The central-difference step.</summary>
    [CommandOption("--step <H>")]
    [Description("Step h of the central difference (J(θ + h) − J(θ − h)) / 2h.")]
    [DefaultValue(1e-5)]
    public double Step { get; init; } = 1e-5;

    /// <summary>The pass threshold.</summary>
    [CommandOption("--threshold <ERROR>")]
    [Description("Largest relative error |a − n| / max(|a|, |n|, 1e-8) that passes; above it the exit code is 1. 1e-4 leaves room for ReLU kinks crossed by ±h.")]
    [DefaultValue(1e-4)]
    public double Threshold { get; init; } = 1e-4;

    /// <summary>L2 weight decay included in the loss.</summary>
    [CommandOption("--l2 <LAMBDA>")]
    [Description("L2 weight decay λ ≥ 0 included in the checked loss.")]
    [DefaultValue(0.0)]
    public double L2 { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        Rows < 1 ? ValidationResult.Error($"--rows: must be at least 1, got {Rows}.")
        : !(Step > 0) || !double.IsFinite(Step) ? ValidationResult.Error($"--step: must be a finite number > 0, got {Step}.")
        : !(Threshold > 0) || !double.IsFinite(Threshold) ? ValidationResult.Error($"--threshold: must be a finite number > 0, got {Threshold}.")
        : !(L2 >= 0) || !double.IsFinite(L2) ? ValidationResult.Error($"--l2: must be a finite number >= 0, got {L2}.")
        : ValidationResult.Success();
}

/// <summary><c>hybrid gradcheck</c>: backpropagation against central differences for every parameter (S26), one table row per parameter matrix.</summary>
public sealed class GradCheckCommand(IAnsiConsole console) : Command<GradCheckSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, GradCheckSettings settings, CancellationToken cancellationToken)
    {
        var data = DataSource.Labelled(DataSource.Load("--data", settings.Data, settings), "--data");
        var rows = data.RowCount > settings.Rows ? data.TrainTestSplit((double)settings.Rows / data.RowCount, settings.Seed).Test : data;
        var network = NetworkFactory.Build(settings, data.FeatureCount, data.ClassCount);
        var loss = Names.LossOf("--loss", settings.Loss);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gradcheck: {NetworkFactory.Describe(network)}, {network.ParameterCount} parameters, {loss.Name}, {rows.RowCount} rows of {data.Name}, h = {settings.Step:G3}, threshold {settings.Threshold:G3}"));
        var results = GradientChecker.Check(network, loss, rows.Features, rows.Targets, settings.Step, 1e-8, settings.L2);
        var table = new Table().AddColumns("parameter", "shape", "max relative error", "where", "backprop", "central difference", "");
        var shapes = network.GetParameters().ToDictionary(p => p.Name, p => $"{p.RowCount}×{p.ColumnCount}");
        foreach (var r in results)
        {
            bool ok = r.MaxRelativeError <= settings.Threshold;
            table.AddRow(Markup.Escape(r.Parameter), shapes[r.Parameter], r.MaxRelativeError.ToString("E2", CultureInfo.InvariantCulture),
                         $"[[{r.Row}, {r.Column}]]", r.Analytic.ToString("G6", CultureInfo.InvariantCulture), r.Numerical.ToString("G6", CultureInfo.InvariantCulture),
                         ok ? "[green]ok[/]" : "[red]FAIL[/]");
        }
        console.Write(table);
        var worst = results.MaxBy(r => r.MaxRelativeError)!;
        bool pass = results.All(r => r.MaxRelativeError <= settings.Threshold);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(pass ? "PASS" : "FAIL")}: largest relative error {worst.MaxRelativeError:E2} ({worst.Parameter} [{worst.Row}, {worst.Column}]), threshold {settings.Threshold:G3}"));
        int kinks = results.Sum(r => r.ExcludedAtKinks);
        if (kinks > 0)
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kinks} entries left out: their ±h step puts a pre-activation on both sides of a kink (ReLU's 0, a maxout's change of piece), where a central difference estimates no derivative."));
        return pass ? Program.Success : Program.CheckFailed;
    }
}
