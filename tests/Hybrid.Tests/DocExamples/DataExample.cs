using Hybrid.Data;

namespace Hybrid.Tests.DocExamples;

/// <summary>The example of docs/data.md.</summary>
public static class DataExample
{
    /// <summary>Built-in digits, a stratified split, standardising fitted on the training rows, a model file.</summary>
    public static (Model Model, DataSet Test) Digits(string modelPath)
    {
        // begin-doc: data
        var (train, test) = DataSets.Digits().TrainTestSplit(testFraction: 0.2, seed: 7);
        var scaler = Preprocessor.FitStandardize(train.Features);      // fitted on the training rows only
        var scaled = scaler.Transform(train);
        var network = Network.Create(scaled.FeatureCount)
            .Dense(64, Activation.ReLU)
            .Dense(scaled.ClassCount, Activation.Softmax)
            .Build(Initializer.He(seed: 7));
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(1e-3)) { Epochs = 20, Seed = 7, ValidationSplit = 0.1 };
        var result = trainer.Fit(network, scaled.Features, scaled.Targets, new ConsoleProgress(TextWriter.Null));
        var model = new Model(result.Network, scaler, train.ClassNames);    // network, scaler, class names
        model.Save(modelPath);                                              // one versioned file
        Evaluation e = Model.Load(modelPath).Evaluate(test);                // raw rows: the scaler is applied
        // end-doc: data
        _ = e;
        return (model, test);
    }
}
