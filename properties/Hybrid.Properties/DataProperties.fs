/// Laws of the data helpers (S24, S30, S32).
module Hybrid.Properties.DataProperties

open FsCheck.FSharp
open Hybrid.Core
open Hybrid.Properties.Generators

let private law1 =
    let case = gen { let! k = dim 10 in let! n = dim 20 in let! labels = Gen.arrayOfLength n (Gen.choose (0, k - 1)) in return k, labels }
    Spec.property "S24 / one-hot / rows have a single 1, at the label" case (fun (k, labels) ->
        let Y = Data.oneHot k labels
        Mat.argmaxRows Y = labels && Y.RowSums().Enumerate() |> Seq.forall ((=) 1.0) && Y.Enumerate() |> Seq.forall (fun v -> v = 0.0 || v = 1.0))

let private law2 =
    let case = gen { let! k = Gen.choose (2, 10) in let! n = dim 20 in let! labels = Gen.arrayOfLength n (Gen.choose (0, k - 1)) in return k, labels }
    Spec.property "S32 / accuracy / one-hot scores against their own labels give 1, and of a wrong class 0" case (fun (k, labels) ->
        Data.accuracy (Data.oneHot k labels) labels = 1.0
        && Data.accuracy (Data.oneHot k (labels |> Array.map (fun y -> (y + 1) % k))) labels = 0.0)

let private law3 =
    let case = gen { let! n = Gen.choose (2, 30) in let! d = dim 6 in let! X = matrix 100.0 n d in return X }
    Spec.property "S30 / standardisation / with its own statistics gives column means 0 and standard deviations 1" case (fun X ->
        let s = Data.fit X
        let Z = Data.standardize s X
        // Column means and population standard deviations √(1/n Σ (z − mean)²), by hand.
        let n = float Z.RowCount
        let column j = Z.Column(j).ToArray()
        let mean j = Array.sum (column j) / n
        let sd j = sqrt ((column j |> Array.sumBy (fun z -> (z - mean j) ** 2.0)) / n)
        [ 0 .. Z.ColumnCount - 1 ] |> List.forall (fun j ->
            abs (mean j) <= 1e-12 && (abs (sd j - 1.0) <= 1e-12 || X.Column(j).ToArray() |> Array.forall ((=) X.[0, j]))))

let private law4 =
    let case = gen { let! d = dim 5 in let! A = matrix 10.0 8 d in let! B = matrix 10.0 3 d in return A, B }
    Spec.property "S30 / standardisation / statistics fitted on one set apply unchanged to another" case (fun (A, B) ->
        let s = Data.fit A
        let Z = Data.standardize s B
        Seq.forall (fun i -> Seq.forall (fun j -> abs (Z.[i, j] - (B.[i, j] - s.Mean.[0, j]) / s.Std.[0, j]) <= 1e-12) [ 0 .. B.ColumnCount - 1 ]) [ 0 .. B.RowCount - 1 ])

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3
      law4 ]
