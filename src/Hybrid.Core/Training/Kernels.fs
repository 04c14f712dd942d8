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

    /// max_j z[o + j] over one row of `cols` entries starting at o (Mat.rowMax for one row).
    let private rowMax (z: float[]) (o: int) (cols: int) : float =
        let mutable m = z.[o]
        for j in 1 .. cols - 1 do
            if z.[o + j] > m then m <- z.[o + j]
        m

    /// a[o + j] ← e^(z[o + j] − m) over one row, m its max; returns their sum Σ_j e^(z_j − m) (the
    /// shared first half of softmax and log-softmax).
    let private expShifted (z: float[]) (a: float[]) (o: int) (cols: int) (m: float) : float =
        let mutable s = 0.0
        for j in 0 .. cols - 1 do
            let e = Math.Exp(z.[o + j] - m)
            a.[o + j] <- e
            s <- s + e
        s

    /// A = g(Z) on `rows`×`cols` entries; `slope` is the leaky slope, PReLU's current α or ELU's α
    /// (ignored otherwise). Same scalar formulas as Activation.forward; softmax row by row as
    /// Activation.softmax (shift by the row max, e^x, divide by the row sum).
    let activationForward (g: Activation) (slope: float) (z: float[]) (a: float[]) (rows: int) (cols: int) : unit =
        let n = rows * cols
        match g with
        | Identity -> Array.Copy(z, a, n)
        | BinaryStep -> for i in 0 .. n - 1 do a.[i] <- Activation.binaryStep z.[i]
        | Sigmoid -> for i in 0 .. n - 1 do a.[i] <- Activation.sigmoid z.[i]
        | Tanh -> for i in 0 .. n - 1 do a.[i] <- Math.Tanh z.[i]
        | Arctan -> for i in 0 .. n - 1 do a.[i] <- Math.Atan z.[i]
        | ReLU | LeakyReLU _ | PReLU _ ->
            let s = match g with ReLU -> 0.0 | _ -> slope
            let w = VF.Count
            let vs = VF(s)
            let mutable i = 0
            if s = 0.0 then
                // ReLU: +0 below the kink, as Activation.relu.
                while i + w <= n do
                    let v = VF(z, i)
                    Vector.ConditionalSelect(Vector.GreaterThan(v, VF.Zero), v, VF.Zero).CopyTo(a, i)
                    i <- i + w
            else
                while i + w <= n do
                    let v = VF(z, i)
                    Vector.ConditionalSelect(Vector.GreaterThan(v, VF.Zero), v, vs * v).CopyTo(a, i)
                    i <- i + w
            while i < n do
                a.[i] <- (if z.[i] > 0.0 then z.[i] elif s = 0.0 then 0.0 else s * z.[i])
                i <- i + 1
        | ELU alpha -> for i in 0 .. n - 1 do a.[i] <- Activation.elu alpha z.[i]
        | SoftPlus -> for i in 0 .. n - 1 do a.[i] <- Activation.softplus z.[i]
        | Softmax ->
            for r in 0 .. rows - 1 do
                let o = r * cols
                let s = expShifted z a o cols (rowMax z o cols)
                for j in 0 .. cols - 1 do
                    a.[o + j] <- a.[o + j] / s
        | LogSoftmax ->
            // As Activation.logSoftmax: (z − max) − log Σ e^(z − max), row by row.
            for r in 0 .. rows - 1 do
                let o = r * cols
                let m = rowMax z o cols
                let l = Math.Log(expShifted z a o cols m)
                for j in 0 .. cols - 1 do
                    a.[o + j] <- (z.[o + j] - m) - l

    /// dZ = dA ⊙ g′(Z) (softmax: p ⊙ (da − da·p) per row; log-softmax: da − p·Σ_j da_j per row
    /// with p = e^A = softmax(Z)), as Activation.backward, using the
    /// forward's A where g′ is a function of it (σ′ = σ(1 − σ), tanh′ = 1 − tanh²).
    let activationBackward (g: Activation) (slope: float) (z: float[]) (a: float[]) (da: float[]) (dz: float[]) (rows: int) (cols: int) : unit =
        let n = rows * cols
        match g with
        | Identity -> Array.Copy(da, dz, n)
        | BinaryStep -> for i in 0 .. n - 1 do dz.[i] <- da.[i] * 0.0
        | Sigmoid | SoftPlus ->
            // SoftPlus′ = σ(z); Sigmoid′ = σ(z)(1 − σ(z)) with σ(z) = A.
            if g = Sigmoid then for i in 0 .. n - 1 do dz.[i] <- da.[i] * (a.[i] * (1.0 - a.[i]))
            else for i in 0 .. n - 1 do dz.[i] <- da.[i] * Activation.sigmoid z.[i]
        | Tanh -> for i in 0 .. n - 1 do dz.[i] <- da.[i] * (1.0 - a.[i] * a.[i])
        | Arctan -> for i in 0 .. n - 1 do dz.[i] <- da.[i] * Activation.arctan' z.[i]
        | ReLU | LeakyReLU _ | PReLU _ ->
            let s = match g with ReLU -> 0.0 | _ -> slope
            let w = VF.Count
            let vs = VF(s)
            let mutable i = 0
            while i + w <= n do
                let d = VF(da, i)
                Vector.ConditionalSelect(Vector.GreaterThan(VF(z, i), VF.Zero), d, d * vs).CopyTo(dz, i)
                i <- i + w
            while i < n do
                dz.[i] <- (if z.[i] > 0.0 then da.[i] else da.[i] * s)
                i <- i + 1
        | ELU alpha -> for i in 0 .. n - 1 do dz.[i] <- da.[i] * Activation.elu' alpha z.[i]
        | Softmax ->
            for r in 0 .. rows - 1 do
                let o = r * cols
                let mutable dot = 0.0
                for j in 0 .. cols - 1 do
                    dot <- dot + da.[o + j] * a.[o + j]
                for j in 0 .. cols - 1 do
                    dz.[o + j] <- a.[o + j] * (da.[o + j] - dot)
        | LogSoftmax ->
            for r in 0 .. rows - 1 do
                let o = r * cols
                let mutable total = 0.0
                for j in 0 .. cols - 1 do
                    total <- total + da.[o + j]
                for j in 0 .. cols - 1 do
                    dz.[o + j] <- da.[o + j] - Math.Exp a.[o + j] * total

    /// PReLU's ∂L/∂α = Σ_ij dA_ij·Z_ij over Z_ij ≤ 0 (Activation.alphaGradient), rows in order.
    let alphaGradient (z: float[]) (da: float[]) (count: int) : float =
        let mutable s = 0.0
        for i in 0 .. count - 1 do
            if z.[i] <= 0.0 then s <- s + da.[i] * z.[i]
        s

    // ---------------------------------------------------------------- losses (S18-S23)

    let private clampP (p: float) : float = Math.Min(Math.Max(p, Loss.epsilon), 1.0 - Loss.epsilon)

    /// J(Ŷ, Y) of Loss.value and ∂J/∂Ŷ of Loss.gradient into `grad`, on `rows`×`cols` entries
    /// (targets already checked at the boundary). Returns J.
    let lossAndGradient (loss: Loss) (yhat: float[]) (y: float[]) (grad: float[]) (rows: int) (cols: int) : float =
        let count = rows * cols
        let n = float rows
        let mutable total = 0.0
        match loss with
        | MeanAbsoluteError ->
            for i in 0 .. count - 1 do
                let d = yhat.[i] - y.[i]
                total <- total + abs d
                grad.[i] <- Loss.signum d / n
            total / n
        | MeanSquaredError ->
            for i in 0 .. count - 1 do
                let d = yhat.[i] - y.[i]
                total <- total + d * d
                grad.[i] <- d / n
            total / (2.0 * n)
        | SumOfSquares ->
            for i in 0 .. count - 1 do
                let d = yhat.[i] - y.[i]
                total <- total + d * d
                grad.[i] <- 2.0 * d
            total
        | BinaryCrossEntropy ->
            for i in 0 .. count - 1 do
                let p = clampP yhat.[i]
                let t = y.[i]
                total <- total + (t * Math.Log p + (1.0 - t) * Math.Log(1.0 - p))
                grad.[i] <- -(t - p) / (p * (1.0 - p) * n)
            -total / n
        | CategoricalCrossEntropy ->
            for i in 0 .. count - 1 do
                let t = y.[i]
                if t = 0.0 then grad.[i] <- 0.0
                else
                    let p = Math.Max(yhat.[i], Loss.epsilon)
                    total <- total + t * Math.Log p
                    grad.[i] <- -t / (p * n)
            -total / n
        | Hinge ->
            for i in 0 .. count - 1 do
                let f, t = yhat.[i], y.[i]
                total <- total + Math.Max(0.0, 1.0 - t * f)
                grad.[i] <- if 1.0 - t * f > 0.0 then -t / n else 0.0
            total / n
        | Logistic ->
            for i in 0 .. count - 1 do
                let f, t = yhat.[i], y.[i]
                total <- total + Activation.softplus (-t * f)
                grad.[i] <- -t * Activation.sigmoid (-t * f) / n
            total / n
        | MulticlassHinge ->
            Array.Clear(grad, 0, count)
            for r in 0 .. rows - 1 do
                let o = r * cols
                let mutable label = 0
                for j in 1 .. cols - 1 do
                    if y.[o + j] > y.[o + label] then label <- j
                let sy = yhat.[o + label]
                for j in 0 .. cols - 1 do
                    if j <> label then
                        let margin = yhat.[o + j] - sy + 1.0
                        total <- total + Math.Max(0.0, margin)
                        if margin > 0.0 then
                            grad.[o + j] <- grad.[o + j] + 1.0 / n
                            grad.[o + label] <- grad.[o + label] - 1.0 / n
            total / n

    /// Sigmoid + BCE from logits (Loss.sigmoidCrossEntropy): J = 1/N Σ [softplus(z) − y·z],
    /// dZ = (σ(Z) − Y)/N with σ(Z) = `a` from the forward pass. Returns J.
    let sigmoidCrossEntropy (z: float[]) (a: float[]) (y: float[]) (dz: float[]) (rows: int) (cols: int) : float =
        let n = float rows
        let mutable total = 0.0
        for i in 0 .. rows * cols - 1 do
            total <- total + (Activation.softplus z.[i] - y.[i] * z.[i])
            dz.[i] <- (a.[i] - y.[i]) / n
        total / n

    /// Softmax + CE from logits (Loss.softmaxCrossEntropy): per row J_i = lse(z_i)·Σy − Σ y⊙z,
    /// J = 1/N Σ J_i, dZ = (p·Σy − y)/N with p = `a` (the forward's softmax). Returns J.
    let softmaxCrossEntropy (z: float[]) (a: float[]) (y: float[]) (dz: float[]) (rows: int) (cols: int) : float =
        let n = float rows
        let mutable total = 0.0
        for r in 0 .. rows - 1 do
            let o = r * cols
            let m = rowMax z o cols
            let mutable s = 0.0
            let mutable ysum = 0.0
            let mutable yz = 0.0
            for j in 0 .. cols - 1 do
                s <- s + Math.Exp(z.[o + j] - m)
                ysum <- ysum + y.[o + j]
                yz <- yz + y.[o + j] * z.[o + j]
            total <- total + ((m + Math.Log s) * ysum - yz)
            for j in 0 .. cols - 1 do
                dz.[o + j] <- (a.[o + j] * ysum - y.[o + j]) / n
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
    /// (velocity / m) and s (Σg² / s / v), step t ≥ 1: UpdateInPlace.step, where the loop over the
    /// rules' one-entry definitions lives. θ′ is written over g; f and s are updated in place.
    let update (rule: UpdateRule) (eta: float) (t: int) (theta: float[]) (g: float[]) (f: float[]) (s: float[]) : unit =
        UpdateInPlace.step rule eta t theta g f s

