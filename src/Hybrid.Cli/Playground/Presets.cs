namespace Hybrid.Cli.Playground;

/// <summary>A course experiment the page can load in one click.</summary>
/// <param name="Id">Short id, e.g. "s01-xor".</param>
/// <param name="Title">What the button says.</param>
/// <param name="Lesson">What to watch for.</param>
/// <param name="Settings">The settings it loads.</param>
public sealed record Preset(string Id, string Title, string Lesson, PlaygroundSettings Settings);

/// <summary>The course presets: a linear unit on AND vs XOR (S01), S31's initialisation experiment, S27's learning rates.</summary>
public static class Presets
{
    private static readonly PlaygroundSettings Gate = new()
    {
        Dataset = "and", Preprocess = "none", Layers = [], Output = "softmax-cross-entropy", Init = "small", Optimizer = "sgd",
        LearningRate = 0.5, BatchSize = 4,
    };

    private static readonly PlaygroundSettings DeepTanh = new()
    {
        Dataset = "moons", Points = 400, Noise = 0.15,
        Layers = Enumerable.Range(0, 6).Select(_ => new LayerSettings(32, "tanh")).ToArray(), Optimizer = "sgd", LearningRate = 0.05, BatchSize = 32,
    };

    private static readonly PlaygroundSettings Moons = new()
    {
        Dataset = "moons", Points = 400, Noise = 0.15, Layers = [new(16, "relu")], Init = "he", Optimizer = "sgd", BatchSize = 32,
    };

    /// <summary>All presets, in the order the page lists them.</summary>
    public static readonly IReadOnlyList<Preset> All =
    [
        new("s01-and", "S01: one linear layer on AND", "A single layer (no hidden units) draws one straight line: AND is linearly separable, so it reaches 100%.", Gate),
        new("s01-xor", "S01: one linear layer on XOR", "The same single layer on XOR: no straight line separates it; the loss stays at ln 2 ≈ 0.693 (it predicts ½ everywhere) and at most 3 of 4 points can ever be right.", Gate with { Dataset = "xor" }),
        new("s01-xor-mlp", "S01/S15: a hidden layer solves XOR", "Four tanh units bend the boundary: XOR is learnt.", Gate with { Dataset = "xor", Layers = [new(4, "tanh")], Init = "xavier" }),
        new("s31-small", "S31: tanh, 6 layers, small init", "W = 0.01·N(0,1): activations shrink to 0 layer by layer and the gradient norms vanish; the loss barely moves.", DeepTanh with { Init = "small" }),
        new("s31-large", "S31: tanh, 6 layers, large init", "W = N(0,1): tanh saturates at ±1 from the second layer on (the histograms pile at the ends, std ≈ 0.9); the first layers' gradients are several times smaller than with Xavier.", DeepTanh with { Init = "large" }),
        new("s31-xavier", "S31: tanh, 6 layers, Xavier init", "Xavier (the slides' randn/√fan_in) keeps the activations spread (std ≈ 0.6 in the first layer, 0.2–0.3 after) in every layer; the gradients flow and it learns.", DeepTanh with { Init = "xavier" }),
        new("s27-small", "S27: learning rate too small", "SGD, η = 0.001: the loss creeps down (about 1.8 → 0.33 in 100 epochs).", Moons with { LearningRate = 0.001 }),
        new("s27-good", "S27: learning rate good", "SGD, η = 0.3: the loss falls fast and settles (below 0.03 in 100 epochs).", Moons with { LearningRate = 0.3 }),
        new("s27-large", "S27: learning rate too large", "SGD, η = 10: the steps overshoot; the loss jumps (1.8 → 4.1) and never settles: 0.24 after 100 epochs (84% accuracy), where η = 0.3 reaches 0.02.", Moons with { LearningRate = 10 }),
    ];
}
