namespace Hybrid.Core

open System

/// One neuron (S33): weights W (one per input, length d) and a bias B. ŷ = f(Σ_i W_i·x_i + B).
/// Functions in this file never mutate a Neuron's W: each update returns a new Neuron.
type Neuron =
    { /// The weights w_1..w_d, one per input.
      W: float[]
      /// The bias b.
      B: float }

/// The result of Perceptron.fit: the trained neuron and the number of mistakes made in each
/// epoch (an epoch is one online pass over the data in order).
type PerceptronFit =
    { /// The trained neuron.
      Neuron: Neuron
      /// MistakesPerEpoch.[k]: the samples that triggered an update in epoch k + 1.
      MistakesPerEpoch: int[]
      /// Whether the last epoch made no mistake (training stopped because the data are separated).
      Converged: bool }
    /// Σ_k MistakesPerEpoch.[k]: the number of updates in the whole run (Novikoff's k).
    member this.TotalMistakes : int = Array.sum this.MistakesPerEpoch

/// The result of Adaline.fit / fitBatch: the trained neuron and the cost J after each epoch.
type AdalineFit =
    { /// The trained neuron.
      Neuron: Neuron
      /// CostPerEpoch.[k] = J = ½·Σ_i (y_i − ŷ_i)² over the whole data set after epoch k + 1.
      CostPerEpoch: float[] }

/// The result of SigmoidNeuron.fit: the trained neuron and the cross-entropy after each epoch.
type SigmoidFit =
    { /// The trained neuron.
      Neuron: Neuron
      /// LossPerEpoch.[k] = the mean binary cross-entropy after epoch k + 1.
      LossPerEpoch: float[] }

/// A labelled data set of rows X (n×d, one example per row) and targets Y (length n).
type GateData =
    { /// The gate's name ("AND", "OR", "NAND", "XOR").
      Name: string
      /// The inputs, one example per row: the four corners of the unit square.
      X: float[][]
      /// The targets, 0 or 1.
      Y: float[] }

