using System.ComponentModel;
using System.Diagnostics;
using Hybrid.Cli.Infrastructure;
using Hybrid.Cli.Reporting;
using Hybrid.Lessons;
using Spectre.Console;
using Spectre.Console.Cli;
using static Hybrid.Cli.Commands.Experiments.ExperimentOutput;

namespace Hybrid.Cli.Commands.Experiments;

/// <summary>The options of <c>hybrid experiment init-stats</c>.</summary>
public sealed class InitStatsSettings : ExperimentSettings
{
    /// <summary>Activations.</summary>
    [CommandOption("--activations <NAMES>")]
    [Description("Comma-separated activations (\"all\": every hidden activation).")]
    [DefaultValue("tanh,relu")]
    public string Activations { get; init; } = "tanh,relu";

    /// <summary>Initialisers.</summary>
    [CommandOption("--inits <NAMES>")]
    [Description("Comma-separated initialisers (\"all\": every random one): small = 0.01·randn, large = randn, xavier = randn/√fan_in, he = randn/√(fan_in/2), glorot, ...")]
    [DefaultValue("small,large,xavier,he")]
    public string Inits { get; init; } = "small,large,xavier,he";

    /// <summary>Input rows.</summary>
    [CommandOption("--examples <N>")]
    [Description("Rows of the standard-normal input (slides: 1000).")]
    [DefaultValue(1000)]
    public int Examples { get; init; } = 1000;

    /// <summary>Units per layer.</summary>
    [CommandOption("--width <N>")]
    [Description("Units per layer (slides: 500).")]
    [DefaultValue(500)]
    public int Width { get; init; } = 500;

    /// <summary>Layers.</summary>
    [CommandOption("--depth <N>")]
    [Description("Layers (slides: 10).")]
    [DefaultValue(10)]
    public int Depth { get; init; } = 10;

    /// <summary>Seeds averaged.</summary>
    [CommandOption("--seeds <N>")]
    [Description("Seeds to average each layer's mean and std over.")]
    [DefaultValue(4)]
    public int Seeds { get; init; } = 4;

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        Examples < 1 || Width < 1 || Depth < 1 || Seeds < 1 ? ValidationResult.Error("--examples, --width, --depth and --seeds must each be at least 1.") : ValidationResult.Success();
}

/// <summary>
/// <c>hybrid experiment init-stats</c> (S31): each activation × initialiser pair, per-layer mean and
/// std of the activations next to the slides' figures, and the per-layer histograms in the report.
/// </summary>
public sealed class InitStatsCommand(IAnsiConsole console) : Command<InitStatsSettings>
{
    /// <summary>A figure from the slides: the std of a layer (or of every layer when Layer is null); Zero: "≈ 0" (below 1e-3).</summary>
    internal sealed record SlideFigure(int? Layer, double Std, bool Zero = false);

    /// <summary>The slides' figures (COVERAGE S31; docs/initialisation.md), by activation and initialiser name.</summary>
    internal static readonly IReadOnlyDictionary<(string, string), SlideFigure[]> Slides = new Dictionary<(string, string), SlideFigure[]>
    {
        [("tanh", "small")] = [new(1, 0.21), new(2, 0.048), new(3, 0.011), new(10, 0, Zero: true)],
        [("tanh", "large")] = [new(null, 0.98)],
        [("tanh", "xavier")] = [new(1, 0.63), new(2, 0.49), new(3, 0.41), new(10, 0.23)],
        [("relu", "xavier")] = [new(1, 0.58), new(10, 0.026)],
        [("relu", "he")] = [new(null, 0.83)],
    };

    private static readonly string[] AllInits = ["small", "large", "xavier", "he", "glorot", "he-uniform", "glorot-uniform", "lecun-uniform"];

