/// The fast training path (FastTraining) equals the reference path (Training.fit) on generated
/// networks: every activation (PReLU's α learned), maxout, dropout with the reference's seeded
/// masks, every loss (the fused sigmoid+BCE and softmax+CE included), L2, every update rule and
/// schedule, ragged last batches, early stopping and restore-best: the parameters after training
/// agree within Tolerance.fastPath and the epoch records (losses, accuracies, stop reason, best
/// epoch) agree. And a batch step of the fast path allocates nothing in steady state.
module Hybrid.Properties.FastPathProperties

open System
open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core
open Hybrid.Properties.Generators

/// A last dense layer and a loss that suit each other (the fused pairs included), and targets
/// for n rows.
let private headAndTargets (fanIn: int) (n: int) : Gen<Layer * Loss * Matrix<float>> =
    gen {
        let! loss = anyLoss
        let! out = match loss with CategoricalCrossEntropy | MulticlassHinge -> Gen.choose (2, 4) | _ -> dim 3
        let! g =
            match loss with
            | BinaryCrossEntropy -> Gen.constant Sigmoid
            | CategoricalCrossEntropy -> Gen.constant Softmax
            | Hinge | Logistic | MulticlassHinge -> Gen.elements [ Identity; Tanh ]
            | _ -> activation
        let! W = matrix 1.0 fanIn out
        let! B = matrix 0.5 1 out
        let! Y = targetsFor loss n out
        return DenseLayer(Dense.create W B g), loss, Y
    }

/// Every update rule with hyper-parameters from their valid ranges.
let private rule : Gen<UpdateRule> =
    Gen.oneof [
        Gen.constant PlainSgd
        floatIn 0.0 0.95 |> Gen.map Momentum
        floatIn 0.0 0.95 |> Gen.map Nesterov
        Gen.elements [ 1e-8; 1e-3 ] |> Gen.map AdaGrad
        Gen.zip (floatIn 0.5 0.99) (Gen.elements [ 1e-8; 1e-3 ]) |> Gen.map RmsProp
        Gen.zip3 (floatIn 0.5 0.95) (floatIn 0.9 0.999) (Gen.elements [ 1e-8; 1e-3 ]) |> Gen.map Adam ]

/// Every schedule.
let private schedule : Gen<Schedule> =
    Gen.oneof [ Gen.constant ConstantRate; Gen.zip (Gen.choose (1, 2)) (floatIn 0.3 1.0) |> Gen.map StepDecay; floatIn 0.3 1.0 |> Gen.map ExponentialDecay ]

/// A training case: a network (FacadeProperties' generated body: every activation, maxout,
/// dropout) with a head suiting a loss, data of 2..9 rows, a configuration with a batch size that
/// leaves a ragged last batch as often as not, 1..3 epochs, early stopping and restore-best
/// sometimes, and a validation set sometimes.
let trainingCase : Gen<TrainingConfig * Network * Matrix<float> * Matrix<float> * (Matrix<float> * Matrix<float>) option> =
    gen {
        let! body, inputs, _ = FacadeProperties.networkCase true
        let! n = Gen.choose (2, 9)
        let! X = matrix 1.5 n inputs
        let! head, loss, Y = headAndTargets (Network.outputSize body) n
        let net = Network.create (body.Layers @ [ head ])
        let! nv = Gen.choose (0, 4)
        let! Xv = matrix 1.5 (max 1 nv) inputs
        // Validation targets suiting the same loss and width.
        let! Yv = targetsFor loss Xv.RowCount Y.ColumnCount
        let! r = rule
        let! s = schedule
        let! eta = floatIn 1e-3 0.1
        let! l2 = Gen.elements [ 0.0; 0.0; 1e-3; 0.05 ]
        let! batch = Gen.choose (1, n)
        let! epochs = Gen.choose (1, 3)
        let! seed = Gen.choose (0, 1000)
        let! patience = Gen.choose (0, 2)
        let! restore = Gen.elements [ false; true ]
        let! monitor = Gen.elements [ MonitorLoss; MonitorAccuracy ]
        let config =
            { Loss = loss; Rule = r; LearningRate = eta; Schedule = s; L2 = l2; BatchSize = batch; Epochs = epochs
              Seed = seed; Patience = patience; MinDelta = 0.0; RestoreBest = restore
              Monitor = monitor; DivergenceFactor = Training.defaultDivergenceFactor }
        return config, net, X, Y, (if nv = 0 then None else Some(Xv, Yv))
    }

