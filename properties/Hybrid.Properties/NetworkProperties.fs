/// Laws of whole networks: backpropagation (BP1-BP4) on generated networks (S14-S18, S28).
module Hybrid.Properties.NetworkProperties

open Xunit
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

[<Fact>]
let ``S15 S16 S17 every parameter gradient of a generated network matches central differences`` () =
    Runner.checkScaled 0.5 (Prop.forAll (FsCheck.FSharp.Arb.fromGen networkCase) (fun (net, loss, X, Y) ->
        let _, grads = Network.lossAndGradient loss net X Y
        expectAll (Loss.name loss) (fun n -> Network.loss loss n X Y) net grads))

[<Fact>]
let ``S13 S14 every network gradient has the shape of its parameter`` () =
    Runner.forAll networkCase (fun (net, loss, X, Y) ->
        let _, grads = Network.lossAndGradient loss net X Y
        List.forall2 Mat.sameShape grads (Network.parameters net))

[<Fact>]
let ``S28 the batch gradient is the mean of the per-example gradients`` () =
    Runner.forAllAssert networkCase (fun (net, loss, X, Y) ->
        let _, batch = Network.lossAndGradient loss net X Y
        let rows (M: Matrix<float>) i = M.SubMatrix(i, 1, 0, M.ColumnCount)
        let perExample = [ for i in 0 .. X.RowCount - 1 -> snd (Network.lossAndGradient loss net (rows X i) (rows Y i)) ]
        let combine = match loss with SumOfSquares -> 1.0 | _ -> 1.0 / float X.RowCount
        let expected = perExample |> List.reduce (List.map2 (+)) |> List.map (fun g -> combine * g)
        List.iter2 (Tolerance.expectClose "batch vs mean of examples" 1e-10) expected batch)

[<Fact>]
let ``S23 L2 adds lambda sum W^2 and its gradient to the weights only, matching central differences`` () =
    Runner.checkScaled 0.3 (Prop.forAll (FsCheck.FSharp.Arb.fromGen networkCase) (fun (net, loss, X, Y) ->
        let lambda = 0.37
        let lossOf n = fst (Network.lossAndGradientWith lambda None loss n X Y)
        let _, grads = Network.lossAndGradientWith lambda None loss net X Y
        expectAll "L2" lossOf net grads))

[<Fact>]
let ``S34 dropout with a fixed mask seed backpropagates exactly (gradients match central differences)`` () =
    let seed = 11
    // A dropout layer in front of a generated network; the mask (fixed by the seed) changes the
    // downstream pre-activations, so the cases are re-filtered to stay clear of kinks.
    let withDropout =
        networkCase
        |> Gen.map (fun (net, loss, X, Y) -> Network.create (DropoutLayer 0.4 :: net.Layers), loss, X, Y)
        |> Gen.filter (fun (net, _, X, _) ->
            match Network.forwardCache (Some seed) net X with
            | _, DropoutCache(Some mask) :: _ -> clearOfKinks 1e-3 (Network.create net.Layers.Tail) (Mat.hadamard X mask)
            | _ -> false)
    Runner.checkScaled 0.3 (Prop.forAll (FsCheck.FSharp.Arb.fromGen withDropout) (fun (net, loss, X, Y) ->
        let lossOf n = fst (Network.lossAndGradientWith 0.0 (Some seed) loss n X Y)
        let _, grads = Network.lossAndGradientWith 0.0 (Some seed) loss net X Y
        expectAll "dropout" lossOf net grads))

[<Fact>]
let ``S17 theta round-trips: ofVector (toVector net) reproduces every parameter`` () =
    Runner.forAll networkCase (fun (net, _, _, _) ->
        let theta = Network.toVector net
        theta.Length = Network.parameterCount net
        && List.forall2 (fun (a: Matrix<float>) b -> a.Equals b) (Network.parameters net) (Network.parameters (Network.ofVector net theta)))

[<Fact>]
let ``S34 dropout is the identity at inference and keeps the mean in training`` () =
    let X = Mat.constant 200 50 1.0
    let net = Network.create [ DropoutLayer 0.3; DenseLayer(Dense.create (Mat.init 50 50 (fun i j -> if i = j then 1.0 else 0.0)) (Mat.zeros 1 50) Identity) ]
    Assert.True((Network.forward net X).Equals X)
    let A, _ = Network.forwardCache (Some 5) net X
    // 10,000 Bernoulli(0.7) draws scaled by 1/0.7: mean 1, std of the mean √(0.3/0.7)/100 ≈ 0.0065; 5σ band.
    Assert.InRange(Mat.sum A / 10000.0, 1.0 - 0.033, 1.0 + 0.033)
