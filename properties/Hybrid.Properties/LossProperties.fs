/// Laws of the cost functions (S18-S23), quantified over every loss case.
module Hybrid.Properties.LossProperties

open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
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
        let! Yc = softLabels n k
        return Z, Yb, Yc
    }

/// Row-wise softmax written out independently of Activation.softmax: e^(z − max) / Σ e^(z − max).
let private softmaxByHand (Z: Matrix<float>) : Matrix<float> =
    Mat.init Z.RowCount Z.ColumnCount (fun i j ->
        let row = Z.Row(i).ToArray()
        let m = Array.max row
        exp (Z.[i, j] - m) / (row |> Array.sumBy (fun z -> exp (z - m))))

let private law4 =
    Spec.property "S21 / sigmoid + BCE / the fused form equals sigmoid then BCE, and its dZ is (yhat − y) over N" logitCase (fun (Z, Y, _) ->
        let J, dZ = Loss.sigmoidCrossEntropy Z Y
        let Yhat = Activation.forward Sigmoid Z
        let composed = Activation.backward Sigmoid Z (Loss.binaryCrossEntropy' Yhat Y)
        if not (Tolerance.close 1e-10 J (Loss.binaryCrossEntropy Yhat Y)) then failwithf "value %g vs %g" J (Loss.binaryCrossEntropy Yhat Y)
        Tolerance.expectClose "dZ vs composed" 1e-9 composed dZ
        Tolerance.expectClose "dZ vs (yhat - y)/N" 1e-15 ((Yhat - Y) / float Z.RowCount) dZ)

let private law5 =
    Spec.property "S22 / softmax + CE / the fused form equals softmax then CE, and its dZ is (p·Σy − y) over N for targets of any row sum" logitCase (fun (Z, _, Y) ->
        let J, dZ = Loss.softmaxCrossEntropy Z Y
        let P = Activation.softmax Z
        let composed = Activation.backward Softmax Z (Loss.crossEntropy' P Y)
        if not (Tolerance.close 1e-10 J (Loss.crossEntropy P Y)) then failwithf "value %g vs %g" J (Loss.crossEntropy P Y)
        Tolerance.expectClose "dZ vs composed" 1e-9 composed dZ
        // dJ/dz_ij = p_ij·Σ_k y_ik − y_ij over N, with p by hand: rows summing to 0, 1, or more.
        let Q, n = softmaxByHand Z, float Z.RowCount
        let expected = Mat.init Z.RowCount Z.ColumnCount (fun i j -> (Q.[i, j] * Y.Row(i).Sum() - Y.[i, j]) / n)
        Tolerance.expectClose "dZ vs (p·Σy - y)/N" 1e-14 expected dZ)

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


/// Entries on a grid of eighths (exact in binary), so that ŷ = y, y·f = 1 and a zero multiclass
/// margin s_j − s_y + 1 = 0 occur often and exactly: the subgradient chosen at each kink is checked
/// at the kink itself, against the formula written out here.
let private eighths (r: int) : Gen<float> = Gen.choose (-8 * r, 8 * r) |> Gen.map (fun k -> float k / 8.0)

let private lawMaeKink =
    let case = gen { let! n, m = Gen.zip (dim 5) (dim 4) in let! Y = matrixOf (eighths 2) n m in let! D = matrixOf (Gen.frequency [ 1, Gen.constant 0.0; 2, eighths 1 ]) n m in return Y + D, Y }
    Spec.property "S19 / MAE / the gradient is sign(ŷ − y) over N, and 0 exactly at ŷ = y" case (fun (Yhat, Y) ->
        let n = float Y.RowCount
        let expected = Mat.init Y.RowCount Y.ColumnCount (fun i j -> let d = Yhat.[i, j] - Y.[i, j] in if d > 0.0 then 1.0 / n elif d < 0.0 then -1.0 / n else 0.0)
        Tolerance.expectClose "MAE gradient" 0.0 expected (Loss.mae' Yhat Y))

let private lawHingeKink =
    let case = gen { let! n, m = Gen.zip (dim 5) (dim 4) in let! Y = signs n m in let! Fs = matrixOf (Gen.frequency [ 1, Gen.constant 1.0; 1, Gen.constant -1.0; 2, eighths 2 ]) n m in return Fs, Y }
    Spec.property "S23 / hinge / the gradient is −y over N where y·f < 1, and 0 from y·f = 1 on" case (fun (Fs, Y) ->
        let n = float Y.RowCount
        let expected = Mat.init Y.RowCount Y.ColumnCount (fun i j -> if Y.[i, j] * Fs.[i, j] < 1.0 then -Y.[i, j] / n else 0.0)
        Tolerance.expectClose "hinge gradient" 0.0 expected (Loss.hinge' Fs Y))

let private lawMulticlassKink =
    let case = gen { let! n, k = Gen.zip (dim 5) (Gen.choose (2, 5)) in let! S = matrixOf (eighths 1) n k in let! Y = oneHot n k in return S, Y }
    Spec.property "S23 / multiclass hinge / the gradient counts only strictly positive margins (0 at a zero margin)" case (fun (S, Y) ->
        let n = float Y.RowCount
        let expected = Mat.zeros S.RowCount S.ColumnCount
        for i in 0 .. S.RowCount - 1 do
            let y = Seq.findIndex ((=) 1.0) (Y.Row(i).Enumerate())
            for j in 0 .. S.ColumnCount - 1 do
                if j <> y && S.[i, j] - S.[i, y] + 1.0 > 0.0 then
                    expected.[i, j] <- expected.[i, j] + 1.0 / n
                    expected.[i, y] <- expected.[i, y] - 1.0 / n
        Tolerance.expectClose "multiclass hinge gradient" 0.0 expected (Loss.multiclassHinge' S Y))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3
      law4
      law5
      law6
      law7
      law8
      lawMaeKink
      lawHingeKink
      lawMulticlassKink ]
