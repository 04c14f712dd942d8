namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// The cost functions of the course (S18-S23). Each but SumOfSquares is a batch mean over the
/// N rows (examples) of a sum over the output columns, so J is an average of per-example costs
/// (S18); SumOfSquares is the plain sum of S29.
type Loss =
    /// J = 1/N Σ |ŷ − y|.
    | MeanAbsoluteError
    /// J = 1/(2N) Σ (ŷ − y)².
    | MeanSquaredError
    /// J = Σ (ŷ − y)² (plain sum, the "20 lines" network of S29; not a mean).
    | SumOfSquares
    /// J = −1/N Σ [y ln ŷ + (1 − y) ln(1 − ŷ)], y ∈ [0, 1].
    | BinaryCrossEntropy
    /// J = −1/N Σ_i Σ_k y_ik ln p_ik (negative log-likelihood of one-hot targets).
    | CategoricalCrossEntropy
    /// J = 1/N Σ max(0, 1 − y·f), y ∈ {−1, 1}.
    | Hinge
    /// J = 1/N Σ_i Σ_{j ≠ y_i} max(0, s_j − s_{y_i} + 1), targets one-hot.
    | MulticlassHinge
    /// J = 1/N Σ ln(1 + e^(−y·f)), y ∈ {−1, 1}.
    | Logistic
    /// J = 1/N Σ h_δ(ŷ − y): quadratic d²/2 for |d| ≤ δ, linear δ(|d| − δ/2) beyond (Huber 1964).
    | Huber of delta: float
    /// A user's own loss (docs/extending.md), made by Loss.define.
    | UserLoss of CustomLoss

/// What targets a loss takes (course items S21-S24): any finite number, a probability in [0, 1],
/// a sign −1 or 1, or one-hot rows.
and [<RequireQualifiedAccess>] TargetKind =
    /// Any finite value (regression: MSE, MAE, Huber).
    | Real
    /// Values in [0, 1] (cross-entropies).
    | Probability
    /// −1 or 1 (hinge, logistic); class labels are encoded as signs.
    | Sign
    /// Rows of zeros with exactly one 1 (the multiclass hinge).
    | OneHot

/// What predictions a loss is defined for: any real number, or a probability in (0, 1) (the output
/// of a sigmoid or softmax layer). The laws of a user's loss draw its predictions from it.
and [<RequireQualifiedAccess>] PredictionKind =
    /// Any real number (scores, regression outputs).
    | Real
    /// A probability in (0, 1).
    | Probability

/// What a user declares about a loss of their own besides its loop (Loss.define).
and CustomLossSpec =
    { /// The name it is registered under (the rules of an activation's name).
      Name: string
      /// J and ∂J/∂Ŷ in one line, for messages and docs ("" when not given).
      Formula: string
      /// The targets it takes (checked before training, like a built-in's).
      Targets: TargetKind
      /// The predictions it is defined for (where its laws draw Ŷ).
      Predictions: PredictionKind
      /// The fast path's loop: J and ∂J/∂Ŷ of one batch.
      Kernel: LossKernel }

/// A user's own loss (course items S18-S23, extended by the user; docs/extending.md). Equal by name.
and [<Sealed>] CustomLoss internal (spec: CustomLossSpec) =
    inherit UserDefined(spec.Name)
    /// What the user declared.
    member _.Spec : CustomLossSpec = spec

/// One entry's cost and its derivative, as a value the JIT can specialise (a struct passed as a type
/// argument to LossKernel, so the loop has the definitions inlined). The math is written once, as
/// the scalar definitions of module Loss these members call; `n` is the batch size N and `p` the
/// loss's hyper-parameter (ignored by the losses without one).
and ILossTerm =
    /// The entry's share of the sum the loss averages, term(ŷ, y).
    abstract Term: p: float * yhat: float * y: float -> float
    /// ∂J/∂ŷ for the entry, N the batch size.
    abstract Gradient: p: float * yhat: float * y: float * n: float -> float
    /// J from Σ term over the batch: Σ/N, Σ/(2N), or Σ.
    abstract Cost: sum: float * n: float -> float

/// How the fast path computes a loss and its gradient on row-major buffers (one virtual call per
/// batch; the loop inside is specialised to the loss). Returns J and writes ∂J/∂Ŷ into grad.
and [<AbstractClass>] LossKernel() =
    abstract ValueAndGradient: p: float * yhat: float[] * y: float[] * grad: float[] * rows: int * cols: int -> float

/// The loop of an entry-wise loss: term and gradient entry by entry, rows in order.
type EntrywiseLossKernel<'Op when 'Op: struct and 'Op :> ILossTerm>() =
    inherit LossKernel()
    override _.ValueAndGradient(p, yhat, y, grad, rows, cols) =
        let op = Unchecked.defaultof<'Op>
        let n = float rows
        let mutable total = 0.0
        for i in 0 .. rows * cols - 1 do
            total <- total + op.Term(p, yhat.[i], y.[i])
            grad.[i] <- op.Gradient(p, yhat.[i], y.[i], n)
        op.Cost(total, n)

