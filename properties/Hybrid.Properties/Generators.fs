/// Generators of valid cases by construction: shapes first (they shrink first), values in a
/// well-conditioned range.
module Hybrid.Properties.Generators

open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// A dimension in 1..max.
let dim (max: int) : Gen<int> = Gen.choose (1, max)

/// A float uniformly in [lo, hi].
let floatIn (lo: float) (hi: float) : Gen<float> =
    Gen.choose (0, 1_000_000) |> Gen.map (fun k -> lo + (hi - lo) * float k / 1_000_000.0)

/// A rows×cols matrix with entries from `entry`.
let matrixOf (entry: Gen<float>) (rows: int) (cols: int) : Gen<Matrix<float>> =
    Gen.arrayOfLength (rows * cols) entry
    |> Gen.map (fun xs -> Mat.init rows cols (fun i j -> xs.[i * cols + j]))

/// A rows×cols matrix with entries in [−r, r].
let matrix (r: float) (rows: int) (cols: int) : Gen<Matrix<float>> = matrixOf (floatIn -r r) rows cols

/// A float in [−r, r] at least `gap` away from every point of `kinks`.
let awayFrom (kinks: float list) (gap: float) (r: float) : Gen<float> =
    floatIn -r r |> Gen.filter (fun x -> kinks |> List.forall (fun k -> abs (x - k) >= gap))

/// Every activation case, with hyper-parameters drawn from their valid ranges.
let activation : Gen<Activation> =
    Gen.oneof [
        Gen.constant Identity
        Gen.constant BinaryStep
        Gen.constant Sigmoid
        Gen.constant Tanh
        Gen.constant Arctan
        Gen.constant ReLU
        floatIn 0.0 0.3 |> Gen.map LeakyReLU
        floatIn -0.5 0.5 |> Gen.map PReLU
        floatIn 0.1 2.0 |> Gen.map ELU
        Gen.constant SoftPlus
        Gen.constant Softmax ]

/// Every activation case (one representative each): a test over this list checks a new case
/// as soon as it is added to `activation` and here.
let allActivations : Activation list =
    [ Identity; BinaryStep; Sigmoid; Tanh; Arctan; ReLU; LeakyReLU 0.01; LeakyReLU 0.1; PReLU 0.25; ELU 1.0; ELU 0.5; SoftPlus; Softmax ]
