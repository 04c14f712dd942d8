/// Laws of the optimisers and learning-rate schedules (S27, S28): each update rule equals its
/// formula written out entry by entry, momentum 0 is SGD, Adam's first step has size ≈ η, and each
/// schedule's recurrence agrees with its closed form at every epoch.
module Hybrid.Properties.UpdateRuleProperties

open System
open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core
open Hybrid.Properties.Generators

/// Every update rule, with hyper-parameters drawn from their valid ranges.
let rule : Gen<UpdateRule> =
    Gen.oneof [
        Gen.constant PlainSgd
        floatIn 0.0 0.99 |> Gen.map Momentum
        floatIn 0.0 0.99 |> Gen.map Nesterov
        floatIn 1e-8 1e-3 |> Gen.map AdaGrad
        Gen.map2 (fun r e -> RmsProp(r, e)) (floatIn 0.0 0.99) (floatIn 1e-8 1e-3)
        Gen.map3 (fun b1 b2 e -> Adam(b1, b2, e)) (floatIn 0.0 0.99) (floatIn 0.5 0.9999) (floatIn 1e-8 1e-3) ]

/// θ (r×c), a sequence of 1..6 gradients of its shape, and η.
let private trajectory =
    gen {
        let! r = dim 3
        let! c = dim 3
        let! theta = matrix 2.0 r c
        let! steps = Gen.choose (1, 6)
        let! grads = Gen.listOfLength steps (matrix 3.0 r c)
        let! eta = floatIn 1e-4 0.5
        return theta, grads, eta
    }

/// The formulas of docs/facade-trainer.md, written out for one scalar parameter: an independent
/// statement of each rule that Update.step must match.
let private formula (rule: UpdateRule) (eta: float) (theta0: float) (gs: float list) : float =
    let mutable theta, first, second = theta0, 0.0, 0.0
    gs |> List.iteri (fun i g ->
        let t = float (i + 1)
        match rule with
        | PlainSgd -> theta <- theta - eta * g
        | Momentum mu ->
            first <- mu * first - eta * g
            theta <- theta + first
        | Nesterov mu ->
            first <- mu * first - eta * g
            theta <- theta + mu * first - eta * g
        | AdaGrad eps ->
            second <- second + g * g
            theta <- theta - eta * g / (sqrt second + eps)
        | RmsProp(rho, eps) ->
            second <- rho * second + (1.0 - rho) * g * g
            theta <- theta - eta * g / (sqrt second + eps)
        | Adam(b1, b2, eps) ->
            first <- b1 * first + (1.0 - b1) * g
            second <- b2 * second + (1.0 - b2) * g * g
            let mHat = first / (1.0 - b1 ** t)
            let vHat = second / (1.0 - b2 ** t)
            theta <- theta - eta * mHat / (sqrt vHat + eps))
    theta

let private run (rule: UpdateRule) (eta: float) (theta: Matrix<float>) (grads: Matrix<float> list) : Matrix<float> =
    let _, thetas =
        grads |> List.fold (fun (state, thetas) g -> Update.step rule eta state thetas [ g ]) (Update.init [ theta ], [ theta ])
    List.head thetas

let private law1 =
    Spec.property "S27 / update rules / every optimiser equals its formula entry by entry over several steps (S27, S28)" (Gen.zip rule trajectory) (fun (rule, (theta, grads, eta)) ->
        let actual = run rule eta theta grads
        let expected = Mat.init theta.RowCount theta.ColumnCount (fun i j -> formula rule eta theta.[i, j] (grads |> List.map (fun g -> g.[i, j])))
        Tolerance.expectClose (sprintf "%A" rule) 1e-12 expected actual)

let private law2 =
    Spec.property "S27 / update rules / momentum and Nesterov with coefficient 0 equal plain SGD exactly" trajectory (fun (theta, grads, eta) ->
        let sgd = run PlainSgd eta theta grads
        Tolerance.expectClose "momentum 0" 0.0 sgd (run (Momentum 0.0) eta theta grads)
        Tolerance.expectClose "Nesterov 0" 0.0 sgd (run (Nesterov 0.0) eta theta grads)
        Tolerance.expectClose "Optimizer.sgd" 0.0 sgd (grads |> List.fold (Optimizer.sgd eta) theta))

let private law3 =
    let case =
        gen {
            let! r, c = Gen.zip (dim 4) (dim 4)
            let! g = matrixOf (Gen.oneof [ floatIn 1e-2 100.0; floatIn -100.0 -1e-2 ]) r c
            let! eta = floatIn 1e-5 1.0
            let! b1, b2 = Gen.zip (floatIn 0.0 0.99) (floatIn 0.5 0.9999)
            return g, eta, b1, b2
        }
    Spec.property "S28 / update rules / Adam's first step moves every entry by about η, against the gradient" case (fun (g, eta, b1, b2) ->
        let theta = Mat.zeros g.RowCount g.ColumnCount
        let step = run (Adam(b1, b2, 1e-8)) eta theta [ g ]
        for i in 0 .. g.RowCount - 1 do
            for j in 0 .. g.ColumnCount - 1 do
                // |Δ| = η·|g|/(|g| + ε) with |g| ≥ 1e-2, ε = 1e-8: within 1e-6 relative of η.
                let d = step.[i, j]
                if not (abs (abs d - eta) <= 1e-6 * eta && float (sign d) = -float (sign g.[i, j])) then
                    failwithf "step %g at (%d, %d) for g = %g, eta = %g" d i j g.[i, j] eta)

