using MathNet.Numerics.LinearAlgebra;

namespace Hybrid.Tests;

/// <summary>Targets: how class labels are encoded per loss, the up-front check of target values, and the class rule of PredictClasses.</summary>
public class TargetTests
{
    private static readonly double[][] X = Enumerable.Range(0, 40).Select(i => new[] { Math.Sin(i), Math.Cos(1.7 * i), i % 3 - 1.0 }).ToArray();
    private static readonly int[] Labels3 = X.Select(r => r[0] > 0.5 ? 2 : r[1] > 0 ? 1 : 0).ToArray();

    private static Loss LossNamed(string name) => name switch
    {
        "bce" => Loss.BinaryCrossEntropy,
        "ce" => Loss.CrossEntropy,
        "hinge" => Loss.Hinge,
        "logistic" => Loss.Logistic,
        _ => Loss.MulticlassHinge,
    };

    private static double[] Flatten(Network n) => n.GetParameters().SelectMany(p => p.Values.Cast<double>()).ToArray();

    [Theory]
    [InlineData("hinge")]
    [InlineData("logistic")]
    public void Class_labels_with_hinge_or_logistic_and_three_outputs_are_encoded_one_vs_rest(string name)
    {
        var loss = LossNamed(name);
        var net = Network.Create(3).Dense(3, Activation.Identity).Build(Initializer.XavierNormal(2));
        // +1 at the label, −1 elsewhere.
        var signs = Labels3.Select(l => Enumerable.Range(0, 3).Select(j => j == l ? 1.0 : -1.0).ToArray()).ToArray();
        var trainer = new Trainer(loss, Optimizer.Sgd(0.1)) { Epochs = 3, BatchSize = 8, Seed = 3 };
        var viaLabels = trainer.Fit(net, X, Labels3);
        var viaSigns = trainer.Fit(net, X, signs);
        Assert.Equal(StopReason.Completed, viaLabels.StopReason);
        Assert.Equal(Flatten(viaSigns.Network), Flatten(viaLabels.Network));
        var a = viaLabels.Network.Evaluate(X, Labels3, loss);
        var b = viaLabels.Network.Evaluate(X, signs, loss);
        Assert.Equal(b.Loss, a.Loss);
        Assert.Equal(b.Accuracy, a.Accuracy);
        Assert.Equal(b.ConfusionMatrix, a.ConfusionMatrix);
        Assert.Equal(3, a.ClassCount);
        // Accuracy counts argmax(output) = label.
        var predicted = viaLabels.Network.PredictClasses(X, loss);
        Assert.Equal(predicted.Zip(Labels3).Count(p => p.First == p.Second) / 40.0, a.Accuracy);
        Assert.Equal(viaLabels.Network.ComputeLoss(loss, X, signs), viaLabels.Network.ComputeLoss(loss, X, Labels3));
    }

    // A valid 40×2 target matrix for the loss, with `bad` at (29, 1).
    private static double[,] TargetsWithBadValue(string name)
    {
        var y = new double[40, 2];
        for (int i = 0; i < 40; i++)
        {
            int label = (i * 7) % 2;
            for (int j = 0; j < 2; j++)
                y[i, j] = name switch
                {
                    "bce" => 0.3,
                    "hinge" or "logistic" => j == label ? 1 : -1,
                    _ => j == label ? 1 : 0,
                };
        }
        y[29, 1] = name switch { "bce" => 1.5, "ce" => -0.2, "hinge" => 0, "logistic" => 0.5, _ => 2 };
        return y;
    }

    private static double[,] Good(string name)
    {
        var y = TargetsWithBadValue(name);
        y[29, 1] = y[29, 0] == 1 ? (name is "hinge" or "logistic" ? -1 : 0) : 1;
        if (name == "bce") y[29, 1] = 0.3;
        return y;
    }

    [Theory]
    [InlineData("bce")]
    [InlineData("ce")]
    [InlineData("hinge")]
    [InlineData("logistic")]
    [InlineData("multiclassHinge")]
    public void Invalid_target_values_are_rejected_up_front_naming_the_callers_parameter_row_and_column(string name)
    {
        var loss = LossNamed(name);
        // Binary cross-entropy needs a sigmoid output, the others take a softmax (LossPairingTests).
        var last = name == "bce" ? Activation.Sigmoid : Activation.Softmax;
        var net = Network.Create(3).Dense(6, Activation.Tanh).Dense(2, last).Build(Initializer.XavierNormal(1));
        var bad = TargetsWithBadValue(name);
        var good = Good(name);
        var recorder = new Recorder();
        // Batches of 8 and a validation split: the bad row lands elsewhere after the shuffle, but
        // the error names the caller's row 29.
        var trainer = new Trainer(loss, Optimizer.Sgd(0.1)) { Epochs = 2, BatchSize = 8 };
        var split = new Trainer(loss, Optimizer.Sgd(0.1)) { Epochs = 2, BatchSize = 8, ValidationSplit = 0.25 };
        Assert.Equal(StopReason.Completed, trainer.Fit(net, X, good).StopReason);
        foreach (var (paramName, call) in new (string, Action)[]
                 {
                     ("y", () => trainer.Fit(net, X, bad, recorder)),
                     ("y", () => split.Fit(net, X, bad, recorder)),
                     ("y", () => trainer.Fit(net, X, bad, X, good, recorder)),
                     ("validationY", () => trainer.Fit(net, X, good, X, bad, recorder)),
                 })
        {
            var e = Assert.Throws<ArgumentException>(call);
            Assert.Equal(paramName, e.ParamName);
            Assert.Contains($"{paramName} has an invalid target", e.Message);
            Assert.Contains("row 29, column 1", e.Message);
        }
        Assert.Empty(recorder.Reports);
    }