let private noStop () = false

/// Both paths on one case: (reference outcome, fast outcome).
let private both (config, net, X, Y, validation) =
    Training.fit config net X Y validation ignore noStop, FastTraining.fit config net X Y validation ignore noStop

/// Asserts that the two outcomes agree: parameters within Tolerance.fastPath, the records' losses
/// likewise, accuracies, best flags, learning rates, stop reason and best epoch exactly.
let expectSameOutcome (reference: TrainingOutcome) (fast: TrainingOutcome) : unit =
    if reference.Stop <> fast.Stop then failwithf "stop reason: reference %A, fast %A" reference.Detail fast.Detail
    if reference.BestEpoch <> fast.BestEpoch then
        let monitored (o: TrainingOutcome) = o.History |> List.map (fun r -> r.Epoch, r.ValidationLoss, r.ValidationAccuracy)
        failwithf "best epoch: reference %d, fast %d (reference %A, fast %A)" reference.BestEpoch fast.BestEpoch (monitored reference) (monitored fast)
    if reference.Restored <> fast.Restored then failwithf "restored: reference %b, fast %b" reference.Restored fast.Restored
    if reference.History.Length <> fast.History.Length then failwithf "epochs recorded: reference %d, fast %d" reference.History.Length fast.History.Length
    List.iter2 (fun (a: EpochRecord) (b: EpochRecord) ->
        let closeOpt what (x: float option) (y: float option) =
            match x, y with
            | Some x, Some y when Tolerance.close Tolerance.fastPath x y -> ()
            | None, None -> ()
            | _ -> failwithf "epoch %d %s: reference %A, fast %A" a.Epoch what x y
        if a.LearningRate <> b.LearningRate || a.IsBest <> b.IsBest || a.TrainingAccuracy <> b.TrainingAccuracy || a.ValidationAccuracy <> b.ValidationAccuracy then
            failwithf "epoch %d: reference %A, fast %A" a.Epoch a b
        closeOpt "training loss" (Some a.TrainingLoss) (Some b.TrainingLoss)
        closeOpt "validation loss" a.ValidationLoss b.ValidationLoss) reference.History fast.History
    List.zip3 (Network.parameterNames reference.Network) (Network.parameters reference.Network) (Network.parameters fast.Network)
    |> List.iter (fun (name, p, q) -> Tolerance.expectClose name Tolerance.fastPath p q)

/// Whether the two paths chose different best epochs only because the monitored values of those
/// epochs tie up to summation order (equal within Tolerance.fastPath on both paths; e.g. a dead ReLU
/// layer leaves the validation loss unchanged, and the last bits decide "improved"). Such a case is
/// decided by rounding, not by a difference in the math, so the law does not compare it further.
let private tieDecidedByRounding (reference: TrainingOutcome) (fast: TrainingOutcome) : bool =
    reference.BestEpoch <> fast.BestEpoch
    && (let at (o: TrainingOutcome) e = o.History |> List.tryFind (fun r -> r.Epoch = e) |> Option.bind (fun r -> r.ValidationLoss |> Option.orElse (Some r.TrainingLoss))
        [ reference; fast ] |> List.forall (fun o ->
            match at o reference.BestEpoch, at o fast.BestEpoch with
            | Some a, Some b -> Tolerance.close Tolerance.fastPath a b
            | _ -> false))

let private equalLaw =
    Spec.property "S28 / fast path / the fast path's parameters and epoch records equal the reference path's" trainingCase (fun case ->
        let reference, fast = both case
        if not (tieDecidedByRounding reference fast) then expectSameOutcome reference fast)

let private pureLaw =
    Spec.property "S28 / fast path / the fast path never changes the network it is given" trainingCase (fun (config, net, X, Y, validation) ->
        let before = Network.toVector net
        FastTraining.fit config net X Y validation ignore noStop |> ignore
        if Network.toVector net <> before then failwith "the input network changed")

