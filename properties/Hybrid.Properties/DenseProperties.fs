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

let private layerNormCase =
    gen {
        let! n, d = Gen.zip (dim 4) (Gen.choose (2, 5))
        let! gamma = matrix 1.0 1 d
        let! beta = matrix 1.0 1 d
        let! epsilon = Gen.elements [ 1e-5; 1e-3; 0.1 ]
        let! X = matrix 1.5 n d
        let! dA = matrix 1.0 n d
        return LayerNorm.create gamma beta epsilon, X, dA
    }

let private law5 =
    Spec.property "S30 / layer normalisation / gradients dγ, dβ, dX match central differences" layerNormCase (fun (layer, X, dA) ->
        let dGamma, dBeta, dX = LayerNorm.backward layer (snd (LayerNorm.forward layer X)) dA
        let f (l: LayerNorm) (X: Matrix<float>) = Mat.sum (Mat.hadamard dA (fst (LayerNorm.forward l X)))
        Tolerance.expectGradient "layer norm dγ" dGamma (Numerical.gradient Tolerance.h (fun g -> f { layer with Gamma = g } X) layer.Gamma)
        Tolerance.expectGradient "layer norm dβ" dBeta (Numerical.gradient Tolerance.h (fun b -> f { layer with Beta = b } X) layer.Beta)
        Tolerance.expectGradient "layer norm dX" dX (Numerical.gradient Tolerance.h (f layer) X))

/// Each normalised row x̂ has mean 0 and mean square σ²/(σ² + ε) (σ² the row's variance, computed
/// here by two-pass sums on the matrix, independently of LayerNorm.normalizeRow), and the output
/// is γ ⊙ x̂ + β; tolerance 1e-12 relative (a handful of roundings on values of order 1).
let private law6 =
    Spec.property "S30 / layer normalisation / each row is centred to mean 0 and scaled to variance σ²/(σ² + ε)" layerNormCase (fun (layer, X, _) ->
        let A, cache = LayerNorm.forward layer X
        let d = float X.ColumnCount
        for i in 0 .. X.RowCount - 1 do
            let x = X.Row(i).ToArray()
            let mean = Array.sum x / d
            let variance = (x |> Array.sumBy (fun v -> (v - mean) * (v - mean))) / d
            let xhat = cache.XHat.Row(i).ToArray()
            let meanHat = Array.sum xhat / d
            let squareHat = (xhat |> Array.sumBy (fun v -> v * v)) / d
            if abs meanHat > 1e-12 then failwithf "row %d: mean of x̂ is %g" i meanHat
            let expected = variance / (variance + layer.Epsilon)
            if abs (squareHat - expected) > 1e-12 * max 1.0 expected then failwithf "row %d: mean square of x̂ is %.17g, expected %.17g" i squareHat expected
            for j in 0 .. X.ColumnCount - 1 do
                let a = layer.Gamma.[0, j] * xhat.[j] + layer.Beta.[0, j]
                if A.[i, j] <> a then failwithf "A[%d, %d] = %.17g but γ·x̂ + β = %.17g" i j A.[i, j] a)

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3
      law4
      law5
      law6 ]
