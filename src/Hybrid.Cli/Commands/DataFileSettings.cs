using System.ComponentModel;
using Spectre.Console.Cli;

namespace Hybrid.Cli.Commands;

/// <summary>How to read a data file: the options every command that reads data shares.</summary>
public class DataFileSettings : CommandSettings
{
    /// <summary>IDX labels for an IDX image file.</summary>
    [CommandOption("--labels <PATH>")]
    [Description("The IDX label file that goes with an IDX image file given as the data.")]
    public string? Labels { get; init; }

    /// <summary>The CSV label column.</summary>
    [CommandOption("--label-column <NAME|INDEX>")]
    [Description("CSV: the label column, by header name or 0-based index (default: the last column; predict reads every column as a feature unless this is given).")]
    public string? LabelColumn { get; init; }

    /// <summary>Whether the CSV has a header row.</summary>
    [CommandOption("--header <auto|yes|no>")]
    [Description("CSV: whether the first row is a header.")]
    [DefaultValue("auto")]
    public string Header { get; init; } = "auto";

    /// <summary>The CSV separator.</summary>
    [CommandOption("--separator <CHAR>")]
    [Description("CSV: the field separator, one character or 'tab' (default ',').")]
    public string? Separator { get; init; }
}
