using Hybrid.Core.Interop;
using System.Collections.ObjectModel;
using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid.Data;

/// <summary>
/// A data set: one example per row of features, and either class labels (indices 0..k−1, with
/// optional class names), target rows (one column per network output), or nothing (data to
/// predict on). Feature names are optional. Immutable: every accessor returns a copy, and
/// splits and transforms return new data sets. See docs/data.md.
/// </summary>
public sealed class DataSet
{
    private readonly Matrix<double> _x;
    private readonly int[]? _labels;
    private readonly Matrix<double>? _targets;
    private readonly ReadOnlyCollection<string>? _featureNames;
    private readonly ReadOnlyCollection<string>? _classNames;

    private DataSet(string name, Matrix<double> x, int[]? labels, Matrix<double>? targets,
                    IReadOnlyList<string>? featureNames, IReadOnlyList<string>? classNames, int classCount)
    {
        Name = name;
        _x = x;
        _labels = labels;
        _targets = targets;
        _featureNames = featureNames is null ? null : Array.AsReadOnly(featureNames.ToArray());
        _classNames = classNames is null ? null : Array.AsReadOnly(classNames.ToArray());
        ClassCount = classCount;
    }

    /// <summary>A data set of features and class labels.</summary>
    /// <param name="features">One example per row (at least one row and column, all rows the same length, every value finite).</param>
    /// <param name="labels">One class index per row, each in 0..k−1 (k = the number of class names if given, else the largest label + 1).</param>
    /// <param name="classNames">Optional names of the k classes, distinct and not empty.</param>
    /// <param name="featureNames">Optional names of the feature columns, one per column.</param>
    /// <param name="name">A name for messages and reports (default "data").</param>
    /// <returns>The data set (the arrays are copied).</returns>
    /// <exception cref="ArgumentException">Empty, ragged or non-finite features; a label count that differs from the row count; a negative label or one outside the class names; names of the wrong count, empty or repeated.</exception>
    public static DataSet FromLabels(double[][] features, int[] labels, IReadOnlyList<string>? classNames = null,
                                     IReadOnlyList<string>? featureNames = null, string name = "data")
    {
        ArgumentNullException.ThrowIfNull(labels);
        var x = Checked(features, nameof(features), featureNames, name);
        return Labelled(name, x, (int[])labels.Clone(), classNames, featureNames, nameof(labels));
    }

    /// <summary>A data set of features and target rows (regression, or any targets given as numbers).</summary>
    /// <param name="features">One example per row.</param>
    /// <param name="targets">One target row per example (all rows the same length, every value finite).</param>
    /// <param name="featureNames">Optional names of the feature columns.</param>
    /// <param name="name">A name for messages and reports (default "data").</param>
    /// <returns>The data set (the arrays are copied).</returns>
    /// <exception cref="ArgumentException">Empty, ragged or non-finite features or targets, or row counts that differ.</exception>
    public static DataSet FromTargets(double[][] features, double[][] targets, IReadOnlyList<string>? featureNames = null, string name = "data")
    {
        var x = Checked(features, nameof(features), featureNames, name);
        var y = DataConvert.ToMatrix(targets ?? throw new ArgumentNullException(nameof(targets)), nameof(targets));
        if (y.RowCount != x.RowCount)
            throw new ArgumentException($"{nameof(targets)} has {y.RowCount} rows but {nameof(features)} has {x.RowCount}: give one target row per example.", nameof(targets));
        return new DataSet(name, x, null, y, featureNames, null, 0);
    }

    /// <summary>A data set of features only (rows to predict on).</summary>
    /// <param name="features">One example per row.</param>
    /// <param name="featureNames">Optional names of the feature columns.</param>
    /// <param name="name">A name for messages and reports (default "data").</param>
    /// <returns>The data set (the array is copied).</returns>
    /// <exception cref="ArgumentException">Empty, ragged or non-finite features, or feature names of the wrong count.</exception>
    public static DataSet Unlabelled(double[][] features, IReadOnlyList<string>? featureNames = null, string name = "data") =>
        new(name, Checked(features, nameof(features), featureNames, name), null, null, featureNames, null, 0);

    /// <summary>Loads a CSV file (or a gzip-compressed one, by its ".gz" ending): numeric feature columns and one label column. See <see cref="CsvOptions"/> and docs/data.md.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How to read it (default: comma separator, header auto-detected, the last column holds class labels).</param>
    /// <returns>The data set, named after the file.</returns>
    /// <exception cref="ArgumentException">The path is empty or a directory, or the options do not fit the file (a label column name without a header, a name or index not in the file).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A malformed row: the message names the file, the line and the column.</exception>
    public static DataSet FromCsv(string path, CsvOptions? options = null) => CsvLoader.Load(path, options ?? new CsvOptions());

