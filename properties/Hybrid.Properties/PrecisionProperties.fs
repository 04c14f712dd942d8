/// Training in float32 (Precision.Single) against float64: how far one step may drift, stated from
/// float32's unit roundoff u = 2⁻²⁴ and the condition of each operation, and checked.
module Hybrid.Properties.PrecisionProperties

open System
open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core
open Hybrid.Properties.Generators

/// float32's unit roundoff: a correctly rounded float32 operation has relative error at most u.
let private u = Math.Pow(2.0, -24.0)

/// γ_n = n·u/(1 − n·u), the relative error bound of a sum of n terms (Higham, "Accuracy and
/// Stability of Numerical Algorithms", §3.1), of a dot product of length n with fused multiply-adds.
let private gamma (n: int) = float n * u / (1.0 - float n * u)

let private round32 (M: Matrix<float>) = Mat.map (fun x -> float (float32 x)) M
let private absM (M: Matrix<float>) = Mat.map abs M

/// The smooth activations the law draws, with bounds on |g′| (L) and on |g″| (L′): σ′ ≤ 1/4,
/// σ″ ≤ 0.0963; tanh′ ≤ 1, |tanh″| ≤ 0.770; softplus′ = σ ≤ 1, softplus″ = σ′ ≤ 1/4; swish′ ≤ 1.100,
/// |swish″| ≤ 1/2; arctan′ ≤ 1, |arctan″| ≤ 0.650. (ReLU's family is left out: at a kink a float32
/// rounding may flip g′, which no first-order bound covers; the other laws cover it.)
let private smooth = [ Identity, 1.0, 0.0; Sigmoid, 0.25, 0.0963; Tanh, 1.0, 0.770; SoftPlus, 1.0, 0.25; Swish, 1.1, 0.5; Arctan, 1.0, 0.65 ]

/// One step of plain SGD on the fast path at `precision` from `net` (one batch of every row of X).
let private stepIn (precision: Precision) (eta: float) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : Matrix<float> list =
    let config = { Loss = MeanSquaredError; Rule = PlainSgd; LearningRate = eta; Schedule = ConstantRate; L2 = 0.0; BatchSize = X.RowCount; Epochs = 1; Seed = 0
                   Patience = 0; MinDelta = 0.0; RestoreBest = false; Monitor = MonitorLoss; DivergenceFactor = Training.defaultDivergenceFactor }
    let engine = FastTraining.engineIn precision config net (FastTraining.ofMatrices X Y) None
    match engine.Step(0, 0, Array.init X.RowCount id, eta) with
    | None -> Network.parameters (engine.Snapshot())
    | Some stop -> failwithf "the step stopped: %A" stop

