using Hybrid.Core.Interop;
using Xunit;

namespace Hybrid.Tests;

/// <summary>
/// The kinds of layer are defined once, in the core's layer registry; the public
/// <see cref="LayerKind"/> is derived from them by one mapping (<c>LayerKinds.FromCore</c>). The test
/// walks every kind of the registry, so a new kind without a public member fails here; the expected
/// pairs are written out by hand.
/// </summary>
public class LayerKindTests
{
    [Fact]
    public void S13_every_core_layer_case_maps_to_its_public_kind()
    {
        var expected = new Dictionary<string, LayerKind>
        {
            ["dense"] = LayerKind.Dense,
            ["maxout"] = LayerKind.Maxout,
            ["dropout"] = LayerKind.Dropout,
            ["layerNorm"] = LayerKind.LayerNorm,
        };
        Assert.Equal(expected.Keys.Order(), Networks.LayerKindNames.Order());
        foreach (var kind in Networks.LayerKindNames) Assert.Equal(expected[kind], LayerKinds.FromCore(kind));
        Assert.Throws<InvalidOperationException>(() => LayerKinds.FromCore("residual"));
    }

    [Fact]
    public void S13_the_public_layer_kinds_keep_their_names_and_values()
    {
        Assert.Equal(["Dense", "Maxout", "Dropout", "LayerNorm", "Custom"], Enum.GetNames<LayerKind>());
        Assert.Equal([0, 1, 2, 3, 4], Enum.GetValues<LayerKind>().Select(k => (int)k));
    }

    [Fact]
    public void S25_a_network_reports_each_layer_s_core_case_and_its_public_kind()
    {
        var net = Network.Create(3).Dense(4, Activation.ReLU).Maxout(2, 2).Dropout(0.25).Dense(1, Activation.Sigmoid).Build(Initializer.Constant(0.1));
        Assert.Equal(["dense", "maxout", "dropout", "dense"], Networks.Layers(net.Model).Select(l => l.Kind));
        Assert.Equal([LayerKind.Dense, LayerKind.Maxout, LayerKind.Dropout, LayerKind.Dense], net.Layers.Select(l => l.Kind));
        var grads = net.ComputeGradients(Loss.BinaryCrossEntropy, new double[,] { { 1, 2, 3 } }, new double[,] { { 1 } });
        Assert.Equal([0, 1, 3], grads.Layers.Select(g => g.Layer));
        Assert.IsType<DenseGradient>(grads.Layers[0]);
        Assert.IsType<MaxoutGradient>(grads.Layers[1]);
        Assert.IsType<DenseGradient>(grads.Layers[2]);
    }

    [Fact]
    public void S14_every_registered_layer_kind_round_trips_through_the_model_file()
    {
        // One network with a layer of every kind; the assertion below fails when the registry gains
        // a kind this network does not hold, so the round trip cannot go stale.
        var net = Network.Create(3).Dense(4, Activation.Tanh).LayerNorm(1e-3).Maxout(3, 2).Dropout(0.2).Dense(2, Activation.Softmax).Build(Initializer.Default(seed: 9));
        Assert.Equal(Networks.LayerKindNames.Order(), Networks.Layers(net.Model).Select(l => l.Kind).Distinct().Order());
        var x = new double[,] { { 0.5, -1, 2 }, { 1.5, 0.25, -0.75 } };
        var trained = new Trainer(Loss.CrossEntropy, Optimizer.Adam(learningRate: 0.05)) { Epochs = 3, BatchSize = 1, Seed = 2 }
            .Fit(net, Features.FromArray(x), Targets.FromLabels([0, 1])).Network;
        string dir = Directory.CreateTempSubdirectory("hybrid-kinds-").FullName;
        try
        {
            string path = Path.Combine(dir, "every-kind.model.json");
            trained.Save(path);
            var loaded = Network.Load(path);
            Assert.Equal(trained.Predict(x), loaded.Predict(x));
            Assert.Equal(trained.Layers.Select(l => l.ToString()), loaded.Layers.Select(l => l.ToString()));
            string again = Path.Combine(dir, "again.model.json");
            loaded.Save(again);
            Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void S04_saving_a_maxout_layer_of_20000_pieces_allocates_in_proportion_to_its_pieces()
    {
        // A 2-input, 1-unit maxout layer of 20,000 pieces: a model file of about 0.6 MB. The writer
        // once copied the piece array on every piece (O(pieces²): 9.2 GB allocated per save); now it
        // walks the layer's fields once. Bound: 200 bytes of allocation per byte written is far
        // above the linear cost (a few objects per piece) and far below the quadratic one.
        const int pieces = 20_000;
        var weights = Enumerable.Range(0, pieces).Select(j => new double[,] { { 0.001 * j }, { -0.5 } }).ToArray();
        var biases = Enumerable.Range(0, pieces).Select(j => new[] { 0.25 }).ToArray();
        var net = Network.Create(2).Maxout(weights, biases).Dense(1, Activation.Sigmoid).Build(Initializer.Default(seed: 1));
        string dir = Directory.CreateTempSubdirectory("hybrid-pieces-").FullName;
        try
        {
            string path = Path.Combine(dir, "pieces.model.json");
            net.Save(path); // warm-up: the JIT and the first buffers
            long before = GC.GetAllocatedBytesForCurrentThread();
            net.Save(path);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long size = new FileInfo(path).Length;
            Assert.True(allocated < 200 * size, $"saving {size} bytes allocated {allocated} bytes");
            Assert.Equal(net.Predict(new double[,] { { 1, 2 } }), Network.Load(path).Predict(new double[,] { { 1, 2 } }));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
