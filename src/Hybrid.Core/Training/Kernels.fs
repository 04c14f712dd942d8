namespace Hybrid.Core

open System
open System.Numerics
open System.Numerics.Tensors

type private VF = Vector<float>

/// The element-wise kernels of the fast training path (FastTraining), on row-major float[]
/// buffers written in place: activations and their backward, the losses with their gradients
/// (fused sigmoid+BCE and softmax+CE included), the bias broadcast and column sums, and the
/// update rules. Each computes exactly the formula of the reference function it names (same
/// operations in the same order entry by entry; only sums over many entries may be taken in
/// another order), so the fast path equals the reference up to summation order
/// (properties/Hybrid.Properties/Tolerance.fs "fastPath"). Vectorised with
/// System.Numerics.Tensors.TensorPrimitives and Vector&lt;float&gt; where the operation is exact
/// (add, multiply, select); transcendental functions call the same scalar functions as the
/// reference, so their results are bit-identical. Nothing here allocates.
/// Checked by: FastPathProperties (properties/Hybrid.Properties).
module internal Kernels =

    // ---------------------------------------------------------------- broadcast, sums, checks

    /// Z ← Z + 1·b: adds the row b (length cols) to each of the first `rows` rows of Z
    /// (Mat.addRow, S14).
    let addRow (z: float[]) (rows: int) (cols: int) (b: float[]) : unit =
        let bs = ReadOnlySpan<float>(b, 0, cols)
        for i in 0 .. rows - 1 do
            let r = Span<float>(z, i * cols, cols)
            TensorPrimitives.Add(Span<float>.op_Implicit r, bs, r)

    /// db ← 1ᵀ·dZ: the column sums of the first `rows` rows (Mat.sumRows, S15), rows added in order.
    let columnSums (dz: float[]) (rows: int) (cols: int) (db: float[]) : unit =
        let acc = Span<float>(db, 0, cols)
        acc.Clear()
        for i in 0 .. rows - 1 do
            TensorPrimitives.Add(Span<float>.op_Implicit acc, ReadOnlySpan<float>(dz, i * cols, cols), acc)

    /// Whether the first `count` entries are all finite: Σ x·0 is 0 exactly when no entry is NaN or ±∞.
    let allFinite (x: float[]) (count: int) : bool =
        let w = VF.Count
        let mutable acc = VF.Zero
        let mutable i = 0
        while i + w <= count do
            acc <- acc + VF(x, i) * VF.Zero
            i <- i + w
        let mutable s = 0.0
        while i < count do
            s <- s + x.[i] * 0.0
            i <- i + 1
        s = 0.0 && Vector.EqualsAll(acc, VF.Zero)

    // ---------------------------------------------------------------- activations (S04)

    /// A = g(Z) on `rows`×`cols` entries; `slope` is the leaky slope, PReLU's current α or ELU's α
    /// (ignored otherwise): the registry's kernel of g (Activation.all), the same definitions
    /// Activation.forward runs.
    let activationForward (g: Activation) (slope: float) (z: float[]) (a: float[]) (rows: int) (cols: int) : unit =
        (Activation.entry g).Kernel.Forward(slope, z, a, rows, cols)

    /// dZ = dA ⊙ g′(Z) (softmax and log-softmax: their row backward), from Z and the forward's A:
    /// the registry's kernel of g, as Activation.backward.
    let activationBackward (g: Activation) (slope: float) (z: float[]) (a: float[]) (da: float[]) (dz: float[]) (rows: int) (cols: int) : unit =
        (Activation.entry g).Kernel.Backward(slope, z, a, da, dz, rows, cols)

    /// PReLU's ∂L/∂α = Σ_ij dA_ij·Z_ij over Z_ij ≤ 0 (Activation.alphaGradientOf), rows in order.
    let alphaGradient (z: float[]) (da: float[]) (count: int) : float = Activation.alphaGradientOf z da count

    // ---------------------------------------------------------------- losses (S18-S23)

    /// J(Ŷ, Y) of Loss.value and ∂J/∂Ŷ of Loss.gradient into `grad`, on `rows`×`cols` entries
    /// (targets already checked at the boundary): the registry's kernel of the loss (Loss.all), the
    /// same definitions the reference calls. Returns J.
    let lossAndGradient (loss: Loss) (yhat: float[]) (y: float[]) (grad: float[]) (rows: int) (cols: int) : float =
        (Loss.entry loss).Kernel.ValueAndGradient(yhat, y, grad, rows, cols)

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
    let correct (loss: Loss) (yhat: float[]) (y: float[]) (rows: int) (cols: int) : int =
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
            let threshold = match loss with Hinge | Logistic -> 0.0 | _ -> 0.5
            for r in 0 .. rows - 1 do
                if (yhat.[r] >= threshold) = (y.[r] >= threshold) then hits <- hits + 1
        hits

    // ---------------------------------------------------------------- L2 and update rules (S23, S27, S28)

    /// g ← g + 2λ·W (Regularization.l2′ added to the gradient); returns λ·Σ W² (Regularization.l2).
    let addL2 (lambda: float) (w: float[]) (g: float[]) : float =
        let twoLambda = 2.0 * lambda
        TensorPrimitives.MultiplyAdd(ReadOnlySpan<float>(w), twoLambda, ReadOnlySpan<float>(g), Span<float>(g))
        lambda * TensorPrimitives.SumOfSquares(ReadOnlySpan<float>(w))

    /// One step of `rule` (Update.step's formulas entry by entry) on θ with gradient g, state f
    /// (velocity / m) and s (Σg² / s / v), step t ≥ 1. θ′ is written over g (θ is left as it was,
    /// so the caller can keep it if θ′ is not finite); f and s are updated in place.
    let update (rule: UpdateRule) (eta: float) (t: int) (theta: float[]) (g: float[]) (f: float[]) (s: float[]) : unit =
        let n = theta.Length
        let w = VF.Count
        let veta = VF(eta)
        let mutable i = 0
        match rule with
        | PlainSgd ->
            while i + w <= n do
                (VF(theta, i) - veta * VF(g, i)).CopyTo(g, i)
                i <- i + w
            while i < n do
                g.[i] <- theta.[i] - eta * g.[i]
                i <- i + 1
        | Momentum mu ->
            let vmu = VF(mu)
            while i + w <= n do
                let v' = vmu * VF(f, i) - veta * VF(g, i)
                v'.CopyTo(f, i)
                (VF(theta, i) + v').CopyTo(g, i)
                i <- i + w
            while i < n do
                let v' = mu * f.[i] - eta * g.[i]
                f.[i] <- v'
                g.[i] <- theta.[i] + v'
                i <- i + 1
        | Nesterov mu ->
            let vmu = VF(mu)
            while i + w <= n do
                let gi = VF(g, i)
                let v' = vmu * VF(f, i) - veta * gi
                v'.CopyTo(f, i)
                (VF(theta, i) + vmu * v' - veta * gi).CopyTo(g, i)
                i <- i + w
            while i < n do
                let gi = g.[i]
                let v' = mu * f.[i] - eta * gi
                f.[i] <- v'
                g.[i] <- theta.[i] + mu * v' - eta * gi
                i <- i + 1
        // AdaGrad, RMSProp and Adam: the same operations in the same order as the scalar formula,
        // Vector<float>-wide (√ and ÷ are correctly rounded in SIMD as in scalar code, and no
        // multiply-add is contracted), so each entry gets the same bits; the tail runs scalar.
        | AdaGrad eps ->
            let veps = VF(eps)
            while i + w <= n do
                let gi = VF(g, i)
                let s' = VF(s, i) + gi * gi
                s'.CopyTo(s, i)
                (VF(theta, i) - veta * gi / (Vector.SquareRoot s' + veps)).CopyTo(g, i)
                i <- i + w
            for j in i .. n - 1 do
                let gi = g.[j]
                let s' = s.[j] + gi * gi
                s.[j] <- s'
                g.[j] <- theta.[j] - eta * gi / (Math.Sqrt s' + eps)
        | RmsProp(rho, eps) ->
            let vrho, vrest, veps = VF(rho), VF(1.0 - rho), VF(eps)
            while i + w <= n do
                let gi = VF(g, i)
                let s' = vrho * VF(s, i) + vrest * (gi * gi)
                s'.CopyTo(s, i)
                (VF(theta, i) - veta * gi / (Vector.SquareRoot s' + veps)).CopyTo(g, i)
                i <- i + w
            for j in i .. n - 1 do
                let gi = g.[j]
                let s' = rho * s.[j] + (1.0 - rho) * (gi * gi)
                s.[j] <- s'
                g.[j] <- theta.[j] - eta * gi / (Math.Sqrt s' + eps)
        | Adam(b1, b2, eps) ->
            let c1 = 1.0 - Math.Pow(b1, float t)
            let c2 = 1.0 - Math.Pow(b2, float t)
            let vb1, vr1, vb2, vr2 = VF(b1), VF(1.0 - b1), VF(b2), VF(1.0 - b2)
            let vc1, vc2, veps = VF(c1), VF(c2), VF(eps)
            while i + w <= n do
                let gi = VF(g, i)
                let m' = vb1 * VF(f, i) + vr1 * gi
                let v' = vb2 * VF(s, i) + vr2 * (gi * gi)
                m'.CopyTo(f, i)
                v'.CopyTo(s, i)
                (VF(theta, i) - veta * (m' / vc1) / (Vector.SquareRoot(v' / vc2) + veps)).CopyTo(g, i)
                i <- i + w
            for j in i .. n - 1 do
                let gi = g.[j]
                let m' = b1 * f.[j] + (1.0 - b1) * gi
                let v' = b2 * s.[j] + (1.0 - b2) * (gi * gi)
                f.[j] <- m'
                s.[j] <- v'
                g.[j] <- theta.[j] - eta * (m' / c1) / (Math.Sqrt(v' / c2) + eps)
