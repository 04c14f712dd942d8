using MathNet.Numerics.LinearAlgebra;

namespace Hybrid.Tests;

/// <summary>The contract of Network and NetworkBuilder: validation, inference, weights, gradients, immutability.</summary>
public class NetworkTests
{
    internal static Network Small(int seed = 1) =>
        Network.Create(3).Dense(4, Activation.Tanh).Dense(2, Activation.Softmax).Build(Initializer.XavierNormal(seed));

    [Fact]
    public void Builder_validates_each_argument_eagerly_and_names_it()
    {
        Assert.Equal("inputs", Assert.Throws<ArgumentOutOfRangeException>(() => Network.Create(0)).ParamName);
        var b = Network.Create(3);
        Assert.Equal("units", Assert.Throws<ArgumentOutOfRangeException>(() => b.Dense(0, Activation.ReLU)).ParamName);
        Assert.Equal("activation", Assert.Throws<ArgumentNullException>(() => b.Dense(2, null!)).ParamName);
        Assert.Equal("initializer", Assert.Throws<ArgumentNullException>(() => b.Dense(2, Activation.ReLU, null!)).ParamName);
        Assert.Equal("rate", Assert.Throws<ArgumentOutOfRangeException>(() => b.Dropout(1.0)).ParamName);
        Assert.Equal("rate", Assert.Throws<ArgumentOutOfRangeException>(() => b.Dropout(double.NaN)).ParamName);
        Assert.Equal("pieces", Assert.Throws<ArgumentOutOfRangeException>(() => b.Maxout(2, 1)).ParamName);
        Assert.Equal("units", Assert.Throws<ArgumentOutOfRangeException>(() => b.Maxout(0, 2)).ParamName);
        Assert.Equal("initializer", Assert.Throws<ArgumentNullException>(() => b.Dense(2, Activation.ReLU).Build(null!)).ParamName);
        Assert.Throws<InvalidOperationException>(() => b.Build(Initializer.He(1)));
        Assert.Throws<InvalidOperationException>(() => b.Dense(2, Activation.ReLU).Build());
        Assert.Equal("slope", Assert.Throws<ArgumentException>(() => Activation.LeakyReLU(1.5)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentException>(() => Activation.ELU(-1)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentException>(() => Activation.PReLU(double.NaN)).ParamName);
    }

    [Fact]
    public void Given_weights_are_checked_for_shape_and_finite_values()
    {
        var b = Network.Create(2);
        var e = Assert.Throws<ArgumentException>(() => b.Dense(new double[3, 1], new double[1], Activation.Sigmoid));
        Assert.Equal("weights", e.ParamName);
        Assert.Contains("must have 2 rows", e.Message);
        Assert.Equal("biases", Assert.Throws<ArgumentException>(() => b.Dense(new double[2, 1], new double[2], Activation.Sigmoid)).ParamName);
        var w = new double[2, 1];
        w[1, 0] = double.NaN;
        e = Assert.Throws<ArgumentException>(() => b.Dense(w, new double[1], Activation.Sigmoid));
        Assert.Contains("row 1, column 0", e.Message);
        Assert.Throws<ArgumentException>(() => b.Maxout([new double[2, 2]], [new double[2]]));
        Assert.Throws<ArgumentException>(() => b.Maxout([new double[2, 2], new double[2, 3]], [new double[2], new double[3]]));
    }

    [Fact]
    public void Builders_are_immutable_so_a_prefix_can_be_shared()
    {
        var prefix = Network.Create(2).Dense(3, Activation.ReLU);
        var a = prefix.Dense(1, Activation.Sigmoid);
        var c = prefix.Dense(4, Activation.Softmax);
        Assert.Equal(1, prefix.LayerCount);
        Assert.Equal(1, a.Build(Initializer.He(1)).OutputCount);
        Assert.Equal(4, c.Build(Initializer.He(1)).OutputCount);
    }

    [Fact]
    public void S14_the_3_4_4_1_network_has_41_parameters()
    {
        var net = Network.Create(3).Dense(4, Activation.ReLU).Dense(4, Activation.ReLU).Dense(1, Activation.Sigmoid).Build(Initializer.He(0));
        Assert.Equal(41, net.ParameterCount);
        Assert.Equal([16, 20, 5], net.Layers.Select(l => l.ParameterCount));
        var withExtras = Network.Create(3).Dense(4, Activation.PReLU(0.2)).Dropout(0.5).Maxout(2, pieces: 3).Build(Initializer.Default(0));
        Assert.Equal(16 + 1 + 3 * (4 * 2 + 2), withExtras.ParameterCount);
        // The count the builder checks before it makes a layer is the core's (Dense.parameterCountOf), in int64.
        Assert.Equal(17L, Hybrid.Core.Interop.Networks.DenseParameterCount(3, 4, Activation.PReLU(0.2).Core));
        Assert.Equal(16L, Hybrid.Core.Interop.Networks.DenseParameterCount(3, 4, Activation.ReLU.Core));
        Assert.Equal(100_000L * 100_000 + 100_000, Hybrid.Core.Interop.Networks.DenseParameterCount(100_000, 100_000, Activation.Tanh.Core));
        Assert.Equal([LayerKind.Dense, LayerKind.Dropout, LayerKind.Maxout], withExtras.Layers.Select(l => l.Kind));
    }

    [Fact]
    public void S09_a_sigmoid_neuron_built_by_hand_reproduces_the_worked_example()
    {
        // f(w, x) = σ(w0 x0 + w1 x1 + w2) with w = (2, −3, −3), x = (−1, −2): f = σ(1) ≈ 0.73,
        // ∂f/∂w = (x0, x1, 1)·(1 − f)f ≈ (−0.20, −0.39, 0.20).
        var net = Network.Create(2).Dense(new double[,] { { 2 }, { -3 } }, [-3], Activation.Sigmoid).Build();
        double f = net.Predict([-1.0, -2.0])[0];
        Assert.Equal(1 / (1 + Math.Exp(-1)), f, 15);
        // MSE's gradient is (ŷ − y)/N: with N = 1 and y = f − 1 it is 1, so the weight gradients are ∂f/∂w.
        var g = net.ComputeGradients(Loss.MeanSquaredError, new[] { new[] { -1.0, -2.0 } }, new[] { new[] { f - 1 } });
        double s = (1 - f) * f;
        Assert.Equal(["layer 0 W", "layer 0 b"], g.Gradients.Select(p => p.Name));
        Assert.Equal(-1 * s, g.Gradients[0].Values[0, 0], 12);
        Assert.Equal(-2 * s, g.Gradients[0].Values[1, 0], 12);
        Assert.Equal(s, g.Gradients[1].Values[0, 0], 12);
        Assert.Equal(0.5, g.Loss, 12);
    }

    [Fact]
    public void Weights_are_read_back_as_given_and_are_copies()
    {
        var w = new double[,] { { 1, 2 }, { 3, 4 } };
        var b = new[] { 0.5, -0.5 };
        var net = Network.Create(2).Dense(w, b, Activation.Identity).Build();
        var before = net.Predict([1.0, 1.0]);
        w[0, 0] = 100; b[0] = 100;                      // the builder copied them
        var read = net.GetWeights(0);
        read[0, 0] = -100;                              // and so does GetWeights
        net.GetParameters()[0].Values[0, 0] = -100;
        Assert.Equal(before, net.Predict([1.0, 1.0]));
        Assert.Equal(new double[,] { { 1, 2 }, { 3, 4 } }, net.GetWeights(0));
        Assert.Equal([0.5, -0.5], net.GetBiases(0));
        Assert.Equal([4.5, 5.5], before);
        Assert.Equal("layer", Assert.Throws<ArgumentOutOfRangeException>(() => net.GetWeights(1)).ParamName);
        Assert.Equal("piece", Assert.Throws<ArgumentOutOfRangeException>(() => net.GetWeights(0, 1)).ParamName);
    }

    [Fact]
    public void Predict_on_one_row_allocates_only_its_result()
    {
        // The benchmark MLP (784-256-128-10). Expected bytes: what allocating one double[10]
        // costs, measured the same way (no constant of the runtime's object layout in the test).
        var net = Network.Create(784).Dense(256, Activation.ReLU).Dense(128, Activation.ReLU).Dense(10, Activation.Softmax).Build(Initializer.HeNormal(1));
        var row = Enumerable.Range(0, 784).Select(i => Math.Sin(i)).ToArray();
        for (int i = 0; i < 3; i++) net.Predict(row);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = net.Predict(row);
        long predict = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var same = new double[10];
        long oneResult = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(10, result.Length + same.Length - 10);
        Assert.Equal(oneResult, predict);
        // And it is the forward pass: the batch overload's row 0.
        Assert.Equal(net.Predict(new[] { row })[0], result);
    }

    [Fact]
    public void Predict_accepts_jagged_rectangular_and_matrix_inputs_alike()
    {
        var net = Small();
        double[][] rows = [[0.1, -0.2, 0.3], [1, 2, 3]];
        var rect = new double[,] { { 0.1, -0.2, 0.3 }, { 1, 2, 3 } };
        var jagged = net.Predict(rows);
        var fromRect = net.Predict(rect);
        var fromMatrix = net.Predict(Matrix<double>.Build.DenseOfRowArrays(rows));
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(jagged[i], net.Predict(rows[i]));
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(jagged[i][j], fromRect[i, j]);
                Assert.Equal(jagged[i][j], fromMatrix[i, j]);
            }
            Assert.Equal(1.0, jagged[i].Sum(), 12);
        }
    }

