using Hybrid.Core.Interop;
using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid;

/// <summary>
/// Targets, one per example: converts implicitly from <c>int[]</c> (class indices 0..k−1, one-hot
/// encoded to the network's k outputs; with one output, 0/1 labels become 0/1 targets) and from
/// target rows as <c>double[][]</c>, <c>double[,]</c> or MathNet <c>Matrix&lt;double&gt;</c> (one
/// column per output). For the hinge and logistic losses labels are encoded as signs instead:
/// with k ≥ 2 outputs one-vs-rest (+1 at the label, −1 elsewhere), with one output label 1 → +1
/// and label 0 → −1. Target values are checked against the loss before any work: cross-entropy
/// targets in [0, 1], hinge and logistic targets −1 or 1, multiclass hinge targets one-hot rows.
/// </summary>
public readonly struct Targets
{
    private readonly object? _source;

    private Targets(object? source) => _source = source;

    /// <summary>Class indices.</summary>
    /// <param name="labels">The labels.</param>
    public static implicit operator Targets(int[] labels) => new(labels);

    /// <summary>Target rows.</summary>
    /// <param name="rows">The rows.</param>
    public static implicit operator Targets(double[][] rows) => new(rows);

    /// <summary>A rows×outputs array of targets.</summary>
    /// <param name="values">The values.</param>
    public static implicit operator Targets(double[,] values) => new(values);

    /// <summary>A MathNet matrix of targets.</summary>
    /// <param name="matrix">The matrix.</param>
    public static implicit operator Targets(Matrix<double> matrix) => new(matrix);

    /// <summary>Class indices (the named alternative to the implicit conversion).</summary>
    /// <param name="labels">The labels.</param>
    /// <returns>The targets.</returns>
    public static Targets FromLabels(int[] labels) => new(labels ?? throw new ArgumentNullException(nameof(labels)));

    /// <summary>Target rows (the named alternative to the implicit conversion).</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The targets.</returns>
    public static Targets FromRows(double[][] rows) => new(rows ?? throw new ArgumentNullException(nameof(rows)));

    /// <summary>A rows×outputs array (the named alternative to the implicit conversion).</summary>
    /// <param name="values">The values.</param>
    /// <returns>The targets.</returns>
    public static Targets FromArray(double[,] values) => new(values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>A MathNet matrix (the named alternative to the implicit conversion).</summary>
    /// <param name="matrix">The matrix.</param>
    /// <returns>The targets.</returns>
    public static Targets FromMatrix(Matrix<double> matrix) => new(matrix ?? throw new ArgumentNullException(nameof(matrix)));

    /// <summary>The class labels, if these targets were given as labels (for the stratified validation split).</summary>
    internal int[]? Labels => _source as int[];

    internal Matrix<double> ToMatrix(string paramName, int outputs, Hybrid.Core.Loss loss)
    {
        if (_source is int[])
        {
            var (values, rows, cols) = LabelRows(paramName, outputs, loss);
            return Matrix<double>.Build.DenseOfRowMajor(rows, cols, values);
        }
        var m = DataConvert.ToMatrix(_source, paramName);
        if (m.ColumnCount != outputs)
            throw new ArgumentException($"{paramName} has {m.ColumnCount} columns but the network has {outputs} outputs: give one target column per output, or class labels as int[].", paramName);
        return m;
    }

    /// <summary>
    /// Labels encoded for a network with <paramref name="outputs"/> outputs and the loss, row-major:
    /// one output takes 0/1 (±1 for a loss that takes signs), several take one-hot rows (+1 at the
    /// label and −1 elsewhere for a sign loss). Checked: not empty, every label in range.
    /// </summary>
    internal (double[] Values, int Rows, int Columns) LabelRows(string paramName, int outputs, Hybrid.Core.Loss loss)
    {
        var labels = _source as int[] ?? throw new InvalidOperationException("These targets are not labels.");
        if (labels.Length == 0) throw new ArgumentException($"{paramName} is empty: give at least one label.", paramName);
        bool signs = Hybrid.Core.Interop.Losses.TakesSigns(loss);
        if (outputs == 1)
        {
            var y = new double[labels.Length];
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] is not (0 or 1))
                    throw new ArgumentOutOfRangeException(paramName, $"{paramName}[{i}] = {labels[i]}, but a network with one output takes class labels 0 or 1.");
                y[i] = signs ? 2 * labels[i] - 1 : labels[i];
            }
            return (y, labels.Length, 1);
        }
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= outputs)
                throw new ArgumentOutOfRangeException(paramName, $"{paramName}[{i}] = {labels[i]}, but the network has {outputs} outputs, so labels must lie in 0..{outputs - 1}.");
        var rows = DataPrep.OneHotRows(outputs, labels);
        // One-vs-rest signs: +1 at the label, −1 elsewhere (2·onehot − 1).
        if (signs)
            for (int i = 0; i < rows.Length; i++) rows[i] = 2 * rows[i] - 1;
        return (rows, labels.Length, outputs);
    }
}

