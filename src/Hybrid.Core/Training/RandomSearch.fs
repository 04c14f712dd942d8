namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// The outcome of an optimiser run with a fixed budget of loss evaluations (S25).
type SearchResult =
    { /// The best parameter vector evaluated (a copy).
      Parameters: float[]
      /// Its loss: the lowest loss seen.
      Loss: float
      /// BestLossHistory.[k] = the lowest loss among the first k + 1 evaluations (non-increasing).
      BestLossHistory: float[]
      /// The number of loss evaluations made (= the budget).
      Evaluations: int }

/// Optimisation without gradients (S25) and the gradient-descent baseline it is compared with.
/// Every optimiser here works on a flat parameter vector θ (float[]) and a loss θ -> float, so it
/// fits any model whose parameters can be flattened (a neuron, a small network written in flat
/// parameters, later the full Network). Each is seeded and spends exactly `budget` loss
/// evaluations; the loss function is never handed an array it may keep (each call gets a copy).
module RandomSearch =

    let private checkLoss (loss: float[] -> float) : unit =
        if isNull (box loss) then raise (ArgumentNullException("loss"))

    /// Runs `budget` evaluations of candidates from `next best`, keeping the best.
    let private run (budget: int) (loss: float[] -> float) (first: float[]) (next: float[] -> float[]) : SearchResult =
        let history = Array.zeroCreate budget
        let mutable best = first
        let mutable bestLoss = loss (Array.copy first)
        if Double.IsNaN bestLoss then bestLoss <- Double.PositiveInfinity
        history.[0] <- bestLoss
        for k in 1 .. budget - 1 do
            let candidate = next best
            let l = loss (Array.copy candidate)
            if l < bestLoss then
                best <- candidate
                bestLoss <- l
            history.[k] <- bestLoss
        { Parameters = Array.copy best; Loss = bestLoss; BestLossHistory = history; Evaluations = budget }

    /// Random search (S25, method 1 of the slides): draw θ = scale·N(0, I) of length `dimension`
    /// `budget` times from the core generator Rng(seed) (normals by Init.standardNormal) and keep
    /// the θ with the lowest loss ("bestloss").
    /// Shapes: θ has `dimension` entries. Course: S25. Checked by: RandomSearchTests
    /// "S25 gradient descent reaches a lower loss than random search and random local search with
    /// the same budget", "S25 the best-loss history never increases and the same seed gives the same run".
    let search (seed: int) (budget: int) (scale: float) (dimension: int) (loss: float[] -> float) : SearchResult =
        Shape.positiveInt "budget" budget
        Shape.positive "scale" scale
        Shape.positiveInt "dimension" dimension
        checkLoss loss
        let rng = Rng(seed)
        let draw () = Array.init dimension (fun _ -> scale * Init.standardNormal rng)
        run budget loss (draw ()) (fun _ -> draw ())

    /// Random local search (S25): start at `init` (1 evaluation), then `budget − 1` times try
    /// θ' = θ + stepSize·N(0, I) and move to θ' when its loss is lower. Course: S25.
    /// Checked by: RandomSearchTests "S25 gradient descent reaches a lower loss than random search and
    /// random local search with the same budget", "S25 the best-loss history never increases and the
    /// same seed gives the same run".
    let localSearch (seed: int) (budget: int) (stepSize: float) (init: float[]) (loss: float[] -> float) : SearchResult =
        Shape.positiveInt "budget" budget
        Shape.positive "stepSize" stepSize
        LessonChecks.finiteVector "init" init
        if init.Length = 0 then Shape.fail "init" "init is empty: there is nothing to optimise."
        checkLoss loss
        let rng = Rng(seed)
        run budget loss (Array.copy init) (fun theta -> Array.map (fun t -> t + stepSize * Init.standardNormal rng) theta)

    /// Gradient descent (S27), the baseline of S25's comparison: θ_0 = init, θ_(k+1) = θ_k − η·∇L(θ_k);
    /// the loss is evaluated at θ_0 .. θ_(budget−1) (one loss evaluation per step, its gradient
    /// alongside, as backprop gives both for about the price of one), and the best θ seen is
    /// returned. Shapes: ∇L(θ) has θ's length. Course: S25, S27. Checked by: RandomSearchTests
    /// "S25 gradient descent reaches a lower loss than random search and random local search with
    /// the same budget".
    let gradientDescent (budget: int) (eta: float) (init: float[]) (loss: float[] -> float) (gradient: float[] -> float[]) : SearchResult =
        Shape.positiveInt "budget" budget
        Shape.positive "eta" eta
        LessonChecks.finiteVector "init" init
        if init.Length = 0 then Shape.fail "init" "init is empty: there is nothing to optimise."
        checkLoss loss
        if isNull (box gradient) then raise (ArgumentNullException("gradient"))
        let mutable theta = Array.copy init
        let history = Array.zeroCreate budget
        let mutable best = Array.copy init
        let mutable bestLoss = Double.PositiveInfinity
        for k in 0 .. budget - 1 do
            let l = loss (Array.copy theta)
            if l < bestLoss then
                best <- Array.copy theta
                bestLoss <- l
            history.[k] <- bestLoss
            if k < budget - 1 then
                let g = gradient (Array.copy theta)
                if isNull (box g) || g.Length <> theta.Length then
                    Shape.fail "gradient" (sprintf "gradient must return %d entries (one per parameter)." theta.Length)
                theta <- Array.map2 (fun t gi -> t - eta * gi) theta g
        { Parameters = best; Loss = bestLoss; BestLossHistory = history; Evaluations = budget }

    /// The loss of a core network as a function of its stacked parameter vector θ (S17's θ,
    /// Network.toVector order): θ ↦ J(Network.ofVector net θ; X, Y). This puts random search and
    /// random local search over a whole network's parameters. Course: S17, S25.
    /// Checked by: RandomSearchTests "S25 over a core Network's parameters: gradient descent beats random local search beats random search".
    let networkLoss (loss: Loss) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : float[] -> float =
        fun theta -> Network.loss loss (Network.ofVector net theta) X Y

    /// ∇_θ J for the same function, by backprop (Network.lossAndGradient), flattened in θ's order.
    /// Course: S17, S25, S27.
    let networkGradient (loss: Loss) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : float[] -> float[] =
        fun theta ->
            let _, grads = Network.lossAndGradient loss (Network.ofVector net theta) X Y
            grads |> List.map Mat.toRowMajor |> Array.concat
