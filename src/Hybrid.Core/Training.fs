namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// Everything a training run needs besides the network and the data.
/// What early stopping watches (on the validation set if there is one, else the training set),
/// with its mode as in Keras: the loss improves downwards, the accuracy upwards.
type Monitor =
    /// The data loss (mode min).
    | MonitorLoss
    /// The accuracy (mode max).
    | MonitorAccuracy

type TrainingConfig =
    { /// The data loss J (batch mean, S18).
      Loss: Loss
      /// The update rule (SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam).
      Rule: UpdateRule
      /// The initial learning rate η0 &gt; 0.
      LearningRate: float
      /// η per epoch from η0.
      Schedule: Schedule
      /// L2 coefficient λ ≥ 0: λ·Σ‖W‖² is added to J (weights only), i.e. 2λW to each weight gradient.
      L2: float
      /// Examples per minibatch (the last batch of an epoch may be smaller).
      BatchSize: int
      /// Maximum number of epochs.
      Epochs: int
      /// Seed of the shuffles (epoch e uses Init.derive Seed e) and of dropout masks.
      Seed: int
      /// Early stopping: stop after this many epochs without improvement; 0 turns it off.
      Patience: int
      /// An epoch improves on the best only if its monitored value beats it by more than MinDelta (Training.improves).
      MinDelta: float
      /// Return the weights of the best epoch (the last epoch that counted as an improvement:
      /// Training.improves) instead of the last ones.
      RestoreBest: bool
      /// What early stopping, IsBest and RestoreBest watch (Training.improves).
      Monitor: Monitor
      /// The divergence rule's factor (> 1; +∞ turns the rule off): see Training.diverged.
      DivergenceFactor: float }

/// What one epoch produced. Epochs are numbered from 1.
type EpochRecord =
    { /// 1-based epoch number.
      Epoch: int
      /// η used during this epoch.
      LearningRate: float
      /// Data loss of the epoch as Keras reports it: (1/n)·Σ_b n_b·J_b over the epoch's batches,
      /// each J_b from the batch's own forward pass before its update (dropout on if the network
      /// has it), without the L2 term. Not a second pass over the training set.
      TrainingLoss: float
      /// Accuracy of the batches' own predictions over the epoch: (1/n)·Σ_b correct_b.
      TrainingAccuracy: float
      /// Data loss on the validation set after the epoch (inference: no dropout, no L2 term), if there is one.
      ValidationLoss: float option
      /// Accuracy on the validation set after the epoch, from the same pass as ValidationLoss.
      ValidationAccuracy: float option
      /// Whether this epoch set a new best monitored metric (Training.improves).
      IsBest: bool
      /// Wall-clock time since training started, at the end of this epoch.
      Elapsed: TimeSpan
      /// Training rows per second of this epoch: n / (the epoch's wall-clock time, its
      /// minibatch steps and its end-of-epoch evaluation).
      SamplesPerSecond: float }

/// Why training ended.
type StopReason =
    /// All epochs ran.
    | Completed
    /// Patience ran out.
    | EarlyStopped
    /// A loss, gradient or parameter became NaN or ±∞.
    | NonFinite
    /// A batch loss grew beyond DivergenceFactor × max(1, the first batch's loss): the
    /// learning rate is too large (Training.diverged).
    | Diverged
    /// The caller asked to stop.
    | Cancelled

/// The result of Training.fit.
type TrainingOutcome =
    { /// The trained network (the best epoch's if RestoreBest and an epoch completed).
      Network: Network
      /// One record per completed epoch.
      History: EpochRecord list
      /// Why training ended.
      Stop: StopReason
      /// A readable account of how training ended.
      Message: string
      /// The 1-based last epoch that counted as an improvement (Training.improves;
      /// 0 if no epoch completed).
      BestEpoch: int
      /// Whether Network holds the best epoch's weights rather than the last ones.
      Restored: bool }

/// The running sums of an epoch's batches for Training.run's metrics: Σ_b n_b·J_b and Σ_b correct_b.
type EpochSums() =
    let mutable loss = 0.0
    let mutable correct = 0

    /// Adds one batch of `rows` rows with data loss J and `hits` correct predictions.
    member _.Add(rows: int, J: float, hits: int) =
        loss <- loss + J * float rows
        correct <- correct + hits

    /// The sums since the last call; resets both to 0.
    member _.Take() : struct (float * int) =
        let sums = struct (loss, correct)
        loss <- 0.0
        correct <- 0
        sums