    private static string[] List(string option, string value, IEnumerable<string> all) =>
        value.Trim().Equals("all", StringComparison.OrdinalIgnoreCase) ? all.ToArray()
        : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } names ? names
        : throw new UsageException($"{option}: give at least one name.");

    /// <summary>Whether a measured std meets a slide figure: within 10% of it, or below 1e-3 for "≈ 0".</summary>
    internal static bool Meets(SlideFigure figure, double std) => figure.Zero ? std < 1e-3 : Math.Abs(std - figure.Std) <= 0.10 * figure.Std;

    /// <inheritdoc />
    public override int Execute(CommandContext context, InitStatsSettings settings, CancellationToken cancellationToken)
    {
        var activations = List("--activations", settings.Activations, Names.HiddenActivations);
        var inits = List("--inits", settings.Inits, AllInits);
        foreach (var a in activations) Names.ActivationOf("--activations", a);
        foreach (var i in inits) Names.InitializerOf("--inits", i, 0);
        var report = new HtmlReport("hybrid experiment init-stats (S31)")
            .Setting("input", $"{settings.Examples}×{settings.Width} standard normal").Setting("layers", $"{settings.Depth} × {settings.Width} units, no bias")
            .Setting("activations", string.Join(", ", activations)).Setting("initialisers", string.Join(", ", inits))
            .Setting("seeds averaged", settings.Seeds).Setting("first seed", settings.Seed);
        report.Paragraph("Per layer: the mean and standard deviation of the activations, averaged over the seeds, next to the slides' figures (S31, slides 004). A figure is met when the measured std lies within 10% of it (\"≈ 0\": below 1e-3). The histograms share one axis per pair, so a layer whose activations collapse shows as a spike at 0 and saturated tanh units as spikes at ±1.");
        var clock = Stopwatch.StartNew();
        int met = 0, compared = 0;
        var stdSeries = new List<Series>();
        foreach (var a in activations)
            foreach (var i in inits)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var stats = ActivationStatistics.Run(Names.ActivationOf("--activations", a), Names.InitializerOf("--inits", i, settings.Seed),
                                                     settings.Examples, settings.Width, settings.Depth, settings.Seeds, bins: 40);
                Slides.TryGetValue((a.ToLowerInvariant(), i.ToLowerInvariant()), out var figures);
                var table = new Table().Title($"{a} + {i}").AddColumns("layer", "mean", "std", "slides' std", "within 10%");
                var rows = new List<IReadOnlyList<string>>();
                foreach (var layer in stats)
                {
                    var figure = figures?.FirstOrDefault(f => f.Layer == layer.Layer || f.Layer is null);
                    string slide = figure is null ? "" : figure.Zero ? "≈ 0" : F(figure.Std);
                    string verdict = "";
                    if (figure is not null)
                    {
                        compared++;
                        bool ok = Meets(figure, layer.StandardDeviation);
                        if (ok) met++;
                        verdict = ok ? "yes" : "NO";
                    }
                    string[] row = [layer.Layer.ToString(System.Globalization.CultureInfo.InvariantCulture), F(layer.Mean, "F4"), F(layer.StandardDeviation, "F4"), slide, verdict];
                    table.AddRow(row.Select(Markup.Escape).ToArray());
                    rows.Add(row);
                }
                console.Write(table);
                report.Heading($"{a} + {i}").Table($"{a} + {i}: activations by layer", ["layer", "mean", "std", "slides' std", "within 10%"], rows);
                var histogram = stats.Select(l => new Series($"layer {l.Layer}",
                    Enumerable.Range(0, l.Counts.Count).Select(b => (l.BinEdges[b] + l.BinEdges[b + 1]) / 2).ToArray(),
                    l.Counts.Select(c => (double)c).ToArray())).ToArray();
                report.Add(Charts.Lines($"hist-{a}-{i}", $"{a} + {i}: activation histogram per layer", "activation", "count", histogram));
                stdSeries.Add(new Series($"{a} + {i}", stats.Select(l => (double)l.Layer).ToArray(), stats.Select(l => l.StandardDeviation).ToArray()));
            }
        report.Heading("Standard deviation by layer").Add(Charts.Lines("std", "Activation std by layer (log scale)", "layer", "std", stdSeries, logY: true));
        report.Timing("experiment", clock.Elapsed);
        console.WriteLine(compared == 0 ? "No pair with figures on the slides was run." : $"slides' figures met within 10%: {met} of {compared}");
        Save(console, report, settings, "init-stats");
        return Program.Success;
    }
}
