using System.ComponentModel;
using Hybrid.Cli.Reporting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Hybrid.Cli.Commands.Experiments;

/// <summary>Options every experiment takes.</summary>
public class ExperimentSettings : CommandSettings
{
    /// <summary>The seed.</summary>
    [CommandOption("-s|--seed <N>")]
    [Description("Seed of everything random in the experiment.")]
    [DefaultValue(1)]
    public int Seed { get; init; } = 1;

    /// <summary>The output folder.</summary>
    [CommandOption("--output <DIR>")]
    [Description("Folder for report.html (default: runs/experiment-<name>-<time>).")]
    public string? Output { get; init; }
}

/// <summary>Writing an experiment's report.</summary>
internal static class ExperimentOutput
{
    /// <summary>Saves the report in the output folder and says where.</summary>
    public static string Save(IAnsiConsole console, HtmlReport report, ExperimentSettings settings, string name)
    {
        var folder = settings.Output ?? Path.Combine("runs", $"experiment-{name}-{DateTime.Now:yyyyMMdd-HHmmss}");
        var path = Path.Combine(folder, "report.html");
        report.Save(path);
        console.WriteLine($"report: {path}");
        return path;
    }

    /// <summary>A number for a table cell.</summary>
    public static string F(double value, string format = "G4") => value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