    /// <summary>Loads an IDX image file and its IDX label file (MNIST format, gzip or raw, detected by content): magic numbers, dimensions and lengths are checked against each other; pixels are scaled from 0..255 to [0, 1] and each image is one row (row-major).</summary>
    /// <param name="imagesPath">The images file (magic 0x00000803: count, rows, columns, then bytes).</param>
    /// <param name="labelsPath">The labels file (magic 0x00000801: count, then bytes).</param>
    /// <returns>The data set with class names "0".."k−1" (k = the largest label + 1).</returns>
    /// <exception cref="ArgumentException">A path is empty or a directory.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A wrong magic number, counts that differ, or a length that does not match the header; the message names the file.</exception>
    public static DataSet FromIdx(string imagesPath, string labelsPath) => IdxLoader.Load(imagesPath, labelsPath);

    /// <summary>The name given at creation (a built-in set's name, or the file name).</summary>
    public string Name { get; }

    /// <summary>The number of examples.</summary>
    public int RowCount => _x.RowCount;

    /// <summary>The number of feature columns.</summary>
    public int FeatureCount => _x.ColumnCount;

    /// <summary>Whether the rows carry class labels.</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>Whether the rows carry target rows (numbers, one column per output).</summary>
    public bool HasTargets => _targets is not null;

    /// <summary>The number of classes k (labels lie in 0..k−1); 0 without labels.</summary>
    public int ClassCount { get; }

    /// <summary>The number of target columns (<see cref="ClassCount"/> for labels, one-hot; 0 for unlabelled data).</summary>
    public int TargetCount => _targets?.ColumnCount ?? ClassCount;

    /// <summary>The feature names, or null if none were given.</summary>
    public IReadOnlyList<string>? FeatureNames => _featureNames;

    /// <summary>The class names (index = label), or null if none were given or there are no labels.</summary>
    public IReadOnlyList<string>? ClassNames => _classNames;

    /// <summary>The features, for <see cref="Trainer"/> and <see cref="Network"/> (a copy is made when used).</summary>
    public Features Features => Features.FromMatrix(_x);

    /// <summary>The labels (as <c>int[]</c>) or the target rows, for <see cref="Trainer"/> and <see cref="Network.Evaluate(Features, Targets)"/>.</summary>
    /// <exception cref="InvalidOperationException">The data set has neither labels nor targets.</exception>
    public Targets Targets =>
        _labels is not null ? Targets.FromLabels((int[])_labels.Clone())
        : _targets is not null ? Targets.FromMatrix(_targets)
        : throw new InvalidOperationException($"The data set '{Name}' has no labels or targets.");

    /// <summary>A copy of the features, one array per row.</summary>
    /// <returns>The rows.</returns>
    public double[][] GetFeatures() => _x.ToRowArrays();

    /// <summary>A copy of the class labels.</summary>
    /// <returns>One label per row.</returns>
    /// <exception cref="InvalidOperationException">The data set has no labels.</exception>
    public int[] GetLabels() => (int[])(_labels ?? throw new InvalidOperationException($"The data set '{Name}' has no class labels.")).Clone();

    /// <summary>A copy of the target rows: for labels the one-hot rows (k columns), else the given targets.</summary>
    /// <returns>One row per example.</returns>
    /// <exception cref="InvalidOperationException">The data set has neither labels nor targets.</exception>
    public double[][] GetTargetRows() =>
        _labels is not null ? DataPrep.OneHot(ClassCount, _labels).ToRowArrays()
        : _targets?.ToRowArrays() ?? throw new InvalidOperationException($"The data set '{Name}' has no labels or targets.");

