using Hybrid.Data;

namespace Hybrid.Tests;

/// <summary>The data layer (docs/data.md): built-in sets, generators, splits.</summary>
public class DataSetTests
{
    [Fact]
    public void Digits_has_1797_rows_of_64_pixels_in_0_1_and_the_known_class_counts()
    {
        var d = DataSets.Digits();
        Assert.Equal((1797, 64, 10), (d.RowCount, d.FeatureCount, d.ClassCount));
        // Class counts of the UCI digits as scikit-learn ships them (load_digits().target).
        Assert.Equal(new[] { 178, 182, 177, 183, 181, 182, 181, 179, 174, 180 }, d.ClassCounts());
        var x = d.GetFeatures();
        Assert.All(x, row => Assert.All(row, v => Assert.InRange(v, 0.0, 1.0)));
        Assert.Equal(1.0, x.SelectMany(r => r).Max());
        // The first digit (a 0) as in the file: 0,0,5,13,9,1,0,0 / 16 for its top row.
        Assert.Equal(new[] { 0, 0, 5 / 16.0, 13 / 16.0, 9 / 16.0, 1 / 16.0, 0, 0 }, x[0].Take(8));
        Assert.Equal(0, d.GetLabels()[0]);
        Assert.Equal("pixel_1_2", d.FeatureNames![10]);
        // The same rows as the test assembly's own copy of the file (TestData, parsed by hand).
        var (tx, ty) = TestData.AllDigits;
        Assert.Equal(ty, d.GetLabels());
        Assert.Equal(tx[1796], x[1796]);
    }

    [Fact]
    public void Iris_has_150_rows_4_features_and_3_named_classes_of_50()
    {
        var d = DataSets.Iris();
        Assert.Equal((150, 4, 3), (d.RowCount, d.FeatureCount, d.ClassCount));
        Assert.Equal(new[] { "setosa", "versicolor", "virginica" }, d.ClassNames);
        Assert.Equal(new[] { 50, 50, 50 }, d.ClassCounts());
        Assert.Equal(new[] { 5.1, 3.5, 1.4, 0.2 }, d.GetFeatures()[0]); // Fisher's first flower
        Assert.Equal("petal width (cm)", d.FeatureNames![3]);
    }

    [Fact]
    public void MnistTest_has_10000_images_of_784_pixels_in_0_1()
    {
        var d = DataSets.MnistTest();
        Assert.Equal((10_000, 784, 10), (d.RowCount, d.FeatureCount, d.ClassCount));
        // The MNIST test set's label counts (LeCun et al.).
        Assert.Equal(new[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 }, d.ClassCounts());
        Assert.Equal(7, d.GetLabels()[0]); // the first test image is a 7
        var first = d.GetFeatures()[0];
        Assert.All(first, v => Assert.InRange(v, 0.0, 1.0));
        Assert.Equal(1.0, first.Max());
    }

    [Theory]
    [InlineData("and", new[] { 0, 0, 0, 1 })]
    [InlineData("or", new[] { 0, 1, 1, 1 })]
    [InlineData("nand", new[] { 1, 1, 1, 0 })]
    [InlineData("XOR", new[] { 0, 1, 1, 0 })]
    public void Logic_gates_hold_their_truth_tables(string gate, int[] outputs)
    {
        var d = DataSets.LogicGate(gate);
        Assert.Equal(new[] { new[] { 0.0, 0 }, [0, 1], [1, 0], [1, 1] }, d.GetFeatures());
        Assert.Equal(outputs, d.GetLabels());
        Assert.Equal(2, d.ClassCount);
        var e = Assert.Throws<ArgumentException>(() => DataSets.LogicGate("nor"));
        Assert.Contains("\"nor\"", e.Message);
    }

