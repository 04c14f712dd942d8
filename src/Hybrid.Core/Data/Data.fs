namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// Column statistics fitted on one data set and applied to others.
type Standardizer =
    { /// Column means, 1×d.
      Mean: Matrix<float>
      /// Column standard deviations (population), 1×d; a constant column gets 1.
      Std: Matrix<float> }

/// Data helpers (S24, S30, S32): one-hot labels, preprocessing, accuracy.
module Data =

    /// One-hot encoding, row-major: row i (entries i·classes … i·classes + classes − 1) has a 1 in
    /// column labels[i] and 0 elsewhere. Shapes: n labels -> n·classes values. Course: S24.
    let oneHotRows (classes: int) (labels: int[]) : float[] =
        Shape.positiveInt "classes" classes
        if isNull labels then nullArg "labels"
        labels |> Array.iteri (fun i k ->
            if k < 0 || k >= classes then Shape.fail "labels" (sprintf "label %d at index %d is outside 0..%d." k i (classes - 1)))
        let rows = Array.zeroCreate (labels.Length * classes)
        labels |> Array.iteri (fun i k -> rows.[i * classes + k] <- 1.0)
        rows

    /// One-hot encoding: row i has a 1 in column labels[i] and 0 elsewhere (oneHotRows as a
    /// matrix). Shapes: n labels -> n×classes. Course: S24.
    let oneHot (classes: int) (labels: int[]) : Matrix<float> =
        let rows = oneHotRows classes labels
        Mat.ofRowMajor labels.Length classes rows

    /// Fits the column means and (population) standard deviations of X, 1×d each; a column
    /// with std 0 gets 1, so applying leaves it centred instead of dividing by zero. Course: S30.
    let fit (X: Matrix<float>) : Standardizer =
        Shape.nonEmpty "X" X
        Shape.finite "X" X
        let mean = Mat.meanRows X
        let centred = Mat.addRow X (-mean)
        let var = Mat.meanRows (Mat.hadamard centred centred)
        { Mean = mean; Std = Mat.map (fun v -> if v > 0.0 then Math.Sqrt v else 1.0) var }

    /// Zero-centring X ← X − mean (the mean fitted on the training set). Course: S30.
    let centre (s: Standardizer) (X: Matrix<float>) : Matrix<float> =
        Shape.columns "X" s.Mean.ColumnCount X
        Mat.addRow X (-s.Mean)

    /// Standardising X ← (X − mean) / std, column by column, with statistics fitted on another
    /// (training) set. Course: S30.
    let standardize (s: Standardizer) (X: Matrix<float>) : Matrix<float> =
        let std = Mat.toRowMajor s.Std
        Mat.mapIndexed (fun _ j c -> c / std.[j]) (centre s X)

    /// Accuracy = mean(argmax(scores_i) == label_i). Course: S32.
    let accuracy (scores: Matrix<float>) (labels: int[]) : float =
        Shape.nonEmpty "scores" scores
        if isNull labels then nullArg "labels"
        if labels.Length <> scores.RowCount then
            Shape.fail "labels" (sprintf "%d labels for %d score rows." labels.Length scores.RowCount)
        let predicted = Mat.argmaxRows scores
        float (Array.fold2 (fun acc p y -> if p = y then acc + 1 else acc) 0 predicted labels) / float labels.Length

    /// The inverse of standardize: X = Z ⊙ std + mean, column by column. Course: S30. Checked
    /// by: PcaProperties "S30 / PCA / the inverse round-trips".
    let unstandardize (s: Standardizer) (Z: Matrix<float>) : Matrix<float> =
        Shape.columns "Z" s.Mean.ColumnCount Z
        Mat.addRow (Mat.scaleColumns (Mat.toRowMajor s.Std) Z) s.Mean