/// Building and evaluating one neuron (S33: "a neuron as an object with weights, a bias and a
/// tick"). Shapes: W and x have length d.
module Neuron =

    /// A neuron with a copy of W and bias B. Raises ArgumentException for an empty or non-finite
    /// W or a non-finite B. Course: S33.
    /// Checked by: NeuronTests "S33 tick is the sigmoid of the cell-body sum", "bad input raises ArgumentException naming the argument".
    let create (W: float[]) (B: float) : Neuron =
        LessonChecks.finiteVector "W" W
        if W.Length = 0 then Shape.fail "W" "W is empty: a neuron needs at least one input."
        Shape.finiteScalar "B" B
        { W = Array.copy W; B = B }

    /// The neuron with d zero weights and a zero bias (the start of Novikoff's bound). Course: S01.
    /// Checked by: NeuronProperties "S01 / perceptron / Novikoff: on separable data with margin γ and radius R it makes at most (R/γ)² mistakes and ends error-free" (the W = 0 start).
    let zeros (d: int) : Neuron =
        Shape.positiveInt "d" d
        { W = Array.zeroCreate d; B = 0.0 }

    /// A seeded random neuron: W_i and B uniform in [−scale, scale] drawn from the core generator
    /// Rng(seed) in the order W_1..W_d, B. Same seed, same neuron. Course: S01 (different starting points).
    /// Checked by: NeuronTests "the same seed gives the same neuron, another seed another".
    let random (seed: int) (d: int) (scale: float) : Neuron =
        Shape.positiveInt "d" d
        Shape.nonNegative "scale" scale
        let rng = Rng(seed)
        let draw () = scale * (2.0 * rng.NextDouble() - 1.0)
        let W = Array.init d (fun _ -> draw ())
        { W = W; B = draw () }

    /// The number of inputs d (S33: the neuron's dendrites).
    /// Checked by: used by every check that builds data for a neuron (NeuronProperties).
    let inputs (n: Neuron) : int = n.W.Length

    let internal netUnchecked (n: Neuron) (x: float[]) : float =
        let mutable z = n.B
        for i in 0 .. n.W.Length - 1 do
            z <- z + n.W.[i] * x.[i]
        z

    /// Checks that x fits the neuron (length d, finite).
    let internal checkInput (n: Neuron) (paramName: string) (x: float[]) : unit =
        LessonChecks.finiteVector paramName x
        if x.Length <> n.W.Length then
            Shape.fail paramName (sprintf "%s has %d entries but the neuron has %d inputs." paramName x.Length n.W.Length)

    /// The cell-body sum z = Σ_i W_i·x_i + B. Shapes: x d -> scalar. Course: S01, S33.
    /// Checked by: NeuronTests "S33 tick is the sigmoid of the cell-body sum".
    let net (n: Neuron) (x: float[]) : float =
        checkInput n "x" x
        netUnchecked n x

    /// S33's neuron_tick: the firing rate σ(Σ_i W_i·x_i + B). Shapes: x d -> scalar in (0, 1).
    /// Course: S33. Checked by: NeuronTests "S33 tick is the sigmoid of the cell-body sum".
    let tick (n: Neuron) (x: float[]) : float = Activation.sigmoid (net n x)

    /// One gradient step on a neuron (S27): W ← W − η·g.W, B ← B − η·g.B, with the gradient g in
    /// neuron shape. The one step of Neuron.descend, Adaline.batchStep and SigmoidNeuron.step.
    let internal gradientStep (eta: float) (n: Neuron) (g: Neuron) : Neuron =
        { W = Array.init n.W.Length (fun i -> n.W.[i] - eta * g.W.[i]); B = n.B - eta * g.B }

    /// One error-driven online update on a sample x (S01, S02): W ← W + η·e·x, B ← B + η·e, with e
    /// the error y − ŷ. The one update of the perceptron rule and Adaline's online step.
    let internal errorStep (eta: float) (e: float) (n: Neuron) (x: float[]) : Neuron =
        { W = Array.init n.W.Length (fun i -> n.W.[i] + eta * e * x.[i]); B = n.B + eta * e }

    /// Batch gradient descent (S27) on a neuron: `epochs` times W ← W − η·∂J/∂W, B ← B − η·∂J/∂B
    /// with (∂J/∂W, ∂J/∂B) = gradient n, recording J = cost n after each step. The shared loop of
    /// Adaline.fitBatch and SigmoidNeuron.fit; arguments are checked by those callers.
    /// Course: S02, S03, S27.
    let internal descend (eta: float) (epochs: int) (init: Neuron) (gradient: Neuron -> Neuron) (cost: Neuron -> float) : Neuron * float[] =
        let mutable n = init
        let costs =
            Array.init epochs (fun _ ->
                let g = gradient n
                n <- gradientStep eta n g
                cost n)
        n, costs

