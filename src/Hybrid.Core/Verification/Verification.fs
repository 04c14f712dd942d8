namespace Hybrid.Core

open System
open FsCheck
open FsCheck.FSharp

/// Where a law of a user's op failed, after FsCheck shrank the case (docs/extending.md).
type Counterexample =
    { /// The shrunk inputs, one "name = value" per line.
      Inputs: string list
      /// The user's (analytic) value where the law compares two, else NaN.
      Analytic: float
      /// The independent (numerical) value it should equal, else NaN.
      Numerical: float
      /// Their relative error |a − n| / max(|a|, |n|, tiny), else NaN.
      Error: float
      /// One sentence: what went wrong.
      Message: string }

/// One law's outcome: its name, what it states, how many cases ran, and the shrunk counterexample
/// when it failed.
type LawResult =
    { /// Short name ("derivative").
      Law: string
      /// What it states, with its tolerance.
      Statement: string
      /// Whether every case held.
      Passed: bool
      /// Cases run (up to and including the first failure).
      Cases: int
      /// Shrinking steps that kept the case failing.
      Shrinks: int
      /// The shrunk case, when the law failed.
      Counterexample: Counterexample option }

/// The laws run on one user's op: who was checked, with which seed, and each law's outcome.
type VerificationReport =
    { /// "activation mySwish", "loss myHuber".
      Subject: string
      /// The seed the generated cases came from (the same seed gives the same cases).
      Seed: uint64
      /// Each law's outcome, in the order they ran.
      Laws: LawResult list }
    /// Whether every law held.
    member r.Passed = r.Laws |> List.forall (fun l -> l.Passed)

/// How many cases each law runs and from which seed.
type VerificationConfig =
    { /// Cases per generated law (100 for Verification.Check, 30 when registering).
      Cases: int
      /// The seed of the generated cases.
      Seed: uint64 }

