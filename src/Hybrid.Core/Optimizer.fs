namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// Gradient descent and minibatch SGD (S27, S28).
module Optimizer =

    /// One step of gradient descent on one parameter: θ ← θ − η·g. Course: S27.
    /// Checked by: OptimizerProperties "S27 an SGD step with a zero gradient changes nothing",
    /// "S27 a small gradient step on a convex loss lowers it".
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

    /// The example indices 0..n−1 shuffled (Fisher–Yates on a generator seeded with `seed`) and
    /// cut into batches of `batchSize` (the last may be smaller): every example exactly once per
    /// epoch, drawn without replacement. Course: S28.
    let minibatches (seed: int) (n: int) (batchSize: int) : int[][] =
        Shape.positiveInt "n" n
        Shape.positiveInt "batchSize" batchSize
        let rng = Random(seed)
        let idx = Array.init n id
        for i in n - 1 .. -1 .. 1 do
            let j = rng.Next(i + 1)
            let t = idx.[i]
            idx.[i] <- idx.[j]
            idx.[j] <- t
        Array.chunkBySize batchSize idx
