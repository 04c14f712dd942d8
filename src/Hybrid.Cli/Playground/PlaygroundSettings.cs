namespace Hybrid.Cli.Playground;

/// <summary>One hidden layer as the page describes it.</summary>
/// <param name="Units">Units, 1..<see cref="PlaygroundLimits.MaxUnits"/>.</param>
/// <param name="Activation">An activation name of <see cref="Choices.Activations"/> (S04).</param>
public sealed record LayerSettings(int Units, string Activation);

/// <summary>
/// Everything the page lets a person choose, as the browser posts it (JSON, camelCase). A run is a
/// pure function of these settings and the number of epochs: <see cref="CSharpCode"/> turns them into
/// the façade code that reproduces it.
/// </summary>
public sealed record PlaygroundSettings
{
    /// <summary>spiral, moons, circles, blobs (generated: points, noise, data seed) or the gates and, or, xor (4 rows, no test set).</summary>
    public string Dataset { get; init; } = "spiral";

    /// <summary>Rows of a generated set.</summary>
    public int Points { get; init; } = 300;

    /// <summary>Standard deviation of the generator's noise.</summary>
    public double Noise { get; init; } = 0.1;

    /// <summary>Seed of the generator and of the train/test split.</summary>
    public int DataSeed { get; init; } = 1;

    /// <summary>Share of the rows held out for testing, in [0.05, 0.9] (ignored for the gates).</summary>
    public double TestShare { get; init; } = 0.2;

    /// <summary>none, standardize or whiten (fitted on the training rows, S30).</summary>
    public string Preprocess { get; init; } = "standardize";

    /// <summary>The hidden layers (may be empty: a linear classifier).</summary>
    public LayerSettings[]? Layers { get; init; } = [new(16, "relu"), new(16, "relu")];

    /// <summary>The output layer and its loss: a key of <see cref="Choices.Outputs"/>.</summary>
    public string Output { get; init; } = "softmax-cross-entropy";

    /// <summary>The initialiser: a name of <see cref="Choices.Initializers"/> (S31).</summary>
    public string Init { get; init; } = "he";

    /// <summary>Seed of the initialiser and (plus the epoch number) of each epoch's shuffle and dropout.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The optimiser: a name of <see cref="Choices.Optimizers"/>.</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>The learning rate, in (0, 10].</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Minibatch size, 1..<see cref="PlaygroundLimits.MaxPoints"/>.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>The element type training computes in: a name of <see cref="Choices.Precisions"/> ("double" or "single").</summary>
    public string Precision { get; init; } = "double";

    /// <summary>L2 weight decay λ in [0, 1].</summary>
    public double L2 { get; init; }

    /// <summary>Dropout rate after each hidden layer, in [0, 0.9].</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Epochs per second while playing, 1..<see cref="PlaygroundLimits.MaxPace"/>, or <see cref="MaxPace"/> (0): as fast as
    /// the machine trains. It sets how fast the run is shown, not what it computes, and it can change while the
    /// run plays (<see cref="Session.SetPace"/>) without restarting it. Default 20: the spiral's boundary curls
    /// over its first 60–70 epochs, about 3 s at this pace.
    /// </summary>
    public int Pace { get; init; } = DefaultPace;

    /// <summary>The default <see cref="Pace"/>, in epochs per second.</summary>
    public const int DefaultPace = 20;

    /// <summary>The <see cref="Pace"/> that asks for no pace: train as fast as the machine can.</summary>
    public const int MaxPace = 0;

    /// <summary>The largest seed (the epoch's seed is seed + epoch, which must not overflow).</summary>
    public const int MaxSeed = 1_000_000;

