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

/// The correctly rounded square root on one entry (Math.Sqrt) and on a vector of entries
/// (Vector.SquareRoot, the same bits in every lane), so the update rules below can be written once
/// for both.
[<AbstractClass; Sealed>]
type Root =
    /// √x (the second argument only picks this overload).
    static member inline Of(x: float, _: Root) : float = Math.Sqrt x
    /// √x in every lane (the second argument only picks this overload).
    static member inline Of(x: System.Numerics.Vector<float>, _: Root) : System.Numerics.Vector<float> = System.Numerics.Vector.SquareRoot x
    /// √x in float32 (MathF.Sqrt, correctly rounded).
    static member inline Of(x: float32, _: Root) : float32 = MathF.Sqrt x
    /// √x in every float32 lane.
    static member inline Of(x: System.Numerics.Vector<float32>, _: Root) : System.Numerics.Vector<float32> = System.Numerics.Vector.SquareRoot x

/// The optimisers of gradient-based training (S27, S28 and their standard refinements), each a
/// pure function (θ, g, state) -> (θ′, state′) on one entry, written once here and applied to
/// every entry of every parameter matrix by `step` (the reference) and by UpdateInPlace (the fast
/// path). Shapes: state, θ and g all have the same shape.
/// Checked by: UpdateRuleProperties (properties/Hybrid.Properties/UpdateRuleProperties.fs),
/// FastPathProperties (the fast path against `step`).
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

    /// The square root of Root for a float or a Vector&lt;float&gt; (resolved when inlined).
    let inline rootWith (w: ^W) (x: ^T) : ^T = ((^W or ^T): (static member Of: ^T * ^W -> ^T) (x, w))

    /// √x on a float or on every lane of a Vector&lt;float&gt;.
    let inline root (x: ^T) : ^T = rootWith Unchecked.defaultof<Root> x

    // Each rule on one entry, written once. The functions are `inline` and generic in the number
    // type, so the same text runs on a float (the reference below, entry by entry, and the fast
    // path's tail) and on a Vector<float> of entries (the fast path's lanes, UpdateInPlace): the
    // operators are IEEE add, multiply and divide in both, `root` is the correctly rounded square
    // root (Math.Sqrt on float, Vector.SquareRoot on Vector<float>) and nothing is contracted into
    // a multiply-add, so a lane gets the same bits as the scalar entry. The hyper-parameters come
    // in as 'T already (η, μ, ρ and 1 − ρ, β1 and 1 − β1, ...); each returns θ′ first, then the
    // new state.

    /// Plain SGD on one entry: θ′ = θ − η·g. Course: S27, S28.
    /// Checked by: UpdateRuleProperties "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)".
    let inline sgd (eta: 'T) (theta: 'T) (g: 'T) : 'T = theta - eta * g

    /// Momentum on one entry: v′ = μ·v − η·g; θ′ = θ + v′. With μ = 0 it is SGD's θ − η·g
    /// exactly. Returns (θ′, v′). Course: S27, S28 (refinement). Checked by: UpdateRuleProperties
    /// "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)", "S27 / update rules / momentum and Nesterov with coefficient 0 equal plain SGD exactly".
    let inline momentum (eta: 'T) (mu: 'T) (theta: 'T) (g: 'T) (v: 'T) : struct ('T * 'T) =
        let v' = mu * v - eta * g
        struct (theta + v', v')

    /// Nesterov on one entry (the look-ahead form on the current parameters, as in Sutskever et
    /// al. 2013): v′ = μ·v − η·g; θ′ = θ + μ·v′ − η·g. With μ = 0 it is SGD. Returns (θ′, v′).
    /// Course: S27, S28 (refinement). Checked by: UpdateRuleProperties
    /// "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)", "S27 / update rules / momentum and Nesterov with coefficient 0 equal plain SGD exactly".
    let inline nesterov (eta: 'T) (mu: 'T) (theta: 'T) (g: 'T) (v: 'T) : struct ('T * 'T) =
        let v' = mu * v - eta * g
        struct (theta + mu * v' - eta * g, v')

    /// AdaGrad on one entry: G′ = G + g·g; θ′ = θ − η·g / (√G′ + ε). Returns (θ′, G′).
    /// Course: S27, S28 (refinement). Checked by: UpdateRuleProperties
    /// "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)".
    let inline adagradWith ([<InlineIfLambda>] sqrt: ^T -> ^T) (eta: ^T) (eps: ^T) (theta: ^T) (g: ^T) (G: ^T) : struct (^T * ^T) =
        let G' = G + g * g
        struct (theta - eta * g / (sqrt G' + eps), G')

    /// AdaGrad on one entry (adagradWith the correctly rounded square root). Course: S27, S28.
    let inline adagrad (eta: ^T) (eps: ^T) (theta: ^T) (g: ^T) (G: ^T) : struct (^T * ^T) = adagradWith root eta eps theta g G

    /// RMSProp on one entry: s′ = ρ·s + (1 − ρ)·g·g; θ′ = θ − η·g / (√s′ + ε), with
    /// `rest` = 1 − ρ. Returns (θ′, s′). Course: S27, S28 (refinement). Checked by: UpdateRuleProperties
    /// "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)".
    let inline rmspropWith ([<InlineIfLambda>] sqrt: ^T -> ^T) (eta: ^T) (rho: ^T) (rest: ^T) (eps: ^T) (theta: ^T) (g: ^T) (s: ^T) : struct (^T * ^T) =
        let s' = rho * s + rest * (g * g)
        struct (theta - eta * g / (sqrt s' + eps), s')

    /// RMSProp on one entry (rmspropWith the correctly rounded square root). Course: S27, S28.
    let inline rmsprop (eta: ^T) (rho: ^T) (rest: ^T) (eps: ^T) (theta: ^T) (g: ^T) (s: ^T) : struct (^T * ^T) = rmspropWith root eta rho rest eps theta g s

    /// Adam on one entry at step t ≥ 1 (t counts this step): m′ = β1·m + (1 − β1)·g;
    /// v′ = β2·v + (1 − β2)·g·g; θ′ = θ − η·(m′/c1) / (√(v′/c2) + ε), with r1 = 1 − β1,
    /// r2 = 1 − β2 and the bias corrections c1 = 1 − β1^t, c2 = 1 − β2^t (m̂ = m′/c1, v̂ = v′/c2).
    /// On the first step m̂ = g and v̂ = g·g, so the entry moves by η·|g|/(|g| + ε) ≈ η.
    /// Returns (θ′, m′, v′). Course: S27, S28 (refinement). Checked by: UpdateRuleProperties
    /// "S28 / update rules / Adam's first step moves every entry by about η, against the gradient", "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)".
    let inline adamWith ([<InlineIfLambda>] sqrt: ^T -> ^T) (eta: ^T) (beta1: ^T) (r1: ^T) (beta2: ^T) (r2: ^T) (c1: ^T) (c2: ^T) (eps: ^T)
                        (theta: ^T) (g: ^T) (m: ^T) (v: ^T) : struct (^T * ^T * ^T) =
        let m' = beta1 * m + r1 * g
        let v' = beta2 * v + r2 * (g * g)
        struct (theta - eta * (m' / c1) / (sqrt (v' / c2) + eps), m', v')

    /// Adam on one entry (adamWith the correctly rounded square root). Course: S28 (refinement).
    let inline adam (eta: ^T) (beta1: ^T) (r1: ^T) (beta2: ^T) (r2: ^T) (c1: ^T) (c2: ^T) (eps: ^T)
                    (theta: ^T) (g: ^T) (m: ^T) (v: ^T) : struct (^T * ^T * ^T) = adamWith root eta beta1 r1 beta2 r2 c1 c2 eps theta g m v

    /// Adam's bias corrections at step t ≥ 1: (1 − β1^t, 1 − β2^t). Course: S28 (refinement).
    let corrections (beta1: float) (beta2: float) (t: int) : struct (float * float) =
        if t < 1 then Shape.fail "t" (sprintf "Adam's step count starts at 1 but is %d." t)
        struct (1.0 - Math.Pow(beta1, float t), 1.0 - Math.Pow(beta2, float t))

    // One entry rule applied to every entry of θ, g and the state matrices (same shape),
    // returning (θ′, first′, second′). The reference's only loop; the fast path has its own
    // (UpdateInPlace) around the same entry functions.
    let private entrywise (rule: float -> float -> float -> float -> struct (float * float * float))
                          (theta: Matrix<float>) (g: Matrix<float>) (f: Matrix<float>) (s: Matrix<float>) : Matrix<float> * Matrix<float> * Matrix<float> =
        Shape.same "theta" theta "g" g
        Shape.same "theta" theta "state" f
        Shape.same "theta" theta "state" s
        let th, gs, fs, ss = Mat.toRowMajor theta, Mat.toRowMajor g, Mat.toRowMajor f, Mat.toRowMajor s
        for i in 0 .. th.Length - 1 do
            let struct (th', f', s') = rule th.[i] gs.[i] fs.[i] ss.[i]
            th.[i] <- th'
            fs.[i] <- f'
            ss.[i] <- s'
        let back = Mat.ofRowMajor theta.RowCount theta.ColumnCount
        back th, back fs, back ss

    /// Which moments a rule carries from step to step, as (first, second): the velocity of momentum
    /// and Nesterov, the Σg² of AdaGrad and the running mean s of RMSProp, Adam's m and v; plain SGD
    /// none. The fast path allocates only these. Course: S27.
    let moments (rule: UpdateRule) : bool * bool =
        match rule with
        | PlainSgd -> false, false
        | Momentum _ | Nesterov _ -> true, false
        | AdaGrad _ | RmsProp _ -> false, true
        | Adam _ -> true, true

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
        let stepOne =
            match rule with
            | PlainSgd -> fun theta g f s -> struct (sgd eta theta g, f, s)
            | Momentum mu -> fun theta g f s -> let struct (th, f') = momentum eta mu theta g f in struct (th, f', s)
            | Nesterov mu -> fun theta g f s -> let struct (th, f') = nesterov eta mu theta g f in struct (th, f', s)
            | AdaGrad eps -> fun theta g f s -> let struct (th, s') = adagrad eta eps theta g s in struct (th, f, s')
            | RmsProp(rho, eps) -> fun theta g f s -> let struct (th, s') = rmsprop eta rho (1.0 - rho) eps theta g s in struct (th, f, s')
            | Adam(b1, b2, eps) ->
                let struct (c1, c2) = corrections b1 b2 t
                fun theta g m v -> adam eta b1 (1.0 - b1) b2 (1.0 - b2) c1 c2 eps theta g m v
        let results =
            List.zip3 (List.zip state.First state.Second) thetas grads
            |> List.map (fun ((f, s), theta, g) -> let th, f', s' = entrywise stepOne theta g f s in f', s', th)
        { Step = t
          First = results |> List.map (fun (f, _, _) -> f)
          Second = results |> List.map (fun (_, s, _) -> s) },
        results |> List.map (fun (_, _, th) -> th)
