namespace Hybrid.Cli.Reporting;

/// <summary>One named series of a chart: the values drawn, kept beside the picture so a reader (or a test) can check them.</summary>
/// <param name="Name">The legend text, e.g. "training loss".</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values (same length as <paramref name="X"/>).</param>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>A rendered chart: a PNG picture and the series it shows.</summary>
/// <param name="Id">A stable identifier, e.g. "loss" (the HTML element is "chart-{Id}").</param>
/// <param name="Title">The caption.</param>
/// <param name="Png">The picture.</param>
/// <param name="Series">The data drawn.</param>
public sealed record Chart(string Id, string Title, byte[] Png, IReadOnlyList<Series> Series);