/// A training engine as the epoch loop (Training.run) sees it. The reference path
/// (Training.fit) and the fast path (FastTraining.fit) each implement it, so both report by the
/// same rules. Epochs and batches are 0-based here.
type TrainingEngine =
    /// Runs batch b of epoch e on the training rows `rows` with learning rate η. On success it
    /// updates the weights (and optimiser state), adds n_b·J_b (the batch's data loss from its own
    /// forward pass) and the batch's correct count to the epoch sums, and returns None. When the
    /// loss, a gradient or an updated parameter is not finite it leaves the weights as they were
    /// and returns the NaN-stop message.
    abstract Step: epoch: int * batch: int * rows: int[] * eta: float -> string option
    /// The loss J = data loss + L2 penalty of the last Step, successful or not (the divergence rule's input).
    abstract LastLoss: float
    /// (Σ_b n_b·J_b, Σ_b correct_b) since the last call; resets both to 0.
    abstract TakeSums: unit -> struct (float * int)
    /// Remembers the current weights (called before each epoch).
    abstract MarkEpochStart: unit -> unit
    /// Puts back the weights remembered by MarkEpochStart.
    abstract RollbackEpoch: unit -> unit
    /// The current weights as a network (never shared with later mutation).
    abstract Snapshot: unit -> Network
    /// (loss, accuracy) on the validation set from one pass at inference, or None without one.
    abstract Validate: unit -> (float * float) option