let private law4 =
    Spec.property "S27 / update rules / from a fresh state a zero gradient leaves the parameters unchanged, for every rule" (Gen.zip rule trajectory) (fun (rule, (theta, _, eta)) ->
        let zero = Mat.zeros theta.RowCount theta.ColumnCount
        Tolerance.expectClose "zero gradient" 0.0 theta (run rule eta theta [ zero; zero ]))

/// Every schedule with valid parameters.
let schedule : Gen<Schedule> =
    Gen.oneof [
        Gen.constant ConstantRate
        Gen.map2 (fun k g -> StepDecay(k, g)) (Gen.choose (1, 7)) (floatIn 0.05 1.0)
        floatIn 0.5 1.0 |> Gen.map ExponentialDecay ]

let private law5 =
    Spec.property "S28 / schedules / a schedule equals its closed form at every step" (Gen.zip3 schedule (floatIn 1e-5 1.0) (Gen.choose (1, 60))) (fun (s, eta0, epochs) ->
        let mutable eta = eta0
        for e in 0 .. epochs - 1 do
            let closed = Schedule.rate s eta0 e
            // The recurrence multiplies e times, the closed form once by γ^e: they differ by at most
            // ~e rounding errors of 1.1e-16 each.
            if not (abs (eta - closed) <= 1e-13 * closed) then
                failwithf "%A epoch %d: recurrence %.17g, closed form %.17g" s e eta closed
            // The façade returns the core's closed form, bit for bit.
            let facade =
                match s with
                | ConstantRate -> Hybrid.LearningRateSchedule.Constant
                | StepDecay(k, g) -> Hybrid.LearningRateSchedule.Step(k, g)
                | ExponentialDecay g -> Hybrid.LearningRateSchedule.Exponential g
            if facade.RateAt(eta0, e) <> closed then failwithf "façade %.17g <> core %.17g" (facade.RateAt(eta0, e)) closed
            eta <- Schedule.next s e eta)

/// θ of r×c entries with r, c in 1..9, so the row-major buffer has whole vectors of
/// Vector<float>.Count entries and a scalar tail; 1..6 gradients, about one in four with one entry
/// NaN or ±∞ (a lane or the tail, for the update's own checks); η.
let private longTrajectory =
    gen {
        let! r = Gen.choose (1, 9)
        let! c = Gen.choose (1, 9)
        let! theta = matrix 2.0 r c
        let! steps = Gen.choose (1, 6)
        let poison = Gen.map2 (fun k v -> Some(k, v)) (Gen.choose (0, r * c - 1)) (Gen.elements [ nan; infinity; -infinity ])
        let gradient =
            Gen.map2 (fun (g: Matrix<float>) p ->
                match p with
                | Some(k, v) -> g.[k / c, k % c] <- v; g
                | None -> g) (matrix 3.0 r c) (Gen.frequency [ 3, Gen.constant None; 1, poison ])
        let! grads = Gen.listOfLength steps gradient
        let! eta = floatIn 1e-4 0.5
        return theta, grads, eta
    }

let private law6 =
    Spec.property "S28 / update rules / the fast path's in-place update gives every entry Update.step's bits, vector lanes and scalar tail alike, whole or in two ranges, for every rule, and reports whether g and θ′ are finite" (Gen.zip rule longTrajectory) (fun (rule, (theta, grads, eta)) ->
        // Every NaN counts as one value: a NaN's payload is not part of the contract.
        let bits (m: float[]) = m |> Array.map (fun x -> if Double.IsNaN x then 0x7FF8000000000000L else BitConverter.DoubleToInt64Bits x)
        let th = Mat.toRowMajor theta
        let f = Array.zeroCreate th.Length
        let s = Array.zeroCreate th.Length
        let mutable state, thetas = Update.init [ theta ], [ theta ]
        grads |> List.iteri (fun i g ->
            let state', thetas' = Update.step rule eta state thetas [ g ]
            state <- state'
            thetas <- thetas'
            let buffer = Mat.toRowMajor g
            // Every other step in two ranges (as the fast path splits a large update over threads),
            // cut anywhere, vector lanes or tail: each entry's step depends on that entry alone.
            let struct (gFinite, thetaFinite) =
                if i % 2 = 0 then UpdateInPlace.step rule eta (i + 1) th buffer f s
                else
                    let cut = (i * 7 + 3) % (th.Length + 1)
                    let struct (g1, t1) = UpdateInPlace.stepIn rule eta (i + 1) th buffer f s 0 cut
                    let struct (g2, t2) = UpdateInPlace.stepIn rule eta (i + 1) th buffer f s cut (th.Length - cut)
                    struct (g1 && g2, t1 && t2)
            let expectFinite name (flag: bool) (values: float[]) =
                if flag <> Array.forall Double.IsFinite values then
                    failwithf "%A step %d: the update reports %s finite = %b for %A" rule (i + 1) name flag values
            expectFinite "g" gFinite (Mat.toRowMajor g)
            expectFinite "θ′" thetaFinite buffer
            Array.blit buffer 0 th 0 th.Length
            let expect name (reference: Matrix<float>) (fast: float[]) =
                if bits (Mat.toRowMajor reference) <> bits fast then
                    failwithf "%A step %d: %s differs: reference %A, in place %A" rule (i + 1) name (Mat.toRowMajor reference) fast
            expect "θ" (List.head thetas) th
            expect "first moment" (List.head state.First) f
            expect "second moment" (List.head state.Second) s))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3
      law4
      law5
      law6 ]
