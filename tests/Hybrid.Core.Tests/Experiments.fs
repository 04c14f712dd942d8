/// The course's experiments, at sizes that run in about a second each.
module Hybrid.Core.Tests.Experiments

open System
open Xunit
open Xunit.Abstractions
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// Per-layer standard deviation of the activations of 10 layers of 500 units fed with a
/// standard normal input, as in the S31 experiment (slides: input randn(1000, 500); the same here,
/// which estimates each std from 500,000 values).
let private activationStds (g: Activation) (init: Initializer) : float list =
    let X = Init.matrix (Normal 1.0) 1 1000 500
    let layers = [ 0 .. 9 ] |> List.map (fun l -> Init.matrix init (100 + l) 500 500)
    let _, stds =
        layers |> List.fold (fun (A: Matrix<float>, acc) W ->
            let H = Activation.forward g (Mat.mul A W)
            let xs = H.Enumerate() |> Array.ofSeq
            let mean = Array.average xs
            H, sqrt (xs |> Array.averageBy (fun x -> (x - mean) ** 2.0)) :: acc) (X, [])
    List.rev stds

type S31ActivationStatistics(output: ITestOutputHelper) =
    let show name (stds: float list) = output.WriteLine(sprintf "%-16s %s" name (stds |> List.map (sprintf "%.4f") |> String.concat " "))

    [<Fact>]
    member _.``S31 tanh with 0.01 randn: std 0.21, 0.048, 0.011 ... vanishing by layer 10`` () =
        let s = activationStds Tanh SmallRandom
        show "tanh 0.01" s
        Assert.InRange(s.[0], 0.20, 0.23)
        Assert.InRange(s.[1], 0.045, 0.051)
        Assert.InRange(s.[2], 0.0100, 0.0120)
        Assert.True(s.[9] < 1e-6, sprintf "layer 10 std %g" s.[9])

    [<Fact>]
    member _.``S31 tanh with 1.0 randn saturates: std about 0.98 at every layer`` () =
        let s = activationStds Tanh (Normal 1.0)
        show "tanh 1.0" s
        for v in s do Assert.InRange(v, 0.95, 1.0)

    [<Fact>]
    member _.``S31 tanh with Xavier (randn/sqrt fan_in): std 0.63, 0.49, 0.41 ... about 0.23 at layer 10`` () =
        let s = activationStds Tanh LeCunNormal
        show "tanh Xavier" s
        Assert.InRange(s.[0], 0.60, 0.66)
        Assert.InRange(s.[1], 0.46, 0.52)
        Assert.InRange(s.[2], 0.38, 0.44)
        Assert.InRange(s.[9], 0.19, 0.27)

    [<Fact>]
    member _.``S31 ReLU with Xavier halves the variance per layer: std 0.58 ... about 0.026`` () =
        let s = activationStds ReLU LeCunNormal
        show "relu Xavier" s
        Assert.InRange(s.[0], 0.55, 0.61)
        Assert.InRange(s.[9], 0.015, 0.04)

    [<Fact>]
    member _.``S31 ReLU with He keeps the std about 0.83 at every layer`` () =
        // By hand: a unit input gives pre-activations N(0, 2), and ReLU of N(0, 2) has variance
        // 2·(1/2 − 1/(2π)) = 1 − 1/π, std 0.826; He keeps that second moment layer after layer.
        // At width 500 each layer's gain is itself random, so the std drifts as a random walk:
        // measured over layer seeds 100+l .. 600+l, layers 2-10 stayed within 0.59..1.02 (this
        // seed set: 0.83 0.84 0.88 0.88 0.96 1.00 1.02 0.98 0.98 1.01), while Xavier falls to 0.03.
        let s = activationStds ReLU HeNormal
        show "relu He" s
        Assert.InRange(s.[0], 0.80, 0.85)
        for v in s do Assert.InRange(v, 0.55, 1.10)

    [<Fact>]
    member _.``S31 zero weights: every unit of a layer computes the same and gets the same gradient`` () =
        let net = Network.dense 3 Zeros 4 [ 5, Tanh; 2, Sigmoid ]
        let X = Init.matrix (Normal 1.0) 9 6 4
        let Y = Data.oneHot 2 [| 0; 1; 1; 0; 1; 0 |]
        let _, grads = Network.lossAndGradient BinaryCrossEntropy net X Y
        let dW1 = grads.[0]
        for j in 1 .. 4 do Assert.True(dW1.Column(j).Equals(dW1.Column 0), "symmetric units get identical gradients")

/// S29: the "20 lines" two-layer network (N, D_in, H, D_out = 64, 1000, 100, 10; sigmoid
/// hidden layer; linear output; sum-of-squares loss; plain gradient descent at lr 1e-4). The
/// slides run 2000 iterations; 100 here already cut the loss by more than 90%.
[<Fact>]
let ``S29 the 20-lines network: sum-of-squares loss falls under gradient descent at lr 1e-4`` () =
    let X = Init.matrix (Normal 1.0) 1 64 1000
    let Y = Init.matrix (Normal 1.0) 2 64 10
    let net0 = Network.dense 3 (Normal 1.0) 1000 [ 100, Sigmoid; 10, Identity ]
    let first = Network.loss SumOfSquares net0 X Y
    let trained = (net0, [ 1 .. 100 ]) ||> List.fold (fun net _ -> fst (Optimizer.step 1e-4 SumOfSquares net X Y))
    let last = Network.loss SumOfSquares trained X Y
    Assert.True(last < 0.1 * first, sprintf "loss %g -> %g" first last)

/// S27: gradient descent trains XOR (the demo's network) to four correct outputs.
[<Fact>]
let ``S27 S15 gradient descent learns XOR with a 2-4-1 network`` () =
    let X = Mat.ofRows [| [| 0.0; 0.0 |]; [| 0.0; 1.0 |]; [| 1.0; 0.0 |]; [| 1.0; 1.0 |] |]
    let Y = Mat.ofRows [| [| 0.0 |]; [| 1.0 |]; [| 1.0 |]; [| 0.0 |] |]
    let net = (Network.dense 7 XavierNormal 2 [ 4, Tanh; 1, Sigmoid ], [ 1 .. 1000 ]) ||> List.fold (fun n _ -> fst (Optimizer.step 0.5 BinaryCrossEntropy n X Y))
    let P = Network.forward net X
    for i in 0 .. 3 do Assert.Equal(Y.[i, 0], (if P.[i, 0] >= 0.5 then 1.0 else 0.0))
    Assert.True(Network.loss BinaryCrossEntropy net X Y < 0.02)
