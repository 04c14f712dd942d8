/// Laws of the single neurons (S01, S02, S03): the perceptron rule's fixed points, Novikoff's
/// mistake bound, XOR's impossibility, and the Adaline and sigmoid-neuron gradients against
/// central differences.
module Hybrid.Properties.NeuronProperties

open System
open FsCheck
open FsCheck.FSharp
open Hybrid.Core
open Hybrid.Properties.Generators

/// A neuron with d inputs, weights and bias in [−r, r].
let private neuronGen (d: int) (r: float) : Gen<Neuron> =
    gen {
        let! W = Gen.arrayOfLength d (floatIn -r r)
        let! B = floatIn -r r
        return ({ W = W; B = B }: Neuron)
    }

/// A data set of n rows of d entries in [−r, r] with targets from `target`.
let private dataGen (n: int) (d: int) (r: float) (target: Gen<float>) : Gen<float[][] * float[]> =
    gen {
        let! X = Gen.arrayOfLength n (Gen.arrayOfLength d (floatIn -r r))
        let! Y = Gen.arrayOfLength n target
        return X, Y
    }

/// The neuron's parameters (W, B) as a 1×(d + 1) row, for Numerical.gradient.
let private flatten (n: Neuron) = Mat.row (Array.append n.W [| n.B |])

/// The inverse of flatten.
let private unflatten (theta: MathNet.Numerics.LinearAlgebra.Matrix<float>) : Neuron =
    let v = theta.Row(0).ToArray()
    { W = v.[.. v.Length - 2]; B = v.[v.Length - 1] }

/// A neuron, one sample and a learning rate for a single perceptron step.
let private perceptronStepCase =
    gen {
        let! d = dim 5
        let! n = neuronGen d 3.0
        let! x = Gen.arrayOfLength d (floatIn -3.0 3.0)
        let! eta = floatIn 0.001 2.0
        return n, x, eta
    }

let private law1 =
    Spec.property "S01 / perceptron / never changes its weights on a correctly classified sample" perceptronStepCase (fun (n, x, eta) ->
        let y = Perceptron.predict n x // the label the neuron already gives: a correct sample
        let after = Perceptron.step eta n x y
        after.W = n.W && after.B = n.B)

let private law2 =
    Spec.property "S01 / perceptron / a wrongly classified sample moves W·x + B towards its label" perceptronStepCase (fun (n, x, eta) ->
        let y = 1.0 - Perceptron.predict n x // the other label: a mistake
        let after = Perceptron.step eta n x y
        // Δz = η(y − ŷ)(‖x‖² + 1): strictly positive for y = 1, strictly negative for y = 0.
        let dz = Neuron.net after x - Neuron.net n x
        if y = 1.0 then dz > 0.0 else dz < 0.0)

/// Linearly separable data with a margin, built by construction: a unit vector u' = (u, c) in
/// R^(d+1), points x in [−1, 1]^d whose augmented x' = (x, 1) has |u'·x'| ≥ gap, labels
/// 1 if u'·x' > 0 else 0. Points inside the margin are dropped (at least one always survives the
/// filter: at most 30 tries per point are cheap at these sizes).
let private separable =
    gen {
        let! d = dim 4
        let! n = Gen.choose (1, 25)
        let! raw = Gen.arrayOfLength (d + 1) (floatIn -1.0 1.0) |> Gen.filter (fun v -> Array.sumBy (fun a -> a * a) v > 0.01)
        let norm = sqrt (Array.sumBy (fun a -> a * a) raw)
        let u = raw |> Array.map (fun a -> a / norm)
        let! gap = floatIn 0.05 0.3
        let margin (x: float[]) = Array.fold2 (fun s a b -> s + a * b) u.[d] u.[.. d - 1] x
        let! X = Gen.arrayOfLength n (Gen.arrayOfLength d (floatIn -1.0 1.0) |> Gen.filter (fun x -> abs (margin x) >= gap))
        let Y = X |> Array.map (fun x -> if margin x > 0.0 then 1.0 else 0.0)
        let! eta = floatIn 0.01 2.0
        return X, Y, u, eta
    }

let private law3 =
    Spec.property "S01 / perceptron / Novikoff: on separable data with margin γ and radius R it makes at most (R/γ)² mistakes and ends error-free" separable (fun (X, Y, u, eta) ->
        let d = X.[0].Length
        // γ = min_i y'_i·(u'·x'_i) with y' = ±1 and x' = (x, 1), ‖u'‖ = 1; R = max_i ‖x'_i‖.
        let gamma = X |> Array.map (fun x -> abs (Array.fold2 (fun s a b -> s + a * b) u.[d] u.[.. d - 1] x)) |> Array.min
        let R = X |> Array.map (fun x -> sqrt (1.0 + Array.sumBy (fun a -> a * a) x)) |> Array.max
        let bound = (R / gamma) ** 2.0
        // Every epoch before convergence makes ≥ 1 mistake, so bound + 2 epochs suffice.
        let fit = Perceptron.fit eta (int (ceil bound) + 2) (Neuron.zeros d) X Y
        float fit.TotalMistakes <= bound && fit.Converged && Perceptron.errors fit.Neuron X Y = 0)