    [Fact]
    public void Generators_are_seeded_and_shaped()
    {
        foreach (var make in new Func<int, DataSet>[] { s => DataSets.Spiral(301, 0.1, s), s => DataSets.Moons(301, 0.1, s), s => DataSets.Circles(301, 0.1, s), s => DataSets.Blobs(301, 0.3, s) })
        {
            var a = make(7);
            Assert.Equal(301, a.RowCount);
            Assert.Equal(2, a.FeatureCount);
            Assert.Equal(a.GetFeatures(), make(7).GetFeatures());
            Assert.NotEqual(a.GetFeatures(), make(8).GetFeatures());
            var counts = a.ClassCounts();
            Assert.True(counts.Max() - counts.Min() <= 1, $"{a.Name}: classes {string.Join(",", counts)} are not balanced");
        }
        // Without noise the points lie on the curves: a moon of radius 1 about (0,0), circles of radius 1 and 0.5.
        var moons = DataSets.Moons(10, 0, 1);
        var m = moons.GetFeatures();
        Assert.Equal(new[] { 1.0, 0.0 }, m[0]);                          // t = 0 on the upper moon
        Assert.Equal(2.0, m[9][0], 12);                                  // t = π on the lower moon: (1 − cos π, ½ − sin π) = (2, ½)
        Assert.Equal(0.5, m[9][1], 12);
        var circles = DataSets.Circles(8, 0, 1).GetFeatures();
        Assert.All(circles.Take(4), p => Assert.Equal(1.0, Math.Sqrt(p[0] * p[0] + p[1] * p[1]), 12));
        Assert.All(circles.Skip(4), p => Assert.Equal(0.5, Math.Sqrt(p[0] * p[0] + p[1] * p[1]), 12));
        var spiral = DataSets.Spiral(6, 0, 1, classes: 2).GetFeatures();
        Assert.Equal(new[] { 0.0, 0.0 }, spiral[0]);                    // r = 0
        Assert.Equal(new[] { Math.Sin(8), Math.Cos(8) }, spiral[5]);    // class 1, last point: r = 1, θ = 4 + 4
    }

    [Fact]
    public void TrainTestSplit_is_stratified_with_round_half_up_per_class()
    {
        var d = DataSets.Digits();
        var (train, test) = d.TrainTestSplit(0.2, seed: 42);
        // t_c = ⌊0.2·n_c + ½⌋ for n_c = 178, 182, 177, 183, 181, 182, 181, 179, 174, 180:
        // 35.6→36, 36.4→36, 35.4→35, 36.6→37, 36.2→36, 36.4→36, 36.2→36, 35.8→36, 34.8→35, 36→36.
        int[] expected = [36, 36, 35, 37, 36, 36, 36, 36, 35, 36];
        Assert.Equal(expected, test.ClassCounts());
        Assert.Equal(d.ClassCounts().Zip(expected, (n, t) => n - t), train.ClassCounts());
        Assert.Equal(359, test.RowCount);
        Assert.Equal(1438, train.RowCount);
        // Seeded: same seed, same split; another seed, another split.
        Assert.Equal(test.GetFeatures(), d.TrainTestSplit(0.2, 42).Test.GetFeatures());
        Assert.NotEqual(test.GetFeatures(), d.TrainTestSplit(0.2, 43).Test.GetFeatures());
        // Iris: 50 per class, 0.3 → 15 each.
        Assert.Equal(new[] { 15, 15, 15 }, DataSets.Iris().TrainTestSplit(0.3, 1).Test.ClassCounts());
        // Names travel with the rows.
        Assert.Equal(d.ClassNames, test.ClassNames);
        Assert.Equal(d.FeatureNames, train.FeatureNames);
    }