    [Fact]
    public void Predict_rejects_bad_input_with_a_message_that_says_what_to_fix()
    {
        var net = Small();
        Assert.Equal("x", Assert.Throws<ArgumentNullException>(() => net.Predict((double[][])null!)).ParamName);
        Assert.Contains("3 inputs", Assert.Throws<ArgumentException>(() => net.Predict(new double[2, 2])).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => net.Predict(Array.Empty<double[]>())).Message);
        Assert.Contains("ragged", Assert.Throws<ArgumentException>(() => net.Predict(new[] { new double[3], new double[2] })).Message);
        var e = Assert.Throws<ArgumentException>(() => net.Predict(new[] { new double[3], new[] { 0, double.PositiveInfinity, 0 } }));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("row 1, column 1", e.Message);
        Assert.Equal("example", Assert.Throws<ArgumentException>(() => net.Predict(new double[4])).ParamName);
    }

    [Fact]
    public void Evaluate_gives_loss_accuracy_and_confusion_matrix()
    {
        var net = Network.Create(2).Dense(new double[,] { { 1, -1 }, { 0, 0 } }, [0, 0], Activation.Softmax).Build();
        double[][] x = [[1, 0], [-1, 0], [2, 0], [-2, 0]];
        int[] y = [0, 1, 1, 1];                           // predicted: 0, 1, 0, 1
        var e = net.Evaluate(x, y);
        Assert.Equal(0.5 + 0.25, e.Accuracy);
        Assert.Equal(new[,] { { 1, 0 }, { 1, 2 } }, e.ConfusionMatrix);
        Assert.Equal(net.ComputeLoss(Loss.CrossEntropy, x, y), e.Loss);
        Assert.Equal(Loss.CrossEntropy, net.DefaultLoss);
        Assert.Equal(2, e.ClassCount);
        Assert.Equal(4, e.Count);
    }

    [Fact]
    public void Labels_and_one_hot_rows_are_the_same_targets()
    {
        var net = Small();
        double[][] x = [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]];
        var fromLabels = net.ComputeGradients(Loss.CrossEntropy, x, new[] { 1, 0 });
        var fromRows = net.ComputeGradients(Loss.CrossEntropy, x, new double[,] { { 0, 1 }, { 1, 0 } });
        Assert.Equal(fromLabels.Loss, fromRows.Loss);
        for (int p = 0; p < fromLabels.Gradients.Count; p++)
            Assert.Equal(fromLabels.Gradients[p].Values, fromRows.Gradients[p].Values);
    }

    [Fact]
    public void Targets_are_validated_against_the_network()
    {
        var net = Small();
        double[][] x = [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Evaluate(x, new[] { 0, 2 }));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("y[1] = 2", e.Message);
        Assert.Contains("2 rows", Assert.Throws<ArgumentException>(() => net.Evaluate(x, new[] { 0 })).Message);
        Assert.Contains("3 columns", Assert.Throws<ArgumentException>(() => net.Evaluate(x, new double[2, 3])).Message);
        Assert.Contains("row 0, column 1", Assert.Throws<ArgumentException>(() => net.Evaluate(x, new double[,] { { 0, double.NaN }, { 1, 0 } })).Message);
        Assert.Equal("l2", Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeGradients(Loss.CrossEntropy, x, new[] { 0, 1 }, -1)).ParamName);
        Assert.Equal("loss", Assert.Throws<ArgumentNullException>(() => net.ComputeLoss(null!, x, new[] { 0, 1 })).ParamName);
    }

    [Fact]
    public void A_softmax_of_width_1_with_cross_entropy_is_rejected()
    {
        var net = Network.Create(2).Dense(1, Activation.Softmax).Build(Initializer.XavierNormal(0));
        var e = Assert.Throws<ArgumentException>(() => net.ComputeLoss(Loss.CrossEntropy, new double[,] { { 1, 2 } }, new[] { 1 }));
        Assert.Contains("softmax of width 1", e.Message);
        var trainer = new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1));
        Assert.Throws<ArgumentException>(() => trainer.Fit(net, new double[,] { { 1, 2 } }, new double[,] { { 1 } }));
    }

    [Fact]
    public void L2_adds_two_lambda_W_to_each_weight_gradient_and_nothing_to_biases()
    {
        var net = Small();
        double[][] x = [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]];
        int[] y = [1, 0];
        var plain = net.ComputeGradients(Loss.CrossEntropy, x, y);
        var decayed = net.ComputeGradients(Loss.CrossEntropy, x, y, l2: 0.1);
        var ps = net.GetParameters();
        double penalty = 0;
        for (int p = 0; p < ps.Count; p++)
        {
            bool isWeight = ps[p].Name.EndsWith(" W");
            var w = ps[p].Values;
            for (int i = 0; i < ps[p].RowCount; i++)
                for (int j = 0; j < ps[p].ColumnCount; j++)
                {
                    double expected = plain.Gradients[p].Values[i, j] + (isWeight ? 2 * 0.1 * w[i, j] : 0);
                    Assert.Equal(expected, decayed.Gradients[p].Values[i, j], 14);
                    if (isWeight) penalty += 0.1 * w[i, j] * w[i, j];
                }
        }
        Assert.Equal(plain.Loss + penalty, decayed.Loss, 12);
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_another_seed_other_weights()
    {
        Assert.Equal(Small(5).GetWeights(0), Small(5).GetWeights(0));
        Assert.NotEqual(Small(5).GetWeights(0), Small(6).GetWeights(0));
    }

    [Fact]
    public void Dropout_is_off_at_inference()
    {
        var with = Network.Create(3).Dense(4, Activation.ReLU).Dropout(0.5).Dense(2, Activation.Softmax).Build(Initializer.He(2));
        // Layer seeds derive from the layer index, so give the second network the same weights by hand.
        var byHand = Network.Create(3).Dense(with.GetWeights(0), with.GetBiases(0), Activation.ReLU)
            .Dense(with.GetWeights(2), with.GetBiases(2), Activation.Softmax).Build();
        double[][] x = [[1, 2, 3], [-1, 0.5, 2]];
        Assert.Equal(byHand.Predict(x), with.Predict(x));
        Assert.Equal(0, with.Layers[1].ParameterCount);
        Assert.Equal(0.5, with.Layers[1].DropoutRate);
    }
}
