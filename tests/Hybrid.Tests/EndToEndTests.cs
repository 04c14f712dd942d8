using System.Diagnostics;
using Xunit.Abstractions;

namespace Hybrid.Tests;

public class EndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public void Xor_is_learned_to_100_percent_with_a_fixed_seed()
    {
        var network = Network.Create(inputs: 2)
            .Dense(8, Activation.Tanh)
            .Dense(2, Activation.Softmax)
            .Build(Initializer.XavierNormal(seed: 3));
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(learningRate: 0.05)) { BatchSize = 4, Epochs = 300, Seed = 1 };
        var result = trainer.Fit(network, TestData.XorInputs, TestData.XorLabels);
        var evaluation = result.Network.Evaluate(TestData.XorInputs, TestData.XorLabels);
        output.WriteLine(evaluation.ToString());
        Assert.Equal(1.0, evaluation.Accuracy);
        Assert.Equal([0, 1, 1, 0], result.Network.PredictClasses(TestData.XorInputs));
    }

    [Fact]
    public void Digits_reach_at_least_95_percent_on_the_held_out_20_percent()
    {
        var watch = Stopwatch.StartNew();
        var (xTrain, yTrain, xTest, yTest) = TestData.DigitsSplit();
        var network = Network.Create(inputs: 64)
            .Dense(32, Activation.ReLU)
            .Dense(10, Activation.Softmax)
            .Build(Initializer.He(seed: 7));
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Adam(learningRate: 1e-2)) { BatchSize = 32, Epochs = 20, Seed = 7 };
        var result = trainer.Fit(network, xTrain, yTrain);
        var evaluation = result.Network.Evaluate(xTest, yTest);
        watch.Stop();
        output.WriteLine($"{evaluation} in {watch.Elapsed.TotalSeconds:F2} s; last epoch: {result.History[^1]}");
        Assert.True(evaluation.Accuracy >= 0.95, $"test accuracy {evaluation.Accuracy:P2} < 95%");
        Assert.Equal(yTest.Length, evaluation.Count);
        int total = 0;
        var c = evaluation.ConfusionMatrix;
        for (int a = 0; a < 10; a++) for (int p = 0; p < 10; p++) total += c[a, p];
        Assert.Equal(yTest.Length, total);
    }
}