    [Fact]
    public void The_two_parts_of_a_split_partition_the_rows()
    {
        // Rows made unique by their first feature, so each row can be traced.
        var x = Enumerable.Range(0, 23).Select(i => new[] { (double)i, i % 3 }).ToArray();
        var y = Enumerable.Range(0, 23).Select(i => i % 3).ToArray();
        var d = DataSet.FromLabels(x, y);
        var (train, test) = d.TrainTestSplit(0.25, 5);
        var ids = train.GetFeatures().Concat(test.GetFeatures()).Select(r => (int)r[0]).Order();
        Assert.Equal(Enumerable.Range(0, 23), ids);
        Assert.All(train.GetFeatures().Zip(train.GetLabels()), p => Assert.Equal((int)p.First[0] % 3, p.Second));
        // Classes of 8, 8, 7 rows: ⌊0.25·8 + ½⌋ = 2, 2, ⌊1.75 + ½⌋ = 2.
        Assert.Equal(new[] { 2, 2, 2 }, test.ClassCounts());
        // Without labels: ⌊0.25·23 + ½⌋ = 6 test rows.
        Assert.Equal(6, DataSet.Unlabelled(x).TrainTestSplit(0.25, 5).Test.RowCount);
    }

    [Fact]
    public void KFold_partitions_the_rows_and_balances_every_class()
    {
        var d = DataSets.Iris();
        var folds = d.KFold(4, seed: 3);
        Assert.Equal(4, folds.Count);
        Assert.Equal(150, folds.Sum(f => f.Validation.RowCount));
        Assert.All(folds, f => Assert.Equal(150, f.Train.RowCount + f.Validation.RowCount));
        // 50 rows per class over 4 folds: 12 or 13 of each class per fold.
        Assert.All(folds, f => Assert.All(f.Validation.ClassCounts(), c => Assert.InRange(c, 12, 13)));
    }

    [Fact]
    public void Bad_arguments_are_refused_with_clear_messages()
    {
        double[][] x = [[1, 2], [3, 4]];
        Assert.Contains("2 rows", Assert.Throws<ArgumentException>(() => DataSet.FromLabels(x, [0])).Message);
        Assert.Contains("labels must be >= 0", Assert.Throws<ArgumentOutOfRangeException>(() => DataSet.FromLabels(x, [0, -1])).Message);
        Assert.Contains("2 class names", Assert.Throws<ArgumentOutOfRangeException>(() => DataSet.FromLabels(x, [0, 2], ["a", "b"])).Message);
        Assert.Contains("repeats", Assert.Throws<ArgumentException>(() => DataSet.FromLabels(x, [0, 1], ["a", "a"])).Message);
        Assert.Contains("3 names", Assert.Throws<ArgumentException>(() => DataSet.FromLabels(x, [0, 1], featureNames: ["a", "b", "c"])).Message);
        Assert.Contains("ragged", Assert.Throws<ArgumentException>(() => DataSet.Unlabelled([[1, 2], [3]])).Message);
        var d = DataSet.FromLabels(x, [0, 1]);
        Assert.Contains("(0, 1)", Assert.Throws<ArgumentException>(() => d.TrainTestSplit(1.0, 0)).Message);
        Assert.Contains("no row", Assert.Throws<ArgumentException>(() => d.TrainTestSplit(0.5, 0)).Message); // classes of one row stay in training
        Assert.Throws<InvalidOperationException>(() => DataSet.Unlabelled(x).GetLabels());
        Assert.Throws<InvalidOperationException>(() => DataSet.Unlabelled(x).Targets);
        Assert.Contains("mnist-test", Assert.Throws<ArgumentException>(() => DataSets.ByName("cifar")).Message);
    }

    [Fact]
    public void A_data_set_feeds_the_trainer_and_the_network()
    {
        var (train, test) = DataSets.Iris().TrainTestSplit(0.2, 0);
        var net = Network.Create(train.FeatureCount).Dense(8, Activation.Tanh).Dense(train.ClassCount, Activation.Softmax).Build(Initializer.Default(1));
        var result = new Trainer(Loss.CrossEntropy, Optimizer.Adam(0.05)) { Epochs = 60, BatchSize = 16 }.Fit(net, train.Features, train.Targets);
        Assert.True(result.Network.Evaluate(test.Features, test.Targets).Accuracy >= 0.9);
    }
}
