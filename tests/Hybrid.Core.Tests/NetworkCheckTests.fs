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