/// Bytes allocated by the batch steps of a steady-state epoch, after a warm-up epoch, on a network
/// with the given layers.
let private allocationOfStep (precision: Precision) (rule: UpdateRule) (loss: Loss) (layers: (int -> Layer) list) (n: int, inputs: int, batch: int) : int64 =
    let built, _ = layers |> List.fold (fun (acc, width) make -> let l = make width in (acc @ [ l ]), (match l.Widths with Some(_, o) -> o | None -> width)) ([], inputs)
    let net = Network.create built
    let X = Init.matrix (Normal 1.0) 1 n inputs
    let Y = Data.oneHot (Network.outputSize net) (Array.init n (fun i -> i % Network.outputSize net))
    let config = { Loss = loss; Rule = rule; LearningRate = 0.01; Schedule = ConstantRate; L2 = 1e-3; BatchSize = batch; Epochs = 1; Seed = 3; Patience = 0; MinDelta = 0.0; RestoreBest = false
                   Monitor = MonitorLoss; DivergenceFactor = Training.defaultDivergenceFactor }
    let engine = FastTraining.engineIn precision config net (FastTraining.ofMatrices X Y) None
    let batches = Optimizer.minibatches 7 n batch
    for b in 0 .. batches.Length - 1 do engine.Step(0, b, batches.[b], 0.01) |> ignore
    let before = GC.GetAllocatedBytesForCurrentThread()
    for b in 0 .. batches.Length - 1 do
        if (engine.Step(1, b, batches.[b], 0.01)).IsSome then failwith "the step did not succeed"
    GC.GetAllocatedBytesForCurrentThread() - before

let private allocationLaw =
    Spec.example "S28 / fast path / a fast batch step allocates nothing in steady state, in float64 and in float32" (fun () ->
        let dense units g = fun (width: int) -> DenseLayer(Dense.create (Init.matrix HeNormal width width units) (Mat.zeros 1 units) g)
        let maxout units = fun (width: int) -> MaxoutLayer(Maxout.create (Array.init 2 (fun j -> Init.matrix HeNormal j width units)) (Array.init 2 (fun _ -> Mat.zeros 1 units)))
        let dropout rate = fun (_: int) -> DropoutLayer rate
        let layerNorm = fun (width: int) -> LayerNormLayer(LayerNorm.identity width LayerNorm.defaultEpsilon)
        let cases =
            [ PlainSgd, CategoricalCrossEntropy, [ dense 16 ReLU; dense 8 Tanh; dense 4 Softmax ]
              Adam(0.9, 0.999, 1e-8), CategoricalCrossEntropy, [ dense 16 (PReLU 0.1); dropout 0.3; maxout 8; dense 4 Softmax ]
              Momentum 0.9, MeanSquaredError, [ dense 16 Sigmoid; dropout 0.5; dense 4 Identity ]
              RmsProp(0.9, 1e-8), BinaryCrossEntropy, [ dense 16 (ELU 1.0); dense 4 Sigmoid ]
              Nesterov 0.5, MulticlassHinge, [ dense 16 SoftPlus; dense 4 Identity ]
              AdaGrad 1e-8, MeanAbsoluteError, [ dense 16 (LeakyReLU 0.1); dense 4 Softmax ]
              PlainSgd, MeanSquaredError, [ dense 16 Arctan; dense 8 LogSoftmax; dense 4 LogSoftmax ]
              Adam(0.9, 0.999, 1e-8), CategoricalCrossEntropy, [ dense 16 ReLU; layerNorm; dense 8 Tanh; layerNorm; dense 4 Softmax ] ]
        // Every built-in layer kind has a float32 version: the same cases in both precisions. The
        // last case is large enough for the products, the gather (128 × 600 inputs) and the update
        // (77,316 entries) to run in parts on the product threads.
        let small = 50, 12, 16
        let large = [ Adam(0.9, 0.999, 1e-8), CategoricalCrossEntropy, [ dense 128 ReLU; dense 4 Softmax ] ]
        for precision in [ Precision.Double; Precision.Single ] do
            for (rule, loss, layers), size in List.map (fun c -> c, small) cases @ List.map (fun c -> c, (256, 600, 128)) large do
                let bytes = allocationOfStep precision rule loss layers size
                if bytes <> 0L then failwithf "%A, %A with %A: a steady-state epoch of batch steps allocated %d bytes." precision rule loss bytes)

