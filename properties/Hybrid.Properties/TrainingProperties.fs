/// Laws of the training loop (S28), the gradient check (S26) and the seeded network builder
/// (S31) that a mutation run showed were unchecked: early stopping's patience window, the
/// reported training loss under weight decay, the validation split's size, the gradient check's
/// NaN guard and Network.dense's per-layer seeds.
module Hybrid.Properties.TrainingProperties

open System
open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core
open Hybrid.Properties.Generators

/// A small regression run that does not settle: a d-h-1 tanh network, SGD with momentum at a
/// large rate on random targets, a random validation set. Its validation loss goes up and down,
/// so improvements come with gaps between them (what the patience law needs).
let private runWith (rates: Gen<float>) =
    gen {
        let! d, h = Gen.zip (dim 3) (dim 4)
        let! n = Gen.choose (4, 12)
        let! X = matrix 1.0 n d
        let! Y = matrix 1.0 n 1
        let! Xv = matrix 1.0 5 d
        let! Yv = matrix 1.0 5 1
        let! seed = Gen.choose (0, 10_000)
        let! eta = rates
        let! mu = floatIn 0.0 0.9
        let! patience = Gen.choose (1, 4)
        let! epochs = Gen.choose (3, 30)
        let! minDelta = Gen.elements [ 0.0; 0.0; 1e-3 ]
        let! l2 = Gen.elements [ 0.0; 1e-2; 0.3 ]
        let! batch = Gen.choose (1, n)
        let net = Network.dense seed XavierNormal d [ h, Tanh; 1, Identity ]
        let config =
            { Loss = MeanSquaredError; Rule = Momentum mu; LearningRate = eta; Schedule = ConstantRate; L2 = l2
              BatchSize = batch; Epochs = epochs; Seed = seed; Patience = patience; MinDelta = minDelta; RestoreBest = false
              Monitor = MonitorLoss; DivergenceFactor = infinity } // the divergence rule off: these laws are about patience
        return config, net, X, Y, (Xv, Yv)
    }

/// Runs at large rates: the loss goes up and down (and may overflow: a NaN stop).
let private noisyRun = runWith (floatIn 0.05 0.8)

/// Runs at moderate rates, which never overflow on these sizes (a NaN stop fails the law).
let private calmRun = runWith (floatIn 0.01 0.2)

let private fitRun (config, net, X, Y, validation) =
    Training.fit config net X Y (Some validation) ignore (fun () -> false)

let private lawPatience =
    Spec.property "S28 / early stopping / a stop comes exactly Patience epochs after the best, and no earlier window of Patience epochs without improvement exists" noisyRun (fun run ->
        let config, _, _, _, _ = run
        let outcome = fitRun run
        let history = Array.ofList outcome.History
        // The best flags, recomputed from the monitored (validation) losses: an epoch is best if it
        // is the first or its loss is below the last best's loss − MinDelta.
        let mutable bestLoss = infinity
        for r in history do
            let loss = r.ValidationLoss.Value
            let isBest = r.Epoch = 1 || loss < bestLoss - config.MinDelta
            if isBest <> r.IsBest then failwithf "epoch %d: IsBest = %b, but the losses say %b" r.Epoch r.IsBest isBest
            if isBest then bestLoss <- loss
        // Runs of epochs without improvement: none may reach Patience before the last epoch.
        let mutable since = 0
        for r in history do
            since <- if r.IsBest then 0 else since + 1
            if since >= config.Patience && r.Epoch < history.Length then
                failwithf "epochs %d..%d did not improve (Patience %d) yet training went on to epoch %d" (r.Epoch - since + 1) r.Epoch config.Patience history.Length
        let lastBest = history |> Array.filter (fun r -> r.IsBest) |> Array.last
        match outcome.Stop with
        | EarlyStopped ->
            if history.Length - lastBest.Epoch <> config.Patience then
                failwithf "stopped at epoch %d, %d epochs after the best epoch %d, with Patience %d" history.Length (history.Length - lastBest.Epoch) lastBest.Epoch config.Patience
            if outcome.BestEpoch <> lastBest.Epoch then failwithf "BestEpoch %d, but the last best epoch is %d" outcome.BestEpoch lastBest.Epoch
        | Completed ->
            if history.Length <> config.Epochs then failwithf "completed after %d of %d epochs" history.Length config.Epochs
            if since >= config.Patience && config.Patience > 0 then failwithf "completed although the last %d epochs did not improve" since
        | NonFinite -> () // a NaN stop: the window law above held for every epoch that completed
        | Cancelled -> failwithf "cancelled although nothing asked to stop: %A" outcome.Detail
        | Diverged -> failwithf "diverged although the divergence rule is off: %A" outcome.Detail
        | StoppedByCallback -> failwithf "stopped by a callback although there is none: %A" outcome.Detail)

