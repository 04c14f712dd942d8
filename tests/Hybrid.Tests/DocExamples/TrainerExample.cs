namespace Hybrid.Tests.DocExamples;

/// <summary>The examples of docs/facade-trainer.md.</summary>
public static class TrainerExample
{
    /// <summary>The example on the digits: train, evaluate, save, load.</summary>
    public static (TrainingResult Result, Evaluation Test, Network Reloaded) Digits(string modelPath)
    {
        var (xTrain, yTrain, xTest, yTest) = TestData.DigitsSplit();
        // begin-doc: fit
        var network = Network.Create(inputs: 64)
            .Dense(32, Activation.ReLU)
            .Dense(10, Activation.Softmax)
            .Build(Initializer.He(seed: 7));
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(learningRate: 1e-2))
        {
            BatchSize = 32,
            Epochs = 30,
            Seed = 7,
            ValidationSplit = 0.1,                             // a seeded 10% of the rows
            Schedule = LearningRateSchedule.Step(everyEpochs: 10, factor: 0.5),
            WeightDecay = 1e-4,                                // L2: λ·Σ‖W‖²
            Patience = 5,                                      // early stopping on the validation loss
            RestoreBestWeights = true,
        };
        var progress = new ConsoleProgress();                   // synchronous: one line per epoch, in order
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        TrainingResult result = trainer.Fit(network, xTrain, yTrain, progress, cancellation.Token);
        Console.WriteLine($"{result.StopReason}: {result.Message}");   // e.g. EarlyStopped / Completed
        Evaluation e = result.Network.Evaluate(xTest, yTest);           // loss, accuracy, confusion matrix
        result.Network.Save(modelPath);                                 // atomic, versioned JSON
        var again = Network.Load(modelPath);                            // bit-identical predictions
        // end-doc: fit
        return (result, e, again);
    }

    /// <summary>What a NaN stop looks like.</summary>
    public static TrainingResult NanStop()
    {
        // begin-doc: nan
        double[][] x = [[-8, 2], [3, -5], [7, 7], [0, -8]];
        double[][] y = [[-28], [19], [7], [16]];
        var net = Network.Create(2).Dense(1, Activation.Identity).Build(Initializer.Constant(0.1));
        var result = new Trainer(Loss.MeanSquaredError, Optimizer.Sgd(learningRate: 10)) { Epochs = 100, BatchSize = 4 }
            .Fit(net, x, y);
        // result.StopReason == StopReason.Diverged (the loss grew over a millionfold; with
        // DivergenceFactor = double.PositiveInfinity it runs on until NonFiniteLoss);
        // result.Message says where and what to try; result.Network holds the last good weights.
        // end-doc: nan
        return result;
    }
}
