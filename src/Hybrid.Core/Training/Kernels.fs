namespace Hybrid.Core

open System
open System.Numerics
open System.Numerics.Tensors

/// The loss and update kernels of the fast training path (FastTraining), on row-major float[]
/// buffers written in place: the losses with their gradients (fused sigmoid+BCE and softmax+CE
/// included), the class count, L2 and the update rules (the layers' own work is in each layer's
/// buffer version). Each computes exactly the formula of the reference function it names (same
/// operations in the same order entry by entry; only sums over many entries may be taken in
/// another order), so the fast path equals the reference up to summation order
/// (properties/Hybrid.Properties/Tolerance.fs "fastPath"). Vectorised with
/// System.Numerics.Tensors.TensorPrimitives and Vector&lt;float&gt; where the operation is exact
/// (add, multiply, select); transcendental functions call the same scalar functions as the
/// reference, so their results are bit-identical. Nothing here allocates.
/// Checked by: FastPathProperties (properties/Hybrid.Properties).
module internal Kernels =

    // ---------------------------------------------------------------- losses (S18-S23)

    /// J(Ŷ, Y) of Loss.value and ∂J/∂Ŷ of Loss.gradient into `grad`, on `rows`×`cols` entries
    /// (targets already checked at the boundary): the registry's kernel of the loss (Loss.all), the
    /// same definitions the reference calls. Returns J.
    let lossAndGradient (loss: Loss) (yhat: float[]) (y: float[]) (grad: float[]) (rows: int) (cols: int) : float =
        (Loss.entry loss).Kernel.ValueAndGradient(Loss.loopParameter loss, yhat, y, grad, rows, cols)

    /// Sigmoid + BCE from logits (Loss.sigmoidCrossEntropy): J = 1/N Σ [softplus(z) − y·z],
    /// dZ = (σ(Z) − Y)/N with σ(Z) = `a` from the forward pass. Returns J.
    let sigmoidCrossEntropy (z: float[]) (a: float[]) (y: float[]) (dz: float[]) (rows: int) (cols: int) : float =
        let n = float rows
        let mutable total = 0.0
        for i in 0 .. rows * cols - 1 do
            total <- total + Loss.sigmoidCrossEntropyTerm z.[i] y.[i]
            dz.[i] <- Loss.sigmoidCrossEntropyGradient a.[i] y.[i] n
        total / n

    /// Softmax + CE from logits (Loss.softmaxCrossEntropy): Loss.softmaxCrossEntropyRow on each row
    /// with p = `a` (the forward's softmax). Returns J.
    let softmaxCrossEntropy (z: float[]) (a: float[]) (y: float[]) (dz: float[]) (rows: int) (cols: int) : float =
        let n = float rows
        let mutable total = 0.0
        for r in 0 .. rows - 1 do
            total <- total + Loss.softmaxCrossEntropyRow z a y dz (r * cols) cols n
        total / n

    /// #{rows whose class matches} with Training.classesOf's rule: argmax (first on ties) for
    /// ≥ 2 columns, [v ≥ t] for one column (t = 0 for hinge and logistic, else 0.5).
    let inline correct<'T when 'T :> IFloatingPointIeee754<'T> and 'T: comparison> (loss: Loss) (yhat: 'T[]) (y: 'T[]) (rows: int) (cols: int) : int =
        let mutable hits = 0
        if cols > 1 then
            for r in 0 .. rows - 1 do
                let o = r * cols
                let mutable p = 0
                let mutable t = 0
                for j in 1 .. cols - 1 do
                    if yhat.[o + j] > yhat.[o + p] then p <- j
                    if y.[o + j] > y.[o + t] then t <- j
                if p = t then hits <- hits + 1
        else
            let threshold = 'T.CreateTruncating(Loss.classThreshold loss)
            for r in 0 .. rows - 1 do
                if (yhat.[r] >= threshold) = (y.[r] >= threshold) then hits <- hits + 1
        hits

    // ---------------------------------------------------------------- L2 and update rules (S23, S27, S28)

    /// g ← g + 2λ·W (Regularization.l2′ added to the gradient); returns λ·Σ W² (Regularization.l2).
    /// Checked by: FastPathProperties "S23 / fast path / the step loss the divergence rule reads is
    /// J + λ·ΣW², as on the reference path" (the returned penalty), "S28 / fast path / the fast
    /// path's parameters and epoch records equal the reference path's" (the gradient).
    let inline addL2<'T when 'T :> IFloatingPointIeee754<'T>> (lambda: 'T) (w: 'T[]) (g: 'T[]) : 'T =
        let twoLambda = lambda + lambda   // 2λ exactly
        TensorPrimitives.MultiplyAdd(ReadOnlySpan<'T>(w), twoLambda, ReadOnlySpan<'T>(g), Span<'T>(g))
        lambda * TensorPrimitives.SumOfSquares(ReadOnlySpan<'T>(w))

    /// One step of `rule` (Update.step's formulas entry by entry) on θ with gradient g, state f
    /// (velocity / m) and s (Σg² / s / v), step t ≥ 1: UpdateInPlace.step, where the loop over the
    /// rules' one-entry definitions lives. θ′ is written over g; f and s are updated in place.
    /// Returns (every entry of g finite, every entry of θ′ finite), checked in the same pass. Only
    /// the `count` entries from `start` (the fast path splits a large update over the product threads).
    let update (rule: UpdateRule) (eta: float) (t: int) (theta: float[]) (g: float[]) (f: float[]) (s: float[]) (start: int) (count: int) : struct (bool * bool) =
        UpdateInPlace.stepIn rule eta t theta g f s start count
