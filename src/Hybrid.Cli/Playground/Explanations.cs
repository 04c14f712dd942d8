using System.Globalization;
using Hybrid.Core.Interop;

namespace Hybrid.Cli.Playground;

/// <summary>One formula of the "explain" panel, with where the docs state it.</summary>
/// <param name="Title">"ReLU (S04)".</param>
/// <param name="Formula">The formula as text.</param>
/// <param name="Source">The docs page that states it and names the test that checks it.</param>
public sealed record Explanation(string Title, string Formula, string Source);

/// <summary>The formulas in force for a run, copied from docs/activations.md, docs/losses.md, docs/facade-trainer.md, docs/initialisation.md and docs/preprocessing.md.</summary>
public static class Explanations
{
    // Every activation's title and formula from the registry, under its command-line name.
    private static readonly Dictionary<string, Explanation> Activations = Activation.All.ToDictionary(a => a.CliName, Of);

    /// <summary>An activation's explanation: "Leaky ReLU, slope = 0.01 (S04)" and its formula.</summary>
    /// <param name="a">The activation.</param>
    /// <returns>The explanation.</returns>
    public static Explanation Of(ActivationInfo a) =>
        new(a.DefaultParameter is double p
                ? $"{a.DisplayName}, {a.ParameterName} = {p.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({a.Course})"
                : $"{a.DisplayName} ({a.Course})",
            a.Formula, "docs/activations.md");

    private static readonly Dictionary<string, Explanation[]> Outputs = new()
    {
        ["softmax-cross-entropy"] =
        [
            new("Softmax output (S04, S22)", "p_j = e^(z_j − max z) / Σ_l e^(z_l − max z), per row", "docs/activations.md"),
            new("Cross-entropy (S22)", "J = −1/N Σᵢ ln p_i,label; with softmax ∂J/∂Z = (P − Y)/N", "docs/losses.md"),
        ],
        ["softmax-mse"] =
        [
            new("Softmax output (S04, S22)", "p_j = e^(z_j − max z) / Σ_l e^(z_l − max z), per row", "docs/activations.md"),
            new("Mean squared error (S20)", "J = 1/(2N) Σ (ŷ − y)², y one-hot (S24); ∂J/∂Ŷ = (Ŷ − Y)/N", "docs/losses.md"),
        ],
        ["identity-multiclass-hinge"] =
        [
            new("Identity output: scores (S23)", "s = z (the class scores)", "docs/activations.md"),
            new("Multiclass hinge (S23)", "J = 1/N Σᵢ Σ_{j≠yᵢ} max(0, s_j − s_yᵢ + 1)", "docs/losses.md"),
        ],
    };

    /// <summary>The optimisers' formulas by playground name, from the core's table (UpdateRuleRegistry).</summary>
    internal static readonly IReadOnlyDictionary<string, Explanation> Optimizers =
        Registries.UpdateRules.Where(e => e.Playground is not null).ToDictionary(e => e.Playground, e => new Explanation(e.Title, e.Formula, "docs/facade-trainer.md"));

    /// <summary>The initialisers' formulas by playground name, from the core's table (InitializerRegistry).</summary>
    internal static readonly IReadOnlyDictionary<string, Explanation> Initializers =
        Registries.Initializers.Where(e => e.Playground is not null).ToDictionary(e => e.Playground, e => new Explanation(e.Title, e.Formula, "docs/initialisation.md"));

    private static readonly Dictionary<string, Explanation> Preprocessings = new()
    {
        ["none"] = new("No preprocessing (S30)", "x as generated", "docs/preprocessing.md"),
        ["standardize"] = new("Standardise (S30)", "x ← (x − mean)/std, mean and std of the training rows", "docs/preprocessing.md"),
        ["whiten"] = new("Whiten (S30)", "Z = Xc·V·diag(1/√(λ_j + ε)), ε = 1e-5: the PCA rotation scaled to unit variance", "docs/preprocessing.md"),
    };

    /// <summary>The formulas for validated settings: each distinct hidden activation, the output and loss, L2 and dropout if on, the optimiser, the initialiser and the preprocessing.</summary>
    public static IReadOnlyList<Explanation> For(PlaygroundSettings s)
    {
        var list = new List<Explanation>();
        list.AddRange(s.Layers!.Select(l => l.Activation).Distinct().Select(a => Activations[a]));
        list.AddRange(Outputs[s.Output]);
        if (s.L2 > 0) list.Add(new("L2 weight decay (S23)", "J ← J + λ·Σ‖W‖²; ∂/∂W gains 2λW (biases not decayed)", "docs/losses.md"));
        if (s.Dropout > 0) list.Add(new("Dropout", "training: a ← a⊙m/(1 − p), m ~ Bernoulli(1 − p); off when predicting", "docs/facade-network.md"));
        list.Add(Optimizers[s.Optimizer]);
        list.Add(Initializers[s.Init]);
        list.Add(Preprocessings[s.Preprocess]);
        list.Add(new("Gradient check (S26)",
            string.Create(CultureInfo.InvariantCulture,
                $"error = max |a − n| / max(|a|, |n|, {GradientCheckReport.Floor:G}), n = (J(θ + h) − J(θ − h)) / 2h, h = 1e-5; steps that cross a kink are left out and counted"),
            "docs/numerical.md"));
        return list;
    }
}
