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
    private static readonly Dictionary<string, Explanation> Activations = new()
    {
        ["relu"] = new("ReLU (S04)", "g(z) = max(0, z); g′(z) = 1 if z > 0 else 0 (ReLU′(0) = 0)", "docs/activations.md"),
        ["leaky-relu"] = new("Leaky ReLU, a = 0.01 (S04)", "g(z) = max(a·z, z); g′(z) = 1 if z > 0 else a", "docs/activations.md"),
        ["elu"] = new("ELU, α = 1 (S04)", "g(z) = z if z > 0 else α(eᶻ − 1); g′(z) = 1 if z > 0 else g(z) + α", "docs/activations.md"),
        ["prelu"] = new("PReLU, α learned from 0.25 (S04)", "g(z) = z if z > 0 else α·z; g′(z) = 1 if z > 0 else α; ∂g/∂α = z for z ≤ 0", "docs/activations.md"),
        ["tanh"] = new("tanh (S04)", "g(z) = tanh z; g′(z) = 1 − tanh² z", "docs/activations.md"),
        ["sigmoid"] = new("Sigmoid (S04)", "σ(z) = 1/(1 + e^(−z)); σ′(z) = σ(z)(1 − σ(z))", "docs/activations.md"),
        ["arctan"] = new("arctan (S04)", "g(z) = arctan z; g′(z) = 1/(1 + z²)", "docs/activations.md"),
        ["softplus"] = new("SoftPlus (S04)", "g(z) = ln(1 + eᶻ); g′(z) = σ(z)", "docs/activations.md"),
        ["identity"] = new("Identity (S04, S05)", "g(z) = z; g′(z) = 1 — stacked linear layers collapse into one", "docs/activations.md"),
    };

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
        list.Add(new("Gradient check (S26)", "error = max |a − n| / max(|a|, |n|, 1e-8), n = (J(θ + h) − J(θ − h)) / 2h, h = 1e-5", "docs/numerical.md"));
        return list;
    }
}
