/// Laws of the dense and maxout layers: the chain rule on matrices (S13-S16).
module Hybrid.Properties.DenseProperties

open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core
open Hybrid.Properties.Generators

/// A dense layer with an activation from `activations`, an input batch and an upstream
/// gradient, with every pre-activation ≥ 1e-3 from the activation's kinks.
let private denseCaseOf (activations: Gen<Activation>) =
    gen {
        let! n, dIn, dOut = Gen.zip3 (dim 5) (dim 5) (dim 5)
        let! g = activations
        let! X = matrix 1.5 n dIn
        let! W = matrix 1.0 dIn dOut
        let! B = matrix 0.5 1 dOut
        let! dA = matrix 1.0 n dOut
        return Dense.create W B g, X, dA
    }
    |> Gen.filter (fun (layer, X, _) ->
        let _, c = Dense.forward layer X
        c.Z.Enumerate() |> Seq.forall (fun z -> Activation.kinks layer.Activation |> List.forall (fun k -> abs (z - k) >= 1e-3)))

/// Every activation case.
let private denseCase = denseCaseOf activation

/// PReLU layers (α = 0.3) only, clear of the kink at 0, so the α law checks every case it draws.
let private preluCase = denseCaseOf (Gen.constant (PReLU 0.3))

/// L(X, W, b) = Σ dA ⊙ A: its gradients are exactly what backward(dA) must return.
let private upstreamLoss (dA: Matrix<float>) (layer: Dense) (X: Matrix<float>) = Mat.sum (Mat.hadamard dA (fst (Dense.forward layer X)))

let private law1 =
    Spec.property "S16 / dense layer / gradients dW, db, dX match central differences for every activation" denseCase (fun (layer, X, dA) ->
        let _, cache = Dense.forward layer X
        let g = Dense.backward layer cache dA
        let what = Activation.name layer.Activation
        Tolerance.expectGradient (what + " dW") g.dW (Numerical.gradient Tolerance.h (fun W -> upstreamLoss dA { layer with W = W } X) layer.W)
        Tolerance.expectGradient (what + " db") g.dB (Numerical.gradient Tolerance.h (fun B -> upstreamLoss dA { layer with B = B } X) layer.B)
        Tolerance.expectGradient (what + " dX") g.dX (Numerical.gradient Tolerance.h (upstreamLoss dA layer) X))

let private law2 =
    Spec.property "S04 / PReLU / the alpha gradient through a dense layer matches central differences" preluCase (fun (layer, X, dA) ->
        let _, cache = Dense.forward layer X
        let g = Dense.backward layer cache dA
        let numerical = Numerical.derivative Tolerance.h (fun a -> upstreamLoss dA { layer with Activation = PReLU a } X) 0.3
        Tolerance.expectGradient "PReLU alpha" (Mat.constant 1 1 g.dAlpha) (Mat.constant 1 1 numerical))

let private law3 =
    Spec.property "S13 / shapes / every dense gradient has the shape of what it differentiates" denseCase (fun (layer, X, dA) ->
        let _, cache = Dense.forward layer X
        let g = Dense.backward layer cache dA
        Mat.sameShape g.dW layer.W && Mat.sameShape g.dB layer.B && Mat.sameShape g.dX X)

let private maxoutCase =
    gen {
        let! n, dIn, dOut = Gen.zip3 (dim 4) (dim 4) (dim 4)
        let! k = Gen.choose (2, 4)
        let! Ws = Gen.arrayOfLength k (matrix 1.0 dIn dOut)
        let! Bs = Gen.arrayOfLength k (matrix 0.5 1 dOut)
        let! X = matrix 1.5 n dIn
        let! dA = matrix 1.0 n dOut
        return Maxout.create Ws Bs, X, dA
    }
    |> Gen.filter (fun (layer, X, _) -> clearOfKinks 1e-3 (Network.create [ MaxoutLayer layer ]) X)

let private law4 =
    Spec.property "S04 / maxout / gradients match central differences (the max routes the gradient)" maxoutCase (fun (layer, X, dA) ->
        let _, cache = Maxout.forward layer X
        let dW, dB, dX = Maxout.backward layer cache dA
        let f (l: Maxout) (X: Matrix<float>) = Mat.sum (Mat.hadamard dA (fst (Maxout.forward l X)))
        for j in 0 .. layer.W.Length - 1 do
            let withW w = { layer with W = Array.mapi (fun i x -> if i = j then w else x) layer.W }
            let withB b = { layer with B = Array.mapi (fun i x -> if i = j then b else x) layer.B }
            Tolerance.expectGradient (sprintf "maxout dW[%d]" j) dW.[j] (Numerical.gradient Tolerance.h (fun w -> f (withW w) X) layer.W.[j])
            Tolerance.expectGradient (sprintf "maxout dB[%d]" j) dB.[j] (Numerical.gradient Tolerance.h (fun b -> f (withB b) X) layer.B.[j])
        Tolerance.expectGradient "maxout dX" dX (Numerical.gradient Tolerance.h (f layer) X))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3
      law4 ]
