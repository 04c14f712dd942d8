/// Laws of gradient descent and minibatch SGD (S27, S28).
module Hybrid.Properties.OptimizerProperties

open FsCheck.FSharp
open Hybrid.Core
open Hybrid.Properties.Generators

let private law1 =
    Spec.property "S27 / gradient descent / a step with a zero gradient changes nothing" networkCase (fun (net, _, _, _) ->
        let ps = Network.parameters net
        let zero = ps |> List.map (fun p -> Mat.zeros p.RowCount p.ColumnCount)
        List.forall2 (fun (a: MathNet.Numerics.LinearAlgebra.Matrix<float>) b -> a.Equals b) ps (Optimizer.sgdAll 0.5 ps zero))

let private law2 =
    // A linear layer with MSE is convex and L-smooth in (W, b) with L ≤ 1 + max row ‖x‖² ≤ 1 + d·1.5²:
    // any eta < 2/L decreases J unless the gradient is 0; eta = 0.01 is below 2/L for d ≤ 5.
    let case =
        gen {
            let! n, d, m = Gen.zip3 (dim 5) (dim 5) (dim 3)
            let! X = matrix 1.5 n d
            let! Y = matrix 2.0 n m
            let! W = matrix 1.0 d m
            return Network.create [ DenseLayer(Dense.create W (Mat.zeros 1 m) Identity) ], X, Y
        }
    Spec.property "S27 / gradient descent / a small step on a convex loss lowers it" case (fun (net, X, Y) ->
        let before, grads = Network.lossAndGradient MeanSquaredError net X Y
        let after = Network.loss MeanSquaredError (fst (Optimizer.step 0.01 MeanSquaredError net X Y)) X Y
        let gradNorm = grads |> List.sumBy (fun g -> Mat.sum (Mat.hadamard g g))
        after < before || gradNorm = 0.0)

let private law3 =
    let case = gen { let! n = Gen.choose (1, 500) in let! b = Gen.choose (1, 300) in let! s = Gen.choose (0, 100000) in return n, b, s }
    Spec.property "S28 / minibatch / minibatches partition the examples, every one exactly once, seeded" case (fun (n, b, seed) ->
        let batches = Optimizer.minibatches seed n b
        let all = Array.concat batches
        Array.sort all = Array.init n id
        && batches |> Array.forall (fun batch -> batch.Length >= 1 && batch.Length <= b)
        && batches.Length = (n + b - 1) / b
        && batches = Optimizer.minibatches seed n b)

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3 ]
