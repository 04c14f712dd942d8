using Hybrid.Data;

namespace Hybrid.Cli.Playground;

/// <summary>
/// One run of the playground through the public façade only: the data set, its split and
/// preprocessing, the network, and one <see cref="Trainer"/> call per epoch (a Fit, then a Resume per epoch: one long run). <see cref="CSharpCode"/>
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

    /// <summary>Where the run stands after <see cref="Epoch"/> epochs (null before the first): each step resumes from it.</summary>
    public TrainingState? State { get; private set; }

    /// <summary>The trainer of the session's run, one epoch per call: its shuffle and dropout seed is the session's seed, and each epoch draws its own batches from it and the epoch number.</summary>
    public static Trainer TrainerFor(PlaygroundSettings s) =>
        new(Choices.Outputs[s.Output].Loss, Choices.Optimizers[s.Optimizer].Create(s.LearningRate))
        {
            BatchSize = s.BatchSize,
            WeightDecay = s.L2,
            Epochs = 1,
            Seed = s.Seed,
            Precision = Choices.PrecisionOf(s.Precision),
        };

    /// <summary>
    /// Trains one more epoch of one long run: the first epoch is <see cref="Trainer.Fit(Network, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>,
    /// every later one <see cref="Trainer.Resume(TrainingState, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>
    /// from the last <see cref="State"/>, so the optimiser's moments (Adam's m, v and t) carry on and n steps equal one Fit of n epochs, bit for bit.
    /// </summary>
    /// <returns>Why the epoch ended (<see cref="StopReason.NonFiniteLoss"/> or <see cref="StopReason.Diverged"/> keep the last good weights).</returns>
    public TrainingResult Step(CancellationToken cancellationToken)
    {
        var trainer = TrainerFor(Settings);
        var result = State is null
            ? trainer.Fit(Network, Train.Features, Train.Targets, null, cancellationToken)
            : trainer.Resume(State, Train.Features, Train.Targets, null, cancellationToken);
        Network = result.Network;
        State = result.State;
        Epoch++;
        return result;
    }

    /// <summary>The loss and accuracy on the training rows and on the test rows (dropout off, no L2 term).</summary>
    public (Evaluation Train, Evaluation? Test) Evaluate(Network network) =>
        (network.Evaluate(Train.Features, Train.Targets, Loss), Test is null ? null : network.Evaluate(Test.Features, Test.Targets, Loss));
}
