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

    /// Whether the target values suit the loss (the one set of target checks: the loss functions
    /// below, Training.fit, FastTraining and the façade all call it), checked on the caller's
    /// whole matrix (before any split or shuffle), so an error names the caller's parameter, row
    /// and column: binary and categorical cross-entropy need every target in [0, 1]; hinge and
    /// logistic need −1 or 1; the multiclass hinge needs one-hot rows (entries 0 or 1, exactly
    /// one 1). Other losses take any finite target. Course: S21-S24. Checked by: TargetTests (tests/Hybrid.Tests)
    /// "Invalid_target_values_are_rejected_up_front_naming_the_callers_parameter_row_and_column",
    /// "Evaluate_ComputeLoss_and_ComputeGradients_reject_invalid_target_values"; BadInputProperties.
    let checkTargets (paramName: string) (loss: Loss) (Y: Matrix<float>) : unit =
        match loss with
        | BinaryCrossEntropy | CategoricalCrossEntropy | Hinge | Logistic | MulticlassHinge ->
            Mat.toRows Y |> Array.iteri (fun i row ->
                let bad j (rule: string) =
                    Shape.fail paramName (sprintf "%s has an invalid target %g at row %d, column %d: %s" paramName row.[j] i j rule)
                let mutable ones = 0
                for j in 0 .. row.Length - 1 do
                    let v = row.[j]
                    match loss with
                    | BinaryCrossEntropy | CategoricalCrossEntropy ->
                        if not (v >= 0.0 && v <= 1.0) then bad j "cross-entropy targets must lie in [0, 1]."
                    | Hinge | Logistic ->
                        if v <> 1.0 && v <> -1.0 then bad j "hinge and logistic targets must be -1 or 1 (class labels given as int[] are encoded so)."
                    | _ ->
                        if v <> 0.0 && v <> 1.0 then bad j "multiclass hinge targets must be one-hot rows (one 1, zeros elsewhere)."
                        if v = 1.0 then
                            ones <- ones + 1
                            if ones > 1 then bad j "multiclass hinge targets must be one-hot rows, but this row has a second 1."
                if loss = MulticlassHinge && ones = 0 then
                    Shape.fail paramName (sprintf "%s has an invalid target row %d: multiclass hinge targets must be one-hot rows, but every column of row %d is 0." paramName i i))
        | MeanAbsoluteError | MeanSquaredError | SumOfSquares -> ()

    /// MAE: J = 1/N Σ |ŷ − y|. Course: S19.
    let mae (Yhat: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check Yhat Y
        Mat.sum (Mat.map abs (Yhat - Y)) / n

    /// sign(d): +1 for d > 0, −1 for d < 0, 0 at d = 0 (the kink's subgradient), and NaN for NaN, so
    /// a NaN prediction reaches the training loop's non-finite stop (F#'s `sign` throws on NaN).
    /// Course: S19. Checked by: BadInput
    /// "S19 the MAE gradient of a NaN prediction is NaN, not an exception, on both paths".
    let signum (d: float) : float =
        if d > 0.0 then 1.0 elif d < 0.0 then -1.0 elif d = 0.0 then 0.0 else nan

    /// ∂MAE/∂Ŷ = sign(ŷ − y)/N (0 where ŷ = y, the kink). Course: S19.
    let mae' (Yhat: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check Yhat Y
        Mat.map (fun d -> signum d / n) (Yhat - Y)

    /// MSE: J = 1/(2N) Σ (ŷ − y)². The slides' other forms map onto it: the 1/N form is 2J and
    /// the plain sum (SumOfSquares) is 2N·J. Course: S20.
    let mse (Yhat: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check Yhat Y
        let D = Yhat - Y
        Mat.sum (Mat.hadamard D D) / (2.0 * n)

    /// ∂MSE/∂Ŷ = (ŷ − y)/N = −(y − ŷ)/N. Course: S20.
    let mse' (Yhat: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check Yhat Y
        (Yhat - Y) / n

    /// Sum of squares: J = Σ (ŷ − y)² (S29's "20 lines" loss; equals 2N·MSE). Course: S20, S29.
    let sumOfSquares (Yhat: Matrix<float>) (Y: Matrix<float>) : float =
        check Yhat Y |> ignore
        let D = Yhat - Y
        Mat.sum (Mat.hadamard D D)

    /// ∂(Σ (ŷ − y)²)/∂Ŷ = 2(ŷ − y). Course: S20, S29.
    let sumOfSquares' (Yhat: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        check Yhat Y |> ignore
        2.0 * (Yhat - Y)

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
        Mat.map2 (fun p y -> let p = clampP p in -(y - p) / (p * (1.0 - p) * n)) Yhat Y

    /// Categorical cross-entropy / negative log-likelihood: J = −1/N Σ_i Σ_k y_ik ln p_ik
    /// (= 1/N Σ −ln p_{i,label} for one-hot Y), with p floored at ε. Course: S22.
    let crossEntropy (P: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check P Y
        checkTargets "Y" CategoricalCrossEntropy Y
        -(Mat.sum (Mat.map2 (fun p y -> if y = 0.0 then 0.0 else y * Math.Log(Math.Max(p, epsilon))) P Y)) / n

    /// ∂CE/∂P = −y/(p·N), with p floored at ε. Course: S22.
    let crossEntropy' (P: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check P Y
        checkTargets "Y" CategoricalCrossEntropy Y
        Mat.map2 (fun p y -> if y = 0.0 then 0.0 else -y / (Math.Max(p, epsilon) * n)) P Y

    /// Hinge: J = 1/N Σ max(0, 1 − y·f), y ∈ {−1, 1}. Course: S23.
    let hinge (F: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check F Y
        checkTargets "Y" Hinge Y
        Mat.sum (Mat.map2 (fun f y -> Math.Max(0.0, 1.0 - y * f)) F Y) / n

    /// ∂hinge/∂F = −y/N where 1 − y·f &gt; 0, else 0 (0 at the kink y·f = 1). Course: S23.
    let hinge' (F: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check F Y
        checkTargets "Y" Hinge Y
        Mat.map2 (fun f y -> if 1.0 - y * f > 0.0 then -y / n else 0.0) F Y

    let private labelsOf (Y: Matrix<float>) : int[] =
        checkTargets "Y" MulticlassHinge Y
        Mat.argmaxRows Y

    /// The margins M_ij = s_j − s_{y_i} + 1 of each row, set to 0 at the label column j = y_i
    /// (which the loss leaves out).
    let private margins (S: Matrix<float>) (labels: int[]) : Matrix<float> =
        Mat.mapIndexed (fun i j m -> if j = labels.[i] then 0.0 else m) (Mat.subtractFromRows S (Mat.pick labels S) + 1.0)

    /// Multiclass SVM loss: L_i = Σ_{j ≠ y_i} max(0, s_j − s_{y_i} + 1), J = 1/N Σ L_i, with Y
    /// one-hot. Course: S23.
    let multiclassHinge (S: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check S Y
        Mat.sum (Mat.map (fun m -> Math.Max(0.0, m)) (margins S (labelsOf Y))) / n

    /// ∂J/∂s_j = 1/N for each j ≠ y_i with a positive margin s_j − s_{y_i} + 1 &gt; 0, and
    /// ∂J/∂s_{y_i} = −(number of such j)/N. Course: S23.
    let multiclassHinge' (S: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check S Y
        let labels = labelsOf Y
        let positive = Mat.map (fun m -> if m > 0.0 then 1.0 else 0.0) (margins S labels)
        let counts = Mat.rowSums positive
        Mat.mapIndexed (fun i j p -> if j = labels.[i] then -counts.[i] else p) positive / n

    /// Logistic loss: J = 1/N Σ ln(1 + e^(−y·f)) = 1/N Σ softplus(−y·f), stable for any f.
    /// Course: S23.
    let logistic (F: Matrix<float>) (Y: Matrix<float>) : float =
        let n = check F Y
        checkTargets "Y" Logistic Y
        Mat.sum (Mat.map2 (fun f y -> Activation.softplus (-y * f)) F Y) / n

    /// ∂J/∂F = −y·σ(−y·f)/N. Course: S23.
    let logistic' (F: Matrix<float>) (Y: Matrix<float>) : Matrix<float> =
        let n = check F Y
        checkTargets "Y" Logistic Y
        Mat.map2 (fun f y -> -y * Activation.sigmoid (-y * f) / n) F Y

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

    /// Sigmoid + binary cross-entropy fused, from logits Z: ŷ = σ(z) and
    /// J = 1/N Σ [softplus(z) − y·z] (the same J, with no log of 0 and no overflow for any z),
    /// dZ = (σ(Z) − Y)/N. Returns (J, dZ). Course: S21 (dZ = ŷ − y), S15.
    let sigmoidCrossEntropy (Z: Matrix<float>) (Y: Matrix<float>) : float * Matrix<float> =
        let n = check Z Y
        checkTargets "Y" BinaryCrossEntropy Y
        let J = Mat.sum (Mat.map2 (fun z y -> Activation.softplus z - y * z) Z Y) / n
        J, Mat.map2 (fun z y -> (Activation.sigmoid z - y) / n) Z Y

    /// Softmax + categorical cross-entropy fused, from logits Z: per row,
    /// J_i = Σ_k y_ik (lse(z_i) − z_ik) with lse(z) = max z + ln Σ e^(z − max z); J = 1/N Σ J_i;
    /// dZ_ik = (p_ik·Σ_k y_ik − y_ik)/N, i.e. (P − Y)/N for one-hot rows. Returns (J, dZ).
    /// Course: S22.
    let softmaxCrossEntropy (Z: Matrix<float>) (Y: Matrix<float>) : float * Matrix<float> =
        let n = check Z Y
        checkTargets "Y" CategoricalCrossEntropy Y
        let lse = Mat.logSumExpRows Z
        let ysum = Mat.rowSums Y
        // Per row first (lse_i·Σ_k y_ik − Σ_k y_ik z_ik), then the mean: no cancellation across rows.
        let J = Mat.sumVector (lse .* ysum - Mat.rowSums (Mat.hadamard Y Z)) / n
        let P = Activation.softmax Z
        J, (Mat.scaleRows P ysum - Y) / n

    /// A readable name.
    let name (loss: Loss) : string = sprintf "%A" loss
