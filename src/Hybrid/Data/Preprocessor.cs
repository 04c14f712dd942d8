using Hybrid.Core.Interop;
using System.Collections.ObjectModel;
using System.Globalization;
using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid.Data;

/// <summary>
/// A preprocessing transform fitted on a training set and applied unchanged to any other set
/// (S30): standardising, PCA (keep k components or a share of the variance) or whitening. The
/// formulas are in docs/preprocessing.md; the math is the F# core's (Data.fs, Pca.fs).
/// Immutable. A saved model carries it with the network (docs/model-format.md).
/// </summary>
public sealed class Preprocessor
{
    /// <summary>The ε added to each variance before whitening divides by its square root, 1e-5 (as cs231n's notes).</summary>
    public const double DefaultEpsilon = 1e-5;

    private readonly Standardizer? _standardizer;
    private readonly Hybrid.Core.Pca? _pca;

    private Preprocessor(PreprocessingKind kind, int inputs, Standardizer? standardizer, Hybrid.Core.Pca? pca, double epsilon)
    {
        Kind = kind;
        InputCount = inputs;
        _standardizer = standardizer;
        _pca = pca;
        Epsilon = epsilon;
    }

    /// <summary>The identity on <paramref name="featureCount"/> features.</summary>
    /// <param name="featureCount">The number of features, ≥ 1.</param>
    /// <returns>A transform that returns its input.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="featureCount"/> is less than 1.</exception>
    public static Preprocessor None(int featureCount) =>
        featureCount >= 1 ? new(PreprocessingKind.None, featureCount, null, null, 0)
        : throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "featureCount must be at least 1.");

    /// <summary>Fits standardising on x: column means and population standard deviations (a constant column gets std 1).</summary>
    /// <param name="x">The training features.</param>
    /// <returns>The fitted transform.</returns>
    /// <exception cref="ArgumentException">Empty, ragged or non-finite features.</exception>
    public static Preprocessor FitStandardize(Features x)
    {
        var X = x.ToMatrix(nameof(x));
        return new(PreprocessingKind.Standardize, X.ColumnCount, DataPrep.FitStandardizer(X), null, 0);
    }

    /// <summary>Scaling by one constant: z_j = x_j / divisor, stored as standardising with mean 0 and std = divisor in every column
    /// (so the model format is unchanged). Pixel data 0..255 divided by 255 lands in [0, 1].</summary>
    internal static Preprocessor Scale(int featureCount, double divisor) =>
        divisor > 0 && double.IsFinite(divisor)
            ? new(PreprocessingKind.Standardize, featureCount,
                  new Standardizer(Matrix<double>.Build.Dense(1, featureCount), Matrix<double>.Build.Dense(1, featureCount, divisor)), null, 0)
            : throw new ArgumentOutOfRangeException(nameof(divisor), divisor, "divisor must be positive and finite.");

    /// <summary>Fits PCA on x and keeps the first <paramref name="components"/> principal directions.</summary>
    /// <param name="x">The training features.</param>
    /// <param name="components">k in 1..the number of features.</param>
    /// <returns>The fitted transform (k outputs).</returns>
    /// <exception cref="ArgumentException">Bad features, or k out of range.</exception>
    public static Preprocessor FitPca(Features x, int components) => FitPca(x, components, null, PreprocessingKind.Pca, 0);

    /// <summary>Fits PCA on x and keeps the fewest leading components whose variance reaches the share: Σ_{j≤k} λ_j ≥ share·Σ λ_j.</summary>
    /// <param name="x">The training features.</param>
    /// <param name="share">The share of the variance to keep, in (0, 1].</param>
    /// <returns>The fitted transform.</returns>
    /// <exception cref="ArgumentException">Bad features, or share outside (0, 1].</exception>
    public static Preprocessor FitPcaForVariance(Features x, double share) => FitPca(x, null, share, PreprocessingKind.Pca, 0);

    /// <summary>Fits whitening on x with the first <paramref name="components"/> principal directions.</summary>
    /// <param name="x">The training features.</param>
    /// <param name="components">k in 1..the number of features.</param>
    /// <param name="epsilon">ε ≥ 0 added to each variance (default <see cref="DefaultEpsilon"/>); with ε = 0 every kept variance must be &gt; 0.</param>
    /// <returns>The fitted transform (k outputs).</returns>
    /// <exception cref="ArgumentException">Bad features, k out of range, ε negative, or ε = 0 with a kept variance of 0.</exception>
    public static Preprocessor FitWhitening(Features x, int components, double epsilon = DefaultEpsilon) =>
        FitPca(x, components, null, PreprocessingKind.Whiten, epsilon);

    /// <summary>Fits whitening on x, keeping the fewest leading components whose variance reaches the share.</summary>
    /// <param name="x">The training features.</param>
    /// <param name="share">The share of the variance to keep, in (0, 1].</param>
    /// <param name="epsilon">ε ≥ 0 added to each variance (default <see cref="DefaultEpsilon"/>).</param>
    /// <returns>The fitted transform.</returns>
    /// <exception cref="ArgumentException">Bad features, share outside (0, 1], or a bad ε.</exception>
    public static Preprocessor FitWhiteningForVariance(Features x, double share, double epsilon = DefaultEpsilon) =>
        FitPca(x, null, share, PreprocessingKind.Whiten, epsilon);

    private static Preprocessor FitPca(Features x, int? components, double? share, PreprocessingKind kind, double epsilon)
    {
        if (!double.IsFinite(epsilon) || epsilon < 0)
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be a finite number >= 0.");
        var X = x.ToMatrix(nameof(x));
        if (components is int c && (c < 1 || c > X.ColumnCount))
            throw new ArgumentOutOfRangeException(nameof(components), c, $"components must lie in 1..{X.ColumnCount} (the number of features).");
        if (share is double s && !(s > 0 && s <= 1))
            throw new ArgumentOutOfRangeException(nameof(share), s, "share must lie in (0, 1].");
        var full = DataPrep.FitPca(X);
        int k = components ?? DataPrep.ComponentsFor(share!.Value, full);
        var pca = DataPrep.Keep(k, full);
        var p = new Preprocessor(kind, X.ColumnCount, null, pca, epsilon);
        if (kind == PreprocessingKind.Whiten) p.Apply(X.SubMatrix(0, 1, 0, X.ColumnCount), "x"); // checks ε against the kept variances now
        return p;
    }

    /// <summary>Rebuilds a fitted transform from its parameters (the model file).</summary>
    internal static Preprocessor Restore(PreprocessingKind kind, int inputs, Standardizer? standardizer, Hybrid.Core.Pca? pca, double epsilon) =>
        new(kind, inputs, standardizer, pca, epsilon);

    internal Standardizer? StandardizerCore => _standardizer;

    internal Hybrid.Core.Pca? PcaCore => _pca;

    /// <summary>What the transform does.</summary>
    public PreprocessingKind Kind { get; }

    /// <summary>The number of features it takes.</summary>
    public int InputCount { get; }

    /// <summary>The number of features it returns (k for PCA and whitening).</summary>
    public int OutputCount => _pca?.Components.ColumnCount ?? InputCount;

    /// <summary>ε of whitening (0 for the other kinds).</summary>
    public double Epsilon { get; }

    /// <summary>The fitted column means (empty for <see cref="PreprocessingKind.None"/>).</summary>
    public IReadOnlyList<double> Mean => ReadOnly((_standardizer?.Mean ?? _pca?.Mean)?.Row(0).ToArray() ?? []);

    /// <summary>The fitted standard deviations (standardising only; empty otherwise).</summary>
    public IReadOnlyList<double> StandardDeviation => ReadOnly(_standardizer?.Std.Row(0).ToArray() ?? []);

    /// <summary>The variance along every principal direction, decreasing (PCA and whitening: all of them, kept or not; empty otherwise).</summary>
    public IReadOnlyList<double> Variances => ReadOnly(_pca?.Variances.ToArray() ?? []);

    /// <summary>The share of the total variance the kept components carry (1 for the other kinds).</summary>
    public double ExplainedVarianceRatio
    {
        get
        {
            if (_pca is null) return 1.0;
            double total = _pca.Variances.Sum();
            return total > 0 ? _pca.Variances.Take(OutputCount).Sum() / total : 1.0;
        }
    }

    /// <summary>A copy of the kept principal directions as columns (InputCount × OutputCount; PCA and whitening only).</summary>
    /// <returns>The d×k matrix V_k.</returns>
    /// <exception cref="InvalidOperationException">The transform is not PCA or whitening.</exception>
    public double[,] GetComponents() =>
        _pca?.Components.ToArray() ?? throw new InvalidOperationException($"A {Kind} transform has no principal components.");

    /// <summary>Applies the transform to rows of features.</summary>
    /// <param name="x">Rows with <see cref="InputCount"/> features.</param>
    /// <returns>The transformed rows (<see cref="OutputCount"/> values each).</returns>
    /// <exception cref="ArgumentException">Empty, ragged or non-finite rows, or the wrong number of columns.</exception>
    public double[][] Transform(Features x) => Apply(Columns(x.ToMatrix(nameof(x)), InputCount, nameof(x)), nameof(x)).ToRowArrays();

    /// <summary>Applies the transform to a data set's features; labels, targets and class names are kept. Standardising keeps the feature names; PCA and whitening name their outputs "pc1".."pck".</summary>
    /// <param name="data">A data set with <see cref="InputCount"/> features.</param>
    /// <returns>A new data set.</returns>
    /// <exception cref="ArgumentException">The data set has the wrong number of features.</exception>
    public DataSet Transform(DataSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var z = Apply(Columns(data.FeatureMatrix, InputCount, nameof(data)), nameof(data));
        var names = _pca is null ? data.FeatureNames : Enumerable.Range(1, OutputCount).Select(j => $"pc{j}").ToArray();
        return data.WithFeatures(z, names);
    }

    /// <summary>Maps transformed rows back to feature space: exact for standardising and for PCA or whitening with every component kept; with k &lt; d components, the projection onto the kept subspace.</summary>
    /// <param name="z">Rows with <see cref="OutputCount"/> values.</param>
    /// <returns>Rows with <see cref="InputCount"/> features.</returns>
    /// <exception cref="ArgumentException">Empty, ragged or non-finite rows, or the wrong number of columns.</exception>
    public double[][] InverseTransform(Features z)
    {
        var Z = Columns(z.ToMatrix(nameof(z)), OutputCount, nameof(z));
        var X = Kind switch
        {
            PreprocessingKind.Standardize => DataPrep.Unstandardize(_standardizer!, Z),
            PreprocessingKind.Pca => DataPrep.Reconstruct(_pca!, Z),
            PreprocessingKind.Whiten => DataPrep.Unwhiten(Epsilon, _pca!, Z),
            _ => Z,
        };
        return X.ToRowArrays();
    }

    internal Matrix<double> Apply(Matrix<double> X, string paramName)
    {
        try
        {
            return Kind switch
            {
                PreprocessingKind.Standardize => DataPrep.Standardize(_standardizer!, X),
                PreprocessingKind.Pca => DataPrep.Project(_pca!, X),
                PreprocessingKind.Whiten => DataPrep.Whiten(Epsilon, _pca!, X),
                _ => X.Clone(),
            };
        }
        catch (ArgumentException e) when (e.ParamName == "X")
        {
            throw new ArgumentException(e.Message.Replace("X ", paramName + " "), paramName, e);
        }
    }

    private static Matrix<double> Columns(Matrix<double> m, int columns, string paramName) =>
        m.ColumnCount == columns ? m
        : throw new ArgumentException($"{paramName} has {m.ColumnCount} columns but the transform takes {columns}.", paramName);

    private static ReadOnlyCollection<double> ReadOnly(double[] values) => Array.AsReadOnly(values);

    /// <summary>Whether this standardising is a plain scaling: every mean 0 and one std (≠ 1) shared by all columns.</summary>
    private bool IsScaling(out double divisor)
    {
        divisor = _standardizer is null ? 1 : _standardizer.Std[0, 0];
        if (_standardizer is null || divisor == 1) return false;
        for (var j = 0; j < InputCount; j++)
            if (_standardizer.Mean[0, j] != 0 || _standardizer.Std[0, j] != divisor) return false;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        PreprocessingKind.None => $"no preprocessing ({InputCount} features)",
        PreprocessingKind.Standardize when IsScaling(out var divisor) => $"scale to [0, 1] (÷ {divisor.ToString("G6", CultureInfo.InvariantCulture)}, {InputCount} features)",
        PreprocessingKind.Standardize => $"standardize ({InputCount} features)",
        PreprocessingKind.Pca => $"PCA ({OutputCount} of {InputCount} components, {ExplainedVarianceRatio:P1} of the variance)",
        _ => $"whiten ({OutputCount} of {InputCount} components, {ExplainedVarianceRatio:P1} of the variance, ε = {Epsilon:G3})",
    };
}