/// The library's own laws run on a user's op, with FsCheck generators and shrinking (course items
/// S04, S06, S18-S23, S26; docs/extending.md): a derivative against central differences, finiteness
/// out to |z| = 1000, saturation where declared, a loss gradient against central differences of
/// the loss. Each failure carries the smallest case FsCheck's shrinking found.
module Verification =

    /// The step of a central difference at x: h·max(1, |x|) with h = 1e-5. Its truncation error is
    /// h²|f‴|/6 ≈ 1e-10·|f‴| and its rounding error ≈ ε|f|/h ≈ 2e-11·|f| (ε ≈ 2.2e-16): both far below
    /// `tolerance` for functions of moderate scale. Course: S06, S26.
    let step = 1e-5

    /// The floor of the denominator of the relative error: below it the comparison is absolute (at
    /// tiny·tolerance = 1e-9), since a central difference carries ≈ 1e-9 of absolute noise for the
    /// values these laws see (|f| up to ~50). Course: S26.
    let tiny = 1e-4

    /// The bound on the relative error of an analytic derivative against a central difference: with
    /// the errors above ≲ 1e-9, 1e-5 leaves a margin against noise, while a wrong derivative (a missing
    /// factor, a sign, a dropped term) gives errors of 1e-2 to 1. Course: S26.
    let tolerance = 1e-5

    /// |a − n| / max(|a|, |n|, tiny): the comparison of S26. NaN when either is NaN.
    let relativeError (a: float) (n: float) : float =
        if Double.IsNaN a || Double.IsNaN n then nan else abs (a - n) / max (max (abs a) (abs n)) tiny

    /// The configuration of Verification.Check: 100 cases per law from a fixed seed. Course: S26.
    let defaults = { Cases = 100; Seed = 0x48796272_69640001UL }

    /// The configuration of registration's laws: the same laws on 30 cases. Course: S26.
    let fast = { defaults with Cases = 30 }

    // ---------------------------------------------------------------- running one law

    let private number (x: float) = x.ToString("G17", Globalization.CultureInfo.InvariantCulture)

    /// The law's check, with any exception of the user's code turned into a counterexample.
    let private safely (check: 'c -> Counterexample option) (describe: 'c -> string list) (c: 'c) : Counterexample option =
        try check c
        with
        | :? LayerContractException as e ->
            Some { Inputs = describe c; Analytic = nan; Numerical = nan; Error = nan; Message = e.Message }
        | e ->
            Some { Inputs = describe c; Analytic = nan; Numerical = nan; Error = nan
                   Message = sprintf "the op threw %s: %s" (e.GetType().Name) e.Message }

    /// Runs one law on `config.Cases` generated cases and shrinks a failing one.
    let private run (config: VerificationConfig) (law: string) (statement: string) (arb: Arbitrary<'c>)
                    (describe: 'c -> string list) (check: 'c -> Counterexample option) : LawResult =
        let mutable outcome : TestResult option = None
        let runner =
            { new IRunner with
                member _.OnStartFixture _ = ()
                member _.OnArguments(_, _, _) = ()
                member _.OnShrink(_, _) = ()
                member _.OnFinished(_, result) = outcome <- Some result }
        let test = safely check describe
        let property = Prop.forAll arb (fun c -> (test c).IsNone)
        let cfg = Config.Quick.WithMaxTest(config.Cases).WithRunner(runner).WithReplay(Some { Rnd = Rnd(config.Seed); Size = None }).WithQuietOnSuccess(true)
        Check.One(cfg, property)
        match outcome with
        | Some(TestResult.Failed(data, _, shrunk, _, _, _, _)) ->
            let case = shrunk |> List.head |> unbox<'c>
            { Law = law; Statement = statement; Passed = false; Cases = data.NumberOfTests; Shrinks = data.NumberOfShrinks
              Counterexample = test case }
        | Some(TestResult.Passed(data, _)) ->
            { Law = law; Statement = statement; Passed = true; Cases = data.NumberOfTests; Shrinks = 0; Counterexample = None }
        | _ ->
            { Law = law; Statement = statement; Passed = false; Cases = 0; Shrinks = 0
              Counterexample = Some { Inputs = []; Analytic = nan; Numerical = nan; Error = nan; Message = "no case could be generated." } }

    /// A law checked at stated points (no generation, nothing to shrink).
    let private atPoints (law: string) (statement: string) (points: 'c list) (describe: 'c -> string list) (check: 'c -> Counterexample option) : LawResult =
        let test = safely check describe
        let rec go n = function
            | [] -> { Law = law; Statement = statement; Passed = true; Cases = n; Shrinks = 0; Counterexample = None }
            | p :: rest ->
                match test p with
                | Some c -> { Law = law; Statement = statement; Passed = false; Cases = n + 1; Shrinks = 0; Counterexample = Some c }
                | None -> go (n + 1) rest
        go 0 points

    // ---------------------------------------------------------------- generating and shrinking numbers

    /// Uniform on [lo, hi] in a million steps.
    let private uniform (lo: float) (hi: float) : Gen<float> =
        Gen.choose (0, 1_000_000) |> Gen.map (fun k -> lo + (hi - lo) * float k / 1e6)

    /// The simpler numbers than x toward `target`, the boldest first: the target, x truncated, x
    /// rounded to 1 to 4 decimals (alone for a batch's entries, where moving part of the way would
    /// chase two entries toward each other until their difference sits at the tolerance).
    let private simplerThan (target: float) (x: float) : seq<float> =
        let closer y = abs (y - target) < abs (x - target)
        seq {
            if Double.IsFinite x && x <> target then
                yield target
                let t = Math.Truncate x
                if closer t then yield t
                for digits in 1 .. 4 do
                    let r = Math.Round(x, digits)
                    if closer r && r <> t then yield r }

    /// The simpler numbers, then x moved 1/2, 1/4, … 1/1024 of the way to `target` (FsCheck keeps
    /// the first that still fails and shrinks again from it, so a failure shrinks to its edge).
    let private shrinkToward (target: float) (x: float) : seq<float> =
        let closer y = abs (y - target) < abs (x - target)
        Seq.append (simplerThan target x)
            (seq { if Double.IsFinite x then
                       for k in 1 .. 10 do
                           let y = x - (x - target) / Math.Pow(2.0, float k)
                           if closer y then yield y })

    // ---------------------------------------------------------------- activations (S04)

    /// The laws of an element-wise activation, at `config` (S04, S06, S26):
    /// - derivative: g′(z) (the backward of da = 1) equals (g(z + h) − g(z − h))/2h within `tolerance`
    ///   for z in [−r, r] ∩ domain, steps that straddle a declared kink left out;
    /// - finite: g(z) and g′(z) are finite for |z| from 1e-3 to 1e3 inside the domain;
    /// - saturation, where declared: at z = ±1000 g′ is within 1e-6 of 0 and g no longer moves more than
    ///   it did from ±10 to ±100.
    /// Softmax and log-softmax (row-wise) have other laws (ActivationProperties); asking here is an
    /// ArgumentException.
    let activation (config: VerificationConfig) (g: Activation) : VerificationReport =
        let entry = Activation.entry g
        if not entry.Elementwise then Shape.fail "g" (sprintf "%s acts on rows, not entry by entry: its laws are the library's own (ActivationProperties)." entry.Case)
        let k = entry.Kernels.Double
        let p = Activation.loopParameter g
        let kinks = entry.Kinks p
        let lo, hi, saturatesBelow, saturatesAbove =
            match g with
            | UserActivation c -> fst c.Spec.Domain, snd c.Spec.Domain, c.Spec.SaturatesBelow, c.Spec.SaturatesAbove
            | _ -> Double.NegativeInfinity, Double.PositiveInfinity, false, false
        let apply z =
            let a = [| 0.0 |]
            k.Forward(p, [| z |], a, 1, 1)
            a.[0]
        let slope z =
            let a = [| apply z |]
            let dz = [| 0.0 |]
            k.Backward(p, [| z |], a, [| 1.0 |], dz, 1, 1)
            dz.[0]
        let inside z = z > lo && z < hi || (z = lo && Double.IsFinite lo) || (z = hi && Double.IsFinite hi)
        let target = if inside 0.0 then 0.0 elif Double.IsFinite lo && Double.IsFinite hi then (lo + hi) / 2.0 elif Double.IsFinite lo then lo + 1.0 else hi - 1.0
        let describe z = [ sprintf "z = %s" (number z) ]

        // derivative
        let r = entry.LawDomain
        let dlo, dhi = max (-r) lo, min r hi
        // Round numbers only (the target, truncation, 1-4 decimals, whole steps toward the target): a
        // derivative wrong on a region shrinks to a short number inside it, not to where its error
        // fades to the tolerance.
        let dtarget = min dhi (max dlo target)
        let stepsToward (x: float) =
            seq { if abs (x - dtarget) >= 1.0 && x = Math.Truncate x then yield x - float (sign (x - dtarget)) }
        let derivativeArb =
            Arb.fromGenShrink (uniform dlo dhi, fun z -> Seq.append (simplerThan dtarget z) (stepsToward z) |> Seq.filter (fun y -> y >= dlo && y <= dhi))
        let derivative =
            run config "derivative"
                (sprintf "g′(z) equals the central difference (g(z + h) − g(z − h))/2h, h = %g·max(1, |z|), within relative error %g, for z in [%g, %g]%s"
                    step tolerance dlo dhi (if kinks.IsEmpty then "" else " (steps across a kink left out)"))
                derivativeArb describe (fun z ->
                    let h = step * max 1.0 (abs z)
                    if not (inside (z - h) && inside (z + h)) || kinks |> List.exists (fun kz -> abs (z - kz) <= 2.0 * h) then None
                    else
                        let a = slope z
                        let n = (apply (z + h) - apply (z - h)) / (2.0 * h)
                        let e = relativeError a n
                        if Double.IsFinite a && Double.IsFinite n && e <= tolerance then None
                        else Some { Inputs = describe z; Analytic = a; Numerical = n; Error = e
                                    Message = sprintf "g′(z) = %s but the central difference is %s (relative error %.4g > %g)." (number a) (number n) e tolerance })

        // finite
        let magnitudes =
            Gen.frequency [ 3, (uniform -3.0 3.0 |> Gen.map (fun e -> Math.Pow(10.0, e)))
                            1, Gen.elements [ 1000.0; 800.0; 500.0; 100.0; 50.0 ] ]
        let finiteGen =
            Gen.map2 (fun m s -> if s then m else -m) magnitudes (Gen.elements [ true; false ])
            |> Gen.map (fun z -> Math.Clamp(z, (if Double.IsFinite lo then lo else -1e3), (if Double.IsFinite hi then hi else 1e3)))
        let finite =
            run config "finite"
                (sprintf "g(z) and g′(z) are finite for every z in the domain with |z| from 1e-3 to 1e3")
                (Arb.fromGenShrink (finiteGen, fun z -> shrinkToward target z |> Seq.filter inside)) describe (fun z ->
                    let a = apply z
                    let d = slope z
                    if Double.IsFinite a && Double.IsFinite d then None
                    else Some { Inputs = describe z; Analytic = d; Numerical = nan; Error = nan
                                Message = sprintf "g(z) = %s and g′(z) = %s: %s." (number a) (number d) (if Double.IsFinite a then "g′ is not finite" else "g is not finite") })

        // saturation
        let saturation side (s: float) =
            atPoints (sprintf "saturates %s" side)
                (sprintf "as z → %s∞, g′(z) → 0 (|g′(%g)| ≤ 1e-6) and g flattens (|g(%g) − g(%g)| ≤ |g(%g) − g(%g)|)" (if s < 0.0 then "−" else "+") (1000.0 * s) (1000.0 * s) (100.0 * s) (100.0 * s) (10.0 * s))
                [ 1000.0 * s ] describe (fun z ->
                    let d = slope z
                    let far = abs (apply z - apply (z / 10.0))
                    let near = abs (apply (z / 10.0) - apply (z / 100.0))
                    if abs d <= 1e-6 && far <= near then None
                    else Some { Inputs = describe z; Analytic = d; Numerical = 0.0; Error = nan
                                Message = sprintf "g′(z) = %s and g moves %s from z/10 to z, against %s from z/100 to z/10: it does not saturate." (number d) (number far) (number near) })

        { Subject = sprintf "activation %s" entry.Case
          Seed = config.Seed
          Laws =
            [ yield derivative
              yield finite
              if saturatesBelow then yield saturation "below" -1.0
              if saturatesAbove then yield saturation "above" 1.0 ] }

    // ---------------------------------------------------------------- losses (S18-S23)

    /// A batch for a loss's laws: rows×cols predictions and targets, row-major.
    type LossCase = { Rows: int; Cols: int; Predictions: float[]; Targets: float[] }

    let private describeBatch (c: LossCase) =
        let matrix (xs: float[]) =
            String.Join("; ", [ for r in 0 .. c.Rows - 1 -> String.Join(", ", [ for j in 0 .. c.Cols - 1 -> number xs.[r * c.Cols + j] ]) ])
        [ sprintf "N = %d row%s, %d column%s" c.Rows (if c.Rows = 1 then "" else "s") c.Cols (if c.Cols = 1 then "" else "s")
          sprintf "Ŷ = [%s]" (matrix c.Predictions)
          sprintf "Y = [%s]" (matrix c.Targets) ]

    let private targetsGen (kind: TargetKind) (rows: int) (cols: int) : Gen<float[]> =
        match kind with
        | TargetKind.Real -> Gen.arrayOfLength (rows * cols) (uniform -2.0 2.0)
        | TargetKind.Probability -> Gen.arrayOfLength (rows * cols) (uniform 0.0 1.0)
        | TargetKind.Sign -> Gen.arrayOfLength (rows * cols) (Gen.elements [ -1.0; 1.0 ])
        | TargetKind.OneHot ->
            Gen.listOfLength rows (Gen.choose (0, cols - 1))
            |> Gen.map (fun hot -> Array.init (rows * cols) (fun i -> if hot.[i / cols] = i % cols then 1.0 else 0.0))

    /// The loss's predictions: reals in [−2, 2], or probabilities in [0.05, 0.95] (so ±h stays inside).
    let private predictionsGen (kind: PredictionKind) (count: int) : Gen<float[]> =
        match kind with
        | PredictionKind.Real -> Gen.arrayOfLength count (uniform -2.0 2.0)
        | PredictionKind.Probability -> Gen.arrayOfLength count (uniform 0.05 0.95)

    /// Smaller batches first (one row fewer, one column fewer, keeping the targets valid), then
    /// simpler predictions (toward 0, or 0.5 for probabilities) and simpler targets (toward 0).
    let private shrinkBatch (targets: TargetKind) (predictionTarget: float) (c: LossCase) : seq<LossCase> =
        let dropRow (c: LossCase) =
            { c with Rows = c.Rows - 1; Predictions = Array.sub c.Predictions 0 ((c.Rows - 1) * c.Cols); Targets = Array.sub c.Targets 0 ((c.Rows - 1) * c.Cols) }
        let dropCol (c: LossCase) =
            let keep (xs: float[]) = [| for r in 0 .. c.Rows - 1 do for j in 0 .. c.Cols - 2 -> xs.[r * c.Cols + j] |]
            { c with Cols = c.Cols - 1; Predictions = keep c.Predictions; Targets = keep c.Targets }
        let firstRow (c: LossCase) =
            { c with Rows = 1; Predictions = Array.sub c.Predictions 0 c.Cols; Targets = Array.sub c.Targets 0 c.Cols }
        seq {
            if c.Rows > 2 then yield firstRow c
            if c.Rows > 1 then yield dropRow c
            // A one-hot row needs its 1: a column is dropped only when every row stays one-hot.
            if c.Cols > 1 then
                let d = dropCol c
                if targets <> TargetKind.OneHot || (Array.init d.Rows (fun r -> Array.sub d.Targets (r * d.Cols) d.Cols |> Array.sum) |> Array.forall ((=) 1.0)) then yield d
            for i in 0 .. c.Predictions.Length - 1 do
                for y in simplerThan predictionTarget c.Predictions.[i] do
                    let ps = Array.copy c.Predictions
                    ps.[i] <- y
                    yield { c with Predictions = ps }
            // Real and probability targets shrink toward 0 as well (signs and one-hot rows are as simple as they get).
            if targets = TargetKind.Real || targets = TargetKind.Probability then
                for i in 0 .. c.Targets.Length - 1 do
                    for y in simplerThan 0.0 c.Targets.[i] do
                        let ys = Array.copy c.Targets
                        ys.[i] <- y
                        yield { c with Targets = ys } }

    /// The laws of a loss, at `config` (S18-S23, S26):
    /// - gradient: every entry of ∂J/∂Ŷ equals the central difference of J in that entry within
    ///   `tolerance` (so a gradient without the 1/N of a mean fails for N ≥ 2);
    /// - finite: J and ∂J/∂Ŷ are finite for predictions out to ±1000 (reals) or 1e-12 from 0 and 1
    ///   (probabilities).
    let loss (config: VerificationConfig) (loss: Loss) : VerificationReport =
        let entry = Loss.entry loss
        let kernel = entry.Kernel
        let p = Loss.loopParameter loss
        let targets = Loss.targetKind loss
        let predictions =
            match loss with
            | UserLoss c -> c.Spec.Predictions
            | BinaryCrossEntropy | CategoricalCrossEntropy -> PredictionKind.Probability
            | _ -> PredictionKind.Real
        let valueAndGradient (c: LossCase) =
            let grad = Array.zeroCreate<float> (c.Rows * c.Cols)
            let J = kernel.ValueAndGradient(p, Array.copy c.Predictions, Array.copy c.Targets, grad, c.Rows, c.Cols)
            J, grad
        let value (c: LossCase) = fst (valueAndGradient c)
        let predictionTarget = match predictions with PredictionKind.Real -> 0.0 | PredictionKind.Probability -> 0.5
        let batchGen (values: int -> Gen<float[]>) =
            gen {
                let! rows = Gen.choose (1, 4)
                let! cols = Gen.choose ((if targets = TargetKind.OneHot then 2 else 1), 3)
                let! ps = values (rows * cols)
                let! ys = targetsGen targets rows cols
                return { Rows = rows; Cols = cols; Predictions = ps; Targets = ys } }
        let gradient =
            run config "gradient"
                (sprintf "every entry of ∂J/∂Ŷ equals the central difference (J(Ŷ + h·e) − J(Ŷ − h·e))/2h, h = %g·max(1, |ŷ|), within relative error %g" step tolerance)
                (Arb.fromGenShrink (batchGen (predictionsGen predictions), shrinkBatch targets predictionTarget))
                describeBatch (fun c ->
                    let _, grad = valueAndGradient c
                    let worst =
                        [ for i in 0 .. grad.Length - 1 ->
                            let x = c.Predictions.[i]
                            let h = step * max 1.0 (abs x)
                            let at v = let ps = Array.copy c.Predictions in ps.[i] <- v; value { c with Predictions = ps }
                            let n = (at (x + h) - at (x - h)) / (2.0 * h)
                            let e = relativeError grad.[i] n
                            i, grad.[i], n, (if Double.IsNaN e then infinity else e) ]
                        |> List.maxBy (fun (_, _, _, e) -> e)
                    let i, a, n, e = worst
                    if e <= tolerance && Double.IsFinite a then None
                    else Some { Inputs = describeBatch c; Analytic = a; Numerical = n; Error = e
                                Message = sprintf "∂J/∂ŷ at row %d, column %d is %s but the central difference is %s (relative error %.4g > %g)." (i / c.Cols) (i % c.Cols) (number a) (number n) e tolerance })
        let extremes (count: int) =
            match predictions with
            | PredictionKind.Real ->
                Gen.arrayOfLength count (Gen.frequency [ 3, uniform -2.0 2.0; 1, Gen.elements [ -1000.0; 1000.0; -100.0; 100.0 ] ])
            | PredictionKind.Probability ->
                Gen.arrayOfLength count (Gen.frequency [ 3, uniform 0.05 0.95; 1, Gen.elements [ 1e-12; 1.0 - 1e-12; 1e-6; 1.0 - 1e-6 ] ])
        let finite =
            run config "finite"
                (match predictions with
                 | PredictionKind.Real -> "J and ∂J/∂Ŷ are finite for predictions out to ±1000"
                 | PredictionKind.Probability -> "J and ∂J/∂Ŷ are finite for probabilities from 1e-12 to 1 − 1e-12")
                (Arb.fromGenShrink (batchGen extremes, shrinkBatch targets predictionTarget))
                describeBatch (fun c ->
                    let J, grad = valueAndGradient c
                    match grad |> Array.tryFindIndex (Double.IsFinite >> not) with
                    | _ when not (Double.IsFinite J) ->
                        Some { Inputs = describeBatch c; Analytic = J; Numerical = nan; Error = nan; Message = sprintf "J = %s is not finite." (number J) }
                    | Some i ->
                        Some { Inputs = describeBatch c; Analytic = grad.[i]; Numerical = nan; Error = nan
                               Message = sprintf "∂J/∂ŷ at row %d, column %d is %s, not finite." (i / c.Cols) (i % c.Cols) (number grad.[i]) }
                    | None -> None)
        { Subject = sprintf "loss %s" entry.Case; Seed = config.Seed; Laws = [ gradient; finite ] }

    // ---------------------------------------------------------------- layers (S14-S17)

    /// A case for a layer's laws: n rows of input X, the upstream gradient R = ∂L/∂A (so the scalar
    /// checked is L = Σ A ⊙ R), and a value for each parameter, all row-major.
    type LayerCase = { Rows: int; X: float[]; R: float[]; Parameters: float[][] }

    /// The laws of a layer under the layer contract, built in or a user's, after an input of
    /// `inputWidth` columns (S14-S17, S26), with L = Σ A ⊙ R for a random R:
    /// - shapes: Forward gives n×d_out, Backward a gradient of each parameter's shape and dX of X's;
    /// - parameter gradients: every entry of each parameter's gradient equals the central difference
    ///   of L in that entry within `tolerance`;
    /// - input gradient: every entry of dX equals the central difference of L in that entry.
    /// Cases: 1 to 4 rows, X in [−2, 2], R in [−1, 1], parameters drawn in [−1.5, 1.5] with the shapes
    /// the layer has.
    let layer (config: VerificationConfig) (inputWidth: int) (layer: Layer) : VerificationReport =
        let names = layer.Parameters |> List.map (fun p -> p.Name) |> Array.ofList
        let shapes = layer.Parameters |> List.map (fun p -> p.Value.RowCount, p.Value.ColumnCount) |> Array.ofList
        let dIn = match layer.Widths with Some(i, _) -> i | None -> inputWidth
        let dOut = match layer.Widths with Some(_, o) -> o | None -> inputWidth
        let at (c: LayerCase) = layer.WithParameters [ for k in 0 .. shapes.Length - 1 -> Mat.ofRowMajor (fst shapes.[k]) (snd shapes.[k]) c.Parameters.[k] ]
        let loss (c: LayerCase) =
            let A, _ = (at c).Forward(None, Mat.ofRowMajor c.Rows dIn c.X)
            let a = Mat.toRowMajor A
            let mutable s = 0.0
            for i in 0 .. a.Length - 1 do s <- s + a.[i] * c.R.[i]
            s
        let analytic (c: LayerCase) =
            let l = at c
            let A, cache = l.Forward(None, Mat.ofRowMajor c.Rows dIn c.X)
            if A.RowCount <> c.Rows || A.ColumnCount <> dOut then
                failwithf "Forward gave %d×%d for %d rows; expected %d×%d." A.RowCount A.ColumnCount c.Rows c.Rows dOut
            let gs, dX = l.Backward(cache, Mat.ofRowMajor c.Rows dOut c.R)
            gs, dX
        let describe (c: LayerCase) =
            let row (xs: float[]) (cols: int) =
                String.Join("; ", [ for r in 0 .. xs.Length / cols - 1 -> String.Join(", ", [ for j in 0 .. cols - 1 -> number xs.[r * cols + j] ]) ])
            [ yield sprintf "n = %d row%s of %d input%s" c.Rows (if c.Rows = 1 then "" else "s") dIn (if dIn = 1 then "" else "s")
              yield sprintf "X = [%s]" (row c.X dIn)
              yield sprintf "∂L/∂A = [%s]" (row c.R dOut)
              for k in 0 .. names.Length - 1 -> sprintf "%s = [%s]" names.[k] (row c.Parameters.[k] (snd shapes.[k])) ]
        let gen =
            gen {
                let! rows = Gen.choose (1, 4)
                let! x = Gen.arrayOfLength (rows * dIn) (uniform -2.0 2.0)
                let! r = Gen.arrayOfLength (rows * dOut) (uniform -1.0 1.0)
                let! ps = shapes |> Array.map (fun (a, b) -> Gen.arrayOfLength (a * b) (uniform -1.5 1.5)) |> List.ofArray |> Gen.sequenceToList
                return { Rows = rows; X = x; R = r; Parameters = Array.ofList ps } }
        let shrink (c: LayerCase) =
            let simpler (xs: float[]) (set: float[] -> LayerCase) =
                seq { for i in 0 .. xs.Length - 1 do
                        for y in simplerThan 0.0 xs.[i] do
                            let ys = Array.copy xs
                            ys.[i] <- y
                            yield set ys }
            let firstRows n = { c with Rows = n; X = Array.sub c.X 0 (n * dIn); R = Array.sub c.R 0 (n * dOut) }
            seq {
                if c.Rows > 2 then yield firstRows 1
                if c.Rows > 1 then yield firstRows (c.Rows - 1)
                yield! simpler c.X (fun x -> { c with X = x })
                yield! simpler c.R (fun r -> { c with R = r })
                for k in 0 .. c.Parameters.Length - 1 do
                    yield! simpler c.Parameters.[k] (fun p -> { c with Parameters = Array.updateAt k p c.Parameters }) }
        let arb = Arb.fromGenShrink (gen, shrink)
        let shapeLaw =
            run config "shapes" "Forward gives n×d_out; Backward gives each parameter's gradient in its shape and dX in X's"
                arb describe (fun c ->
                    let gs, dX = analytic c
                    let wrong =
                        [ if isNull (box gs) || gs.Length <> shapes.Length then
                              yield sprintf "Backward gave %d parameter gradients for %d parameters." (if isNull (box gs) then 0 else gs.Length) shapes.Length
                          else
                              for k in 0 .. shapes.Length - 1 do
                                  let g = List.item k gs
                                  if g.RowCount <> fst shapes.[k] || g.ColumnCount <> snd shapes.[k] then
                                      yield sprintf "the gradient of %s is %d×%d, but %s is %d×%d." names.[k] g.RowCount g.ColumnCount names.[k] (fst shapes.[k]) (snd shapes.[k])
                          if dX.RowCount <> c.Rows || dX.ColumnCount <> dIn then
                              yield sprintf "dX is %d×%d, but X is %d×%d." dX.RowCount dX.ColumnCount c.Rows dIn ]
                    match wrong with
                    | [] -> None
                    | w :: _ -> Some { Inputs = describe c; Analytic = nan; Numerical = nan; Error = nan; Message = w })
        /// The worst entry of an analytic gradient against central differences of L in `values`.
        let compare (what: string) (cols: int) (values: float[]) (set: float[] -> LayerCase) (g: float[]) (c: LayerCase) =
            let worst =
                [ for i in 0 .. values.Length - 1 ->
                    let x = values.[i]
                    let h = step * max 1.0 (abs x)
                    let moved v = let ys = Array.copy values in ys.[i] <- v; loss (set ys)
                    let n = (moved (x + h) - moved (x - h)) / (2.0 * h)
                    let e = relativeError g.[i] n
                    i, g.[i], n, (if Double.IsNaN e then infinity else e) ]
                |> List.maxBy (fun (_, _, _, e) -> e)
            let i, a, n, e = worst
            if e <= tolerance then None
            else Some { Inputs = describe c; Analytic = a; Numerical = n; Error = e
                        Message = sprintf "∂L/∂%s at (%d, %d) is %s but the central difference is %s (relative error %.4g > %g)." what (i / cols) (i % cols) (number a) (number n) e tolerance }
        let parameterLaw =
            run config "parameter gradients"
                (sprintf "every entry of each parameter's gradient equals the central difference of L = Σ A ⊙ ∂L/∂A, h = %g·max(1, |θ|), within relative error %g" step tolerance)
                arb describe (fun c ->
                    let gs, _ = analytic c
                    [ 0 .. shapes.Length - 1 ]
                    |> List.tryPick (fun k ->
                        let g = List.item k gs
                        if g.RowCount <> fst shapes.[k] || g.ColumnCount <> snd shapes.[k] then
                            Some { Inputs = describe c; Analytic = nan; Numerical = nan; Error = nan; Message = sprintf "the gradient of %s has the wrong shape (law \"shapes\")." names.[k] }
                        else compare names.[k] (snd shapes.[k]) c.Parameters.[k] (fun p -> { c with Parameters = Array.updateAt k p c.Parameters }) (Mat.toRowMajor g) c))
        let inputLaw =
            run config "input gradient"
                (sprintf "every entry of dX equals the central difference of L = Σ A ⊙ ∂L/∂A, h = %g·max(1, |x|), within relative error %g" step tolerance)
                arb describe (fun c ->
                    let _, dX = analytic c
                    if dX.RowCount <> c.Rows || dX.ColumnCount <> dIn then
                        Some { Inputs = describe c; Analytic = nan; Numerical = nan; Error = nan; Message = "dX has the wrong shape (law \"shapes\")." }
                    else compare "X" dIn c.X (fun x -> { c with X = x }) (Mat.toRowMajor dX) c)
        { Subject = sprintf "layer %s" layer.Kind; Seed = config.Seed
          Laws = [ yield shapeLaw; if shapes.Length > 0 then yield parameterLaw; yield inputLaw ] }

    // ---------------------------------------------------------------- initialisers (S31)

    /// The laws of an initialiser, built in or a user's (S31):
    /// - spread: its spread s(fan_in, fan_out) (the standard deviation of a normal, the limit of a
    ///   uniform) is finite and ≥ 0 for fan_in and fan_out from 1 to 4096;
    /// - draws: a fan_in×fan_out matrix (fan_in and fan_out from 8 to 64) drawn with a seed has sample
    ///   mean and variance within 6 standard errors of the closed form (Init.mean, Init.variance; the
    ///   standard error of a variance taken as v·√(2/n), a normal's, which bounds a uniform's).
    let initializer (config: VerificationConfig) (init: Initializer) : VerificationReport =
        let name = match init with UserInit c -> c.Name | other -> sprintf "%A" other
        let shrinkInt (n: int) = seq { if n > 1 then yield 1; if n > 2 then yield n / 2; if n > 1 then yield n - 1 }
        let shrinkPair (a: int, b: int) = Seq.append (shrinkInt a |> Seq.map (fun x -> x, b)) (shrinkInt b |> Seq.map (fun y -> a, y))
        let fans lo hi = Gen.choose (0, 1000) |> Gen.map (fun k -> int (Math.Round(Math.Exp(Math.Log(float lo) + (Math.Log(float hi) - Math.Log(float lo)) * float k / 1000.0))))
        let describe (fi: int, fo: int) = [ sprintf "fan_in = %d, fan_out = %d" fi fo ]
        let spreadLaw =
            run config "spread" "the spread s(fan_in, fan_out) is finite and ≥ 0 for fan_in and fan_out from 1 to 4096"
                (Arb.fromGenShrink (Gen.zip (fans 1 4096) (fans 1 4096), shrinkPair)) describe (fun (fi, fo) ->
                    let sp = Init.spread init fi fo
                    if Double.IsFinite sp && sp >= 0.0 then None
                    else Some { Inputs = describe (fi, fo); Analytic = sp; Numerical = nan; Error = nan; Message = sprintf "the spread is %s." (number sp) })
        let drawsLaw =
            run config "draws" "a fan_in×fan_out draw has sample mean and variance within 6 standard errors of the closed form"
                (Arb.fromGenShrink (Gen.zip3 (fans 8 64) (fans 8 64) (Gen.choose (0, 1_000_000)) , fun (fi, fo, seed) -> shrinkPair (fi, fo) |> Seq.filter (fun (a, b) -> a >= 8 && b >= 8) |> Seq.map (fun (a, b) -> a, b, seed)))
                (fun (fi, fo, seed) -> describe (fi, fo) @ [ sprintf "seed = %d" seed ]) (fun (fi, fo, seed) ->
                    let sp = Init.spread init fi fo
                    if not (Double.IsFinite sp && sp >= 0.0) then None // the spread law's finding
                    else
                        let w = Mat.toRowMajor (Init.matrix init seed fi fo)
                        let n = float w.Length
                        let m = Array.average w
                        let v = (w |> Array.sumBy (fun x -> (x - m) * (x - m))) / (n - 1.0)
                        let mu, var = Init.mean init, Init.variance init fi fo
                        let meanOk = abs (m - mu) <= 6.0 * sqrt (var / n)
                        let varOk = abs (v - var) <= 6.0 * var * sqrt (2.0 / (n - 1.0))
                        if meanOk && varOk then None
                        else Some { Inputs = describe (fi, fo) @ [ sprintf "seed = %d" seed ]; Analytic = v; Numerical = var; Error = nan
                                    Message = sprintf "the sample mean is %s (expected %s) and the sample variance %s (expected %s)." (number m) (number mu) (number v) (number var) })
        { Subject = sprintf "initialiser %s" name; Seed = config.Seed; Laws = [ spreadLaw; drawsLaw ] }

    // ---------------------------------------------------------------- the report as text

    /// The report as text: a headline, then each law (✓ or ✗) with its statement, and under a
    /// failure its shrunk inputs and values. At most `maxLength` characters (the rest is cut with
    /// "…"), so an exception's message stays readable. Course: S26.
    let describe (maxLength: int) (report: VerificationReport) : string =
        let failed = report.Laws |> List.filter (fun l -> not l.Passed) |> List.length
        let lines =
            [ yield (if failed = 0 then sprintf "Verification of %s: all %d laws hold (seed %d)." report.Subject report.Laws.Length report.Seed
                     else sprintf "Verification of %s: %d of %d laws failed (seed %d)." report.Subject failed report.Laws.Length report.Seed)
              for l in report.Laws do
                  if l.Passed then yield sprintf "  ✓ %s: %s (%d case%s)." l.Law l.Statement l.Cases (if l.Cases = 1 then "" else "s")
                  else
                      yield sprintf "  ✗ %s: %s: failed at case %d, shrunk in %d step%s to:" l.Law l.Statement l.Cases l.Shrinks (if l.Shrinks = 1 then "" else "s")
                      match l.Counterexample with
                      | Some c ->
                          for i in c.Inputs do yield sprintf "      %s" i
                          yield sprintf "      %s" c.Message
                      | None -> yield "      (the shrunk case no longer fails: the op is not deterministic.)" ]
        let text = String.Join("\n", lines)
        if text.Length <= maxLength then text else text.Substring(0, max 0 (maxLength - 1)) + "…"
