using Hybrid.Lessons;

namespace Hybrid.Tests;

/// <summary>The lessons façade from C#: operators, worked examples, validation, determinism.</summary>
public class LessonsTests
{
    [Fact]
    public void S07_OperatorsGiveTheSlideNumbers()
    {
        var x = new Value(-2);
        var y = new Value(5);
        var z = new Value(-4);
        var f = (x + y) * z;
        f.Backward();
        Assert.Equal(-12.0, f.Data);
        Assert.Equal(-4.0, x.Grad);
        Assert.Equal(-4.0, y.Grad);
        Assert.Equal(3.0, z.Grad);
        Assert.Equal("*", f.Operation);
    }

    [Fact]
    public void S09_SigmoidCircuitWithOperatorsEqualsTheShortcut()
    {
        var w0 = new Value(2); var x0 = new Value(-1);
        var w1 = new Value(-3); var x1 = new Value(-2);
        var w2 = new Value(-3);
        var f = 1.0 / (1.0 + (-(w0 * x0 + w1 * x1 + w2)).Exp());
        f.Backward();
        var s = 1.0 / (1.0 + Math.Exp(-1.0));
        Assert.Equal(s, f.Data, 12);
        var shortcut = (1 - s) * s;
        Assert.Equal(-1 * shortcut, w0.Grad, 12);
        Assert.Equal(-2 * shortcut, w1.Grad, 12);
        Assert.Equal(shortcut, w2.Grad, 12);
        Assert.Equal(2 * shortcut, x0.Grad, 12);
        Assert.Equal(-3 * shortcut, x1.Grad, 12);
        var g = (w0 * x0 + w1 * x1 + w2).Sigmoid();
        g.Backward();
        Assert.Equal(-1 * shortcut, w0.Grad, 12);
    }

    [Fact]
    public void S08_MethodsHaveTheirLocalGradients()
    {
        var a = new Value(2);
        var b = new Value(3);
        var f = Value.Max(a, b) + a.Pow(2) + a.Reciprocal() + b.Log() + a.Relu() + b.Tanh() - a;
        f.Backward();
        // ∂/∂a: 0 (max routes to b) + 2a + (−1/a²) + 1 (ReLU) − 1 = 4 − 0.25.
        Assert.Equal(3.75, a.Grad, 12);
        // ∂/∂b: 1 (max) + 1/b + (1 − tanh² b).
        Assert.Equal(1 + 1.0 / 3 + (1 - Math.Pow(Math.Tanh(3), 2)), b.Grad, 12);
    }

    [Fact]
    public void S10_SharedValueSumsItsBranches()
    {
        var a = new Value(2);
        var f = a * a * a; // 3a² = 12
        f.Backward();
        Assert.Equal(12.0, a.Grad, 12);
    }

    [Fact]
    public void S11_ChainOf100000GatesBackpropagates()
    {
        var x = new Value(1);
        Value y = x;
        for (var i = 0; i < 100_000; i++) y = y + x;
        y.Backward();
        Assert.Equal(100_001.0, x.Grad);
    }

