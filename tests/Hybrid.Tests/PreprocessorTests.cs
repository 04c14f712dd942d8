using Hybrid.Data;

namespace Hybrid.Tests;

/// <summary>Fitted preprocessing (docs/preprocessing.md): worked cases computed by hand, fit-on-train/apply-to-test, errors.</summary>
public class PreprocessorTests
{
    // Four points around the mean (10, −5): offsets (3, 3), (−3, −3), (1, −1), (−1, 1).
    // Covariance (1/n) Σ xxᵀ = ¼([[9,9],[9,9]]·2 + [[1,−1],[−1,1]]·2) = [[5, 4], [4, 5]]:
    // eigenvalues 9 along (1, 1)/√2 and 1 along (1, −1)/√2 (each with its largest entry, the first on a tie, positive).
    private static readonly double[][] Points = [[13, -2], [7, -8], [11, -6], [9, -4]];
    private static readonly double R = Math.Sqrt(0.5);

    [Fact]
    public void Pca_of_a_hand_computed_2x2_case()
    {
        var p = Preprocessor.FitPca(Points, 2);
        Assert.Equal(PreprocessingKind.Pca, p.Kind);
        Assert.Equal(new[] { 10.0, -5.0 }, p.Mean);
        Assert.Equal(9.0, p.Variances[0], 12);
        Assert.Equal(1.0, p.Variances[1], 12);
        var v = p.GetComponents();
        Assert.Equal(R, v[0, 0], 12); Assert.Equal(R, v[1, 0], 12);
        Assert.Equal(R, v[0, 1], 12); Assert.Equal(-R, v[1, 1], 12);
        // z = (x − μ)·V: (3, 3) → (3√2, 0); (1, −1) → (0, √2).
        var z = p.Transform(Points);
        Assert.Equal(3 * Math.Sqrt(2), z[0][0], 12); Assert.Equal(0.0, z[0][1], 12);
        Assert.Equal(0.0, z[2][0], 12); Assert.Equal(Math.Sqrt(2), z[2][1], 12);
        // Share of variance: 9/10 of it lies on the first component.
        Assert.Equal(1, Preprocessor.FitPcaForVariance(Points, 0.9).OutputCount);
        Assert.Equal(2, Preprocessor.FitPcaForVariance(Points, 0.91).OutputCount);
        Assert.Equal(0.9, Preprocessor.FitPca(Points, 1).ExplainedVarianceRatio, 12);
        // With one component the inverse is the projection onto (1, 1)/√2 through the mean: (11, −6) → (10, −5).
        var back = Preprocessor.FitPca(Points, 1).InverseTransform(Preprocessor.FitPca(Points, 1).Transform(new[] { new[] { 11.0, -6 } }));
        Assert.Equal(10.0, back[0][0], 12); Assert.Equal(-5.0, back[0][1], 12);
    }

    [Fact]
    public void Whitening_of_the_hand_computed_case_divides_each_component_by_its_standard_deviation()
    {
        var w = Preprocessor.FitWhitening(Points, 2, epsilon: 0);
        var z = w.Transform(Points);
        // (3√2, 0)/(3, 1) = (√2, 0); (0, √2)/(3, 1) = (0, √2): covariance ¼(2 + 2) = 1 on the diagonal, 0 off it.
        Assert.Equal(Math.Sqrt(2), z[0][0], 12); Assert.Equal(0.0, z[0][1], 12);
        Assert.Equal(0.0, z[2][0], 12); Assert.Equal(Math.Sqrt(2), z[2][1], 12);
        // With ε: divide by √(λ + ε) instead.
        var we = Preprocessor.FitWhitening(Points, 2, epsilon: 1);
        Assert.Equal(3 * Math.Sqrt(2) / Math.Sqrt(10), we.Transform(Points)[0][0], 12);
        Assert.Equal(Points, we.InverseTransform(we.Transform(Points)).Select(r => r.Select(x => Math.Round(x, 10)).ToArray()).ToArray());
    }

    [Fact]
    public void Standardizing_is_fitted_on_training_rows_and_applied_unchanged_to_others()
    {
        var s = Preprocessor.FitStandardize(new[] { new[] { 1.0, 10 }, [3, 10] });
        Assert.Equal(new[] { 2.0, 10 }, s.Mean);
        Assert.Equal(new[] { 1.0, 1 }, s.StandardDeviation); // the constant column gets 1
        Assert.Equal(new[] { 3.0, 2 }, s.Transform(new[] { new[] { 5.0, 12 } })[0]);
        Assert.Equal(new[] { 5.0, 12 }, s.InverseTransform(new[] { new[] { 3.0, 2 } })[0]);
    }

    [Fact]
    public void A_data_set_transform_keeps_labels_and_class_names()
    {
        var (train, test) = DataSets.Iris().TrainTestSplit(0.2, 0);
        var p = Preprocessor.FitPca(train.Features, 2);
        var t = p.Transform(test);
        Assert.Equal((test.RowCount, 2), (t.RowCount, t.FeatureCount));
        Assert.Equal(test.GetLabels(), t.GetLabels());
        Assert.Equal(test.ClassNames, t.ClassNames);
        Assert.Equal(new[] { "pc1", "pc2" }, t.FeatureNames);
        Assert.Equal(test.FeatureNames, Preprocessor.FitStandardize(train.Features).Transform(test).FeatureNames);
        // Iris: the first component carries about 92% of the variance (a well-known figure for the unscaled data).
        Assert.InRange(p.ExplainedVarianceRatio, 0.9, 0.99);
    }

    [Fact]
    public void Bad_arguments_are_refused_with_clear_messages()
    {
        Assert.Contains("1..2", Assert.Throws<ArgumentOutOfRangeException>(() => Preprocessor.FitPca(Points, 3)).Message);
        Assert.Contains("(0, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => Preprocessor.FitPcaForVariance(Points, 0)).Message);
        Assert.Contains("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => Preprocessor.FitWhitening(Points, 2, -1)).Message);
        // A constant column has variance 0: whitening it with ε = 0 would divide by zero.
        var e = Assert.Throws<ArgumentException>(() => Preprocessor.FitWhitening(new[] { new[] { 1.0, 5 }, [2, 5], [3, 5] }, 2, 0));
        Assert.Contains("component 2 has variance 0", e.Message);
        var p = Preprocessor.FitPca(Points, 1);
        Assert.Contains("has 3 columns but the transform takes 2", Assert.Throws<ArgumentException>(() => p.Transform(new[] { new[] { 1.0, 2, 3 } })).Message);
        Assert.Contains("has 2 columns but the transform takes 1", Assert.Throws<ArgumentException>(() => p.InverseTransform(new[] { new[] { 1.0, 2 } })).Message);
        Assert.Throws<InvalidOperationException>(() => Preprocessor.FitStandardize(Points).GetComponents());
        Assert.Throws<ArgumentOutOfRangeException>(() => Preprocessor.None(0));
    }
}