/// The perceptron (S01): ŷ = step(W·x + B), step(z) = 1 if z ≥ 0 else 0, trained online by the
/// perceptron rule (not by a gradient).
module Perceptron =

    let private predictUnchecked (n: Neuron) (x: float[]) : float = Activation.binaryStep (Neuron.netUnchecked n x)

    /// The perceptron rule on one sample (x, y), y ∈ {0, 1}:
    /// W ← W + η(y − ŷ)x, B ← B + η(y − ŷ). When y = ŷ the same neuron is returned (no update).
    let private stepUnchecked (eta: float) (n: Neuron) (x: float[]) (y: float) : Neuron =
        let e = y - predictUnchecked n x
        if e = 0.0 then n
        else Neuron.errorStep eta e n x

    /// ŷ = step(W·x + B) ∈ {0, 1}, with step(0) = 1. Shapes: x d -> scalar. Course: S01.
    /// Checked by: NeuronProperties and NeuronTests of this module (every fit checks its predictions).
    let predict (n: Neuron) (x: float[]) : float = Activation.binaryStep (Neuron.net n x)

    /// One online update by the perceptron rule (S01): W ← W + η(y − ŷ)x, B ← B + η(y − ŷ).
    /// No update when the prediction is right: the very same neuron is returned.
    /// Shapes: x d, y ∈ {0, 1}. Course: S01. Checked by: NeuronProperties "S01 / perceptron / never changes its weights on a correctly classified sample".
    let step (eta: float) (n: Neuron) (x: float[]) (y: float) : Neuron =
        Shape.positive "eta" eta
        Neuron.checkInput n "x" x
        LessonChecks.binaryTargets "y" [| y |]
        stepUnchecked eta n x y

    /// The number of rows of X that the neuron misclassifies. Shapes: X n×d, Y n. Course: S01.
    /// Checked by: NeuronProperties "S01 / perceptron / Novikoff: on separable data with margin γ and radius R it makes at most (R/γ)² mistakes and ends error-free" (ends with 0 errors), "S01 / perceptron / XOR: no weights classify all four points, so no epoch is ever error-free" (always ≥ 1).
    let errors (n: Neuron) (X: float[][]) (Y: float[]) : int =
        LessonChecks.dataSet "X" X "Y" Y n.W.Length
        Array.fold2 (fun acc x y -> if predictUnchecked n x = y then acc else acc + 1) 0 X Y

    /// Trains online from `init`: each epoch visits the rows of X in order and applies `step`;
    /// the mistakes of each epoch are recorded; training stops after the first epoch with no
    /// mistake (Converged = true) or after maxEpochs epochs. Shapes: X n×d, Y n with labels 0/1.
    /// Course: S01. Checked by: NeuronProperties "S01 / perceptron / Novikoff: on separable data with margin γ and radius R it makes at most (R/γ)² mistakes and ends error-free" and "S01 / perceptron / XOR: no weights classify all four points, so no epoch is ever error-free", NeuronTests "S01 the perceptron learns AND, OR and NAND and stops after an error-free
    /// epoch", "S01 the perceptron cannot learn XOR: every epoch makes a mistake".
    let fit (eta: float) (maxEpochs: int) (init: Neuron) (X: float[][]) (Y: float[]) : PerceptronFit =
        Shape.positive "eta" eta
        Shape.positiveInt "maxEpochs" maxEpochs
        LessonChecks.dataSet "X" X "Y" Y init.W.Length
        LessonChecks.binaryTargets "Y" Y
        let history = ResizeArray<int>()
        let mutable n = init
        let mutable fin = false
        while not fin do
            let mutable mistakes = 0
            for i in 0 .. X.Length - 1 do
                let next = stepUnchecked eta n X.[i] Y.[i]
                if not (obj.ReferenceEquals(next, n)) then mistakes <- mistakes + 1
                n <- next
            history.Add mistakes
            fin <- mistakes = 0 || history.Count >= maxEpochs
        { Neuron = n; MistakesPerEpoch = history.ToArray(); Converged = history.[history.Count - 1] = 0 }