    /// <summary>Throws <see cref="PlaygroundInputException"/> naming the first setting out of range.</summary>
    public void Validate(PlaygroundLimits limits)
    {
        Require(Choices.DataSets.Contains(Dataset), $"dataset: unknown {Q(Dataset)}; use one of {string.Join(", ", Choices.DataSets)}.");
        Require(Points >= 20 && Points <= limits.MaxPoints, $"points: {Points} is outside [20, {limits.MaxPoints}].");
        Require(double.IsFinite(Noise) && Noise >= 0 && Noise <= 2, $"noise: {Noise} is outside [0, 2].");
        Require(DataSeed >= 0 && DataSeed <= MaxSeed, $"dataSeed: {DataSeed} is outside [0, {MaxSeed}].");
        Require(Seed >= 0 && Seed <= MaxSeed, $"seed: {Seed} is outside [0, {MaxSeed}].");
        Require(double.IsFinite(TestShare) && TestShare >= 0.05 && TestShare <= 0.9, $"testShare: {TestShare} is outside [0.05, 0.9].");
        Require(Choices.Preprocessings.Contains(Preprocess), $"preprocess: unknown {Q(Preprocess)}; use one of {string.Join(", ", Choices.Preprocessings)}.");
        Require(Layers is not null, "layers: missing (give [] for no hidden layer).");
        Require(Layers!.Length <= limits.MaxLayers, $"layers: {Layers.Length} hidden layers; at most {limits.MaxLayers}.");
        for (int i = 0; i < Layers.Length; i++)
        {
            var layer = Layers[i];
            Require(layer is not null, $"layers[{i}]: missing.");
            Require(layer!.Units >= 1 && layer.Units <= limits.MaxUnits, $"layers[{i}].units: {layer.Units} is outside [1, {limits.MaxUnits}].");
            Require(layer.Activation is not null && Choices.Activations.ContainsKey(layer.Activation), $"layers[{i}].activation: unknown {Q(layer.Activation)}; use one of {string.Join(", ", Choices.Activations.Keys)}.");
        }
        Require(Output is not null && Choices.Outputs.ContainsKey(Output), $"output: unknown {Q(Output)}; use one of {string.Join(", ", Choices.Outputs.Keys)}.");
        Require(Init is not null && Choices.Initializers.ContainsKey(Init), $"init: unknown {Q(Init)}; use one of {string.Join(", ", Choices.Initializers.Keys)}.");
        Require(Optimizer is not null && Choices.Optimizers.ContainsKey(Optimizer), $"optimizer: unknown {Q(Optimizer)}; use one of {string.Join(", ", Choices.Optimizers.Keys)}.");
        Require(double.IsFinite(LearningRate) && LearningRate > 0 && LearningRate <= 10, $"learningRate: {LearningRate} is outside (0, 10].");
        Require(BatchSize >= 1 && BatchSize <= limits.MaxPoints, $"batchSize: {BatchSize} is outside [1, {limits.MaxPoints}].");
        Require(Precision is not null && Choices.Precisions.Contains(Precision), $"precision: unknown {Q(Precision)}; use one of {string.Join(", ", Choices.Precisions)}.");
        Require(double.IsFinite(L2) && L2 >= 0 && L2 <= 1, $"l2: {L2} is outside [0, 1].");
        Require(double.IsFinite(Dropout) && Dropout >= 0 && Dropout <= 0.9, $"dropout: {Dropout} is outside [0, 0.9].");
        ValidatePace(Pace, limits);
    }

    /// <summary>Throws <see cref="PlaygroundInputException"/> unless the pace is 1..<see cref="PlaygroundLimits.MaxPace"/> epochs per second or 0 (max).</summary>
    public static void ValidatePace(int pace, PlaygroundLimits limits) =>
        Require(pace == MaxPace || (pace >= 1 && pace <= limits.MaxPace),
                $"pace: {pace} is outside [1, {limits.MaxPace}] epochs per second (or 0 for max: as fast as the machine trains).");

    /// <summary>A value as sent, quoted for a message (bounded, control characters escaped).</summary>
    private static string Q(string? value) => value is null ? "null" : Excerpt.Quote(value);

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new PlaygroundInputException(message);
    }
}
