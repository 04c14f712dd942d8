using Hybrid.Core;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid;

/// <summary>
/// Input data, one example per row: converts implicitly from <c>double[][]</c> (rows),
/// <c>float[][]</c> (float32 rows), <c>double[,]</c> and MathNet <c>Matrix&lt;double&gt;</c>. The data is checked when a method uses
/// it (the named factories FromRows, FromArray and FromMatrix reject null at once): not null, not
/// empty, rows of equal length, every value finite (an error names the row and column).
/// </summary>
/// <remarks>
/// <see cref="Trainer.Fit(Network, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/> on
/// its default (fast) path reads the rows of a <c>double[][]</c> or a <c>float[][]</c> in place, batch by
/// batch, without copying them (training memory is then the data once); do not change them while it
/// runs. float32 rows suit <see cref="Trainer.Precision"/> = <see cref="Precision.Single"/> (each batch is
/// copied as it is, half the memory traffic of float64 rows); a float64 run widens them, exactly.
/// Every other use, and every other source, works on a copy (float32 values widened to float64).
/// </remarks>
public readonly struct Features
{
    private readonly object? _source;

    private Features(object? source) => _source = source;

    /// <summary>Rows of features (every row the same length).</summary>
    /// <param name="rows">The rows.</param>
    public static implicit operator Features(double[][] rows) => new(rows);

    /// <summary>A rows×columns array of features.</summary>
    /// <param name="values">The values.</param>
    public static implicit operator Features(double[,] values) => new(values);

    /// <summary>Rows of float32 features (every row the same length).</summary>
    /// <param name="rows">The rows.</param>
    public static implicit operator Features(float[][] rows) => new(rows);

    /// <summary>A MathNet matrix of features.</summary>
    /// <param name="matrix">The matrix.</param>
    public static implicit operator Features(Matrix<double> matrix) => new(matrix);

    /// <summary>Rows of features (the named alternative to the implicit conversion).</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The features.</returns>
    public static Features FromRows(double[][] rows) => new(rows ?? throw new ArgumentNullException(nameof(rows)));

    /// <summary>Rows of float32 features (the named alternative to the implicit conversion).</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The features.</returns>
    public static Features FromRows(float[][] rows) => new(rows ?? throw new ArgumentNullException(nameof(rows)));

    /// <summary>A rows×columns array of features (the named alternative to the implicit conversion).</summary>
    /// <param name="values">The values.</param>
    /// <returns>The features.</returns>
    public static Features FromArray(double[,] values) => new(values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>A MathNet matrix of features (the named alternative to the implicit conversion).</summary>
    /// <param name="matrix">The matrix.</param>
    /// <returns>The features.</returns>
    public static Features FromMatrix(Matrix<double> matrix) => new(matrix ?? throw new ArgumentNullException(nameof(matrix)));

    internal Matrix<double> ToMatrix(string paramName) => DataConvert.ToMatrix(_source, paramName);

    internal double[][]? CheckedRows(string paramName) => DataConvert.CheckedRows(_source, paramName);

    internal float[][]? CheckedSingleRows(string paramName) => DataConvert.CheckedSingleRows(_source, paramName);

    internal (double[] Values, int Rows, int Columns) ToRowMajor(string paramName) => DataConvert.ToRowMajor(_source, paramName);
}
