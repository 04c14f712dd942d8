namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// Gradient descent and minibatch SGD (S27, S28).
module Optimizer =

    /// One step of gradient descent on one parameter: θ ← θ − η·g. Course: S27.
    /// Checked by: OptimizerProperties "S27 / gradient descent / a step with a zero gradient changes nothing",
    /// "S27 / gradient descent / a small step on a convex loss lowers it".
    let sgd (eta: float) (theta: Matrix<float>) (g: Matrix<float>) : Matrix<float> =
        Shape.positive "eta" eta
        Shape.same "theta" theta "g" g
        theta - eta * g

    /// One step on every parameter (lists aligned as Network.parameters). Course: S27, S28.
    let sgdAll (eta: float) (thetas: Matrix<float> list) (grads: Matrix<float> list) : Matrix<float> list =
        if List.length thetas <> List.length grads then
            Shape.fail "grads" (sprintf "%d parameters but %d gradients." thetas.Length grads.Length)
        List.map2 (sgd eta) thetas grads

    /// A minibatch gradient step on a network: θ ← θ − η·∇J(θ; X_batch, Y_batch), where J is the
    /// batch-mean loss, so ∇J is the mean of the per-example gradients (S28). Returns the new
    /// network and the batch loss before the step. Course: S27, S28.
    let step (eta: float) (loss: Loss) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : Network * float =
        let J, grads = Network.lossAndGradient loss net X Y
        Network.withParameters net (sgdAll eta (Network.parameters net) grads), J

    /// The example indices 0..n−1 shuffled and cut into batches of `batchSize` (the last may be
    /// smaller): every example exactly once per epoch, drawn without replacement. The shuffle is
    /// Fisher–Yates (Durstenfeld's form) on Rng(seed): for i = n−1 down to 1, swap positions i and
    /// j = Next(i + 1), j uniform on 0..i, so each of the n! orders has probability 1/n!.
    /// Course: S28. Checked by: RngProperties "S28 / shuffle / every order of 3 rows appears with
    /// frequency 1/6 within a binomial bound, the identity included".
    let minibatches (seed: int) (n: int) (batchSize: int) : int[][] =
        Shape.positiveInt "n" n
        Shape.positiveInt "batchSize" batchSize
        let rng = Rng(seed)
        let idx = Array.init n id
        for i in n - 1 .. -1 .. 1 do
            let j = rng.Next(i + 1)
            let t = idx.[i]
            idx.[i] <- idx.[j]
            idx.[j] <- t
        Array.chunkBySize batchSize idx

/// An update rule for gradient-based training. The learning rate η is not part of the case: it
/// comes from the schedule at each step. All rules act entry by entry on each parameter matrix.
type UpdateRule =
    /// θ ← θ − η·g. Course: S27, S28.
    | PlainSgd
    /// Classical (heavy-ball) momentum with coefficient μ ∈ [0, 1).
    | Momentum of momentum: float
    /// Nesterov accelerated gradient with coefficient μ ∈ [0, 1).
    | Nesterov of momentum: float
    /// AdaGrad with ε &gt; 0 in the denominator.
    | AdaGrad of epsilon: float
    /// RMSProp with decay ρ ∈ [0, 1) and ε &gt; 0.
    | RmsProp of decay: float * epsilon: float
    /// Adam with β1, β2 ∈ [0, 1) and ε &gt; 0.
    | Adam of beta1: float * beta2: float * epsilon: float

/// The state an update rule carries from step to step, for every parameter (lists aligned with
/// Network.parameters): the first moment (velocity / m), the second moment (Σg² / s / v), and
/// the number of steps taken so far t.
type UpdateState =
    { /// Steps taken so far (0 before the first).
      Step: int
      /// Velocity (momentum, Nesterov) or first moment m (Adam); zeros for the other rules.
      First: Matrix<float> list
      /// Accumulated g² (AdaGrad), running mean of g² (RMSProp, Adam's v); zeros otherwise.
      Second: Matrix<float> list }

