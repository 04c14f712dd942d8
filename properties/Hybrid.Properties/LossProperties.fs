/// Laws of the cost functions (S18-S23), quantified over every loss case.
module Hybrid.Properties.LossProperties

open FsCheck.FSharp
open Hybrid.Core
open Hybrid.Properties.Generators

let private law1 =
    Spec.property "S19 / losses / every loss gradient equals the central-difference gradient of its value (S19-S23)" lossCase (fun (loss, Yhat, Y) ->
        let analytic = Loss.gradient loss Yhat Y
        let numerical = Numerical.gradient Tolerance.h (fun P -> Loss.value loss P Y) Yhat
        Tolerance.expectGradient (Loss.name loss) analytic numerical)

let private law2 =
    Spec.property "S18 / losses / every loss gradient has the shape of the prediction" lossCase (fun (loss, Yhat, Y) -> Mat.sameShape (Loss.gradient loss Yhat Y) Yhat)

let private law3 =
    Spec.property "S18 / losses / every mean loss of a batch is the mean of its per-example losses" lossCase (fun (loss, Yhat, Y) ->
        let perExample = [ for i in 0 .. Y.RowCount - 1 -> Loss.value loss (Yhat.SubMatrix(i, 1, 0, Yhat.ColumnCount)) (Y.SubMatrix(i, 1, 0, Y.ColumnCount)) ]
        let whole = Loss.value loss Yhat Y
        match loss with
        | SumOfSquares -> Tolerance.close 1e-12 whole (List.sum perExample)
        | _ -> Tolerance.close 1e-12 whole (List.average perExample))

let private logitCase =
    gen {
        let! n = dim 5
        let! k = dim 5
        let! Z = matrix 6.0 n k
        let! Yb = matrix 1.0 n k |> Gen.map (Mat.map abs)
        let! Yc = oneHot n k
        return Z, Yb, Yc
    }

let private law4 =
    Spec.property "S21 / sigmoid + BCE / the fused form equals sigmoid then BCE, and its dZ is (yhat − y) over N" logitCase (fun (Z, Y, _) ->
        let J, dZ = Loss.sigmoidCrossEntropy Z Y
        let Yhat = Activation.forward Sigmoid Z
        let composed = Activation.backward Sigmoid Z (Loss.binaryCrossEntropy' Yhat Y)
        if not (Tolerance.close 1e-10 J (Loss.binaryCrossEntropy Yhat Y)) then failwithf "value %g vs %g" J (Loss.binaryCrossEntropy Yhat Y)
        Tolerance.expectClose "dZ vs composed" 1e-9 composed dZ
        Tolerance.expectClose "dZ vs (yhat - y)/N" 1e-15 ((Yhat - Y) / float Z.RowCount) dZ)

let private law5 =
    Spec.property "S22 / softmax + CE / the fused form equals softmax then CE, and its dZ is (p − y) over N for one-hot rows" logitCase (fun (Z, _, Y) ->
        let J, dZ = Loss.softmaxCrossEntropy Z Y
        let P = Activation.softmax Z
        let composed = Activation.backward Softmax Z (Loss.crossEntropy' P Y)
        if not (Tolerance.close 1e-10 J (Loss.crossEntropy P Y)) then failwithf "value %g vs %g" J (Loss.crossEntropy P Y)
        Tolerance.expectClose "dZ vs composed" 1e-9 composed dZ
        Tolerance.expectClose "dZ vs (p - y)/N" 1e-15 ((P - Y) / float Z.RowCount) dZ)

let private law6 =
    Spec.property "S21 / sigmoid + BCE / the fused logit gradients (and softmax + CE's, S22) match central differences of the fused values" logitCase (fun (Z, Yb, Yc) ->
        Tolerance.expectGradient "sigmoid+BCE" (snd (Loss.sigmoidCrossEntropy Z Yb)) (Numerical.gradient Tolerance.h (fun Z -> fst (Loss.sigmoidCrossEntropy Z Yb)) Z)
        Tolerance.expectGradient "softmax+CE" (snd (Loss.softmaxCrossEntropy Z Yc)) (Numerical.gradient Tolerance.h (fun Z -> fst (Loss.softmaxCrossEntropy Z Yc)) Z))

let private law7 =
    let extreme =
        gen {
            let! n = dim 4
            let! k = Gen.choose (2, 4)
            let! P = matrixOf (Gen.elements [ 0.0; 1.0 ]) n k
            let! Z = matrixOf (Gen.elements [ -1000.0; -745.0; 0.0; 709.0; 1000.0 ]) n k
            let! Yb = matrixOf (Gen.elements [ 0.0; 1.0 ]) n k
            let! Yc = oneHot n k
            return P, Z, Yb, Yc
        }
    Spec.property "S03 / losses / stay finite for predictions of exactly 0 or 1 and logits of ±1e3 (S21, S22)" extreme (fun (P, Z, Yb, Yc) ->
        let finite (x: float) = System.Double.IsFinite x
        finite (Loss.binaryCrossEntropy P Yb) && Mat.isFinite (Loss.binaryCrossEntropy' P Yb)
        && finite (Loss.crossEntropy P Yc) && Mat.isFinite (Loss.crossEntropy' P Yc)
        && finite (fst (Loss.sigmoidCrossEntropy Z Yb)) && Mat.isFinite (snd (Loss.sigmoidCrossEntropy Z Yb))
        && finite (fst (Loss.softmaxCrossEntropy Z Yc)) && Mat.isFinite (snd (Loss.softmaxCrossEntropy Z Yc))
        && finite (Loss.logistic Z (Mat.map (fun y -> 2.0 * y - 1.0) Yb)))

let private law8 =
    let case = gen { let! r = dim 4 in let! c = dim 4 in let! W = matrix 3.0 r c in let! l = floatIn 0.0 2.0 in return l, W }
    Spec.property "S23 / L2 / the penalty gradient equals the central difference of λ·ΣW²" case (fun (lambda, W) ->
        Tolerance.expectGradient "L2" (Regularization.l2' lambda W) (Numerical.gradient Tolerance.h (Regularization.l2 lambda) W))

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
