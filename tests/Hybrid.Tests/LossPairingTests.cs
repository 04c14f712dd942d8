namespace Hybrid.Tests;

/// <summary>
/// Every pairing of a loss with a last layer is either accepted (and trains) or rejected up front
/// with an <see cref="ArgumentException"/> naming the loss and the last layer, as the table of
/// docs/losses.md ("Loss and output pairings") states. The table below is that page's, written
/// out by hand.
/// </summary>
public sealed class LossPairingTests
{
    private static readonly Dictionary<string, Func<NetworkBuilder, NetworkBuilder>> LastLayers = new()
    {
        ["Identity"] = b => b.Dense(2, Activation.Identity),
        ["Tanh"] = b => b.Dense(2, Activation.Tanh),
        ["Sigmoid"] = b => b.Dense(2, Activation.Sigmoid),
        ["Sigmoid(1)"] = b => b.Dense(1, Activation.Sigmoid),
        ["Softmax"] = b => b.Dense(2, Activation.Softmax),
        ["maxout"] = b => b.Maxout(2, pieces: 2),
        ["Softmax then dropout"] = b => b.Dense(2, Activation.Softmax).Dropout(0.2),
        ["LogSoftmax"] = b => b.Dense(2, Activation.LogSoftmax),
    };

    private static readonly Dictionary<string, Loss> Losses = new()
    {
        ["MeanSquaredError"] = Loss.MeanSquaredError,
        ["MeanAbsoluteError"] = Loss.MeanAbsoluteError,
        ["SumOfSquares"] = Loss.SumOfSquares,
        ["BinaryCrossEntropy"] = Loss.BinaryCrossEntropy,
        ["CrossEntropy"] = Loss.CrossEntropy,
        ["Hinge"] = Loss.Hinge,
        ["MulticlassHinge"] = Loss.MulticlassHinge,
        ["Logistic"] = Loss.Logistic,
    };

    /// <summary>The layers each loss accepts (docs/losses.md); every other pairing is rejected.</summary>
    private static readonly Dictionary<string, string[]> Accepted = new()
    {
        ["MeanSquaredError"] = ["Identity", "Tanh", "Sigmoid", "Sigmoid(1)", "Softmax", "maxout", "Softmax then dropout", "LogSoftmax"],
        ["MeanAbsoluteError"] = ["Identity", "Tanh", "Sigmoid", "Sigmoid(1)", "Softmax", "maxout", "Softmax then dropout", "LogSoftmax"],
        ["SumOfSquares"] = ["Identity", "Tanh", "Sigmoid", "Sigmoid(1)", "Softmax", "maxout", "Softmax then dropout", "LogSoftmax"],
        ["BinaryCrossEntropy"] = ["Sigmoid", "Sigmoid(1)"],
        ["CrossEntropy"] = ["Softmax"],
        ["Hinge"] = ["Identity", "Tanh", "Sigmoid", "Sigmoid(1)", "Softmax", "maxout", "Softmax then dropout", "LogSoftmax"],
        ["MulticlassHinge"] = ["Identity", "Tanh", "Sigmoid", "Softmax", "maxout", "Softmax then dropout", "LogSoftmax"],
        ["Logistic"] = ["Identity", "Tanh", "Sigmoid", "Sigmoid(1)", "Softmax", "maxout", "Softmax then dropout", "LogSoftmax"],
    };

    /// <summary>Every (loss, last layer) pair.</summary>
    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var loss in Losses.Keys)
            foreach (var layer in LastLayers.Keys)
                data.Add(loss, layer);
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_loss_and_last_layer_pair_is_accepted_or_rejected_as_documented(string lossName, string layerName)
    {
        var loss = Losses[lossName];
        var net = LastLayers[layerName](Network.Create(3).Dense(4, Activation.Tanh)).Build(Initializer.XavierNormal(5));
        var x = Features.FromRows([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-1.0, 1.0, 0.0], [0.0, -2.0, 1.0]]);
        var y = Targets.FromLabels([0, 1, 1, 0]);
        var trainer = new Trainer(loss, Optimizer.Sgd(0.1)) { Epochs = 2, BatchSize = 2 };
        if (Accepted[lossName].Contains(layerName))
        {
            Assert.True(double.IsFinite(net.ComputeLoss(loss, x, y)));
            Assert.Equal(2, trainer.Fit(net, x, y).History.Count);
        }
        else
        {
            foreach (var call in new Action[] { () => net.ComputeLoss(loss, x, y), () => trainer.Fit(net, x, y) })
            {
                var e = Assert.ThrowsAny<ArgumentException>(call);
                Assert.Equal("loss", e.ParamName);
                var lastName = layerName switch { "Sigmoid(1)" => "Sigmoid", "Softmax then dropout" => "dropout", _ => layerName };
                Assert.Contains(lastName, e.Message);
                Assert.Contains(lossName == "BinaryCrossEntropy" ? "Binary cross-entropy" : lossName == "CrossEntropy" ? "ross-entropy" : "multiclass hinge", e.Message);
            }
        }
    }
}
