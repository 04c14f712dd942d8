/// The definitions are generic over the element type: float32 is a second instantiation of the
/// same inline definitions (Activation.sigmoid 0.5f), not a copy. These tests instantiate them at
/// float32 and compare with float64 (docs/architecture.md, "Generic over the element type").
module Hybrid.Core.Tests.ElementTypeTests

open System
open Xunit
open Hybrid.Core

/// float32's unit roundoff u = 2^−24 ≈ 6e-8. A well-conditioned formula of a few operations lands
/// within a few u of the exact value, relative; the float64 result stands in for the exact one
/// (its own error, 2^−53, is 2^29 times smaller). 8u allows the input's own rounding to float32
/// (the float64 reference is evaluated at the float32 input, so that part cancels) and up to
/// eight roundings in the formula.
let private tolerance = 8.0 * Math.Pow(2.0, -24.0)

/// Points of [−10, 10] that float32 represents exactly, so both instantiations see the same input.
let private points = [ for k in -200 .. 200 -> float32 k * 0.05f ]

let private closeWithin (amplification: float) (what: string) (single: float32) (double: float) =
    let tolerance = tolerance * amplification
    let error = abs (float single - double) / max (abs double) 1e-30
    // Below float32's smallest normal the relative error of a result is not meaningful.
    if abs double > 1e-30 then
        Assert.True(error <= tolerance, sprintf "%s: float32 %g, float64 %.17g, relative error %.3g > %.3g" what single double error tolerance)

let private close = closeWithin 1.0

[<Fact>]
let ``S04 the activations' scalar definitions at float32 agree with float64 within float32 rounding`` () =
    for z in points do
        let z64 = float z
        close (sprintf "sigmoid(%g)" z) (Activation.sigmoid z) (Activation.sigmoid z64)
        // σ′ = σ(1 − σ): for z > 0, 1 − σ cancels and σ's rounding grows by σ/(1 − σ) = e^z.
        closeWithin (1.0 + exp (abs z64)) (sprintf "sigmoid'(%g)" z) (Activation.sigmoid' z) (Activation.sigmoid' z64)
        close (sprintf "tanh(%g)" z) (Activation.tanh z) (Activation.tanh z64)
        close (sprintf "softplus(%g)" z) (Activation.softplus z) (Activation.softplus z64)
        // α(e^z − 1) for z < 0 subtracts 1 from e^z: the rounding of e^z (relative u) grows by
        // e^z/|e^z − 1| ≈ 1/|z| near 0 (the expm1 cancellation, in float64 as in float32).
        let amplification = if z < 0.0f then max 1.0 (exp z64 / abs (exp z64 - 1.0)) else 1.0
        closeWithin amplification (sprintf "elu(%g)" z) (Activation.elu 0.5f z) (Activation.elu 0.5 z64)
        close (sprintf "relu(%g)" z) (Activation.relu z) (Activation.relu z64)

[<Fact>]
let ``S04 the float32 sigmoid stays finite and in [0, 1] at the extremes, as the float64 one`` () =
    for z in [ -1e30f; -100f; -88f; 88f; 100f; 1e30f; Single.MaxValue; -Single.MaxValue ] do
        let s = Activation.sigmoid z
        Assert.True(Single.IsFinite s && s >= 0.0f && s <= 1.0f, sprintf "sigmoid(%g) = %g" z s)

[<Fact>]
let ``S20 the mean-squared-error term and gradient at float32 agree with float64 within float32 rounding`` () =
    for yhat in points do
        let y = 0.75f
        close (sprintf "(%g - 0.75)^2" yhat) (Loss.squaredTerm yhat y) (Loss.squaredTerm (float yhat) (float y))
        close (sprintf "(%g - 0.75)/N" yhat) (Loss.mseGradient yhat y 8.0f) (Loss.mseGradient (float yhat) (float y) 8.0)
