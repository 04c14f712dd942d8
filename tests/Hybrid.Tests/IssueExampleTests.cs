namespace Hybrid.Tests;

/// <summary>The code a C# user must be able to write, compiled as written.</summary>
public sealed class IssueExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-issue-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_issue_example_compiles_and_runs()
    {
        var (xTrain, yTrain, xTest, yTest) = TestData.DigitsSplit();
        var progress = new Recorder();
        using var source = new CancellationTokenSource();
        var cancellationToken = source.Token;
        var path = Path.Combine(_dir, "digits.model.json");

        var network = Network.Create(inputs: 64)           // names are yours to choose; the shape of
            .Dense(32, Activation.ReLU)                     // the API is not: fluent, validated eagerly,
            .Dense(10, Activation.Softmax)                  // seeded, and free of F# types
            .Build(Initializer.He(seed: 7));
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(learningRate: 1e-3))
            { BatchSize = 32, Epochs = 50, Seed = 7, ValidationSplit = 0.1 };
        TrainingResult result = trainer.Fit(network, xTrain, yTrain, progress, cancellationToken);
        Evaluation e = result.Network.Evaluate(xTest, yTest);   // loss, accuracy, confusion matrix
        result.Network.Save(path);
        var again = Network.Load(path);

        Assert.Equal(50, progress.Reports.Count);
        Assert.True(e.Accuracy >= 0.95, $"{e}");
        Assert.Equal(result.Network.Predict(xTest), again.Predict(xTest));
    }
}
