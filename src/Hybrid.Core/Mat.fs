namespace Hybrid.Core

open MathNet.Numerics.LinearAlgebra

/// Thin helpers over MathNet.Numerics dense matrices (float64).
module Mat =
    /// A rows×cols matrix of zeros.
    let zeros (rows: int) (cols: int) : Matrix<float> = Matrix<float>.Build.Dense(rows, cols)
