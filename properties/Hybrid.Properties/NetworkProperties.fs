/// Laws of whole networks: backpropagation (BP1-BP4) on generated networks (S14-S18, S28).
module Hybrid.Properties.NetworkProperties

open Expecto
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core
open Hybrid.Properties.Generators

/// ∂J/∂P for the parameter at `index`, by central differences of the whole network's loss.
let private numericalGradient (lossOf: Network -> float) (net: Network) (index: int) : Matrix<float> =
    let ps = Network.parameters net
    Numerical.gradient Tolerance.h (fun p -> lossOf (Network.withParameters net (List.mapi (fun i q -> if i = index then p else q) ps))) ps.[index]

let private expectAll (what: string) (lossOf: Network -> float) (net: Network) (grads: Matrix<float> list) =
    let names = Network.parameterNames net
    grads |> List.iteri (fun i g -> Tolerance.expectGradient (sprintf "%s, %s" what names.[i]) g (numericalGradient lossOf net i))

let private law1 =
    Spec.scaled 0.5 (Spec.property "S15 / backprop / every parameter gradient of a generated network matches central differences (S15-S17)" networkCase (fun (net, loss, X, Y) ->
        let _, grads = Network.lossAndGradient loss net X Y
        expectAll (Loss.name loss) (fun n -> Network.loss loss n X Y) net grads))

let private law2 =
    Spec.property "S14 / shapes / every network gradient has the shape of its parameter" networkCase (fun (net, loss, X, Y) ->
        let _, grads = Network.lossAndGradient loss net X Y
        List.forall2 Mat.sameShape grads (Network.parameters net))

let private law3 =
    Spec.property "S28 / minibatch / the batch gradient is the mean of the per-example gradients" networkCase (fun (net, loss, X, Y) ->
        let _, batch = Network.lossAndGradient loss net X Y
        let rows (M: Matrix<float>) i = M.SubMatrix(i, 1, 0, M.ColumnCount)
        let perExample = [ for i in 0 .. X.RowCount - 1 -> snd (Network.lossAndGradient loss net (rows X i) (rows Y i)) ]
        let combine = match loss with SumOfSquares -> 1.0 | _ -> 1.0 / float X.RowCount
        let expected = perExample |> List.reduce (List.map2 (+)) |> List.map (fun g -> combine * g)
        List.iter2 (Tolerance.expectClose "batch vs mean of examples" 1e-10) expected batch)

let private law4 =
    Spec.scaled 0.3 (Spec.property "S23 / L2 / a network adds λ·ΣW² and its gradient to the weights only, matching central differences" networkCase (fun (net, loss, X, Y) ->
        let lambda = 0.37
        let lossOf n = fst (Network.lossAndGradientWith lambda None loss n X Y)
        let _, grads = Network.lossAndGradientWith lambda None loss net X Y
        expectAll "L2" lossOf net grads))

let private law5 =
    let seed = 11
    // A dropout layer in front of a generated network; the masks (fixed by the seed: this one's and
    // those of any dropout layer the generator drew) change the downstream pre-activations, so the
    // cases are re-filtered to stay clear of kinks in the very forward pass the law differentiates.
    // (Filtered at inference behind the first mask only, an inner dropout's mask was missed: a case
    // with a second dropout put an ELU pre-activation on its kink and failed at 4e-3.)
    let withDropout =
        networkCase
        |> Gen.map (fun (net, loss, X, Y) -> Network.create (DropoutLayer 0.4 :: net.Layers), loss, X, Y)
        |> Gen.filter (fun (net, _, X, _) -> clearOfKinksWith (Some seed) 1e-3 net X)
    Spec.scaled 0.3 (Spec.property "S34 / dropout / with a fixed mask seed it backpropagates exactly (gradients match central differences)" withDropout (fun (net, loss, X, Y) ->
        let lossOf n = fst (Network.lossAndGradientWith 0.0 (Some seed) loss n X Y)
        let _, grads = Network.lossAndGradientWith 0.0 (Some seed) loss net X Y
        expectAll "dropout" lossOf net grads))

let private law6 =
    Spec.property "S17 / theta / ofVector (toVector net) reproduces every parameter" networkCase (fun (net, _, _, _) ->
        let theta = Network.toVector net
        theta.Length = Network.parameterCount net
        && List.forall2 (fun (a: Matrix<float>) b -> a.Equals b) (Network.parameters net) (Network.parameters (Network.ofVector net theta)))

let private law7 =
    Spec.example "S34 / dropout / the identity at inference, and keeps the mean in training" (fun () ->
        let X = Mat.constant 200 50 1.0
        let net = Network.create [ DropoutLayer 0.3; DenseLayer(Dense.create (Mat.init 50 50 (fun i j -> if i = j then 1.0 else 0.0)) (Mat.zeros 1 50) Identity) ]
        Expect.isTrue ((Network.forward net X).Equals X) "dropout at inference is the identity"
        let A, _ = Network.forwardCache (Some 5) net X
        // 10,000 Bernoulli(0.7) draws scaled by 1/0.7: mean 1, std of the mean √(0.3/0.7)/100 ≈ 0.0065; 5σ band.
        let mean = Mat.sum A / 10000.0
        Expect.isTrue (abs (mean - 1.0) <= 0.033) (sprintf "training-time mean %g is not within 0.033 of 1" mean))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3
      law4
      law5
      law6
      law7 ]