    [Fact]
    public void Labels_for_one_output_are_checked_as_the_loss_reads_them()
    {
        // Labels for several outputs are encoded to suit any loss (one-hot rows; ±1 for a sign loss),
        // so Fit does not read them again; labels for one output are 0/1 values, which a loss taking
        // one-hot rows cannot read (label 0 is a row with no 1): a user's loss may take one output.
        var oneHot = Loss.Register(LossDefinition.Create<Hybrid.Tests.DocExamples.Huber>("oneHotHuber" + Guid.NewGuid().ToString("N"), new() { Targets = TargetKind.OneHot }), verify: false);
        var net = Network.Create(3).Dense(1, Activation.Identity).Build(Initializer.XavierNormal(1));
        int[] labels = [.. Enumerable.Range(0, X.Length).Select(i => i < 4 ? 1 : i % 2)];
        foreach (var reference in new[] { false, true })
        {
            var trainer = new Trainer(oneHot, Optimizer.Sgd(0.1)) { Epochs = 1, UseReferencePath = reference };
            var e = Assert.Throws<ArgumentException>(() => trainer.Fit(net, X, labels));
            Assert.StartsWith("y has an invalid target row 4:", e.Message);
            Assert.Contains("every column of row 4 is 0", e.Message);
        }
    }

    [Theory]
    [InlineData("bce")]
    [InlineData("ce")]
    [InlineData("hinge")]
    [InlineData("logistic")]
    [InlineData("multiclassHinge")]
    public void Evaluate_ComputeLoss_and_ComputeGradients_reject_invalid_target_values(string name)
    {
        var loss = LossNamed(name);
        var net = Network.Create(3).Dense(2, name == "bce" ? Activation.Sigmoid : Activation.Softmax).Build(Initializer.XavierNormal(1));
        var bad = TargetsWithBadValue(name);
        net.Evaluate(X, Good(name), loss);
        foreach (var call in new Action[] { () => net.Evaluate(X, bad, loss), () => net.ComputeLoss(loss, X, bad), () => net.ComputeGradients(loss, X, bad) })
        {
            var e = Assert.Throws<ArgumentException>(call);
            Assert.Equal("y", e.ParamName);
            Assert.Contains("row 29, column 1", e.Message);
        }
    }

    [Fact]
    public void A_multiclass_hinge_row_without_a_1_is_rejected_naming_the_row()
    {
        var net = Network.Create(3).Dense(2, Activation.Identity).Build(Initializer.XavierNormal(1));
        var y = Good("multiclassHinge");
        y[12, 0] = y[12, 1] = 0;
        var e = Assert.Throws<ArgumentException>(() => net.ComputeLoss(Loss.MulticlassHinge, X, y));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("row 12", e.Message);
        y[12, 0] = y[12, 1] = 1;
        Assert.Contains("row 12, column 1", Assert.Throws<ArgumentException>(() => net.ComputeLoss(Loss.MulticlassHinge, X, y)).Message);
    }

    [Fact]
    public void PredictClasses_with_a_loss_agrees_with_Evaluate()
    {
        // One identity output equal to the first input: outputs −0.7 … 1.0.
        var net = Network.Create(2).Dense(new double[,] { { 1 }, { 0 } }, [0.0], Activation.Identity).Build();
        double[][] x = [[-0.7, 0], [-0.2, 0], [0.2, 0], [0.4, 0], [0.7, 0], [1.0, 0]];
        int[] y = [0, 1, 1, 0, 1, 0];
        Assert.Equal([0, 0, 0, 0, 1, 1], net.PredictClasses(x));
        Assert.Equal(net.PredictClasses(x), net.PredictClasses(x, Loss.MeanSquaredError));
        // (Binary cross-entropy would need a sigmoid output: LossPairingTests.)
        foreach (var loss in new[] { Loss.Hinge, Loss.Logistic, Loss.MeanSquaredError })
        {
            var classes = net.PredictClasses(x, loss);
            var e = net.Evaluate(x, y, loss);
            Assert.Equal(classes.Zip(y).Count(p => p.First == p.Second) / 6.0, e.Accuracy);
            var confusion = new int[2, 2];
            for (int i = 0; i < y.Length; i++) confusion[y[i], classes[i]]++;
            Assert.Equal(confusion, e.ConfusionMatrix);
        }
        Assert.Equal([0, 0, 1, 1, 1, 1], net.PredictClasses(x, Loss.Hinge));
        Assert.Equal("loss", Assert.Throws<ArgumentNullException>(() => net.PredictClasses(x, null!)).ParamName);
        // With k ≥ 2 outputs every loss uses the argmax.
        var wide = NetworkTests.Small();
        double[][] rows = [[0.1, 0.2, 0.3], [-1, 0.5, 2], [3, -2, 0]];
        Assert.Equal(wide.PredictClasses(rows), wide.PredictClasses(rows, Loss.Hinge));
    }
}