/// The first-order bound on |θ′₃₂ − θ′₆₄| for each parameter after one SGD step on the MSE loss
/// (J = 1/(2N)·Σ(ŷ − y)², ∂J/∂Ŷ = (Ŷ − Y)/N), from the exact float64 values of the step and the
/// float32 error of each operation (inputs and weights exactly representable in float32):
/// - Z = A·W + b (a dot product of d_in terms and the bias): γ_{d_in+1}·(|A|·|W| + |b|) + E_A·|W|;
/// - A = g(Z): L·E_Z + 8u·|A| (float32's exp, tanh, atan and the few operations around them);
/// - dA_L = (A_L − Y)/N (computed in float64, rounded once): E_{A_L}/N + u·|dA_L|;
/// - dZ = dA ⊙ g′(Z): E_dA·|g′| + |dA|·(2·E_A + L′·E_Z + 8u·|g′|) + u·|dZ| (g′ from z, or from the
///   output a = g(z), whose slope in a is at most 2);
/// - dW = Aᵀ·dZ: γ_n·(|A|ᵀ·|dZ|) + E_Aᵀ·|dZ| + |A|ᵀ·E_dZ; db = 1ᵀ·dZ: γ_n·1ᵀ|dZ| + 1ᵀ·E_dZ;
///   dA_prev = dZ·Wᵀ: γ_{d_out}·(|dZ|·|W|ᵀ) + E_dZ·|W|ᵀ;
/// - θ′ = θ − η·g: η·E_g + 2u·|η·g| (η rounded, the product) + u·(|θ| + |η·g|) (the difference).
/// Second-order terms (products of two errors, each ≲ 1e-6) are covered by the factor 2 the law allows.
let private bound (eta: float) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : Matrix<float> list =
    let dense = net.Layers |> List.map (function DenseLayer d -> d | _ -> invalidOp "dense layers only")
    let n = X.RowCount
    // Forward, keeping A, E_A, Z, E_Z of every layer.
    let forward =
        dense |> List.scan (fun (A: Matrix<float>, EA: Matrix<float>, _, _) (d: Dense) ->
            let Z = Dense.linear A d.W d.B
            let EZ = gamma (d.W.RowCount + 1) * Dense.linear (absM A) (absM d.W) (absM d.B) + Mat.mul EA (absM d.W)
            let slope = smooth |> List.pick (fun (g, l, _) -> if g = d.Activation then Some l else None)
            let A' = Activation.forward d.Activation Z
            A', slope * EZ + 8.0 * u * absM A', Z, EZ) (X, Mat.zeros X.RowCount X.ColumnCount, X, X)
    let layers = List.tail forward |> Array.ofList
    let inputs = forward |> List.map (fun (A, EA, _, _) -> A, EA) |> Array.ofList
    let AL, EAL, _, _ = layers.[layers.Length - 1]
    let dAL = (AL - Y) / float n
    let mutable dA, EdA = dAL, EAL / float n + u * absM dAL
    let grads = Array.zeroCreate<Matrix<float> * Matrix<float> * Matrix<float> * Matrix<float>> dense.Length
    for l in dense.Length - 1 .. -1 .. 0 do
        let d = dense.[l]
        let A, EA = inputs.[l]
        let Aout, EAout, Z, EZ = layers.[l]
        let curvature = smooth |> List.pick (fun (g, _, c) -> if g = d.Activation then Some c else None)
        let g' = absM (Activation.derivative d.Activation Z)
        let dZ = Activation.backward d.Activation Z dA
        let EdZ = Mat.hadamard EdA g' + Mat.hadamard (absM dA) (2.0 * EAout + curvature * EZ + 8.0 * u * g') + u * absM dZ
        let dW = Mat.mulTN A dZ
        let EdW = gamma n * Mat.mulTN (absM A) (absM dZ) + Mat.mulTN EA (absM dZ) + Mat.mulTN (absM A) EdZ
        let db = Mat.sumRows dZ
        let Edb = gamma n * Mat.sumRows (absM dZ) + Mat.sumRows EdZ
        grads.[l] <- dW, EdW, db, Edb
        let dAprev = Mat.mulNT dZ d.W
        EdA <- gamma d.W.ColumnCount * Mat.mulNT (absM dZ) (absM d.W) + Mat.mulNT EdZ (absM d.W)
        dA <- dAprev
        ignore Aout
    [ for l in 0 .. dense.Length - 1 do
        let d = dense.[l]
        let dW, EdW, db, Edb = grads.[l]
        let step (theta: Matrix<float>) (g: Matrix<float>) (Eg: Matrix<float>) =
            eta * Eg + 2.0 * u * absM (eta * g) + u * (absM theta + absM (eta * g))
        yield step d.W dW EdW
        yield step d.B db Edb ]

/// A dense network of 1-3 smooth layers (widths 1-5), its weights and data exactly representable in
/// float32, targets, and η.
let private case : Gen<Network * Matrix<float> * Matrix<float> * float> =
    gen {
        let! inputs = dim 5
        let! depth = dim 3
        let! widths = Gen.listOfLength depth (dim 5)
        let! gs = Gen.listOfLength depth (Gen.elements (smooth |> List.map (fun (g, _, _) -> g)))
        let! rows = dim 8
        let! layers =
            List.zip widths gs
            |> List.fold (fun (acc: Gen<(int * Layer) list>) (w, g) ->
                gen {
                    let! built = acc
                    let fanIn = match built with [] -> inputs | (o, _) :: _ -> o
                    let! W = matrix 1.0 fanIn w
                    let! B = matrix 0.5 1 w
                    return (w, DenseLayer(Dense.create (round32 (W / sqrt (float fanIn))) (round32 B) g)) :: built }) (Gen.constant [])
        let net = Network.create (layers |> List.rev |> List.map snd)
        let! X = matrix 2.0 rows inputs
        let! Y = matrix 1.0 rows (Network.outputSize net)
        let! eta = floatIn 0.01 0.5
        return net, round32 X, round32 Y, eta }

let private driftLaw =
    Spec.property "S28 / float32 / one SGD step in float32 differs from the float64 step by at most twice the first-order bound from u = 2⁻²⁴ and each operation's condition" case
        (fun (net, X, Y, eta) ->
            let single = stepIn Precision.Single eta net X Y
            let double = stepIn Precision.Double eta net X Y
            let limits = bound eta net X Y
            List.zip3 single double limits |> List.iteri (fun p (s, d, limit) ->
                for i in 0 .. s.RowCount - 1 do
                    for j in 0 .. s.ColumnCount - 1 do
                        let diff = abs (s.[i, j] - d.[i, j])
                        if not (diff <= 2.0 * limit.[i, j]) then
                            failwithf "parameter %d (%d, %d): float32 %.9g, float64 %.17g, difference %.3g above twice the bound %.3g" p i j s.[i, j] d.[i, j] diff limit.[i, j]))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list = [ driftLaw ]