/// The buffer helpers the fast path runs on row-major buffers (RowMajor, vectorised: Vector512
/// where the cores run it, else Vector<'T>, then a scalar tail) against their definitions entry by
/// entry, bit for bit, at float and float32, on lengths that cover the vector bodies and the tails
/// (0..150 entries, from offsets 0..20) with NaN and ±∞ placed anywhere: allFiniteIn is "every
/// entry finite", addRow one addition per entry, columnSums the rows added in order from 0, widen
/// `float x`, narrow `float32 x` (to nearest; past ±3.4e38 it is ±∞).
let private bufferLaw =
    let special = Gen.elements [ nan; infinity; -infinity; 3.5e38; -1e300; 1e-320 ]
    let entry = Gen.frequency [ 12, floatIn -3.0 3.0; 1, special ]
    let case = gen {
        let! start = Gen.choose (0, 20)
        let! count = Gen.choose (0, 150)
        let! values = Gen.arrayOfLength (start + count + 3) entry
        let! cols = Gen.choose (1, 40)
        let! rows = Gen.choose (1, 5)
        let! z = Gen.arrayOfLength (rows * cols) (floatIn -3.0 3.0)
        let! b = Gen.arrayOfLength cols (floatIn -3.0 3.0)
        return start, count, values, rows, cols, z, b }
    let same (x: float) (y: float) = BitConverter.DoubleToInt64Bits x = BitConverter.DoubleToInt64Bits y
    let same32 (x: float32) (y: float32) = BitConverter.SingleToInt32Bits x = BitConverter.SingleToInt32Bits y
    Spec.property "S28 / fast path / the buffer helpers equal their definitions entry by entry, bit for bit, in float64 and float32" case (fun (start, count, values, rows, cols, z, b) ->
        let values32 = Array.map float32 values
        let finite = Array.sub values start count |> Array.forall Double.IsFinite
        let finite32 = Array.sub values32 start count |> Array.forall Single.IsFinite
        if RowMajor.allFiniteIn values start count <> finite then failwithf "allFiniteIn (float) of %d entries from %d: %b" count start (not finite)
        if RowMajor.allFiniteIn values32 start count <> finite32 then failwithf "allFiniteIn (float32) of %d entries from %d: %b" count start (not finite32)
        let wide = Array.create (count + 2) 7.0
        RowMajor.widen values32 start wide 1 count
        for j in 0 .. count - 1 do
            if not (same wide.[1 + j] (float values32.[start + j])) then failwithf "widen, entry %d: %g, expected %g" j wide.[1 + j] (float values32.[start + j])
        if wide.[0] <> 7.0 || wide.[count + 1] <> 7.0 then failwith "widen wrote outside its range"
        let narrow = Array.create (count + 2) 7.0f
        RowMajor.narrow values start narrow 1 count
        for j in 0 .. count - 1 do
            if not (same32 narrow.[1 + j] (float32 values.[start + j])) then failwithf "narrow, entry %d: %g, expected %g" j narrow.[1 + j] (float32 values.[start + j])
        if narrow.[0] <> 7.0f || narrow.[count + 1] <> 7.0f then failwith "narrow wrote outside its range"
        let check (name: string) (actual: 'T[]) (expected: 'T[]) (bits: 'T -> 'T -> bool) =
            for e in 0 .. expected.Length - 1 do
                if not (bits actual.[e] expected.[e]) then failwithf "%s, entry %d: %A, expected %A" name e actual.[e] expected.[e]
        let z32, b32 = Array.map float32 z, Array.map float32 b
        let added = Array.copy z
        RowMajor.addRow added rows cols b
        check "addRow (float)" added (Array.init (rows * cols) (fun e -> z.[e] + b.[e % cols])) same
        let added32 = Array.copy z32
        RowMajor.addRow added32 rows cols b32
        check "addRow (float32)" added32 (Array.init (rows * cols) (fun e -> z32.[e] + b32.[e % cols])) same32
        let sums = Array.create (cols + 1) 9.0
        RowMajor.columnSums z rows cols sums
        check "columnSums (float)" sums (Array.append (Array.init cols (fun j -> Seq.fold (fun s i -> s + z.[i * cols + j]) 0.0 [ 0 .. rows - 1 ])) [| 9.0 |]) same
        let sums32 = Array.create (cols + 1) 9.0f
        RowMajor.columnSums z32 rows cols sums32
        check "columnSums (float32)" sums32 (Array.append (Array.init cols (fun j -> Seq.fold (fun s i -> s + z32.[i * cols + j]) 0.0f [ 0 .. rows - 1 ])) [| 9.0f |]) same32)

