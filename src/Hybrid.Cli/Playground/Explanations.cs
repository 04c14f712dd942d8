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

    private static readonly Dictionary<string, Explanation> Optimizers = new()
    {
        ["sgd"] = new("Minibatch SGD (S27, S28)", "θ ← θ − η·g, g the gradient of one minibatch", "docs/facade-trainer.md"),
        ["momentum"] = new("Momentum, μ = 0.9", "v ← μ·v − η·g; θ ← θ + v", "docs/facade-trainer.md"),
        ["nesterov"] = new("Nesterov, μ = 0.9", "v ← μ·v − η·g; θ ← θ + μ·v − η·g", "docs/facade-trainer.md"),
        ["adagrad"] = new("AdaGrad, ε = 1e-8", "G ← G + g⊙g; θ ← θ − η·g ⊘ (√G + ε)", "docs/facade-trainer.md"),
        ["rmsprop"] = new("RMSProp, ρ = 0.9, ε = 1e-8", "s ← ρ·s + (1 − ρ)·g⊙g; θ ← θ − η·g ⊘ (√s + ε)", "docs/facade-trainer.md"),
        ["adam"] = new("Adam, β1 = 0.9, β2 = 0.999, ε = 1e-8", "m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g⊙g; m̂ = m/(1 − β1ᵗ); v̂ = v/(1 − β2ᵗ); θ ← θ − η·m̂ ⊘ (√v̂ + ε)", "docs/facade-trainer.md"),
    };

    private static readonly Dictionary<string, Explanation> Initializers = new()
    {
        ["he"] = new("He normal (S31)", "W ~ N(0, 2/fan_in), b = 0", "docs/initialisation.md"),
        ["xavier"] = new("Xavier/Glorot normal (S31)", "W ~ N(0, 2/(fan_in + fan_out)), b = 0", "docs/initialisation.md"),
        ["lecun"] = new("LeCun normal — the slides' randn/√fan_in (S31)", "W ~ N(0, 1/fan_in), b = 0", "docs/initialisation.md"),
        ["small"] = new("Small random (S31)", "W = 0.01·N(0, 1): activations shrink layer by layer in a deep tanh net", "docs/initialisation.md"),
        ["large"] = new("Large random (S31)", "W = N(0, 1): tanh units saturate at ±1, gradients vanish", "docs/initialisation.md"),
        ["zeros"] = new("Zeros (S31)", "W = 0: every unit of a layer computes and learns the same (symmetry)", "docs/initialisation.md"),
        ["default"] = new("Default (S31)", "He normal before ReLU, leaky ReLU, PReLU and ELU layers; Glorot otherwise", "docs/initialisation.md"),
    };

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