/// Everything Hybrid knows about one loss, held once (S18-S23): its kernel (the reference path's
/// matrix functions call the same scalar definitions), and every name it goes by.
type LossEntry =
    { /// The core's case name and the façade's property ("MeanSquaredError").
      Case: string
      /// The CLI's name ("mse").
      Cli: string
      /// The explain panel's title.
      Display: string
      /// J and ∂J/∂Ŷ in one line.
      Formula: string
      /// Course items that teach it.
      Course: string
      /// The hyper-parameter, if any.
      Parameter: ParameterSpec option
      /// Makes the case from its parameter (ignored without one).
      Make: float -> Loss
      /// The fast path's loop.
      Kernel: LossKernel }

/// Cost functions J(Ŷ, Y) and their gradients ∂J/∂Ŷ (S18-S23), and the fused, stable forms
/// computed from logits. Ŷ and Y are N×m, one example per row. Every cost is finite for
/// predictions of exactly 0 or 1: logs see max(p, ε) with ε = `epsilon`.
module Loss =

    /// The floor under probabilities before a log: ln(1e-12) ≈ −27.6, so a prediction of exactly
    /// 0 or 1 costs at most 27.6 per entry and its gradient at most 1e12/N, instead of ∞.
    /// Course: S03, S21, S22.
    let epsilon = 1e-12

    let private clampP (p: float) : float = Math.Min(Math.Max(p, epsilon), 1.0 - epsilon)

    /// The binary cross-entropy of one prediction p for a target y ∈ [0, 1]:
    /// −[y·ln p̃ + (1 − y)·ln(1 − p̃)] with p̃ = p clamped to [ε, 1 − ε] (ε = `epsilon`), so p = 0
    /// or 1 costs at most −ln ε ≈ 27.6 instead of ∞. The one BCE formula: binaryCrossEntropy
    /// averages it, SigmoidNeuron.crossEntropy (S03's table) is it. Course: S03, S21.
    /// Checked by: NeuronTests "S03 the cross-entropy table is finite at outputs of exactly 0 and 1";
    /// LossProperties (binaryCrossEntropy).
    let binaryCrossEntropyOf (p: float) (y: float) : float =
        let p = clampP p
        -(y * Math.Log p + (1.0 - y) * Math.Log(1.0 - p))

    let private check (Yhat: Matrix<float>) (Y: Matrix<float>) : float =
        Shape.same "Yhat" Yhat "Y" Y
        if Yhat.RowCount = 0 then Shape.fail "Yhat" "the batch is empty (0 rows)."
        float Yhat.RowCount

    /// Whether the loss takes targets −1 or 1 (hinge, logistic) rather than 0 or 1: labels are
    /// encoded as signs for it (the façade's Targets) and its one-column class threshold is 0
    /// (classThreshold). An exhaustive match, so a new loss must say which it takes. Course: S22, S23.
    let takesSigns (loss: Loss) : bool =
        match loss with
        | Hinge | Logistic -> true
        | MeanAbsoluteError | MeanSquaredError | SumOfSquares | BinaryCrossEntropy | CategoricalCrossEntropy
        | MulticlassHinge | Huber _ -> false
        | UserLoss c -> c.Spec.Targets = TargetKind.Sign

    /// The targets a loss takes: an exhaustive match, so a new loss must say. Course: S21-S24.
    let targetKind (loss: Loss) : TargetKind =
        match loss with
        | BinaryCrossEntropy | CategoricalCrossEntropy -> TargetKind.Probability
        | Hinge | Logistic -> TargetKind.Sign
        | MulticlassHinge -> TargetKind.OneHot
        | MeanAbsoluteError | MeanSquaredError | SumOfSquares | Huber _ -> TargetKind.Real
        | UserLoss c -> c.Spec.Targets

    /// The threshold that makes a one-column output a class, [m ≥ t]: 0 for a loss with sign
    /// targets (takesSigns), 0.5 otherwise. Course: S32.
    let classThreshold (loss: Loss) : float = if takesSigns loss then 0.0 else 0.5

    /// Whether the target values suit the loss (the one set of target checks: the loss functions
    /// below, Training.fit, FastTraining and the façade all call it), checked on the caller's
    /// whole matrix (before any split or shuffle), so an error names the caller's parameter, row
    /// and column: binary and categorical cross-entropy need every target in [0, 1]; hinge and
    /// logistic need −1 or 1; the multiclass hinge needs one-hot rows (entries 0 or 1, exactly
    /// one 1). Other losses take any finite target. Course: S21-S24. Checked by: TargetTests (tests/Hybrid.Tests)
    /// "Invalid_target_values_are_rejected_up_front_naming_the_callers_parameter_row_and_column",
    /// "Evaluate_ComputeLoss_and_ComputeGradients_reject_invalid_target_values"; BadInputProperties.
    let checkTargets (paramName: string) (loss: Loss) (Y: Matrix<float>) : unit =
        // Who the rule belongs to, in the messages: the built-ins' family, or a user's loss by name.
        let whose =
            match loss with
            | BinaryCrossEntropy | CategoricalCrossEntropy -> "cross-entropy"
            | Hinge | Logistic -> "hinge and logistic"
            | MulticlassHinge -> "multiclass hinge"
            | UserLoss c -> c.Name
            | MeanAbsoluteError | MeanSquaredError | SumOfSquares | Huber _ -> ""
        match targetKind loss with
        | TargetKind.Real -> ()
        | kind ->
            Mat.toRows Y |> Array.iteri (fun i row ->
                let bad j (rule: string) =
                    Shape.fail paramName (sprintf "%s has an invalid target %g at row %d, column %d: %s" paramName row.[j] i j rule)
                let mutable ones = 0
                for j in 0 .. row.Length - 1 do
                    let v = row.[j]
                    match kind with
                    | TargetKind.Probability ->
                        if not (v >= 0.0 && v <= 1.0) then bad j (sprintf "%s targets must lie in [0, 1]." whose)
                    | TargetKind.Sign ->
                        if v <> 1.0 && v <> -1.0 then bad j (sprintf "%s targets must be -1 or 1 (class labels given as int[] are encoded so)." whose)
                    | _ ->
                        if v <> 0.0 && v <> 1.0 then bad j (sprintf "%s targets must be one-hot rows (one 1, zeros elsewhere)." whose)
                        if v = 1.0 then
                            ones <- ones + 1
                            if ones > 1 then bad j (sprintf "%s targets must be one-hot rows, but this row has a second 1." whose)
                if kind = TargetKind.OneHot && ones = 0 then
                    Shape.fail paramName (sprintf "%s has an invalid target row %d: %s targets must be one-hot rows, but every column of row %d is 0." paramName i whose i))

    /// sign(d): +1 for d > 0, −1 for d < 0, 0 at d = 0 (the kink's subgradient), and NaN for NaN, so
    /// a NaN prediction reaches the training loop's non-finite stop (F#'s `sign` throws on NaN).
    /// Course: S19. Checked by: BadInput
    /// "S19 the MAE gradient of a NaN prediction is NaN, not an exception, on both paths".
    let signum (d: float) : float =
        if d > 0.0 then 1.0 elif d < 0.0 then -1.0 elif d = 0.0 then 0.0 else nan

    // ---------------------------------------------------------------- one entry (S19-S23)

    // Each loss but the multiclass hinge is J = (Σ over the entries of term(ŷ, y)) / N (MSE: / 2N;
    // sum of squares: no mean), with ∂J/∂ŷ entry by entry. These are the definitions: the matrix
    // functions below and the fast path's kernels both call them.

    /// MAE term |ŷ − y| and its gradient sign(ŷ − y)/N. Course: S19.
    let maeTerm (yhat: float) (y: float) : float = abs (yhat - y)
    /// ∂MAE/∂ŷ = sign(ŷ − y)/N (0 at ŷ = y, the kink). Course: S19.
    let maeGradient (yhat: float) (y: float) (n: float) : float = signum (yhat - y) / n

    /// Squared-error term (ŷ − y)², the MSE gradient (ŷ − y)/N, and the sum-of-squares gradient
    /// 2(ŷ − y). Course: S20, S29.
    /// (Generic over the element type: the float32 instantiation is the same definition.)
    let inline squaredTerm yhat y = let d = yhat - y in d * d
    /// ∂MSE/∂ŷ = (ŷ − y)/N. Course: S20.
    let inline mseGradient yhat y n = (yhat - y) / n
    /// ∂(Σ (ŷ − y)²)/∂ŷ = 2(ŷ − y). Course: S20, S29.
    let sumOfSquaresGradient (yhat: float) (y: float) : float = 2.0 * (yhat - y)

    /// BCE gradient −(y − p̃)/(p̃(1 − p̃)N), p̃ = ŷ clamped to [ε, 1 − ε] (the dA[L] of slides 003
    /// with its sign corrected, see errata); its term is binaryCrossEntropyOf. Course: S21.
    let binaryCrossEntropyGradient (yhat: float) (y: float) (n: float) : float =
        let p = clampP yhat
        -(y - p) / (p * (1.0 - p) * n)

    /// Cross-entropy term −y·ln max(p, ε) (0 where y = 0) and its gradient −y/(max(p, ε)·N).
    /// Course: S22.
    let crossEntropyTerm (p: float) (y: float) : float = if y = 0.0 then 0.0 else -(y * Math.Log(Math.Max(p, epsilon)))
    /// ∂CE/∂p = −y/(max(p, ε)·N), 0 where y = 0. Course: S22.
    let crossEntropyGradient (p: float) (y: float) (n: float) : float = if y = 0.0 then 0.0 else -y / (Math.Max(p, epsilon) * n)

    /// Hinge term max(0, 1 − y·f) and its gradient −y/N where 1 − y·f &gt; 0, else 0 (0 at the kink).
    /// Course: S23.
    let hingeTerm (f: float) (y: float) : float = Math.Max(0.0, 1.0 - y * f)
    /// ∂hinge/∂f = −y/N where 1 − y·f &gt; 0, else 0. Course: S23.
    let hingeGradient (f: float) (y: float) (n: float) : float = if 1.0 - y * f > 0.0 then -y / n else 0.0

    /// Logistic term ln(1 + e^(−y·f)) = softplus(−y·f) and its gradient −y·σ(−y·f)/N. Course: S23.
    let logisticTerm (f: float) (y: float) : float = Activation.softplus (-y * f)
    /// ∂logistic/∂f = −y·σ(−y·f)/N. Course: S23.
    let logisticGradient (f: float) (y: float) (n: float) : float = -y * Activation.sigmoid (-y * f) / n

    /// Huber term h_δ(d), d = ŷ − y: d²/2 for |d| ≤ δ, δ(|d| − δ/2) beyond (the two meet with equal
    /// slope δ at |d| = δ), and its gradient d/N inside, δ·sign(d)/N beyond: MSE's pull near the
    /// target, MAE's robustness to outliers (Huber 1964; PyTorch's HuberLoss). Course: S19, S20.
    let huberTerm (delta: float) (yhat: float) (y: float) : float =
        let d = yhat - y
        if abs d <= delta then 0.5 * d * d else delta * (abs d - 0.5 * delta)
    /// ∂h_δ/∂ŷ / N: (ŷ − y)/N for |ŷ − y| ≤ δ, δ·sign(ŷ − y)/N beyond. Course: S19, S20.
    let huberGradient (delta: float) (yhat: float) (y: float) (n: float) : float =
        let d = yhat - y
        if abs d <= delta then d / n else delta * signum d / n

    /// The multiclass SVM loss of one row of scores s (label = the argmax of the target row, first on
    /// ties): L = Σ_{j ≠ label} max(0, s_j − s_label + 1); adds ∂J/∂s (1/N per positive margin at j,
    /// −1/N each at the label) into grad, which must be 0 on the row. Returns L. Course: S23.
    let multiclassHingeRow (s: float[]) (y: float[]) (grad: float[]) (o: int) (cols: int) (n: float) : float =
        let mutable label = 0
        for j in 1 .. cols - 1 do
            if y.[o + j] > y.[o + label] then label <- j
        let sy = s.[o + label]
        let mutable total = 0.0
        for j in 0 .. cols - 1 do
            if j <> label then
                let margin = s.[o + j] - sy + 1.0
                total <- total + Math.Max(0.0, margin)
                if margin > 0.0 then
                    grad.[o + j] <- grad.[o + j] + 1.0 / n
                    grad.[o + label] <- grad.[o + label] - 1.0 / n
        total

    /// Sigmoid + BCE from the logit z of one entry: term softplus(z) − y·z, gradient (σ(z) − y)/N with
    /// σ(z) = a from the forward. Course: S21 (dZ = ŷ − y), S15.
    let sigmoidCrossEntropyTerm (z: float) (y: float) : float = Activation.softplus z - y * z
    /// ∂J/∂z of sigmoid + BCE from the logit: (σ(z) − y)/N, σ(z) = a. Course: S21.
    let sigmoidCrossEntropyGradient (a: float) (y: float) (n: float) : float = (a - y) / n

    /// Softmax + cross-entropy from the logits of one row: J_i = lse(z)·Σy − Σ y⊙z with
    /// lse(z) = max z + ln Σ e^(z − max z) (per row first: no cancellation across rows), and
    /// dz = (p·Σy − y)/N with p = softmax(z) = `p` from the forward. Returns J_i. Course: S22.
    let softmaxCrossEntropyRow (z: float[]) (p: float[]) (y: float[]) (dz: float[]) (o: int) (cols: int) (n: float) : float =
        let m = Activation.rowMax z o cols
        let mutable s = 0.0
        let mutable ysum = 0.0
        let mutable yz = 0.0
        for j in 0 .. cols - 1 do
            s <- s + Math.Exp(z.[o + j] - m)
            ysum <- ysum + y.[o + j]
            yz <- yz + y.[o + j] * z.[o + j]
        for j in 0 .. cols - 1 do
            dz.[o + j] <- (p.[o + j] * ysum - y.[o + j]) / n
        (m + Math.Log s) * ysum - yz

    // ---------------------------------------------------------------- the loops' view of each definition

    [<Struct>]
    type private MaeOp =
        interface ILossTerm with
            member _.Term(_, yhat, y) = maeTerm yhat y
            member _.Gradient(_, yhat, y, n) = maeGradient yhat y n
            member _.Cost(sum, n) = sum / n

    [<Struct>]
    type private MseOp =
        interface ILossTerm with
            member _.Term(_, yhat, y) = squaredTerm yhat y
            member _.Gradient(_, yhat, y, n) = mseGradient yhat y n
            member _.Cost(sum, n) = sum / (2.0 * n)

    [<Struct>]
    type private SumOfSquaresOp =
        interface ILossTerm with
            member _.Term(_, yhat, y) = squaredTerm yhat y
            member _.Gradient(_, yhat, y, _) = sumOfSquaresGradient yhat y
            member _.Cost(sum, _) = sum

    [<Struct>]
    type private BinaryCrossEntropyOp =
        interface ILossTerm with
            member _.Term(_, yhat, y) = binaryCrossEntropyOf yhat y
            member _.Gradient(_, yhat, y, n) = binaryCrossEntropyGradient yhat y n
            member _.Cost(sum, n) = sum / n

    [<Struct>]
    type private CrossEntropyOp =
        interface ILossTerm with
            member _.Term(_, p, y) = crossEntropyTerm p y
            member _.Gradient(_, p, y, n) = crossEntropyGradient p y n
            member _.Cost(sum, n) = sum / n

    [<Struct>]
    type private HingeOp =
        interface ILossTerm with
            member _.Term(_, f, y) = hingeTerm f y
            member _.Gradient(_, f, y, n) = hingeGradient f y n
            member _.Cost(sum, n) = sum / n

    [<Struct>]
    type private LogisticOp =
        interface ILossTerm with
            member _.Term(_, f, y) = logisticTerm f y
            member _.Gradient(_, f, y, n) = logisticGradient f y n
            member _.Cost(sum, n) = sum / n

    [<Struct>]
    type private HuberOp =
        interface ILossTerm with
            member _.Term(delta, yhat, y) = huberTerm delta yhat y
            member _.Gradient(delta, yhat, y, n) = huberGradient delta yhat y n
            member _.Cost(sum, n) = sum / n

    /// The multiclass hinge row by row.
    type private MulticlassHingeKernel() =
        inherit LossKernel()
        override _.ValueAndGradient(_, s, y, grad, rows, cols) =
            let n = float rows
            Array.Clear(grad, 0, rows * cols)
            let mutable total = 0.0
            for r in 0 .. rows - 1 do
                total <- total + multiclassHingeRow s y grad (r * cols) cols n
            total / n

    /// Every loss, in the order the façade, the CLI and the docs list them: the one table of names
    /// (S18-S23). Adding a loss is a case of the Loss type, its scalar definitions above, its struct
    /// and its entry here (docs/architecture.md).
    let all : LossEntry list =
        let entry case cli display formula course (loss: Loss) kernel =
            { Case = case; Cli = cli; Display = display; Formula = formula; Course = course; Parameter = None; Make = (fun _ -> loss); Kernel = kernel }
        [ entry "CategoricalCrossEntropy" "cross-entropy" "Cross-entropy" "J = −1/N Σᵢ Σ_k y_ik ln p_ik; ∂J/∂P = −Y/(P·N)" "S22" CategoricalCrossEntropy (EntrywiseLossKernel<CrossEntropyOp>())
          entry "BinaryCrossEntropy" "binary-cross-entropy" "Binary cross-entropy" "J = −1/N Σ [y ln ŷ + (1 − y) ln(1 − ŷ)]; ∂J/∂ŷ = −(y − ŷ)/(ŷ(1 − ŷ)N)" "S21" BinaryCrossEntropy (EntrywiseLossKernel<BinaryCrossEntropyOp>())
          entry "MeanSquaredError" "mse" "Mean squared error" "J = 1/(2N) Σ (ŷ − y)²; ∂J/∂Ŷ = (Ŷ − Y)/N" "S20" MeanSquaredError (EntrywiseLossKernel<MseOp>())
          entry "MeanAbsoluteError" "mae" "Mean absolute error" "J = 1/N Σ |ŷ − y|; ∂J/∂Ŷ = sign(Ŷ − Y)/N" "S19" MeanAbsoluteError (EntrywiseLossKernel<MaeOp>())
          entry "SumOfSquares" "sum-of-squares" "Sum of squares" "J = Σ (ŷ − y)²; ∂J/∂Ŷ = 2(Ŷ − Y)" "S20, S29" SumOfSquares (EntrywiseLossKernel<SumOfSquaresOp>())
          entry "Hinge" "hinge" "Hinge" "J = 1/N Σ max(0, 1 − y·f); ∂J/∂f = −y/N where y·f < 1" "S23" Hinge (EntrywiseLossKernel<HingeOp>())
          entry "MulticlassHinge" "multiclass-hinge" "Multiclass hinge" "J = 1/N Σᵢ Σ_{j≠yᵢ} max(0, s_j − s_yᵢ + 1)" "S23" MulticlassHinge (MulticlassHingeKernel())
          entry "Logistic" "logistic" "Logistic" "J = 1/N Σ ln(1 + e^(−y·f)); ∂J/∂f = −y·σ(−y·f)/N" "S23" Logistic (EntrywiseLossKernel<LogisticOp>())
          { entry "Huber" "huber" "Huber" "J = 1/N Σ h_δ(ŷ − y), h_δ(d) = d²/2 if |d| ≤ δ else δ(|d| − δ/2); ∂J/∂ŷ = clamp(ŷ − y, −δ, δ)/N" "S19, S20"
                  (Huber 1.0) (EntrywiseLossKernel<HuberOp>()) with
              Parameter = Some { Name = "delta"; Default = 1.0; LawRange = (0.1, 3.0)
                                 Check = fun d -> if Double.IsFinite d && d > 0.0 then None else Some(sprintf "Huber delta must be a finite number > 0 but is %g." d) }
              Make = Huber } ]

    /// The case's name: an exhaustive match, so a new case without a name does not compile.
    let caseName (loss: Loss) : string =
        match loss with
        | MeanAbsoluteError -> "MeanAbsoluteError" | MeanSquaredError -> "MeanSquaredError" | SumOfSquares -> "SumOfSquares"
        | BinaryCrossEntropy -> "BinaryCrossEntropy" | CategoricalCrossEntropy -> "CategoricalCrossEntropy"
        | Hinge -> "Hinge" | MulticlassHinge -> "MulticlassHinge" | Logistic -> "Logistic" | Huber _ -> "Huber"
        | UserLoss c -> c.Name

    let private byCase = all |> List.map (fun e -> e.Case, e) |> dict

    /// The registry entry of a built-in loss, or a user's loss's entry made from its spec.
    /// LossRegistryTests proves every built-in case has exactly one.
    let entry (loss: Loss) : LossEntry =
        match loss with
        | UserLoss c ->
            let spec = c.Spec
            { Case = spec.Name; Cli = spec.Name; Display = spec.Name
              Formula = (if String.IsNullOrWhiteSpace spec.Formula then spec.Name + " (user-defined)" else spec.Formula)
              Course = "S18"; Parameter = None; Make = (fun _ -> loss); Kernel = spec.Kernel }
        | _ -> byCase.[caseName loss]

    /// A user's own loss from its spec (S18-S23; docs/extending.md), to verify
    /// (Verification.loss) and train with. ArgumentException (naming "name") for a name that is
    /// empty, longer than 64 characters, holds characters other than ASCII letters, digits, '-',
    /// '_' and '.', or is a built-in's (any of its names, case-insensitive), or for a missing kernel.
    let define (spec: CustomLossSpec) : Loss =
        let name = spec.Name
        if String.IsNullOrWhiteSpace name then Shape.fail "name" "a loss's name must not be empty."
        if name.Length > 64 then Shape.fail "name" (sprintf "a loss's name has at most 64 characters, but \"%s…\" has %d." (name.Substring(0, 32)) name.Length)
        if not (name |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || c = '-' || c = '_' || c = '.')) then
            Shape.fail "name" (sprintf "a loss's name holds only ASCII letters, digits, '-', '_' and '.', but is \"%s\"." name)
        if all |> List.exists (fun e -> [ e.Case; e.Cli ] |> List.exists (fun n -> String.Equals(n, name, StringComparison.OrdinalIgnoreCase))) then
            Shape.fail "name" (sprintf "\"%s\" is the name of a built-in loss; choose another." name)
        if isNull (box spec.Kernel) then Shape.fail "options" (sprintf "%s has no kernel." name)
        UserLoss(CustomLoss spec)

    /// The loss's hyper-parameter, or None.
    let parameter (loss: Loss) : float option =
        match loss with
        | Huber delta -> Some delta
        | _ -> None

    /// The loops' hyper-parameter of a loss: its parameter, or 0 for the losses without one (which
    /// ignore it). Allocates nothing (the fast path asks once per batch).
    let loopParameter (loss: Loss) : float =
        match loss with
        | Huber delta -> delta
        | _ -> 0.0

    /// The entry's case with its default parameter (the CLI's and the façade's choice when none is given).
    let withDefaults (e: LossEntry) : Loss = e.Make (e.Parameter |> Option.map (fun p -> p.Default) |> Option.defaultValue 0.0)

    /// Checks a loss's hyper-parameter against its entry (ArgumentException naming paramName).
    let validate (paramName: string) (loss: Loss) : unit =
        match (entry loss).Parameter, parameter loss with
        | Some p, Some value -> p.Check value |> Option.iter (Shape.fail paramName)
        | _ -> ()

    /// J(Ŷ, Y) and ∂J/∂Ŷ through the loss's kernel on row-major copies (the fast path runs the same
    /// kernel on its buffers).
    let private byKernel (loss: Loss) (Yhat: Matrix<float>) (Y: Matrix<float>) : float * Matrix<float> =
        let grad = Array.zeroCreate<float> (Yhat.RowCount * Yhat.ColumnCount)
        let J = (entry loss).Kernel.ValueAndGradient(loopParameter loss, Mat.toRowMajor Yhat, Mat.toRowMajor Y, grad, Yhat.RowCount, Yhat.ColumnCount)
        J, Mat.ofRowMajor Yhat.RowCount Yhat.ColumnCount grad

    /// MAE: J = 1/N Σ |ŷ − y|. Course: S19.
    let mae (Yhat: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check Yhat Y
        Mat.sum (Mat.map2 maeTerm Yhat Y) / n

    /// ∂MAE/∂Ŷ = sign(ŷ − y)/N (0 where ŷ = y, the kink). Course: S19.
    let mae' (Yhat: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check Yhat Y
        Mat.map2 (fun yhat y -> maeGradient yhat y n) Yhat Y

    /// MSE: J = 1/(2N) Σ (ŷ − y)². The slides' other forms map onto it: the 1/N form is 2J and
    /// the plain sum (SumOfSquares) is 2N·J. Course: S20.
    let mse (Yhat: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check Yhat Y
        Mat.sum (Mat.map2 squaredTerm Yhat Y) / (2.0 * n)

    /// ∂MSE/∂Ŷ = (ŷ − y)/N = −(y − ŷ)/N. Course: S20.
    let mse' (Yhat: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check Yhat Y
        Mat.map2 (fun yhat y -> mseGradient yhat y n) Yhat Y

    /// Sum of squares: J = Σ (ŷ − y)² (S29's "20 lines" loss; equals 2N·MSE). Course: S20, S29.
    let sumOfSquares (Yhat: Matrix<float>) (Y: Matrix<float>) : float =
        check Yhat Y |> ignore
        Mat.sum (Mat.map2 squaredTerm Yhat Y)

    /// ∂(Σ (ŷ − y)²)/∂Ŷ = 2(ŷ − y). Course: S20, S29.
    let sumOfSquares' (Yhat: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        check Yhat Y |> ignore
        Mat.map2 sumOfSquaresGradient Yhat Y

    /// Binary cross-entropy: J = −1/N Σ [y ln ŷ + (1 − y) ln(1 − ŷ)], with ŷ clamped to
    /// [ε, 1 − ε] (the slide's table shows ln 0; the leading minus is restored, see errata).
    /// Course: S03, S21.
    let binaryCrossEntropy (Yhat: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check Yhat Y
        checkTargets "Y" BinaryCrossEntropy Y
        Mat.sum (Mat.map2 binaryCrossEntropyOf Yhat Y) / n

    /// ∂BCE/∂Ŷ = −(y − ŷ)/(ŷ(1 − ŷ)N) = (−y/ŷ + (1 − y)/(1 − ŷ))/N, with ŷ clamped as above
    /// (the dA[L] of slides 003 with its sign corrected, see errata). Course: S21.
    let binaryCrossEntropy' (Yhat: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check Yhat Y
        checkTargets "Y" BinaryCrossEntropy Y
        Mat.map2 (fun p y -> binaryCrossEntropyGradient p y n) Yhat Y

    /// Categorical cross-entropy / negative log-likelihood: J = −1/N Σ_i Σ_k y_ik ln p_ik
    /// (= 1/N Σ −ln p_{i,label} for one-hot Y), with p floored at ε. Course: S22.
    let crossEntropy (P: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check P Y
        checkTargets "Y" CategoricalCrossEntropy Y
        Mat.sum (Mat.map2 crossEntropyTerm P Y) / n

    /// ∂CE/∂P = −y/(p·N), with p floored at ε. Course: S22.
    let crossEntropy' (P: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check P Y
        checkTargets "Y" CategoricalCrossEntropy Y
        Mat.map2 (fun p y -> crossEntropyGradient p y n) P Y

    /// Hinge: J = 1/N Σ max(0, 1 − y·f), y ∈ {−1, 1}. Course: S23.
    let hinge (F: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check F Y
        checkTargets "Y" Hinge Y
        Mat.sum (Mat.map2 hingeTerm F Y) / n

    /// ∂hinge/∂F = −y/N where 1 − y·f &gt; 0, else 0 (0 at the kink y·f = 1). Course: S23.
    let hinge' (F: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check F Y
        checkTargets "Y" Hinge Y
        Mat.map2 (fun f y -> hingeGradient f y n) F Y

    /// Multiclass SVM loss: L_i = Σ_{j ≠ y_i} max(0, s_j − s_{y_i} + 1), J = 1/N Σ L_i, with Y
    /// one-hot (multiclassHingeRow on each row). Course: S23.
    let multiclassHinge (S: Matrix<float>) (Y: Matrix<float>) : float =
        check S Y |> ignore
        checkTargets "Y" MulticlassHinge Y
        fst (byKernel MulticlassHinge S Y)

    /// ∂J/∂s_j = 1/N for each j ≠ y_i with a positive margin s_j − s_{y_i} + 1 &gt; 0, and
    /// ∂J/∂s_{y_i} = −(number of such j)/N (multiclassHingeRow on each row). Course: S23.
    let multiclassHinge' (S: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        check S Y |> ignore
        checkTargets "Y" MulticlassHinge Y
        snd (byKernel MulticlassHinge S Y)

    /// Logistic loss: J = 1/N Σ ln(1 + e^(−y·f)) = 1/N Σ softplus(−y·f), stable for any f.
    /// Course: S23.
    let logistic (F: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check F Y
        checkTargets "Y" Logistic Y
        Mat.sum (Mat.map2 logisticTerm F Y) / n

    /// ∂J/∂F = −y·σ(−y·f)/N. Course: S23.
    let logistic' (F: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check F Y
        checkTargets "Y" Logistic Y
        Mat.map2 (fun f y -> logisticGradient f y n) F Y

    /// Huber loss: J = 1/N Σ h_δ(ŷ − y) (huberTerm). Course: S19, S20.
    let huber (delta: float) (Yhat: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check Yhat Y
        Mat.sum (Mat.map2 (huberTerm delta) Yhat Y) / n

    /// ∂Huber/∂Ŷ = (ŷ − y)/N inside ±δ, δ·sign(ŷ − y)/N beyond (huberGradient). Course: S19, S20.
    let huber' (delta: float) (Yhat: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check Yhat Y
        Mat.map2 (fun yhat y -> huberGradient delta yhat y n) Yhat Y

    /// J(Ŷ, Y) for any case of Loss. Course: S18-S23.
    let value (loss: Loss) (Yhat: Matrix<float>) (Y: Matrix<float>) : float =
        match loss with
        | MeanAbsoluteError -> mae Yhat Y
        | MeanSquaredError -> mse Yhat Y
        | SumOfSquares -> sumOfSquares Yhat Y
        | BinaryCrossEntropy -> binaryCrossEntropy Yhat Y
        | CategoricalCrossEntropy -> crossEntropy Yhat Y
        | Hinge -> hinge Yhat Y
        | MulticlassHinge -> multiclassHinge Yhat Y
        | Logistic -> logistic Yhat Y
        | Huber delta -> huber delta Yhat Y
        | UserLoss _ ->
            check Yhat Y |> ignore
            checkTargets "Y" loss Y
            fst (byKernel loss Yhat Y)

    /// ∂J/∂Ŷ for any case of Loss; the shape of Ŷ. Course: S18-S23.
    let gradient (loss: Loss) (Yhat: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        match loss with
        | MeanAbsoluteError -> mae' Yhat Y
        | MeanSquaredError -> mse' Yhat Y
        | SumOfSquares -> sumOfSquares' Yhat Y
        | BinaryCrossEntropy -> binaryCrossEntropy' Yhat Y
        | CategoricalCrossEntropy -> crossEntropy' Yhat Y
        | Hinge -> hinge' Yhat Y
        | MulticlassHinge -> multiclassHinge' Yhat Y
        | Logistic -> logistic' Yhat Y
        | Huber delta -> huber' delta Yhat Y
        | UserLoss _ ->
            check Yhat Y |> ignore
            checkTargets "Y" loss Y
            snd (byKernel loss Yhat Y)

    /// Sigmoid + binary cross-entropy fused, from logits Z: ŷ = σ(z) and
    /// J = 1/N Σ [softplus(z) − y·z] (the same J, with no log of 0 and no overflow for any z),
    /// dZ = (σ(Z) − Y)/N (sigmoidCrossEntropyTerm and sigmoidCrossEntropyGradient entry by entry).
    /// Returns (J, dZ). Course: S21 (dZ = ŷ − y), S15.
    let sigmoidCrossEntropy (Z: Matrix<float>) (Y: Matrix<float>) : float * Matrix<float> =
        let n = check Z Y
        checkTargets "Y" BinaryCrossEntropy Y
        let J = Mat.sum (Mat.map2 sigmoidCrossEntropyTerm Z Y) / n
        J, Mat.map2 (fun z y -> sigmoidCrossEntropyGradient (Activation.sigmoid z) y n) Z Y

    /// Softmax + categorical cross-entropy fused, from logits Z: per row,
    /// J_i = Σ_k y_ik (lse(z_i) − z_ik) with lse(z) = max z + ln Σ e^(z − max z); J = 1/N Σ J_i;
    /// dZ_ik = (p_ik·Σ_k y_ik − y_ik)/N, i.e. (P − Y)/N for one-hot rows (softmaxCrossEntropyRow on
    /// each row). Returns (J, dZ). Course: S22.
    let softmaxCrossEntropy (Z: Matrix<float>) (Y: Matrix<float>) : float * Matrix<float> =
        let n = check Z Y
        checkTargets "Y" CategoricalCrossEntropy Y
        let rows, cols = Z.RowCount, Z.ColumnCount
        let z, y, p = Mat.toRowMajor Z, Mat.toRowMajor Y, Mat.toRowMajor (Activation.softmax Z)
        let dz = Array.zeroCreate<float> z.Length
        let mutable total = 0.0
        for r in 0 .. rows - 1 do
            total <- total + softmaxCrossEntropyRow z p y dz (r * cols) cols n
        total / n, Mat.ofRowMajor rows cols dz

    /// A readable name: the case name, with its parameter ("Huber(1)").
    let name (loss: Loss) : string =
        match parameter loss with
        | Some a -> sprintf "%s(%g)" (caseName loss) a
        | None -> caseName loss