/// Adaline (S02): a linear neuron ŷ = W·x + B trained by gradient descent on
/// J = ½·Σ_i (y_i − ŷ_i)². The slides print the update as W − η(y − ŷ)x; gradient descent on J
/// gives W + η(y − ŷ)x, which is what this module does (docs/neurons.md, errata).
module Adaline =

    let private stepUnchecked (eta: float) (n: Neuron) (x: float[]) (y: float) : Neuron =
        let e = y - Neuron.netUnchecked n x
        Neuron.errorStep eta e n x

    let private costUnchecked (n: Neuron) (X: float[][]) (Y: float[]) : float =
        Array.fold2 (fun acc x y -> let e = y - Neuron.netUnchecked n x in acc + 0.5 * e * e) 0.0 X Y

    let private gradientUnchecked (n: Neuron) (X: float[][]) (Y: float[]) : Neuron =
        let dW = Array.zeroCreate n.W.Length
        let mutable db = 0.0
        for k in 0 .. X.Length - 1 do
            let e = Y.[k] - Neuron.netUnchecked n X.[k]
            for i in 0 .. dW.Length - 1 do
                dW.[i] <- dW.[i] - e * X.[k].[i]
            db <- db - e
        { W = dW; B = db }

    /// ŷ = W·x + B (identity activation). Shapes: x d -> scalar. Course: S02.
    /// Checked by: NeuronProperties and NeuronTests of this module (every fit checks its predictions).
    let predict (n: Neuron) (x: float[]) : float = Neuron.net n x

    /// J = ½·Σ_i (y_i − ŷ_i)² (a plain sum, not a mean, as on the slide). Shapes: X n×d, Y n.
    /// Course: S02.
    /// Checked by: NeuronProperties "S02 / Adaline / the gradient equals the numerical gradient of J and the batch step follows it"; NeuronTests "S02 the least-squares Adaline on AND has J = 1/8 and zero gradient".
    let cost (n: Neuron) (X: float[][]) (Y: float[]) : float =
        LessonChecks.dataSet "X" X "Y" Y n.W.Length
        costUnchecked n X Y

    /// ∇J as a neuron-shaped pair: dJ/dW = −Σ_i (y_i − ŷ_i)·x_i, dJ/dB = −Σ_i (y_i − ŷ_i).
    /// Shapes: X n×d, Y n -> W d, B scalar. Course: S02. Checked by: NeuronProperties "S02 / Adaline / the gradient equals the numerical gradient of J and the batch step follows it".
    let gradient (n: Neuron) (X: float[][]) (Y: float[]) : Neuron =
        LessonChecks.dataSet "X" X "Y" Y n.W.Length
        gradientUnchecked n X Y

    /// One online step on one sample: W ← W + η(y − ŷ)x, B ← B + η(y − ŷ), i.e. a gradient step
    /// on ½(y − ŷ)² (the slide's minus sign is an erratum). Shapes: x d. Course: S02.
    /// Checked by: NeuronProperties "S02 / Adaline / an online step is a gradient step on ½(y − ŷ)² for that sample".
    let step (eta: float) (n: Neuron) (x: float[]) (y: float) : Neuron =
        Shape.positive "eta" eta
        Neuron.checkInput n "x" x
        Shape.finiteScalar "y" y
        stepUnchecked eta n x y

    /// One batch step: W ← W − η·dJ/dW, B ← B − η·dJ/dB over the whole data set.
    /// Shapes: X n×d, Y n. Course: S02. Checked by: NeuronProperties "S02 / Adaline / the gradient equals the numerical gradient of J and the batch step follows it".
    let batchStep (eta: float) (n: Neuron) (X: float[][]) (Y: float[]) : Neuron =
        Shape.positive "eta" eta
        LessonChecks.dataSet "X" X "Y" Y n.W.Length
        let g = gradientUnchecked n X Y
        Neuron.gradientStep eta n g

    /// Online training: `epochs` passes over the rows of X in order, one `step` per row; J is
    /// recorded after each epoch. Shapes: X n×d, Y n. Course: S02. Checked by: NeuronTests
    /// "S02 learning rate 0.01 needs about ten times the epochs of 0.1 (online, AND)".
    let fit (eta: float) (epochs: int) (init: Neuron) (X: float[][]) (Y: float[]) : AdalineFit =
        Shape.positive "eta" eta
        Shape.positiveInt "epochs" epochs
        LessonChecks.dataSet "X" X "Y" Y init.W.Length
        let mutable n = init
        let costs =
            Array.init epochs (fun _ ->
                for i in 0 .. X.Length - 1 do
                    n <- stepUnchecked eta n X.[i] Y.[i]
                costUnchecked n X Y)
        { Neuron = n; CostPerEpoch = costs }

    /// Batch training: `epochs` batch steps (one per epoch); J is recorded after each.
    /// Shapes: X n×d, Y n. Course: S02.
    /// Checked by: NeuronTests "S02 learning rate 0.01 needs about ten times the epochs of 0.1 (online, AND)", "S02 a too-large learning rate oscillates: batch above 2 over the largest eigenvalue".
    let fitBatch (eta: float) (epochs: int) (init: Neuron) (X: float[][]) (Y: float[]) : AdalineFit =
        Shape.positive "eta" eta
        Shape.positiveInt "epochs" epochs
        LessonChecks.dataSet "X" X "Y" Y init.W.Length
        let n, costs = Neuron.descend eta epochs init (fun n -> gradientUnchecked n X Y) (fun n -> costUnchecked n X Y)
        { Neuron = n; CostPerEpoch = costs }