internal static class DataConvert
{
    internal static Matrix<double> ToMatrix(object? source, string paramName)
    {
        Matrix<double> m = source switch
        {
            null => throw new ArgumentNullException(paramName),
            double[][] rows => FromRows(rows, paramName),
            float[][] rows => FromRows(Widened(rows), paramName),
            double[,] values => Matrix<double>.Build.DenseOfArray(values),
            Matrix<double> matrix => matrix.Clone(),
            _ => throw new ArgumentException("Unsupported data type.", paramName),
        };
        if (m.RowCount == 0 || m.ColumnCount == 0)
            throw Empty(paramName, m.RowCount, m.ColumnCount);
        Matrices.CheckFinite(paramName, m);
        return m;
    }

    /// <summary>
    /// The data as one row-major array (the fast training path's single conversion; no
    /// intermediate matrix), with the same checks and messages as <see cref="ToMatrix"/>.
    /// </summary>
    internal static (double[] Values, int Rows, int Columns) ToRowMajor(object? source, string paramName)
    {
        (double[] values, int rows, int cols) = source switch
        {
            null => throw new ArgumentNullException(paramName),
            double[][] r => RowMajorOfRows(r, paramName),
            float[][] r => RowMajorOfRows(Widened(r), paramName),
            double[,] v => RowMajorOfArray(v),
            Matrix<double> m => (m.ToRowMajorArray(), m.RowCount, m.ColumnCount),
            _ => throw new ArgumentException("Unsupported data type.", paramName),
        };
        if (rows == 0 || cols == 0)
            throw Empty(paramName, rows, cols);
        int e = Rules.FirstNonFinite(values);
        if (e >= 0)
            throw NonFinite(paramName, values[e], e / cols, e % cols);
        return (values, rows, cols);
    }

    /// <summary>
    /// The rows of a <c>double[][]</c> source, not copied (the fast training path reads them in place);
    /// null for other sources. Checked here as <see cref="ToRowMajor"/> checks them (same messages) for
    /// null, ragged and empty rows; their values are checked by training as it gathers each batch
    /// (the same message, naming the lowest bad row), which saves a pass over all of the data.
    /// </summary>
    internal static double[][]? CheckedRows(object? source, string paramName) =>
        source is double[][] rows ? CheckedInPlace(rows, paramName) : null;

    /// <summary>
    /// The rows of a <c>float[][]</c> source, checked as <see cref="CheckedRows"/> checks a <c>double[][]</c>
    /// and not copied: a float32 run reads them as they are; null for other sources.
    /// </summary>
    internal static float[][]? CheckedSingleRows(object? source, string paramName) =>
        source is float[][] rows ? CheckedInPlace(rows, paramName) : null;

    // Not null, not ragged, not empty.
    private static T[][] CheckedInPlace<T>(T[][] rows, string paramName)
    {
        if (rows.Length > 0) CheckRows(rows, paramName);
        int cols = rows.Length == 0 ? 0 : rows[0].Length;
        if (rows.Length == 0 || cols == 0)
            throw Empty(paramName, rows.Length, cols);
        return rows;
    }

    // float32 rows widened (exactly) for the paths that work on a float64 copy; a null row stays null,
    // for the copy's own row checks to name it.
    private static double[][] Widened(float[][] rows) =>
        Array.ConvertAll(rows, r => r is null ? null! : Array.ConvertAll(r, v => (double)v));

    private static ArgumentException Empty(string paramName, int rows, int cols) =>
        new($"{paramName} is empty ({rows}×{cols}): give at least one row and one column.", paramName);

    private static ArgumentException NonFinite(string paramName, double value, int row, int column) =>
        new($"{paramName} has a non-finite value {value:G} at row {row}, column {column}.", paramName);

    private static (double[], int, int) RowMajorOfArray(double[,] v)
    {
        var values = new double[v.Length];
        Buffer.BlockCopy(v, 0, values, 0, v.Length * sizeof(double));
        return (values, v.GetLength(0), v.GetLength(1));
    }

    private static (double[], int, int) RowMajorOfRows(double[][] rows, string paramName)
    {
        if (rows.Length == 0) return (Array.Empty<double>(), 0, 0);
        CheckRows(rows, paramName);
        int cols = rows[0].Length;
        var values = new double[(long)rows.Length * cols];
        for (int i = 0; i < rows.Length; i++) Array.Copy(rows[i], 0, values, (long)i * cols, cols);
        return (values, rows.Length, cols);
    }

    private static void CheckRows<T>(T[][] rows, string paramName)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i] is null) throw new ArgumentException($"{paramName}[{i}] is null.", paramName);
            if (rows[i].Length != rows[0].Length)
                throw new ArgumentException($"{paramName} is ragged: row {i} has {rows[i].Length} values but row 0 has {rows[0].Length}.", paramName);
        }
    }

    private static Matrix<double> FromRows(double[][] rows, string paramName)
    {
        if (rows.Length == 0) return Matrix<double>.Build.Dense(0, 0);
        CheckRows(rows, paramName);
        return Matrix<double>.Build.DenseOfRowArrays(rows);
    }

    internal static Matrix<double> Checked(Matrix<double> m, int columns, string paramName)
    {
        if (m.ColumnCount != columns)
            throw new ArgumentException($"{paramName} has {m.ColumnCount} columns but the network takes {columns} inputs.", paramName);
        return m;
    }
}
