/// Gradient checking of a whole network (S26): NetworkCheck.check, as `hybrid gradcheck` runs it.
module Hybrid.Core.Tests.NetworkCheckTests

open Xunit
open Hybrid.Core

let private X = Init.matrix (Normal 1.0) 11 5 3
let private Y = Data.oneHot 3 [| 0; 2; 1; 1; 0 |]
let private net = Network.dense 3 XavierNormal 3 [ 4, Tanh; 3, Softmax ]

[<Fact>]
let ``every parameter of a small network agrees with central differences`` () =
    let checks = NetworkCheck.check 1e-5 1e-8 0.01 CategoricalCrossEntropy net X Y
    Assert.Equal<string list>([ "layer 0 W"; "layer 0 b"; "layer 1 W"; "layer 1 b" ], List.map fst checks)
    // Central differences of smooth functions at h = 1e-5 agree with exact gradients to ~1e-9
    // relative; 1e-6 leaves room for rounding in the loss (J ~ 1, eps·J/h ~ 1e-11).
    for name, c in checks do Assert.True(c.MaxRelativeError < 1e-6, sprintf "%s: %g" name c.MaxRelativeError)

[<Fact>]
let ``the check finds a wrong gradient and where it is`` () =
    let _, grads = Network.lossAndGradientWith 0.0 None CategoricalCrossEntropy net X Y
    let wrong = grads |> List.mapi (fun i g -> if i = 2 then (let w = g.Clone() in w.[2, 1] <- w.[2, 1] + 0.5; w) else g)
    let checks = NetworkCheck.checkAgainst 1e-5 1e-8 0.0 CategoricalCrossEntropy net X Y wrong |> Map.ofList
    let c = checks.["layer 1 W"]
    Assert.Equal((2, 1), (c.Row, c.Column))
    Assert.True(c.MaxRelativeError > 0.1, sprintf "%g" c.MaxRelativeError)
    // The numerical value there is the true derivative: backprop's own value before the planted error.
    Assert.Equal(grads.[2].[2, 1], c.Numerical, 6)
    Assert.True(checks.["layer 0 W"].MaxRelativeError < 1e-6)

/// x = 1 into one ReLU unit whose pre-activation is z = 1e-7, then a linear output: a step of
/// ±1e-5 on that unit's weight or bias puts z on both sides of ReLU's kink at 0, so the central
/// difference is the average of the slopes 1 and 0, not the derivative 1 backprop gives there.
let private onTheKink () =
    let hidden = Dense.create (Mat.constant 1 1 1e-7) (Mat.zeros 1 1) ReLU
    let output = Dense.create (Mat.constant 1 1 2.0) (Mat.constant 1 1 0.5) Identity
    Network.create [ DenseLayer hidden; DenseLayer output ], Mat.constant 1 1 1.0, Mat.constant 1 1 3.0

[<Fact>]
let ``S26 a step that straddles a ReLU kink is left out and counted, and every other entry is checked`` () =
    let net, X, Y = onTheKink ()
    // tiny = 1e-4: ∂J/∂W₂ = (ŷ − y)·relu(z) ≈ −2.5e-7 is compared absolutely, since the loss's own
    // rounding in a central difference (ε·J/h ≈ 2.2e-16·3/1e-5 ≈ 7e-11) is a large part of it.
    let checks = NetworkCheck.check 1e-5 1e-4 0.0 MeanSquaredError net X Y |> Map.ofList
    // Only the hidden unit's W and b move z across 0; the output layer's steps leave z where it is.
    Assert.Equal(1, checks.["layer 0 W"].Excluded)
    Assert.Equal(1, checks.["layer 0 b"].Excluded)
    Assert.Equal(0, checks.["layer 1 W"].Excluded)
    Assert.Equal(0, checks.["layer 1 b"].Excluded)
    for KeyValue(name, c) in checks do Assert.True(c.MaxRelativeError < 1e-6, sprintf "%s: %g" name c.MaxRelativeError)
    // Without the exclusion the straddling entry is the one a central difference gets wrong: by hand,
    // ŷ = 2·relu(z) + 0.5 ≈ 0.5, ∂J/∂W₁ = (ŷ − y)·2·x = −5 on the right of the kink and 0 on its left; the
    // difference averages the two (about −2.5, whatever side z starts on), backprop says −5.
    let _, grads = Network.lossAndGradientWith 0.0 None MeanSquaredError net X Y
    let numerical = Numerical.gradient 1e-5 (fun w -> Network.loss MeanSquaredError (Network.withParameters net [ w; Mat.zeros 1 1; Mat.constant 1 1 2.0; Mat.constant 1 1 0.5 ]) X Y) (Mat.constant 1 1 1e-7)
    Assert.Equal(-5.0, grads.[0].[0, 0], 6)
    Assert.InRange(numerical.[0, 0], -2.6, -2.4)

[<Fact>]
let ``S26 a smooth network has no entry left out`` () =
    for _, c in NetworkCheck.check 1e-5 1e-8 0.0 CategoricalCrossEntropy net X Y do
        Assert.Equal(0, c.Excluded)