/// The sigmoid neuron (S03): ŷ = σ(W·x + B), binary cross-entropy cost, batch gradient descent.
module SigmoidNeuron =

    /// ŷ = σ(W·x + B) ∈ [0, 1] (exactly 1 where σ rounds up, z ≳ 37; exactly 0 only below z ≈ −745). Shapes: x d -> scalar. Course: S03.
    /// Checked by: NeuronProperties and NeuronTests of this module (every fit checks its predictions).
    let predict (n: Neuron) (x: float[]) : float = Activation.sigmoid (Neuron.net n x)

    /// The binary cross-entropy of one prediction p for target t ∈ [0, 1]:
    /// −[t·ln p + (1 − t)·ln(1 − p)], with p clipped to [ε, 1 − ε] (ε = Loss.epsilon) so that p = 0
    /// or 1 (the slide's table) gives a finite value: Loss.binaryCrossEntropyOf, after checking p
    /// and t. Course: S03 (with the leading minus the slide's J lacks).
    /// Checked by: NeuronTests "S03 the cross-entropy table is finite at outputs of exactly 0 and 1".
    let crossEntropy (p: float) (t: float) : float =
        if Double.IsNaN p || p < 0.0 || p > 1.0 then Shape.fail "p" (sprintf "p must lie in [0, 1] but is %g." p)
        if Double.IsNaN t || t < 0.0 || t > 1.0 then Shape.fail "t" (sprintf "t must lie in [0, 1] but is %g." t)
        Loss.binaryCrossEntropyOf p t

    let private lossUnchecked (n: Neuron) (X: float[][]) (Y: float[]) : float =
        // From the logit z: −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = softplus(z) − y·z, finite for
        // every finite z (no log of a rounded 0 or 1).
        let total = Array.fold2 (fun acc x y -> let z = Neuron.netUnchecked n x in acc + Activation.softplus z - y * z) 0.0 X Y
        total / float X.Length

    let private gradientUnchecked (n: Neuron) (X: float[][]) (Y: float[]) : Neuron =
        let N = float X.Length
        let dW = Array.zeroCreate n.W.Length
        let mutable db = 0.0
        for k in 0 .. X.Length - 1 do
            let dz = (Activation.sigmoid (Neuron.netUnchecked n X.[k]) - Y.[k]) / N
            for i in 0 .. dW.Length - 1 do
                dW.[i] <- dW.[i] + dz * X.[k].[i]
            db <- db + dz
        { W = dW; B = db }

    let private checkData (n: Neuron) (X: float[][]) (Y: float[]) : unit =
        LessonChecks.dataSet "X" X "Y" Y n.W.Length
        for i in 0 .. Y.Length - 1 do
            if Y.[i] < 0.0 || Y.[i] > 1.0 then Shape.fail "Y" (sprintf "Y must hold targets in [0, 1] but has %g at index %d." Y.[i] i)

    /// J = −(1/N)·Σ_i [y_i·ln ŷ_i + (1 − y_i)·ln(1 − ŷ_i)], computed from the logit
    /// z_i = W·x_i + B as (1/N)·Σ_i [softplus(z_i) − y_i·z_i]: finite even where σ(z) rounds to
    /// 0 or 1. A batch mean. Shapes: X n×d, Y n (targets in [0, 1]). Course: S03, S21.
    /// Checked by: NeuronProperties "S03 / sigmoid neuron / the gradient equals the numerical gradient of its loss", "S03 / sigmoid neuron / the loss equals the cross-entropy of its outputs and stays finite for huge logits"; NeuronTests "S03 the loss stays finite where sigmoid rounds to 0 or 1".
    let loss (n: Neuron) (X: float[][]) (Y: float[]) : float =
        checkData n X Y
        lossUnchecked n X Y

    /// ∇J: dJ/dW = (1/N)·Σ_i (ŷ_i − y_i)·x_i, dJ/dB = (1/N)·Σ_i (ŷ_i − y_i) (with a sigmoid output
    /// dZ = ŷ − y, S21). Shapes: X n×d, Y n -> W d, B scalar. Course: S03, S21. Checked by:
    /// NeuronProperties "S03 / sigmoid neuron / the gradient equals the numerical gradient of its loss".
    let gradient (n: Neuron) (X: float[][]) (Y: float[]) : Neuron =
        checkData n X Y
        gradientUnchecked n X Y

    /// One gradient-descent step: W ← W − η·dJ/dW, B ← B − η·dJ/dB. Course: S03, S27.
    /// Checked by: NeuronTests "S03 the sigmoid neuron learns AND and OR by gradient descent" (through fit).
    let step (eta: float) (n: Neuron) (X: float[][]) (Y: float[]) : Neuron =
        Shape.positive "eta" eta
        checkData n X Y
        let g = gradientUnchecked n X Y
        Neuron.gradientStep eta n g

    /// `epochs` gradient-descent steps from `init`, recording J after each. Shapes: X n×d, Y n.
    /// Course: S03. Checked by: NeuronTests "S03 the sigmoid neuron learns AND and OR by gradient descent".
    let fit (eta: float) (epochs: int) (init: Neuron) (X: float[][]) (Y: float[]) : SigmoidFit =
        Shape.positive "eta" eta
        Shape.positiveInt "epochs" epochs
        checkData init X Y
        let n, losses = Neuron.descend eta epochs init (fun n -> gradientUnchecked n X Y) (fun n -> lossUnchecked n X Y)
        { Neuron = n; LossPerEpoch = losses }

