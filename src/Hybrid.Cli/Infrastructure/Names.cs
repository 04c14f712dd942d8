using System.Globalization;
using Hybrid.Core.Interop;

namespace Hybrid.Cli.Infrastructure;

/// <summary>
/// The option values the commands accept, mapped to the façade's objects. Names are
/// case-insensitive; hyphens and underscores are ignored ("leaky-relu" = "LeakyReLU").
/// A value outside the list is a <see cref="UsageException"/> that lists the accepted names.
/// </summary>
internal static class Names
{
    private static string Key(string s) => s.Replace("-", "").Replace("_", "").ToLowerInvariant();

    private static T Lookup<T>(string option, string value, IReadOnlyDictionary<string, T> table)
    {
        var hit = table.FirstOrDefault(kv => Key(kv.Key) == Key(value));
        if (hit.Key is null)
            throw new UsageException($"{option}: unknown value '{value}'; use one of {string.Join(", ", table.Keys)}.");
        return hit.Value;
    }

    /// <summary>The activations by name (S04): every entry of the core's registry under its command-line name, with its default hyper-parameter.</summary>
    public static readonly IReadOnlyDictionary<string, Func<Activation>> Activations =
        Activation.All.ToDictionary(a => a.CliName, a => (Func<Activation>)a.Create);

    /// <summary>
    /// Whether an activation is offered for hidden layers (the playground's choices, <c>experiment init-stats</c>'s "all",
    /// the help of <c>--activation</c>): the element-wise ones except the binary step, whose derivative is 0 everywhere.
    /// </summary>
    public static bool IsHidden(ActivationInfo a) => a.IsElementwise && a.Name != nameof(Activation.BinaryStep);

    /// <summary>The command-line names of the hidden-layer activations (<see cref="IsHidden"/>), in the registry's order.</summary>
    public static IEnumerable<string> HiddenActivations => Activation.All.Where(IsHidden).Select(a => a.CliName);

    /// <summary>An activation by name.</summary>
    public static Activation ActivationOf(string option, string value) => Lookup(option, value, Activations)();

    /// <summary>The initialisers by name (S31), read from the core's table (InitializerRegistry): "small" is 0.01·N(0, 1), "large" is N(0, 1), "xavier" is the slides' randn/√fan_in (LeCun normal), "glorot" is N(0, 2/(fan_in + fan_out)).</summary>
    public static readonly IReadOnlyDictionary<string, Func<int, Initializer>> Initializers =
        Registries.Initializers.ToDictionary(e => e.Cli, e => (Func<int, Initializer>)(seed => CSharpSpelling.Make<Initializer>(e.CSharp, "--init", CSharpSpelling.Text(seed))));

    /// <summary>An initialiser by name with its seed.</summary>
    public static Initializer InitializerOf(string option, string value, int seed) => Lookup(option, value, Initializers)(seed);

    /// <summary>The losses by name (S18-S22).</summary>
    public static readonly IReadOnlyDictionary<string, Loss> Losses = Loss.All.ToDictionary(l => l.CliName);

    /// <summary>A loss by name.</summary>
    public static Loss LossOf(string option, string value) => Lookup(option, value, Losses);

    /// <summary>The optimisers by name (S27, S28 and the adaptive rules), read from the core's table (UpdateRuleRegistry), each with its default hyper-parameters.</summary>
    public static readonly IReadOnlyDictionary<string, Func<double, Optimizer>> Optimizers =
        Registries.UpdateRules.ToDictionary(e => e.Cli, e => (Func<double, Optimizer>)(lr => CSharpSpelling.Make<Optimizer>(e.CSharp, "--learning-rate", CSharpSpelling.Text(lr))));

    /// <summary>An optimiser by name with its learning rate.</summary>
    public static Optimizer OptimizerOf(string option, string value, double learningRate) => Lookup(option, value, Optimizers)(learningRate);

    /// <summary>The schedules' forms, read from the core's table (ScheduleRegistry): "constant", "step:EVERY:FACTOR (e.g. step:10:0.5)", "exp:FACTOR (e.g. exp:0.95)".</summary>
    public static readonly IReadOnlyList<string> Schedules =
        Registries.Schedules.Select(e => e.ParameterNames.Length == 0 ? e.Cli
            : $"{string.Join(":", e.ParameterNames.Prepend(e.Cli).Select((n, i) => i == 0 ? n : n.ToUpperInvariant()))} (e.g. {string.Join(":", e.Defaults.Select(d => d.ToString(CultureInfo.InvariantCulture)).Prepend(e.Cli))})").ToArray();

    /// <summary>A schedule: a name of the core's table followed by its parameters, separated by ':' ("constant", "step:10:0.5", "exp:0.95").</summary>
    public static LearningRateSchedule ScheduleOf(string option, string value)
    {
        var parts = value.Split(':');
        var entry = Registries.Schedules.FirstOrDefault(e => Key(e.Cli) == Key(parts[0]) && e.ParameterNames.Length == parts.Length - 1)
            ?? throw new UsageException($"{option}: '{value}' is not a schedule; use {string.Join(", ", Schedules)}.");
        return CSharpSpelling.Make<LearningRateSchedule>(entry.CSharp, option, parts[1..]);
    }

    /// <summary>Hidden layer widths "64,64" (empty string: none).</summary>
    public static int[] Layers(string option, string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim() == "none") return [];
        var widths = value.Split(',', StringSplitOptions.TrimEntries).Select(p => Int(option, p)).ToArray();
        if (widths.Any(w => w < 1)) throw new UsageException($"{option}: every layer needs at least 1 unit, got '{value}'.");
        return widths;
    }

    /// <summary>An integer option value.</summary>
    public static int Int(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : throw new UsageException($"{option}: '{value}' is not a whole number.");

    /// <summary>A number option value.</summary>
    public static double Double(string option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) ? x
            : throw new UsageException($"{option}: '{value}' is not a finite number.");

    /// <summary>Requires value in [low, high] (or [low, high) when <paramref name="highOpen"/>).</summary>
    public static void InRange(string option, double value, double low, double high, bool highOpen = false)
    {
        if (value < low || value > high || (highOpen && value >= high))
            throw new UsageException($"{option}: {value.ToString(CultureInfo.InvariantCulture)} is outside [{low.ToString(CultureInfo.InvariantCulture)}, {high.ToString(CultureInfo.InvariantCulture)}{(highOpen ? ")" : "]")}.");
    }
}
