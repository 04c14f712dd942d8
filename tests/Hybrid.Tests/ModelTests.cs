using Hybrid.Data;

namespace Hybrid.Tests;

/// <summary>Model: network + preprocessing + class names in one versioned file (docs/model-format.md, version 2).</summary>
public sealed class ModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-modelfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (Network Net, DataSet Train, DataSet Test) IrisNet(Preprocessor? p, int seed = 1)
    {
        var (train, test) = DataSets.Iris().TrainTestSplit(0.2, seed);
        int inputs = p?.OutputCount ?? 4;
        var net = Network.Create(inputs).Dense(6, Activation.Tanh).Dense(3, Activation.Softmax).Build(Initializer.Default(seed));
        var x = p is null ? train : p.Transform(train);
        var trained = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { Epochs = 30, BatchSize = 16, Seed = seed }.Fit(net, x.Features, x.Targets).Network;
        return (trained, train, test);
    }

    public static TheoryData<string> Kinds() => ["none", "standardize", "pca", "whiten"];

    private static Preprocessor? Fit(string kind, DataSet train) => kind switch
    {
        "standardize" => Preprocessor.FitStandardize(train.Features),
        "pca" => Preprocessor.FitPca(train.Features, 3),
        "whiten" => Preprocessor.FitWhitening(train.Features, 4),
        _ => null,
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_model_with_preprocessing_and_class_names_round_trips_bit_for_bit(string kind)
    {
        var (train, _) = DataSets.Iris().TrainTestSplit(0.2, 1);
        var p = Fit(kind, train);
        var (net, _, test) = IrisNet(p);
        var model = new Model(net, p, train.ClassNames);
        var path = Path.Combine(_dir, $"iris-{kind}.json");
        model.Save(path);
        var loaded = Model.Load(path);

        Assert.Equal(p?.Kind ?? PreprocessingKind.None, loaded.Preprocessor.Kind);
        Assert.Equal(new[] { "setosa", "versicolor", "virginica" }, loaded.ClassNames);
        // Raw rows in, the same transform applied: bit-identical outputs.
        var raw = test.GetFeatures();
        var before = model.Predict(raw);
        var after = loaded.Predict(raw);
        for (int i = 0; i < raw.Length; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(before[i][j]), BitConverter.DoubleToInt64Bits(after[i][j]));
        // And the same as transforming by hand, then the network.
        var byHand = net.Predict(p is null ? raw : p.Transform(raw));
        Assert.Equal(byHand, after);
        Assert.Equal(model.PredictClasses(raw), loaded.PredictClasses(raw));
        Assert.Equal(model.Evaluate(test).Accuracy, loaded.Evaluate(test).Accuracy);
        // Saving the loaded model writes the same bytes.
        var again = Path.Combine(_dir, $"again-{kind}.json");
        loaded.Save(again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
        Assert.Contains("\"version\":2", File.ReadAllText(path));
        // The network alone still loads from the version-2 file.
        Assert.Equal(net.ToJson(), Network.Load(path).ToJson());
    }

    [Fact]
    public void The_version_2_layout_is_pinned()
    {
        var net = Network.Create(1).Dense(new double[,] { { 0.5, -0.5 } }, [0.25, 0], Activation.Softmax).Build();
        var s = Preprocessor.FitStandardize(new[] { new[] { 1.0 }, [3.0] }); // mean 2, std 1
        var json = new Model(net, s, ["no", "yes"]).ToJson();
        Assert.Equal("""{"format":"hybrid-network","version":2,"inputs":1,"layers":[{"type":"dense","activation":"softmax","weights":[[0.5,-0.5]],"biases":[0.25,0]}],"preprocessing":{"kind":"standardize","mean":[2],"std":[1]},"classNames":["no","yes"]}""", json);
        var back = Model.FromJson(json);
        Assert.Equal(back.Predict(new[] { new[] { 5.0 } }), net.Predict(new[] { new[] { 3.0 } })); // (5 − 2)/1 = 3
    }

    [Fact]
    public void An_old_version_1_network_file_loads_as_a_model_without_preprocessing_or_class_names()
    {
        // A version-1 file as Network.Save wrote it before version 2 existed (the text SerializationTests pins).
        const string v1 = """{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dense","activation":"sigmoid","weights":[[0.1],[0.3333333333333333]],"biases":[-2.5]}]}""";
        var path = Path.Combine(_dir, "old.json");
        File.WriteAllText(path, v1);
        var model = Model.Load(path);
        Assert.Equal(PreprocessingKind.None, model.Preprocessor.Kind);
        Assert.Null(model.ClassNames);
        Assert.Equal(2, model.InputCount);
        // σ(0.1·3 + ⅓·3 − 2.5) = σ(−1.2)
        Assert.Equal(1 / (1 + Math.Exp(1.2)), model.Predict(new[] { new[] { 3.0, 3.0 } })[0][0], 15);
        // A model without extras saves as version 1, byte for byte what Network.Save writes.
        Assert.Equal(v1, model.ToJson());
    }

    [Theory]
    [InlineData("""{"kind":"pca","mean":[2],"variances":[1]}""", "has no \"components\"")]
    [InlineData("""{"kind":"zca","mean":[2]}""", "unknown kind \"zca\"")]
    [InlineData("""{"kind":"standardize","mean":[2],"std":[0]}""", "std column 0 is 0 but must be > 0")]
    [InlineData("""{"kind":"standardize","mean":[2,3],"std":[1,1]}""", "\"preprocessing\" gives 2 features (2 in) but the network takes 1 inputs")]
    [InlineData("""{"kind":"whiten","epsilon":0,"mean":[2],"variances":[0],"components":[[1]]}""", "whitening would divide by zero")]
    [InlineData("""{"kind":"pca","mean":[2,1],"variances":[1,1],"components":[[1,0]]}""", "components has 1 rows but mean has 2 values")]
    public void Bad_preprocessing_sections_are_refused_with_clear_messages(string section, string expected)
    {
        var json = $$"""{"format":"hybrid-network","version":2,"inputs":1,"layers":[{"type":"dense","activation":"softmax","weights":[[0.5,-0.5]],"biases":[0.25,0]}],"preprocessing":{{section}}}""";
        var e = Assert.Throws<InvalidDataException>(() => Model.FromJson(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Bad_class_names_and_mismatches_are_refused()
    {
        const string layers = """ "layers":[{"type":"dense","activation":"softmax","weights":[[0.5,-0.5]],"biases":[0.25,0]}]""";
        Assert.Contains("\"classNames\" has 3 names but the network has 2 outputs: give 2.",
            Assert.Throws<InvalidDataException>(() => Model.FromJson($$"""{"format":"hybrid-network","version":2,"inputs":1,{{layers}},"classNames":["a","b","c"]}""")).Message);
        Assert.Contains("repeats",
            Assert.Throws<InvalidDataException>(() => Model.FromJson($$"""{"format":"hybrid-network","version":2,"inputs":1,{{layers}},"classNames":["a","a"]}""")).Message);
        Assert.Contains("belong to format version 2",
            Assert.Throws<InvalidDataException>(() => Model.FromJson($$"""{"format":"hybrid-network","version":1,"inputs":1,{{layers}},"classNames":["a","b"]}""")).Message);
        var net = Network.Create(4).Dense(3, Activation.Softmax).Build(Initializer.Default(1));
        Assert.Equal("preprocessor", Assert.Throws<ArgumentException>(() => new Model(net, Preprocessor.FitPca(DataSets.Iris().Features, 2))).ParamName);
        Assert.Equal("classNames", Assert.Throws<ArgumentException>(() => new Model(net, null, ["a", "b"])).ParamName);
        Assert.Equal("classNames", Assert.Throws<ArgumentException>(() => new Model(net, null, ["a", "b", new string('x', 300)])).ParamName);
        Assert.Contains("x has 2 columns but the transform takes 4", Assert.Throws<ArgumentException>(() => new Model(net).Predict(new[] { new[] { 1.0, 2 } })).Message);
    }
}