/// The laws of this file, for the specification tree (Program.fs).
/// predictRow on each row of X against Network.forward on that row as a 1×d matrix: the same bits
/// with the managed kernel (the products' fused multiply-add chains run in the same order), within
/// Tolerance.fastPath under OpenBLAS (which may sum a 1×k·k×n product and its transpose in
/// different orders).
let private predictRowLaw =
    Spec.property "S15 / fast path / predicting one row equals the reference forward pass, bit for bit" trainingCase (fun (_, net, X, _, _) ->
        let exact = Backend.Name = "managed"
        for i in 0 .. X.RowCount - 1 do
            let row = X.Row(i).ToArray()
            let expected = (Network.forward net (Matrix<float>.Build.DenseOfRowArrays [| row |])).Row(0).ToArray()
            match FastTraining.predictRow net row with
            | Error(l, c) -> failwithf "row %d: predictRow reported an overflow at layer %d, column %d" i l c
            | Ok actual ->
                if actual.Length <> expected.Length then failwithf "row %d: %d outputs, expected %d" i actual.Length expected.Length
                for j in 0 .. actual.Length - 1 do
                    let same = if exact then BitConverter.DoubleToInt64Bits actual.[j] = BitConverter.DoubleToInt64Bits expected.[j]
                               else Tolerance.close Tolerance.fastPath actual.[j] expected.[j]
                    if not same then failwithf "row %d, output %d: predictRow %.17g, Network.forward %.17g" i j actual.[j] expected.[j])

/// The step loss the divergence rule reads (TrainingEngine.LastLoss, also the value a NaN stop
/// reports) is J + λ·Σ_W ΣW² on the fast path as on the reference: one fast step on the whole
/// training set against the reference's data loss (Network.batch, the same dropout masks) plus the
/// penalty summed here entry by entry over the weight matrices (biases and α are not weights).
/// Tolerance.rounding: one forward pass each, no update in between, so the only difference is the
/// order of the loss's and the penalty's sums (a few ulps of values of order 1..50), while a wrong
/// penalty (doubled, dropped, on biases) moves the total by λ·ΣW² ≥ 1e-3·ΣW².
let private stepLossLaw =
    let case = gen {
        let! config, net, X, Y, _ = trainingCase
        let! l2 = Gen.elements [ 1e-3; 0.05; 0.5 ]
        // One batch of the whole set (the plan's buffers hold one batch).
        return { config with L2 = l2; BatchSize = X.RowCount }, net, X, Y }
    Spec.property "S23 / fast path / the step loss the divergence rule reads is J + λ·ΣW², as on the reference path" case (fun (config, net, X, Y) ->
        let stochastic = net.Layers |> List.exists (fun layer -> layer.Stochastic)
        let seed = if stochastic then Some(Training.dropoutSeed config.Seed 0 0) else None
        let J = (Network.batch 0.0 seed config.Loss net X Y).DataLoss
        let mutable sumOfSquares = 0.0
        List.zip (Network.parameters net) (Network.isWeight net) |> List.iter (fun (p, isWeight) ->
            if isWeight then p.Enumerate() |> Seq.iter (fun w -> sumOfSquares <- sumOfSquares + w * w))
        let expected = J + config.L2 * sumOfSquares
        let engine = FastTraining.engine config net (FastTraining.ofMatrices X Y) None
        engine.Step(0, 0, Array.init X.RowCount id, config.LearningRate) |> ignore
        if Double.IsFinite expected && not (Tolerance.close Tolerance.rounding expected engine.LastLoss) then
            failwithf "step loss: fast %.17g, reference J + λ·ΣW² = %.17g + %g·%.17g = %.17g" engine.LastLoss J config.L2 sumOfSquares expected)

let laws : Spec.Law list = [ equalLaw; pureLaw; allocationLaw; predictRowLaw; stepLossLaw; bufferLaw ]
