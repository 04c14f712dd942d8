/// The named steps of the epoch loop (Training.run, S27/S28) on hand-made inputs: each rule is a
/// pure function, so its cases are checked here directly; the loop's behaviour end to end is
/// TrainerTests' and the S28 laws'.
module TrainingStepsTests

open Xunit
open Hybrid.Core

[<Fact>]
let ``S28 earlyStop stops once Patience epochs in a row did not improve, and never with Patience 0`` () =
    // Epoch 5 (0-based 4) is the third in a row without improvement since epoch 2.
    Assert.Equal(Some(StopDetail.EarlyStopped(5, 3, 2)), Training.earlyStop 3 4 3 2)
    Assert.Equal(None, Training.earlyStop 3 3 2 2)
    Assert.Equal(None, Training.earlyStop 0 9 9 1)

[<Fact>]
let ``S27 batchStop reports divergence before the engine's NaN stop, with 1-based epoch and batch`` () =
    // J0 = 2, factor 10: the threshold is 10·max(1, 2) = 20.
    Assert.Equal(Some(StopDetail.Diverged(1, 3, 2.0, 21.0, 10.0)), Training.batchStop 10.0 2.0 21.0 0 2 None)
    Assert.Equal(None, Training.batchStop 10.0 2.0 20.0 0 2 None)
    // Below the threshold the engine's verdict stands; a NaN loss is the NaN rule's, not divergence.
    let nan' = Training.nonFiniteStep nan 4 0
    Assert.Equal(Some(StopDetail.NonFiniteParameter(2, 1)), Training.batchStop 10.0 2.0 5.0 1 0 (Some(Training.nonFiniteParameter 1 0)))
    Assert.True((match Training.batchStop 10.0 2.0 nan 4 0 (Some nan') with Some(StopDetail.NonFiniteLoss(5, 1, j)) -> System.Double.IsNaN j | _ -> false))
    // With J0 below 1 the threshold is the factor itself.
    Assert.Equal(None, Training.batchStop 10.0 0.001 9.0 0 0 None)

[<Fact>]
let ``S28 the epoch-end rules read the validation loss when there is one, else the training loss`` () =
    let withValidation = Training.epochMetrics 4 (struct (2.0, 3)) (Some(0.25, 0.5))
    Assert.Equal(0.5, withValidation.TrainingLoss)       // 2/4
    Assert.Equal(0.75, withValidation.TrainingAccuracy)  // 3/4
    Assert.Equal(0.25, Training.monitoredLoss withValidation)
    Assert.Equal(0.5, Training.monitoredValue MonitorAccuracy withValidation)
    let trainingOnly = Training.epochMetrics 4 (struct (2.0, 3)) None
    Assert.Equal(0.5, Training.monitoredLoss trainingOnly)
    Assert.Equal(0.75, Training.monitoredValue MonitorAccuracy trainingOnly)
    Assert.Equal(None, Training.epochLossStop 0 withValidation)
    Assert.Equal(Some(StopDetail.NonFiniteEpochLoss(3, infinity)), Training.epochLossStop 2 (Training.epochMetrics 4 (struct (2.0, 3)) (Some(infinity, 0.5))))

[<Fact>]
let ``S28 every stop detail maps to its stop reason`` () =
    let cases =
        [ StopDetail.Completed 3, Completed
          StopDetail.EarlyStopped(4, 2, 2), EarlyStopped
          StopDetail.NonFiniteLoss(1, 1, nan), NonFinite
          StopDetail.NonFiniteParameter(1, 2), NonFinite
          StopDetail.NonFiniteEpochLoss(2, infinity), NonFinite
          StopDetail.Diverged(1, 2, 1.0, 1e7, 1e6), Diverged
          StopDetail.Cancelled(1, 1), Cancelled ]
    for detail, reason in cases do
        Assert.Equal(reason, Training.stopReason detail)

[<Fact>]
let ``S28 the in-place update reports a non-finite gradient and an overflowing θ′ from its own pass, in the vector lanes and the tail, at float and float32`` () =
    // θ = 1, g = 1/2, η = 1: θ′ = 1 − 1/2 = 1/2 everywhere, both finite. Then one entry at a time:
    // g = NaN makes g and θ′ non-finite; θ = 10³⁰⁸ (3·10³⁸ at float32) with g = −θ makes
    // θ′ = 2θ, past the largest finite value, with g finite. Entry 0 is in the first vector; the
    // last entry (the array is one longer than a vector) is in the scalar tail.
    let n = System.Numerics.Vector<float>.Count + 1
    for position in [ 0; n - 1 ] do
        let run (theta: float[]) (g: float[]) =
            let struct (gFinite, thetaFinite) = UpdateInPlace.step PlainSgd 1.0 1 theta g null null
            gFinite, thetaFinite, g
        let ok, okTheta, fresh = run (Array.create n 1.0) (Array.create n 0.5)
        Assert.True(ok && okTheta)
        Assert.All(fresh, fun v -> Assert.Equal(0.5, v))
        let g = Array.create n 0.5
        g.[position] <- nan
        let ok, okTheta, _ = run (Array.create n 1.0) g
        Assert.False(ok || okTheta)
        let theta, g = Array.create n 1.0, Array.create n 0.5
        theta.[position] <- 1e308
        g.[position] <- -1e308
        let ok, okTheta, result = run theta g
        Assert.True(ok)
        Assert.False(okTheta)
        Assert.Equal(infinity, result.[position])
        Assert.Equal(1e308, theta.[position])
    let n32 = System.Numerics.Vector<float32>.Count + 1
    for position in [ 0; n32 - 1 ] do
        let theta, g = Array.create n32 1.0f, Array.create n32 0.5f
        theta.[position] <- 3e38f
        g.[position] <- -3e38f
        let struct (ok, okTheta) = UpdateInPlace.stepSingle PlainSgd 1.0 1 theta g null null
        Assert.True(ok)
        Assert.False(okTheta)
        let g = Array.create n32 0.5f
        g.[position] <- -infinityf
        let struct (ok, okTheta) = UpdateInPlace.stepSingle PlainSgd 1.0 1 (Array.create n32 1.0f) g null null
        Assert.False(ok || okTheta)