/// The minibatch training loop (S28) around the optimisers of Update and the schedules of
/// Schedule; evaluation (loss, accuracy S32, confusion matrix). Inputs are never mutated: fit
/// returns a new network.
module Training =

    /// The class of each row: argmax for k ≥ 2 columns; for 1 column, [m ≥ t] with t = 0 for the
    /// hinge and logistic losses (targets ±1) and t = 0.5 otherwise. Shapes: n×k -> n. Course: S32.
    let classesOf (loss: Loss) (M: Matrix<float>) : int[] =
        if M.ColumnCount > 1 then Mat.argmaxRows M
        else
            let t = match loss with Hinge | Logistic -> 0.0 | _ -> 0.5
            Mat.toRowMajor M |> Array.map (fun m -> if m >= t then 1 else 0)

    /// The number of rows whose class matches: #{i : class(Ŷ_i) = class(Y_i)} with classesOf.
    /// Shapes: Ŷ, Y n×k -> 0..n. Course: S32.
    let correct (loss: Loss) (Yhat: Matrix<float>) (Y: Matrix<float>) : int =
        Shape.same "Yhat" Yhat "Y" Y
        Array.fold2 (fun acc x y -> if x = y then acc + 1 else acc) 0 (classesOf loss Yhat) (classesOf loss Y)

    /// Accuracy = mean(class(Ŷ_i) = class(Y_i)) with classesOf (so argmax(Ŷ_i) = argmax(Y_i) for
    /// one-hot Y). Shapes: Ŷ, Y n×k -> scalar in [0, 1]. Course: S32. Checked by: NetworkTests
    /// "Evaluate_gives_loss_accuracy_and_confusion_matrix" (tests/Hybrid.Tests).
    let accuracy (loss: Loss) (Yhat: Matrix<float>) (Y: Matrix<float>) : float =
        Shape.nonEmpty "Y" Y
        float (correct loss Yhat Y) / float Y.RowCount

    /// The confusion matrix C (classes×classes): C[a, p] counts examples of actual class a
    /// predicted as p (classes = k for k ≥ 2 columns, 2 for one column). Course: S32. Checked by:
    /// NetworkTests "Evaluate_gives_loss_accuracy_and_confusion_matrix", EndToEndTests (digits).
    let confusion (loss: Loss) (Yhat: Matrix<float>) (Y: Matrix<float>) : int[,] =
        Shape.same "Yhat" Yhat "Y" Y
        let k = if Y.ColumnCount > 1 then Y.ColumnCount else 2
        let C = Array2D.zeroCreate k k
        Array.iter2 (fun p a -> C.[a, p] <- C.[a, p] + 1) (classesOf loss Yhat) (classesOf loss Y)
        C

    /// (J, accuracy, confusion) of the network on (X, Y) at inference (no dropout, no L2).
    /// Shapes: X n×d_in, Y n×d_out. Course: S18, S32. Checked by: NetworkTests
    /// "Evaluate_gives_loss_accuracy_and_confusion_matrix".
    let evaluate (loss: Loss) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) : float * float * int[,] =
        let J, Yhat = Network.lossAndOutput loss net X Y
        J, accuracy loss Yhat Y, confusion loss Yhat Y

    /// A seeded split of the row indices 0..n−1 into (training, validation), the validation part
    /// holding round(fraction·n) rows (round half to even, as Math.Round); both parts are non-empty and keep their shuffled order.
    /// Course: S28 (data for minibatch SGD), S30 (fit statistics on one set, apply to another).
    /// Checked by: TrainerTests "A_validation_split_reports_validation_loss_and_accuracy",
    /// "Fit_rejects_bad_data_before_doing_anything"; BadInputProperties; TrainingProperties
    /// "S28 / validation split / a partition of the rows with round(fraction·n) validation rows, or an ArgumentException when a part would be empty".
    let split (seed: int) (fraction: float) (n: int) : int[] * int[] =
        if not (fraction > 0.0 && fraction < 1.0) then Shape.fail "fraction" (sprintf "the validation fraction must lie in (0, 1) but is %g." fraction)
        let k = int (Math.Round(fraction * float n))
        if k < 1 || k > n - 1 then
            Shape.fail "fraction" (sprintf "a validation fraction of %g of %d rows leaves %d validation and %d training rows: both need at least 1." fraction n k (n - k))
        let perm = (Optimizer.minibatches (Init.derive seed -1) n n).[0]
        perm.[k..], perm.[.. k - 1]

    /// Checks a configuration's hyper-parameters (each error names the field). Course: S27, S28.
    /// Checked by:
    /// BadInputProperties.
    let validate (config: TrainingConfig) : unit =
        Shape.positive "LearningRate" config.LearningRate
        Shape.nonNegative "L2" config.L2
        Shape.positiveInt "BatchSize" config.BatchSize
        Shape.positiveInt "Epochs" config.Epochs
        if config.Patience < 0 then Shape.fail "Patience" (sprintf "Patience must be >= 0 but is %d." config.Patience)
        Shape.nonNegative "MinDelta" config.MinDelta
        if not (config.DivergenceFactor > 1.0) then
            Shape.fail "DivergenceFactor" (sprintf "DivergenceFactor must be > 1 (or +infinity to turn the rule off) but is %g." config.DivergenceFactor)
        Update.validate "Rule" config.Rule
        Schedule.validate "Schedule" config.Schedule

    /// Whether the loss fits the network's output (docs/losses.md, "Loss and output pairings"):
    /// the cross-entropies read probabilities, so binary cross-entropy needs a dense sigmoid last
    /// layer and categorical cross-entropy a dense softmax last layer of at least 2 units (a
    /// softmax of width 1 is constantly 1); both then take the fused path from the logits, which
    /// is PyTorch's BCEWithLogitsLoss / CrossEntropyLoss on a Linear layer. The multiclass hinge
    /// needs at least 2 output units. The regression and margin losses take any output, a
    /// LogSoftmax output included (its values are log-probabilities ≤ 0; the negative
    /// log-likelihood that reads them is not a Hybrid loss: softmax + cross-entropy is the same
    /// model, so cross-entropy refuses LogSoftmax with that advice).
    /// Course: S21, S22, S23.
    /// Checked by: NetworkTests "A_softmax_of_width_1_with_cross_entropy_is_rejected";
    /// LossPairingTests "Every_loss_and_last_layer_pair_is_accepted_or_rejected_as_documented".
    let checkLossFits (loss: Loss) (net: Network) : unit =
        let last =
            match List.last net.Layers with
            | DenseLayer d -> Activation.name d.Activation
            | MaxoutLayer _ -> "maxout"
            | DropoutLayer _ -> "dropout"
        let needs (what: string) =
            let lossName = match loss with BinaryCrossEntropy -> "Binary cross-entropy" | _ -> "Cross-entropy"
            Shape.fail "loss" (sprintf "%s needs %s, but the last layer is %s. %s" lossName what last
                (match loss with
                 | CategoricalCrossEntropy -> "For raw scores (PyTorch's Linear + CrossEntropyLoss) make the last layer Dense(k, Softmax): cross-entropy is then computed from its logits, fused and stable."
                 | _ -> "For raw scores (PyTorch's Linear + BCEWithLogitsLoss) make the last layer Dense(k, Sigmoid): cross-entropy is then computed from its logits, fused and stable."))
        match loss, List.last net.Layers with
        | BinaryCrossEntropy, DenseLayer { Activation = Sigmoid } -> ()
        | BinaryCrossEntropy, _ -> needs "a dense sigmoid last layer (probabilities in (0, 1), one per column)"
        | CategoricalCrossEntropy, DenseLayer { Activation = Softmax } when Network.outputSize net < 2 ->
            Shape.fail "loss" "categorical cross-entropy needs at least 2 output units (a softmax of width 1 always outputs 1): use binary cross-entropy with a sigmoid output, or widen the last layer."
        | CategoricalCrossEntropy, DenseLayer { Activation = Softmax } -> ()
        | CategoricalCrossEntropy, DenseLayer { Activation = LogSoftmax } ->
            Shape.fail "loss" "cross-entropy needs a dense softmax last layer (probabilities), but the last layer is LogSoftmax (log-probabilities, the input of PyTorch's NLLLoss, which is not a Hybrid loss). Make the last layer Dense(k, Softmax): cross-entropy on softmax is NLL on log-softmax, computed fused from the logits; Predict's softmax output is e^ of the log-softmax output."
        | CategoricalCrossEntropy, _ -> needs "a dense softmax last layer (a probability distribution per row)"
        | MulticlassHinge, _ when Network.outputSize net < 2 ->
            Shape.fail "loss" (sprintf "the multiclass hinge loss needs at least 2 output units, but the last layer (%s) has 1." last)
        | _ -> ()

    /// Whether the target values suit the loss, checked on the caller's whole matrix (before any
    /// split or shuffle), so an error names the caller's parameter, row and column: binary and
    /// categorical cross-entropy need every target in [0, 1]; hinge and logistic need −1 or 1;
    /// the multiclass hinge needs one-hot rows (entries 0 or 1, exactly one 1). Other losses take
    /// any finite target. Course: S21-S24. Checked by: TargetTests (tests/Hybrid.Tests)
    /// "Invalid_target_values_are_rejected_up_front_naming_the_callers_parameter_row_and_column",
    /// "Evaluate_ComputeLoss_and_ComputeGradients_reject_invalid_target_values"; BadInputProperties.
    let checkTargets (paramName: string) (loss: Loss) (Y: Matrix<float>) : unit =
        Mat.toRows Y |> Array.iteri (fun i row ->
            let bad j (rule: string) =
                Shape.fail paramName (sprintf "%s has an invalid target %g at row %d, column %d: %s" paramName row.[j] i j rule)
            let ones = ref 0
            row |> Array.iteri (fun j v ->
                match loss with
                | BinaryCrossEntropy | CategoricalCrossEntropy ->
                    if not (v >= 0.0 && v <= 1.0) then bad j "cross-entropy targets must lie in [0, 1]."
                | Hinge | Logistic ->
                    if v <> 1.0 && v <> -1.0 then bad j "hinge and logistic targets must be -1 or 1 (class labels given as int[] are encoded so)."
                | MulticlassHinge ->
                    if v <> 0.0 && v <> 1.0 then bad j "multiclass hinge targets must be one-hot rows (one 1, zeros elsewhere)."
                    if v = 1.0 then
                        ones.Value <- ones.Value + 1
                        if ones.Value > 1 then bad j "multiclass hinge targets must be one-hot rows, but this row has a second 1."
                | _ -> ())
            if loss = MulticlassHinge && ones.Value = 0 then
                Shape.fail paramName (sprintf "%s has an invalid target row %d: multiclass hinge targets must be one-hot rows, but every column of row %d is 0." paramName i i))

    /// Whether an epoch's monitored value v improves on the best so far (Keras's rule with
    /// min_delta δ ≥ 0): the first epoch always does; for MonitorLoss (mode min) v &lt; best − δ,
    /// for MonitorAccuracy (mode max) v &gt; best + δ. Course: S28 (early stopping). Checked by:
    /// TrainerTests "Early_stopping_on_accuracy_uses_mode_max_and_min_delta",
    /// "Improves_follows_the_mode_and_min_delta_of_each_metric".
    let improves (monitor: Monitor) (minDelta: float) (best: float option) (v: float) : bool =
        match best, monitor with
        | None, _ -> true
        | Some b, MonitorLoss -> v < b - minDelta
        | Some b, MonitorAccuracy -> v > b + minDelta

    let private allFinite (ms: Matrix<float> list) = ms |> List.forall Mat.isFinite

    /// The default factor of the divergence rule: a loss a million times the first one.
    let defaultDivergenceFactor = 1e6

    /// The divergence rule: a finite batch loss J diverges when J > factor · max(1, J₀), J₀ the
    /// loss of the run's first batch (at the starting weights). Non-finite losses are the NonFinite
    /// rule's. Course: S27 (a learning rate far too large makes the loss explode).
    /// Checked by: OverflowTests "A_learning_rate_of_1e10_is_reported_as_divergence_by_every_optimiser",
    /// "A_sensible_learning_rate_completes_without_a_divergence_report" (tests/Hybrid.Tests).
    let diverged (factor: float) (J0: float) (J: float) : bool = Double.IsFinite J && J > factor * max 1.0 J0

    let private hasDropout (net: Network) =
        net.Layers |> List.exists (function DropoutLayer r -> r > 0.0 | _ -> false)

    /// The NaN-stop message for a non-finite batch loss or gradient (epoch and batch 0-based).
    let nonFiniteStepMessage (J: float) (epoch: int) (batch: int) : string =
        sprintf "the loss or its gradient became non-finite (loss %g) in epoch %d, batch %d; the weights before that step are kept. Lower the learning rate or check the data scale." J (epoch + 1) (batch + 1)

    /// The NaN-stop message for a non-finite updated parameter (epoch and batch 0-based).
    let nonFiniteParameterMessage (epoch: int) (batch: int) : string =
        sprintf "a parameter became non-finite in epoch %d, batch %d; the weights before that step are kept. Lower the learning rate." (epoch + 1) (batch + 1)

    /// The dropout seed of batch b in epoch e: Init.derive (Init.derive seed e) b (masks per layer
    /// l then Init.derive of that and l, as Network.forwardCache draws them). Course: S34.
    let dropoutSeed (seed: int) (epoch: int) (batch: int) : int = Init.derive (Init.derive seed epoch) batch

    /// The epoch loop shared by both paths (S28). Epoch e (0-based) uses η_e = Schedule.rate
    /// schedule η0 e and the batches Optimizer.minibatches (Init.derive seed e) n batchSize (a
    /// shuffle without replacement: every example once per epoch), each handed to the engine.
    /// Epoch metrics as Keras reports them: the training loss is the mean of the batches' data
    /// losses weighted by their rows, (1/n)·Σ_b n_b·J_b, each J_b from the batch's own forward pass
    /// (before its update, with dropout if the network has it, without the L2 term), and the
    /// training accuracy counts the batches' own predictions the same way; no second pass over
    /// the training set. The validation set, if any, is evaluated once after the epoch in one
    /// pass at inference giving both loss and accuracy.
    /// Early stopping monitors (config.Monitor) the loss or the accuracy of the validation set if
    /// there is one, else of the training set; an epoch is best if `improves` says so (loss
    /// below best − MinDelta, accuracy above best + MinDelta); with
    /// Patience p &gt; 0 training stops once p epochs in a row are not best.
    /// NaN stop: if a batch loss, a gradient or an updated parameter is not finite, or an epoch's
    /// loss is not finite, training stops with NonFinite and keeps the last good weights (before
    /// that step, or the start of that epoch). Divergence stop: if a finite batch loss (data loss
    /// plus L2 penalty) exceeds DivergenceFactor · max(1, first batch loss) (`diverged`), training
    /// stops with Diverged and keeps the weights from the start of that epoch.
    /// Restore-best rule: with RestoreBest the returned network is the best epoch's, however
    /// training ended (completed, early stop, NaN stop or cancellation), provided at least one
    /// epoch completed. `shouldStop` is polled before each batch; true ends training with Cancelled.
    /// Course: S28. Checked by: TrainerTests (early stopping, restore-best, NaN stop, cancellation,
    /// epoch metrics from the batches), FastPathProperties (both engines give the same records).
    let run (config: TrainingConfig) (n: int) (engine: TrainingEngine) (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        let mutable history = []
        let mutable best = None // (epoch, loss, network when RestoreBest)
        let mutable sinceBest = 0
        let mutable stop = None
        let mutable firstLoss = nan   // J₀ of the divergence rule
        let mutable epoch = 0
        let clock = Diagnostics.Stopwatch.StartNew()
        while stop.IsNone && epoch < config.Epochs do
            let epochStartTime = clock.Elapsed
            let eta = Schedule.rate config.Schedule config.LearningRate epoch
            engine.MarkEpochStart()
            let batches = Optimizer.minibatches (Init.derive config.Seed epoch) n config.BatchSize
            let mutable b = 0
            while stop.IsNone && b < batches.Length do
                if shouldStop () then
                    stop <- Some(Cancelled, sprintf "cancelled during epoch %d, before batch %d." (epoch + 1) (b + 1))
                else
                    let result = engine.Step(epoch, b, batches.[b], eta)
                    let J = engine.LastLoss
                    if Double.IsNaN firstLoss then firstLoss <- J
                    if diverged config.DivergenceFactor firstLoss J then
                        // The weights that gave J are already off: go back to the start of the epoch.
                        engine.RollbackEpoch()
                        stop <- Some(Diverged, sprintf "training diverged: the loss grew from %g (first batch) to %g in epoch %d, batch %d, more than %g times; the weights from the start of that epoch are kept. Lower the learning rate." firstLoss J (epoch + 1) (b + 1) config.DivergenceFactor)
                    else
                        match result with
                        | Some message -> stop <- Some(NonFinite, message)
                        | None -> ()
                    b <- b + 1
            if stop.IsNone then
                let struct (lossSum, correct) = engine.TakeSums()
                let trainJ = lossSum / float n
                let trainAcc = float correct / float n
                let validation = engine.Validate()
                let valJ = validation |> Option.map fst
                let valAcc = validation |> Option.map snd
                let lossJ = defaultArg valJ trainJ
                if not (Double.IsFinite lossJ) || not (Double.IsFinite trainJ) then
                    engine.RollbackEpoch()
                    stop <- Some(NonFinite, sprintf "the loss became non-finite (%g) after epoch %d; the weights from the start of that epoch are kept." lossJ (epoch + 1))
                else
                    let monitored = match config.Monitor with MonitorLoss -> lossJ | MonitorAccuracy -> defaultArg valAcc trainAcc
                    let isBest = improves config.Monitor config.MinDelta (best |> Option.map (fun (_, b, _) -> b)) monitored
                    if isBest then
                        best <- Some(epoch + 1, monitored, (if config.RestoreBest then Some(engine.Snapshot()) else None))
                        sinceBest <- 0
                    else sinceBest <- sinceBest + 1
                    let record =
                        { Epoch = epoch + 1
                          LearningRate = eta
                          TrainingLoss = trainJ
                          TrainingAccuracy = trainAcc
                          ValidationLoss = valJ
                          ValidationAccuracy = valAcc
                          IsBest = isBest
                          Elapsed = clock.Elapsed
                          SamplesPerSecond = float n / max 1e-9 (clock.Elapsed - epochStartTime).TotalSeconds }
                    history <- record :: history
                    report record
                    if config.Patience > 0 && sinceBest >= config.Patience then
                        let bestEpoch = match best with Some(e, _, _) -> e | None -> 0
                        stop <- Some(EarlyStopped, sprintf "stopped early after epoch %d: no improvement for %d epochs since epoch %d." (epoch + 1) config.Patience bestEpoch)
            epoch <- epoch + 1
        let reason, message =
            match stop with
            | Some(r, m) -> r, m
            | None -> Completed, sprintf "completed %d epochs." config.Epochs
        let final, restored, bestEpoch =
            match best with
            | Some(e, _, Some bestNet) -> bestNet, true, e
            | Some(e, _, None) -> engine.Snapshot(), false, e
            | None -> engine.Snapshot(), false, 0
        { Network = final
          History = List.rev history
          Stop = reason
          Message = (if restored then message + sprintf " Restored the weights of the best epoch %d." bestEpoch else message)
          BestEpoch = bestEpoch
          Restored = restored }

    /// The checks at the boundary of training, done once before any batch: the configuration,
    /// the loss against the output width, shapes, emptiness and finiteness of X, Y and the
    /// validation set. Course: S28. Checked by: BadInputProperties, TrainerTests
    /// "Fit_rejects_bad_data_before_doing_anything".
    let checkData (config: TrainingConfig) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) (validation: (Matrix<float> * Matrix<float>) option) : unit =
        validate config
        checkLossFits config.Loss net
        Shape.nonEmpty "X" X
        Shape.columns "X" (Network.inputSize net) X
        Shape.finite "X" X
        Shape.exactly "Y" X.RowCount (Network.outputSize net) Y
        Shape.finite "Y" Y
        validation |> Option.iter (fun (Xv, Yv) ->
            Shape.nonEmpty "validationX" Xv
            Shape.columns "validationX" (Network.inputSize net) Xv
            Shape.finite "validationX" Xv
            Shape.exactly "validationY" Xv.RowCount (Network.outputSize net) Yv
            Shape.finite "validationY" Yv)

    /// The reference engine: each batch is Network.batch (the readable forward and backward of
    /// S15-S17) then Update.step, on immutable matrices.
    let private referenceEngine (config: TrainingConfig) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) (validation: (Matrix<float> * Matrix<float>) option) : TrainingEngine =
        let dropout = hasDropout net
        let mutable current = net
        let mutable epochStart = net
        let mutable state = Update.init (Network.parameters net)
        let mutable lastLoss = nan
        let sums = EpochSums()
        { new TrainingEngine with
            member _.LastLoss = lastLoss
            member _.Step(epoch, b, rows, eta) =
                let Xb, Yb = Mat.selectRows rows X, Mat.selectRows rows Y
                let seed = if dropout then Some(dropoutSeed config.Seed epoch b) else None
                let r = Network.batch config.L2 seed config.Loss current Xb Yb
                let J = r.DataLoss + r.Penalty
                lastLoss <- J
                if not (Double.IsFinite J) || not (allFinite r.Gradients) then Some(nonFiniteStepMessage J epoch b)
                else
                    let state', ps = Update.step config.Rule eta state (Network.parameters current) r.Gradients
                    if not (allFinite ps) then Some(nonFiniteParameterMessage epoch b)
                    else
                        state <- state'
                        current <- Network.withParameters current ps
                        sums.Add(rows.Length, r.DataLoss, correct config.Loss r.Output Yb)
                        None
            member _.TakeSums() = sums.Take()
            member _.MarkEpochStart() = epochStart <- current
            member _.RollbackEpoch() = current <- epochStart
            member _.Snapshot() = current
            member _.Validate() =
                validation |> Option.map (fun (Xv, Yv) ->
                    let J, A = Network.lossAndOutput config.Loss current Xv Yv
                    J, accuracy config.Loss A Yv) }

    /// Minibatch training (S28) on the reference path: the epoch loop `run` with each batch's
    /// (J, ∇) = Network.batch λ (dropout seed `dropoutSeed` seed e b) then Update.step, all on
    /// immutable matrices (the specification the fast path, FastTraining.fit, is proven equal to).
    /// The data is checked once here (checkData), not per batch. See `run` for the epoch metrics
    /// (from the batches' own forward passes, as Keras reports them), early stopping, the NaN stop
    /// and restore-best.
    /// Course: S28. Checked by: FacadeProperties "Façade / trainer / one trainer step equals one core
    /// optimiser step, for every optimiser", "Façade / trainer / optimiser state carries over between
    /// batches and epochs: the trainer equals Update.step folded over its batch sequence", "Façade /
    /// trainer / L2 acts as weight decay: an SGD step gives W(1 − 2ηλ) − η·g and leaves biases
    /// undecayed"; TrainerTests (early stopping,
    /// restore-best, NaN stop, the epoch-end rollback, restore-best after a NaN stop,
    /// cancellation, determinism).
    let fit (config: TrainingConfig) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) (validation: (Matrix<float> * Matrix<float>) option)
            (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        checkData config net X Y validation
        run config X.RowCount (referenceEngine config net X Y validation) report shouldStop