    /// <summary>How many rows each class has (index = label).</summary>
    /// <returns>k counts.</returns>
    /// <exception cref="InvalidOperationException">The data set has no labels.</exception>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (var y in _labels ?? throw new InvalidOperationException($"The data set '{Name}' has no class labels.")) counts[y]++;
        return counts;
    }

    /// <summary>The rows at the given indices, in the given order (repeats allowed), with the same names and class count.</summary>
    /// <param name="rows">Row indices in 0..RowCount−1 (at least one).</param>
    /// <returns>A new data set.</returns>
    /// <exception cref="ArgumentException">No indices, or an index out of range.</exception>
    public DataSet SelectRows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("Give at least one row index.", nameof(rows));
        var idx = rows.ToArray();
        for (int i = 0; i < idx.Length; i++)
            if (idx[i] < 0 || idx[i] >= RowCount)
                throw new ArgumentOutOfRangeException(nameof(rows), $"rows[{i}] = {idx[i]} is outside 0..{RowCount - 1}.");
        return new DataSet(Name, Matrices.SelectRows(idx, _x), _labels is null ? null : idx.Select(i => _labels[i]).ToArray(),
                           _targets is null ? null : Matrices.SelectRows(idx, _targets), _featureNames, _classNames, ClassCount);
    }

    /// <summary>
    /// A seeded train/test split. With labels it is stratified: class c with n_c rows gives
    /// t_c = min(⌊f·n_c + ½⌋, n_c − 1) rows to the test part (0 for a class of one row), so every
    /// class keeps its share up to rounding; without labels t = ⌊f·n + ½⌋ rows of a seeded
    /// permutation. Both parts keep the original row order.
    /// </summary>
    /// <param name="testFraction">The fraction f in (0, 1) of rows to hold out for testing.</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>The training part and the test part.</returns>
    /// <exception cref="ArgumentException">f outside (0, 1), or a part would be empty.</exception>
    public (DataSet Train, DataSet Test) TrainTestSplit(double testFraction, int seed)
    {
        var split = _labels is not null ? Rules.StratifiedSplit(seed, testFraction, _labels) : Rules.RandomSplit(seed, testFraction, RowCount);
        var (train, test) = (split.First, split.Second);
        if (train.Length == 0 || test.Length == 0)
            throw new ArgumentException($"A test fraction of {testFraction} of {RowCount} rows leaves {train.Length} training and {test.Length} test rows: both need at least 1.", nameof(testFraction));
        return (SelectRows(train), SelectRows(test));
    }

    /// <summary>
    /// Seeded k-fold cross-validation: the rows are dealt to k folds (stratified by class with
    /// labels: every fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ rows of class c); fold i is the validation part
    /// of pair i and the other folds its training part, in the original row order.
    /// </summary>
    /// <param name="k">The number of folds, 2..RowCount.</param>
    /// <param name="seed">The seed of the dealing.</param>
    /// <returns>k (training, validation) pairs.</returns>
    /// <exception cref="ArgumentException">k outside 2..RowCount.</exception>
    public IReadOnlyList<(DataSet Train, DataSet Validation)> KFold(int k, int seed)
    {
        var fold = _labels is not null ? DataPrep.StratifiedFolds(seed, k, _labels) : DataPrep.Folds(seed, k, RowCount);
        var pairs = new List<(DataSet, DataSet)>();
        for (int f = 0; f < k; f++)
        {
            var inFold = Enumerable.Range(0, RowCount).Where(i => fold[i] == f).ToArray();
            var rest = Enumerable.Range(0, RowCount).Where(i => fold[i] != f).ToArray();
            pairs.Add((SelectRows(rest), SelectRows(inFold)));
        }
        return pairs.AsReadOnly();
    }

    /// <summary>The same rows, labels and names with new feature values (for transforms).</summary>
    internal DataSet WithFeatures(Matrix<double> x, IReadOnlyList<string>? featureNames) =>
        new(Name, x, _labels, _targets, featureNames, _classNames, ClassCount);

    internal Matrix<double> FeatureMatrix => _x;

    internal static DataSet Labelled(string name, Matrix<double> x, int[] labels, IReadOnlyList<string>? classNames,
                                     IReadOnlyList<string>? featureNames, string labelsName = "labels")
    {
        if (labels.Length != x.RowCount)
            throw new ArgumentException($"{labelsName} has {labels.Length} entries but there are {x.RowCount} rows: give one label per row.", labelsName);
        if (labels.Length == 0) throw new ArgumentException($"{labelsName} is empty.", labelsName);
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0) throw new ArgumentOutOfRangeException(labelsName, $"{labelsName}[{i}] = {labels[i]}: labels must be >= 0.");
        int max = labels.Max();
        if (classNames is not null)
        {
            CheckNames(classNames, nameof(classNames));
            if (max >= classNames.Count)
                throw new ArgumentOutOfRangeException(labelsName, $"{labelsName}[{Array.IndexOf(labels, max)}] = {max}, but there are {classNames.Count} class names, so labels must lie in 0..{classNames.Count - 1}.");
        }
        return new DataSet(name, x, labels, null, featureNames, classNames, classNames?.Count ?? max + 1);
    }

    private static Matrix<double> Checked(double[][] features, string paramName, IReadOnlyList<string>? featureNames, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var x = DataConvert.ToMatrix(features ?? throw new ArgumentNullException(paramName), paramName);
        if (featureNames is not null)
        {
            CheckNames(featureNames, nameof(featureNames));
            if (featureNames.Count != x.ColumnCount)
                throw new ArgumentException($"{nameof(featureNames)} has {featureNames.Count} names but there are {x.ColumnCount} feature columns.", nameof(featureNames));
        }
        return x;
    }

    private static void CheckNames(IReadOnlyList<string> names, string paramName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrEmpty(names[i])) throw new ArgumentException($"{paramName}[{i}] is null or empty.", paramName);
            if (!seen.Add(names[i])) throw new ArgumentException($"{paramName}[{i}] = \"{names[i]}\" repeats an earlier name.", paramName);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"DataSet '{Name}': {RowCount} rows × {FeatureCount} features" +
        (HasLabels ? $", {ClassCount} classes" : HasTargets ? $", {TargetCount} targets" : ", unlabelled");
}
