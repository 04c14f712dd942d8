namespace Hybrid.Tests;

/// <summary>
/// Nothing recurses over layers or parameters, so depth is limited by memory, not
/// by the stack: a 100,000-layer network builds, predicts, trains through Trainer.Fit and saves;
/// the loader refuses more layers than ModelLimits.MaxLayers.
/// </summary>
public sealed class DeepNetworkTests
{
    private const int Depth = 100_000;

    // 50,000 dense identity layers with W = [1], b = [0], each followed by dropout(0): the network
    // is the identity map, so its values are known by hand.
    private static Network Deep()
    {
        var builder = Network.Create(1);
        for (int l = 0; l < Depth / 2; l++) builder = builder.Dense(new double[,] { { 1.0 } }, [0.0], Activation.Identity).Dropout(0.0);
        return builder.Build();
    }

    [Fact]
    public void A_100000_layer_network_trains_through_Fit()
    {
        var net = Deep();
        Assert.Equal(Depth, net.Layers.Count);
        Assert.Equal(Depth, net.ParameterCount);   // 50,000 × (1 weight + 1 bias)
        Assert.Equal(new[] { 3.0 }, net.Predict([3.0]));
        // One full-batch SGD step on x = (1, 2), y = (0, 0) with MSE J = 1/(2N) Σ (ŷ − y)² (S20):
        // ŷ = x, so ∂J/∂W_l = (1/N) Σ x_i (ŷ_i − y_i) = (1·1 + 2·2)/2 = 2.5 and
        // ∂J/∂b_l = (1/N) Σ (ŷ_i − y_i) = 1.5 for every layer l (every other factor of the chain is 1).
        const double eta = 1e-9;
        var trainer = new Trainer(Loss.MeanSquaredError, Optimizer.Sgd(eta)) { Epochs = 1, BatchSize = 2 };
        var result = trainer.Fit(net, new[] { new[] { 1.0 }, new[] { 2.0 } }, new[] { new[] { 0.0 }, new[] { 0.0 } });
        Assert.Equal(StopReason.Completed, result.StopReason);
        var trained = result.Network;
        Assert.Equal(Depth, trained.Layers.Count);
        foreach (int l in new[] { 0, Depth / 2, Depth - 2 })
        {
            Assert.Equal(1 - 2.5 * eta, trained.GetWeights(l)[0, 0], 1e-15);
            Assert.Equal(-1.5 * eta, trained.GetBiases(l)[0], 1e-15);
        }
        // The trained map: each layer z -> (1 − 2.5η) z − 1.5η; after 50,000 of them, 1 ↦ about
        // 1 − 50,000·4η (first order in η; the second-order terms are below 1e-7), i.e. 0.9998.
        Assert.Equal(1 - Depth / 2 * 4 * eta, trained.Predict([1.0])[0], 1e-7);
        // The epoch's training loss is its one batch's loss before the step (as Keras reports it):
        // J = (1/(2N))·Σ (ŷ − y)² = (1² + 2²)/4 = 1.25 at the starting (identity) weights.
        Assert.Equal(1.25, result.History[0].TrainingLoss, 1e-12);
    }

    [Fact]
    public void A_100000_layer_network_saves_and_loads()
    {
        var net = Deep();
        var json = net.ToJson();
        var again = Network.FromJson(json);
        Assert.Equal(Depth, again.Layers.Count);
        Assert.Equal(json, again.ToJson());
        var e = Assert.Throws<InvalidDataException>(() => Network.FromJson(json, new ModelLimits(ModelLimits.DefaultMaxFileBytes, Depth - 1)));
        Assert.Contains("more than 99999 layers", e.Message);
        Assert.Contains("ModelLimits.MaxLayers", e.Message);
    }
}