let private lawTrainingLoss =
    Spec.property "S28 / training loss / the reported training loss is the data loss of the batches' own forward passes, without the L2 penalty" calmRun (fun run ->
        let config, net, X, Y, (Xv, Yv) = run
        // One epoch of one batch holding every row: the epoch's training loss is that batch's data
        // loss at the starting weights (before its update), as Keras reports it; the validation
        // loss is taken after the epoch, on the returned network. Both by hand, without L2.
        let config = { config with BatchSize = X.RowCount; Epochs = 1; Patience = 0 }
        let outcome = fitRun (config, net, X, Y, (Xv, Yv))
        if outcome.Stop <> Completed then failwithf "a calm one-step run did not complete: %A" outcome.Detail
        let record = List.exactlyOne outcome.History
        let data = Loss.mse (Network.forward net X) Y
        // The batch is X's rows in a shuffled order: the mean over rows sums them in another
        // order, a few ulps of a loss of order 1.
        if not (Tolerance.close Tolerance.rounding record.TrainingLoss data) then
            failwithf "TrainingLoss %.17g <> data loss %.17g of the batch at the starting weights (L2 = %g)" record.TrainingLoss data config.L2
        let validation = Loss.mse (Network.forward outcome.Network Xv) Yv
        if record.ValidationLoss <> Some validation then
            failwithf "ValidationLoss %A <> data loss %.17g of the returned network" record.ValidationLoss validation)

/// The integer nearest to x, ties to the even neighbour (.NET's Math.Round), written out.
let private roundHalfEven (x: float) : int =
    let f = floor x
    let frac = x - f
    let k = int f
    if frac < 0.5 then k elif frac > 0.5 then k + 1 elif k % 2 = 0 then k else k + 1

let private lawSplit =
    let case = gen { let! n = Gen.choose (1, 300) in let! per = Gen.choose (1, 999) in let! seed = Gen.choose (-1000, 1000) in return n, float per / 1000.0, seed }
    Spec.property "S28 / validation split / a partition of the rows with round(fraction·n) validation rows, or an ArgumentException when a part would be empty" case (fun (n, fraction, seed) ->
        let k = roundHalfEven (fraction * float n)
        if k >= 1 && k <= n - 1 then
            let train, validation = Training.split seed fraction n
            if validation.Length <> k then failwithf "%d validation rows for %g of %d, expected %d" validation.Length fraction n k
            if Array.sort (Array.append train validation) <> Array.init n id then failwith "the two parts are not a partition of 0..n-1"
            if Training.split seed fraction n <> (train, validation) then failwith "the split is not a function of its seed"
        else
            try
                Training.split seed fraction n |> ignore
                failwithf "no exception for %g of %d rows (%d validation rows)" fraction n k
            with :? ArgumentException -> ())

let private lawNaNGuard =
    let case =
        gen {
            let! r, c = Gen.zip (dim 4) (dim 4)
            let! A = matrix 2.0 r c
            let! N = matrix 2.0 r c
            let! i, j = Gen.zip (Gen.choose (0, r - 1)) (Gen.choose (0, c - 1))
            let! where = Gen.elements [ "analytic"; "numerical"; "both" ]
            return A, N, i, j, where
        }
    Spec.property "S26 / gradient check / a NaN in either gradient is the worst error (+∞), reported where it is" case (fun (A, N, i, j, where) ->
        let A, N = A.Clone(), N.Clone()
        if where <> "numerical" then A.[i, j] <- nan
        if where <> "analytic" then N.[i, j] <- nan
        let c = Numerical.check Tolerance.tiny A N
        if not (Double.IsPositiveInfinity c.MaxRelativeError) || (c.Row, c.Column) <> (i, j) then
            failwithf "NaN in %s at (%d, %d): reported %g at (%d, %d)" where i j c.MaxRelativeError c.Row c.Column)

let private lawDenseSeeds =
    let case =
        gen {
            let! init = initializer
            let! seed = Gen.choose (-100_000, 100_000)
            let! inputs = dim 5
            let! layers = Gen.listOfLength 3 (Gen.zip (dim 5) (Gen.elements [ Tanh; ReLU; Sigmoid; Identity ])) |> Gen.map (List.take 3)
            let! depth = Gen.choose (1, 3)
            return init, seed, inputs, List.take depth layers
        }
    Spec.property "S31 / seeded network / layer l of Network.dense seed init draws its weights from Init.derive seed l, biases 0" case (fun (init, seed, inputs, layers) ->
        let net = Network.dense seed init inputs layers
        let fanIns = inputs :: (layers |> List.map fst)
        List.zip3 net.Layers layers (List.take layers.Length fanIns) |> List.iteri (fun l (layer, (units, g), fanIn) ->
            match layer with
            | DenseLayer d ->
                Tolerance.expectClose (sprintf "layer %d W" l) 0.0 (Init.matrix init (Init.derive seed l) fanIn units) d.W
                Tolerance.expectClose (sprintf "layer %d b" l) 0.0 (Mat.zeros 1 units) d.B
                if d.Activation <> g then failwithf "layer %d has activation %A, not %A" l d.Activation g
            | other -> failwithf "layer %d is %A, not dense" l other))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list = [ lawPatience; lawTrainingLoss; lawSplit; lawNaNGuard; lawDenseSeeds ]