/// The seeded uniform generator of System.Random(seed) (.NET's subtractive generator for seeded
/// instances, Knuth's ran3), re-seedable without allocating, so the fast path draws exactly the
/// reference's dropout masks (Dropout.mask) with no allocation per batch.
/// Checked by: FastPathProperties "S34 / fast path / the reseedable generator draws what System.Random(seed) draws".
type SeededUniform() =
    let seedArray = Array.zeroCreate<int> 56
    let mutable inext = 0
    let mutable inextp = 0

    /// Restarts the sequence as new Random(seed) would (the dropout mask of S34 is drawn from it).
    member _.Reseed(seed: int) =
        let subtraction = if seed = Int32.MinValue then Int32.MaxValue else abs seed
        let mutable mj = 161803398 - subtraction
        seedArray.[55] <- mj
        let mutable mk = 1
        let mutable ii = 0
        for i in 1 .. 54 do
            ii <- ii + 21
            if ii >= 55 then ii <- ii - 55
            seedArray.[ii] <- mk
            mk <- mj - mk
            if mk < 0 then mk <- mk + Int32.MaxValue
            mj <- seedArray.[ii]
        for _ in 1 .. 4 do
            for i in 1 .. 55 do
                let mutable n = i + 30
                if n >= 55 then n <- n - 55
                seedArray.[i] <- seedArray.[i] - seedArray.[1 + n]
                if seedArray.[i] < 0 then seedArray.[i] <- seedArray.[i] + Int32.MaxValue
        inext <- 0
        inextp <- 21

    /// The next value u in [0, 1), as Random.NextDouble; a dropout unit is kept when u ≥ p (S34).
    member _.NextDouble() : float =
        let mutable a = inext + 1
        if a >= 56 then a <- 1
        let mutable b = inextp + 1
        if b >= 56 then b <- 1
        let mutable r = seedArray.[a] - seedArray.[b]
        if r = Int32.MaxValue then r <- r - 1
        if r < 0 then r <- r + Int32.MaxValue
        seedArray.[a] <- r
        inext <- a
        inextp <- b
        float r * (1.0 / float Int32.MaxValue)
