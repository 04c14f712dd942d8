using Hybrid.Data;

namespace Hybrid.Cli.Playground;

/// <summary>
/// One run of the playground through the public façade only: the data set, its split and
/// preprocessing, the network, and one <see cref="Trainer"/> call per epoch. <see cref="CSharpCode"/>
/// writes the same calls in the same order, so the code it produces gives the same numbers.
/// </summary>
internal sealed class Experiment
{
    /// <summary>Builds the data and the untrained network the settings describe (validated first).</summary>
    public Experiment(PlaygroundSettings settings)
    {
        Settings = settings;
        var data = Choices.IsGate(settings.Dataset) ? DataSets.LogicGate(settings.Dataset) : settings.Dataset switch
        {
            "spiral" => DataSets.Spiral(settings.Points, settings.Noise, settings.DataSeed),
            "moons" => DataSets.Moons(settings.Points, settings.Noise, settings.DataSeed),
            "circles" => DataSets.Circles(settings.Points, settings.Noise, settings.DataSeed),
            _ => DataSets.Blobs(settings.Points, settings.Noise, settings.DataSeed),
        };
        if (Choices.IsGate(settings.Dataset)) (RawTrain, RawTest) = (data, null);
        else (RawTrain, RawTest) = data.TrainTestSplit(settings.TestShare, settings.DataSeed);
        Preprocessor = settings.Preprocess switch
        {
            "standardize" => Preprocessor.FitStandardize(RawTrain.Features),
            "whiten" => Preprocessor.FitWhitening(RawTrain.Features, 2),
            _ => null,
        };
        Train = Preprocessor?.Transform(RawTrain) ?? RawTrain;
        Test = RawTest is null ? null : Preprocessor?.Transform(RawTest) ?? RawTest;
        var output = Choices.Outputs[settings.Output];
        Loss = output.Loss;
        var builder = Network.Create(Train.FeatureCount);
        foreach (var layer in settings.Layers!)
        {
            builder = builder.Dense(layer.Units, Choices.Activations[layer.Activation].Create());
            if (settings.Dropout > 0) builder = builder.Dropout(settings.Dropout);
        }
        Network = builder.Dense(data.ClassCount, output.Activation).Build(Choices.Initializers[settings.Init].Create(settings.Seed));
        ClassCount = data.ClassCount;
    }

    /// <summary>The settings the run follows.</summary>
    public PlaygroundSettings Settings { get; }

    /// <summary>The training rows as generated (what the page draws).</summary>
    public DataSet RawTrain { get; }

    /// <summary>The test rows as generated, or null for a gate.</summary>
    public DataSet? RawTest { get; }

    /// <summary>The preprocessing fitted on the training rows, or null for none.</summary>
    public Preprocessor? Preprocessor { get; }

    /// <summary>The training rows the network sees.</summary>
    public DataSet Train { get; }

    /// <summary>The test rows the network sees, or null.</summary>
    public DataSet? Test { get; }

    /// <summary>The loss trained and reported.</summary>
    public Loss Loss { get; }

    /// <summary>The number of classes (output units).</summary>
    public int ClassCount { get; }

    /// <summary>The network after <see cref="Epoch"/> epochs (immutable: readers may keep it).</summary>
    public Network Network { get; private set; }

    /// <summary>Epochs trained so far.</summary>
    public int Epoch { get; private set; }

    /// <summary>The trainer of epoch e: its shuffle and dropout seed is seed + e, so every epoch draws fresh batches and the run repeats exactly.</summary>
    public static Trainer TrainerFor(PlaygroundSettings s, int epoch) =>
        new(Choices.Outputs[s.Output].Loss, Choices.Optimizers[s.Optimizer].Create(s.LearningRate))
        {
            BatchSize = s.BatchSize,
            WeightDecay = s.L2,
            Epochs = 1,
            Seed = s.Seed + epoch,
        };

    /// <summary>Trains one more epoch (the optimiser's state starts afresh each epoch: one <see cref="Trainer.Fit(Network, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/> per epoch).</summary>
    /// <returns>Why the epoch ended (<see cref="StopReason.NonFiniteLoss"/> or <see cref="StopReason.Diverged"/> keep the last good weights).</returns>
    public TrainingResult Step(CancellationToken cancellationToken)
    {
        var result = TrainerFor(Settings, Epoch + 1).Fit(Network, Train.Features, Train.Targets, null, cancellationToken);
        Network = result.Network;
        Epoch++;
        return result;
    }

    /// <summary>The loss and accuracy on the training rows and on the test rows (dropout off, no L2 term).</summary>
    public (Evaluation Train, Evaluation? Test) Evaluate(Network network) =>
        (network.Evaluate(Train.Features, Train.Targets, Loss), Test is null ? null : network.Evaluate(Test.Features, Test.Targets, Loss));
}