let private law4 =
    let xor = LogicGates.xorGate ()
    let case =
        gen {
            let! n = neuronGen 2 5.0
            let! eta = floatIn 0.01 2.0
            let! epochs = Gen.choose (1, 60)
            return n, eta, epochs
        }
    Spec.property "S01 / perceptron / XOR: no weights classify all four points, so no epoch is ever error-free" case (fun (n, eta, epochs) ->
        let fit = Perceptron.fit eta epochs n xor.X xor.Y
        Perceptron.errors n xor.X xor.Y >= 1
        && not fit.Converged
        && fit.MistakesPerEpoch.Length = epochs
        && Array.forall (fun m -> m >= 1) fit.MistakesPerEpoch)

/// A neuron with 1..5 inputs and a data set of 1..8 rows for it, values of order 1.
let private regression (target: Gen<float>) =
    gen {
        let! d = dim 5
        let! rows = dim 8
        let! n = neuronGen d 2.0
        let! X, Y = dataGen rows d 2.0 target
        let! eta = floatIn 0.01 1.0
        return n, X, Y, eta
    }

let private law5 =
    Spec.property "S02 / Adaline / an online step is a gradient step on ½(y − ŷ)² for that sample" (regression (floatIn -2.0 2.0)) (fun (n, X, Y, eta) ->
        let x, y = X.[0], Y.[0]
        let after = Adaline.step eta n x y
        // The step taken, divided by −η, must be ∇_(W,B) ½(y − ŷ)² by central differences.
        let taken = Mat.row (Array.append (Array.map2 (fun a b -> (a - b) / -eta) after.W n.W) [| (after.B - n.B) / -eta |])
        let numerical = Numerical.gradient Tolerance.h (fun t -> let m = unflatten t in 0.5 * (y - Adaline.predict m x) ** 2.0) (flatten n)
        Tolerance.expectGradient "Adaline online step" taken numerical)

let private law6 =
    Spec.property "S02 / Adaline / the gradient equals the numerical gradient of J and the batch step follows it" (regression (floatIn -2.0 2.0)) (fun (n, X, Y, eta) ->
        let g = Adaline.gradient n X Y
        let numerical = Numerical.gradient Tolerance.h (fun t -> Adaline.cost (unflatten t) X Y) (flatten n)
        Tolerance.expectGradient "Adaline dJ/d(W, B)" (flatten g) numerical
        let after = Adaline.batchStep eta n X Y
        let expected = flatten n - eta * flatten g
        Tolerance.expectClose "Adaline batch step" Tolerance.rounding expected (flatten after))

let private law7 =
    Spec.property "S03 / sigmoid neuron / the gradient equals the numerical gradient of its loss" (regression (Gen.elements [ 0.0; 1.0 ])) (fun (n, X, Y, _) ->
        let g = SigmoidNeuron.gradient n X Y
        let numerical = Numerical.gradient Tolerance.h (fun t -> SigmoidNeuron.loss (unflatten t) X Y) (flatten n)
        Tolerance.expectGradient "sigmoid neuron dJ/d(W, B)" (flatten g) numerical)

let private law8 =
    let case =
        gen {
            let! n, X, Y, _ = regression (Gen.elements [ 0.0; 1.0 ])
            let! scale = Gen.elements [ 1.0; 1e3; 1e6 ]
            return ({ n with W = Array.map ((*) scale) n.W; B = n.B * scale }: Neuron), X, Y, scale
        }
    Spec.property "S03 / sigmoid neuron / the loss equals the cross-entropy of its outputs and stays finite for huge logits" case (fun (n, X, Y, scale) ->
        let l = SigmoidNeuron.loss n X Y
        let fromOutputs = Array.map2 (fun x y -> SigmoidNeuron.crossEntropy (SigmoidNeuron.predict n x) y) X Y |> Array.average
        // Where no output is clipped (scale 1: |z| ≤ 2·2·5 + 2 = 22, so 1 − σ ≥ 2.8e-10) the two
        // forms agree up to the rounding of 1 − σ(z) in the probability form: an absolute error
        // ≤ 1.1e-16 on a value ≥ 2.8e-10 puts ≤ 4e-7 into ln(1 − p); we allow 1e-6. At scale
        // 10³..10⁶ σ rounds to 0 or 1, the clipped form saturates at −ln ε ≈ 27.6 and only the logit
        // form is exact: we require it finite and ≥ 0.
        Double.IsFinite l && l >= 0.0 && (scale > 1.0 || abs (l - fromOutputs) <= 1e-6))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3
      law4
      law5
      law6
      law7
      law8 ]