/// The optimisers of gradient-based training (S27, S28 and their standard refinements), each a
/// pure function (state, θ, g) -> (state′, θ′) on one parameter matrix, then lifted to every
/// parameter of a network. Shapes: state, θ and g all have the same shape.
/// Checked by: UpdateRuleProperties (properties/Hybrid.Properties/UpdateRuleProperties.fs).
module Update =

    /// Checks a rule's hyper-parameters: coefficients in [0, 1), ε finite and &gt; 0.
    /// Checked by: BadInputProperties, TrainerTests "Optimizers_and_schedules_reject_bad_hyper_parameters".
    let validate (paramName: string) (rule: UpdateRule) : unit =
        let unitInterval name (x: float) =
            if not (x >= 0.0 && x < 1.0) then Shape.fail paramName (sprintf "%s must lie in [0, 1) but is %g." name x)
        match rule with
        | PlainSgd -> ()
        | Momentum mu | Nesterov mu -> unitInterval "momentum" mu
        | AdaGrad eps -> Shape.positive paramName eps
        | RmsProp(rho, eps) ->
            unitInterval "decay" rho
            Shape.positive paramName eps
        | Adam(b1, b2, eps) ->
            unitInterval "beta1" b1
            unitInterval "beta2" b2
            Shape.positive paramName eps

    /// Momentum: v′ = μ·v − η·g; θ′ = θ + v′. With μ = 0 it is SGD's θ − η·g exactly.
    /// Returns (v′, θ′). Course: S27, S28 (refinement). Checked by: UpdateRuleProperties
    /// "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)", "S27 / update rules / momentum and Nesterov with coefficient 0 equal plain SGD exactly".
    let momentum (eta: float) (mu: float) (v: Matrix<float>) (theta: Matrix<float>) (g: Matrix<float>) : Matrix<float> * Matrix<float> =
        let v' = mu * v - eta * g
        v', theta + v'

    /// Nesterov (the look-ahead form on the current parameters, as in Sutskever et al. 2013):
    /// v′ = μ·v − η·g; θ′ = θ + μ·v′ − η·g. With μ = 0 it is SGD. Returns (v′, θ′).
    /// Course: S27, S28 (refinement). Checked by: UpdateRuleProperties
    /// "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)", "S27 / update rules / momentum and Nesterov with coefficient 0 equal plain SGD exactly".
    let nesterov (eta: float) (mu: float) (v: Matrix<float>) (theta: Matrix<float>) (g: Matrix<float>) : Matrix<float> * Matrix<float> =
        let v' = mu * v - eta * g
        v', theta + mu * v' - eta * g

    /// AdaGrad: G′ = G + g ⊙ g; θ′ = θ − η·g ⊘ (√G′ + ε). Returns (G′, θ′).
    /// Course: S27, S28 (refinement). Checked by: UpdateRuleProperties
    /// "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)".
    let adagrad (eta: float) (eps: float) (G: Matrix<float>) (theta: Matrix<float>) (g: Matrix<float>) : Matrix<float> * Matrix<float> =
        let G' = G + Mat.hadamard g g
        G', theta - Mat.map2 (fun gi si -> eta * gi / (Math.Sqrt si + eps)) g G'

    /// RMSProp: s′ = ρ·s + (1 − ρ)·g ⊙ g; θ′ = θ − η·g ⊘ (√s′ + ε). Returns (s′, θ′).
    /// Course: S27, S28 (refinement). Checked by: UpdateRuleProperties
    /// "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)".
    let rmsprop (eta: float) (rho: float) (eps: float) (s: Matrix<float>) (theta: Matrix<float>) (g: Matrix<float>) : Matrix<float> * Matrix<float> =
        let s' = rho * s + (1.0 - rho) * Mat.hadamard g g
        s', theta - Mat.map2 (fun gi si -> eta * gi / (Math.Sqrt si + eps)) g s'

    /// Adam at step t ≥ 1 (t counts this step): m′ = β1·m + (1 − β1)·g; v′ = β2·v + (1 − β2)·g⊙g;
    /// m̂ = m′/(1 − β1^t); v̂ = v′/(1 − β2^t); θ′ = θ − η·m̂ ⊘ (√v̂ + ε). On the first step
    /// m̂ = g and v̂ = g⊙g, so every entry moves by η·|g|/(|g| + ε) ≈ η. Returns (m′, v′, θ′).
    /// Course: S27, S28 (refinement). Checked by: UpdateRuleProperties
    /// "S28 / update rules / Adam's first step moves every entry by about η, against the gradient", "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)".
    let adam (eta: float) (beta1: float) (beta2: float) (eps: float) (t: int) (m: Matrix<float>) (v: Matrix<float>) (theta: Matrix<float>) (g: Matrix<float>) : Matrix<float> * Matrix<float> * Matrix<float> =
        if t < 1 then Shape.fail "t" (sprintf "Adam's step count starts at 1 but is %d." t)
        let m' = beta1 * m + (1.0 - beta1) * g
        let v' = beta2 * v + (1.0 - beta2) * Mat.hadamard g g
        let c1 = 1.0 - Math.Pow(beta1, float t)
        let c2 = 1.0 - Math.Pow(beta2, float t)
        m', v', theta - Mat.map2 (fun mi vi -> eta * (mi / c1) / (Math.Sqrt(vi / c2) + eps)) m' v'

    /// The state before the first step: t = 0 and zero moments shaped as each parameter (v = 0,
    /// G = 0, s = 0, m = 0). Checked by: UpdateRuleProperties "S27 / update rules / from a fresh state a zero gradient leaves the parameters unchanged, for every rule".
    let init (thetas: Matrix<float> list) : UpdateState =
        let zeros = thetas |> List.map (fun p -> Mat.zeros p.RowCount p.ColumnCount)
        { Step = 0; First = zeros; Second = zeros }

    /// One step of `rule` with learning rate η on every parameter (lists aligned as
    /// Network.parameters; each g the gradient of the same-index θ). Returns (state′, θ′s).
    /// Course: S27, S28. Checked by: UpdateRuleProperties
    /// (each rule), FacadeProperties "Façade / trainer / one trainer step equals one core optimiser step, for every optimiser".
    let step (rule: UpdateRule) (eta: float) (state: UpdateState) (thetas: Matrix<float> list) (grads: Matrix<float> list) : UpdateState * Matrix<float> list =
        Shape.positive "eta" eta
        validate "rule" rule
        let n = List.length thetas
        if List.length grads <> n || List.length state.First <> n || List.length state.Second <> n then
            Shape.fail "grads" (sprintf "%d parameters but %d gradients and %d state entries." n grads.Length state.First.Length)
        List.iter2 (fun (p: Matrix<float>) g -> Shape.same "theta" p "g" g) thetas grads
        let t = state.Step + 1
        let results =
            List.zip3 (List.zip state.First state.Second) thetas grads
            |> List.map (fun ((f, s), theta, g) ->
                match rule with
                | PlainSgd -> f, s, theta - eta * g
                | Momentum mu -> let f', th = momentum eta mu f theta g in f', s, th
                | Nesterov mu -> let f', th = nesterov eta mu f theta g in f', s, th
                | AdaGrad eps -> let s', th = adagrad eta eps s theta g in f, s', th
                | RmsProp(rho, eps) -> let s', th = rmsprop eta rho eps s theta g in f, s', th
                | Adam(b1, b2, eps) -> adam eta b1 b2 eps t f s theta g)
        { Step = t
          First = results |> List.map (fun (f, _, _) -> f)
          Second = results |> List.map (fun (_, s, _) -> s) },
        results |> List.map (fun (_, _, th) -> th)
