/// Training that continues: a run of a epochs, then resumed from its TrainingState for b more,
/// is the run of a + b epochs, bit for bit (parameters, optimiser state, and every epoch record but
/// its wall-clock fields), on the fast and on the reference path, for every update rule, schedule,
/// batch size, dropout, L2 and early-stopping setting that FastPathProperties generates. A run
/// cancelled inside an epoch resumes from the start of that epoch and gives the same bits too.
module Hybrid.Properties.ResumeProperties

open System
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core
open Hybrid.Properties.Generators

/// The bits of a float, so that 0.0 and −0.0 (and NaN payloads) count as different.
let private bits (x: float) = BitConverter.DoubleToInt64Bits x

let private sameMatrices (what: string) (a: Matrix<float> list) (b: Matrix<float> list) =
    if List.length a <> List.length b then failwithf "%s: %d matrices against %d" what a.Length b.Length
    List.iteri2 (fun k (x: Matrix<float>) (y: Matrix<float>) ->
        let xs, ys = x.ToRowMajorArray(), y.ToRowMajorArray()
        if x.RowCount <> y.RowCount || x.ColumnCount <> y.ColumnCount then failwithf "%s %d: %dx%d against %dx%d" what k x.RowCount x.ColumnCount y.RowCount y.ColumnCount
        for i in 0 .. xs.Length - 1 do
            if bits xs.[i] <> bits ys.[i] then failwithf "%s %d, entry %d: %.17g against %.17g" what k i xs.[i] ys.[i]) a b

/// Every field of a record but the wall-clock ones (Elapsed, SamplesPerSecond), to the bit.
let private sameRecord (a: EpochRecord) (b: EpochRecord) =
    let opt = Option.map bits
    if a.Epoch <> b.Epoch || bits a.LearningRate <> bits b.LearningRate || bits a.TrainingLoss <> bits b.TrainingLoss
       || bits a.TrainingAccuracy <> bits b.TrainingAccuracy || opt a.ValidationLoss <> opt b.ValidationLoss
       || opt a.ValidationAccuracy <> opt b.ValidationAccuracy || a.IsBest <> b.IsBest then
        failwithf "epoch record: uninterrupted %A, resumed %A" a b

/// The uninterrupted outcome against the two parts' records and the resumed outcome.
let private expectSameRun (whole: TrainingOutcome) (records: EpochRecord list) (resumed: TrainingOutcome) =
    if whole.History.Length <> records.Length then
        failwithf "epochs: uninterrupted %d, interrupted and resumed %d" whole.History.Length records.Length
    List.iter2 sameRecord whole.History records
    if whole.Stop <> resumed.Stop then failwithf "stop: uninterrupted %A, resumed %A" whole.Detail resumed.Detail
    match whole.Detail, resumed.Detail with
    | StopDetail.Completed _, StopDetail.Completed _ -> ()
    | a, b when a <> b -> failwithf "stop detail: uninterrupted %A, resumed %A" a b
    | _ -> ()
    if whole.BestEpoch <> resumed.BestEpoch || whole.Restored <> resumed.Restored then
        failwithf "best epoch: uninterrupted %d (restored %b), resumed %d (restored %b)" whole.BestEpoch whole.Restored resumed.BestEpoch resumed.Restored
    sameMatrices "parameter" (Network.parameters whole.Network) (Network.parameters resumed.Network)
    let s, r = whole.State, resumed.State
    if s.Epoch <> r.Epoch || s.SinceBest <> r.SinceBest || s.BestEpoch <> r.BestEpoch || bits s.FirstLoss <> bits r.FirstLoss then
        failwithf "state: uninterrupted (epoch %d, since best %d, best %d, J0 %g), resumed (epoch %d, since best %d, best %d, J0 %g)"
                  s.Epoch s.SinceBest s.BestEpoch s.FirstLoss r.Epoch r.SinceBest r.BestEpoch r.FirstLoss
    if s.Optimizer.Step <> r.Optimizer.Step then failwithf "optimiser step t: uninterrupted %d, resumed %d" s.Optimizer.Step r.Optimizer.Step
    sameMatrices "state parameter" (Network.parameters s.Network) (Network.parameters r.Network)
    sameMatrices "first moment" s.Optimizer.First r.Optimizer.First
    sameMatrices "second moment" s.Optimizer.Second r.Optimizer.Second

/// One path: fit from a network, and fit continued from a state.
type private Path =
    { Name: string
      Fit: TrainingConfig -> Network -> Matrix<float> -> Matrix<float> -> (Matrix<float> * Matrix<float>) option -> (unit -> bool) -> TrainingOutcome
      Resume: TrainingConfig -> TrainingState -> Matrix<float> -> Matrix<float> -> (Matrix<float> * Matrix<float>) option -> TrainingOutcome }

let private paths =
    [ { Name = "fast"
        Fit = fun c n X Y v stop -> FastTraining.fit c n X Y v ignore stop
        Resume = fun c s X Y v -> FastTraining.fitFrom c s X Y v ignore (fun () -> false) }
      { Name = "reference"
        Fit = fun c n X Y v stop -> Training.fit c n X Y v ignore stop
        Resume = fun c s X Y v -> Training.fitFrom c s X Y v ignore (fun () -> false) } ]

/// A training case of a + b epochs (a, b in 1..2), and a poll count after which a third run is
/// cancelled (1 = before its first batch).
let private resumeCase =
    gen {
        let! config, net, X, Y, validation = FastPathProperties.trainingCase
        let! a = Gen.choose (1, 2)
        let! b = Gen.choose (1, 2)
        let batches = (X.RowCount + config.BatchSize - 1) / config.BatchSize
        let! cancelAt = Gen.choose (1, (a + b) * batches)
        return { config with Epochs = a + b }, a, cancelAt, net, X, Y, validation
    }

let private resumeLaw =
    Spec.property "S28 / resume / a epochs then b more equal a + b epochs, bit for bit" resumeCase
        (fun (config, a, cancelAt, net, X, Y, validation) ->
            for path in paths do
                try
                    let whole = path.Fit config net X Y validation (fun () -> false)
                    // Stopped by a epochs, then resumed for the rest.
                    let first = path.Fit { config with Epochs = a } net X Y validation (fun () -> false)
                    if first.Stop = Completed then
                        let rest = path.Resume { config with Epochs = config.Epochs - a } first.State X Y validation
                        expectSameRun whole (first.History @ rest.History) rest
                    // Cancelled inside an epoch after cancelAt polls, then resumed from that epoch's start.
                    let mutable polls = 0
                    let cancelled = path.Fit config net X Y validation (fun () -> polls <- polls + 1; polls >= cancelAt)
                    if cancelled.Stop = Cancelled then
                        let kept = cancelled.History |> List.filter (fun r -> r.Epoch <= cancelled.State.Epoch)
                        let rest = path.Resume { config with Epochs = config.Epochs - cancelled.State.Epoch } cancelled.State X Y validation
                        expectSameRun whole (kept @ rest.History) rest
                with e -> failwithf "%s path: %s" path.Name e.Message)

let laws : Spec.Law list = [ resumeLaw ]