    [Fact]
    public void ValueValidatesItsArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>("data", () => new Value(double.NaN));
        Assert.Throws<ArgumentNullException>("a", () => null! + new Value(1));
        Assert.Throws<ArgumentNullException>("b", () => new Value(1) * (Value)null!);
        Assert.Throws<ArgumentException>("b", () => new Value(1) / 0.0);
        Assert.Throws<ArgumentException>(() => new Value(-1).Log());
    }

    [Fact]
    public void S01_PerceptronLearnsAndOrNandButNotXor()
    {
        foreach (var gate in new[] { LogicGates.And, LogicGates.Or, LogicGates.Nand })
        {
            var p = new Perceptron(inputCount: 2, seed: 7);
            var result = p.Fit(gate.Inputs, gate.Targets, learningRate: 0.1, maxEpochs: 100);
            Assert.True(result.Converged, gate.Name);
            Assert.Equal(0, result.MistakesPerEpoch[^1]);
            Assert.Equal(0, p.Errors(gate.Inputs, gate.Targets));
            Assert.Equal(result.Weights, p.Weights);
            for (var i = 0; i < 4; i++) Assert.Equal(gate.Targets[i], p.Predict(gate.Inputs[i]));
        }
        var xor = LogicGates.Xor;
        var q = new Perceptron(2, seed: 3);
        var r = q.Fit(xor.Inputs, xor.Targets, 0.1, 200);
        Assert.False(r.Converged);
        Assert.Equal(200, r.Epochs);
        Assert.All(r.MistakesPerEpoch, m => Assert.True(m >= 1));
    }

    [Fact]
    public void S01_SameSeedSameRunOtherSeedOtherStart()
    {
        var and = LogicGates.And;
        var a = new Perceptron(2, 11).Fit(and.Inputs, and.Targets, 0.1, 100);
        var b = new Perceptron(2, 11).Fit(and.Inputs, and.Targets, 0.1, 100);
        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(a.MistakesPerEpoch, b.MistakesPerEpoch);
        Assert.NotEqual(new Perceptron(2, 11).Weights, new Perceptron(2, 12).Weights);
    }

    [Fact]
    public void S02_AdalineOnlineAndBatchReachTheLeastSquaresCost()
    {
        var and = LogicGates.And;
        var online = new Adaline(new[] { 0.0, 0.0 }, 0.0).Fit(and.Inputs, and.Targets, 0.01, 300);
        Assert.Equal(300, online.CostPerEpoch.Count);
        Assert.InRange(online.CostPerEpoch[^1], 0.125, 0.13);
        var adaline = new Adaline(new[] { 0.0, 0.0 }, 0.0);
        var batch = adaline.FitBatch(and.Inputs, and.Targets, 0.1, 1000);
        Assert.Equal(0.125, batch.CostPerEpoch[^1], 10);
        Assert.Equal(0.5, adaline.Weights[0], 8);
        Assert.Equal(-0.25, adaline.Bias, 8);
        Assert.Equal(0.125, adaline.Cost(and.Inputs, and.Targets), 10);
        Assert.Equal(0.75, adaline.Predict(new[] { 1.0, 1.0 }), 8);
    }

    [Fact]
    public void S03_SigmoidNeuronLearnsOrAndItsLossIsFinite()
    {
        var or = LogicGates.Or;
        var neuron = new SigmoidNeuron(2, seed: 1);
        var result = neuron.Fit(or.Inputs, or.Targets, learningRate: 1.0, epochs: 2000);
        Assert.True(result.LossPerEpoch[^1] < 0.02);
        Assert.True(neuron.Predict(new[] { 0.0, 0.0 }) < 0.1);
        Assert.True(neuron.Predict(new[] { 1.0, 0.0 }) > 0.9);
        Assert.Equal(result.LossPerEpoch[^1], neuron.Loss(or.Inputs, or.Targets), 12);
        Assert.True(double.IsFinite(SigmoidNeuron.CrossEntropy(0.0, 1.0)));
        Assert.True(double.IsFinite(SigmoidNeuron.CrossEntropy(1.0, 0.0)));
        var saturated = new SigmoidNeuron(new[] { 1000.0, 1000.0 }, 0.0);
        Assert.Equal(1000.0, saturated.Loss(new[] { new[] { -1.0, 0.0 } }, new[] { 1.0 }), 9);
    }

    [Fact]
    public void NeuronsValidateTheirArgumentsEagerly()
    {
        var and = LogicGates.And;
        var p = new Perceptron(2, 1);
        Assert.Throws<ArgumentOutOfRangeException>("inputCount", () => new Perceptron(0, 1));
        Assert.Throws<ArgumentNullException>("weights", () => new Adaline(null!, 0.0));
        Assert.Throws<ArgumentException>("weights", () => new SigmoidNeuron(Array.Empty<double>(), 0.0));
        Assert.Throws<ArgumentOutOfRangeException>("bias", () => new Perceptron(new[] { 1.0 }, double.NaN));
        Assert.Throws<ArgumentNullException>("inputs", () => p.Fit(null!, and.Targets, 0.1, 10));
        Assert.Throws<ArgumentNullException>("targets", () => p.Fit(and.Inputs, null!, 0.1, 10));
        Assert.Throws<ArgumentException>("targets", () => p.Fit(and.Inputs, new[] { 0.0, 1.0 }, 0.1, 10));
        Assert.Throws<ArgumentException>("targets", () => p.Fit(and.Inputs, new[] { 0.0, 1.0, 0.5, 1.0 }, 0.1, 10));
        Assert.Throws<ArgumentException>("inputs", () => p.Fit(new[] { new[] { 1.0 } }, new[] { 1.0 }, 0.1, 10));
        Assert.Throws<ArgumentOutOfRangeException>("learningRate", () => p.Fit(and.Inputs, and.Targets, 0.0, 10));
        Assert.Throws<ArgumentOutOfRangeException>("maxEpochs", () => p.Fit(and.Inputs, and.Targets, 0.1, 0));
        Assert.Throws<ArgumentOutOfRangeException>("epochs", () => new Adaline(2, 1).Fit(and.Inputs, and.Targets, 0.1, 0));
        Assert.Throws<ArgumentException>("input", () => p.Predict(new[] { 1.0, 2.0, 3.0 }));
        Assert.Throws<ArgumentException>("targets", () => new SigmoidNeuron(2, 1).Fit(and.Inputs, new[] { 0.0, 2.0, 0.0, 1.0 }, 0.1, 5));
        Assert.Throws<ArgumentOutOfRangeException>("probability", () => SigmoidNeuron.CrossEntropy(1.5, 1.0));
    }

    [Fact]
    public void LogicGateDataAreReadOnlyTruthTables()
    {
        Assert.Equal(new[] { 0.0, 1.0, 1.0, 0.0 }, LogicGates.Xor.Targets);
        Assert.Equal(new[] { 1.0, 1.0, 1.0, 0.0 }, LogicGates.Nand.Targets);
        Assert.Equal(new[] { 1.0, 0.0 }, LogicGates.And.Inputs[2]);
        Assert.Throws<NotSupportedException>(() => ((IList<double>)LogicGates.Or.Targets)[0] = 5.0);
    }

    [Fact]
    public void S25_GradientDescentBeatsRandomSearchOnAQuadraticWithTheSameBudget()
    {
        // L(θ) = Σ (θ_i − 1)² in 10 dimensions, 100 evaluations each.
        static double Loss(double[] t) => t.Sum(v => (v - 1) * (v - 1));
        static double[] Gradient(double[] t) => t.Select(v => 2 * (v - 1)).ToArray();
        var start = new double[10];
        var random = RandomSearch.Search(Loss, dimension: 10, budget: 100, scale: 1.0, seed: 5);
        var local = RandomSearch.LocalSearch(Loss, start, budget: 100, stepSize: 0.1, seed: 5);
        var gd = RandomSearch.GradientDescent(Loss, Gradient, start, budget: 100, learningRate: 0.1);
        Assert.Equal(100, random.Evaluations);
        Assert.Equal(100, gd.BestLossHistory.Count);
        Assert.True(gd.Loss < local.Loss && local.Loss < random.Loss, $"gd {gd.Loss}, local {local.Loss}, random {random.Loss}");
        Assert.Equal(random.Loss, RandomSearch.Search(Loss, 10, 100, 1.0, 5).Loss);
        Assert.Throws<ArgumentNullException>("loss", () => RandomSearch.Search(null!, 10, 100, 1.0, 5));
        Assert.Throws<ArgumentOutOfRangeException>("budget", () => RandomSearch.LocalSearch(Loss, start, 0, 0.1, 5));
        Assert.Throws<ArgumentException>("initial", () => RandomSearch.GradientDescent(Loss, Gradient, Array.Empty<double>(), 10, 0.1));
    }
}