/// The logic-gate data sets of the course (S01, S03): the four corners of the unit square with
/// the gate's output. Each call returns fresh arrays.
module LogicGates =
    let private corners () = [| [| 0.0; 0.0 |]; [| 0.0; 1.0 |]; [| 1.0; 0.0 |]; [| 1.0; 1.0 |] |]

    /// AND: targets 0, 0, 0, 1. Linearly separable. Course: S01.
    /// Checked by: NeuronTests "S01 logic-gate data sets hold the truth tables".
    let andGate () : GateData = { Name = "AND"; X = corners (); Y = [| 0.0; 0.0; 0.0; 1.0 |] }

    /// OR: targets 0, 1, 1, 1. Linearly separable. Course: S01.
    /// Checked by: NeuronTests "S01 logic-gate data sets hold the truth tables".
    let orGate () : GateData = { Name = "OR"; X = corners (); Y = [| 0.0; 1.0; 1.0; 1.0 |] }

    /// NAND: targets 1, 1, 1, 0. Linearly separable. Course: S01.
    /// Checked by: NeuronTests "S01 logic-gate data sets hold the truth tables".
    let nandGate () : GateData = { Name = "NAND"; X = corners (); Y = [| 1.0; 1.0; 1.0; 0.0 |] }

    /// XOR: targets 0, 1, 1, 0. Not linearly separable: no perceptron classifies it. Course: S01.
    /// Checked by: NeuronTests "S01 logic-gate data sets hold the truth tables"; NeuronProperties "S01 / perceptron / XOR: no weights classify all four points, so no epoch is ever error-free".
    let xorGate () : GateData = { Name = "XOR"; X = corners (); Y = [| 0.0; 1.0; 1.0; 0.0 |] }
