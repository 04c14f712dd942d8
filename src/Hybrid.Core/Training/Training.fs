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

/// Where a training run stands after its last completed epoch, as a value: Training.resume continues
/// from it exactly as if the run had never stopped. Nothing else is needed: the shuffles, the
/// dropout masks and the schedule's η are functions of the seed and the epoch number, so the epoch
/// count is the generators' position. Course: S27 (the rule's moments and step t), S28.
type TrainingState =
    { /// Epochs completed (the next epoch's 0-based index).
      Epoch: int
      /// The weights after them (the current ones, never a restored best).
      Network: Network
      /// The update rule whose moments Optimizer holds.
      Rule: UpdateRule
      /// The update rule's moments and step count t after those epochs.
      Optimizer: UpdateState
      /// The 1-based best epoch so far (Training.improves; 0 for none).
      BestEpoch: int
      /// Its monitored value (NaN for none).
      BestValue: float
      /// Its weights, kept with RestoreBest.
      BestNetwork: Network option
      /// Epochs in a row since the best that did not improve (early stopping's counter).
      SinceBest: int
      /// The divergence rule's J₀: the run's first batch loss (NaN before any batch).
      FirstLoss: float
      /// The base learning rate a callback set (None: the configuration's).
      BaseRate: float option }

/// What an epoch-end callback sees (Keras's on_epoch_end): the epoch's record, the base learning
/// rate η0 in force (the schedule's η_e is computed from it), and the current weights on request.
type EpochEnd =
    { /// The epoch's record, as reported.
      Record: EpochRecord
      /// The base learning rate in force: the configuration's, or the last one a callback set.
      BaseRate: float
      /// The weights after the epoch (a snapshot, made when asked for).
      Network: unit -> Network
      /// Where the run stands after the epoch, as TrainingOutcome.State would be if it ended here
      /// (made when asked for), with the base rate in force before this epoch's decision.
      State: unit -> TrainingState }

/// What an epoch-end callback decides: stop the run after this epoch, and/or set the base learning
/// rate from the next epoch on (the schedule applies to it; Keras's ReduceLROnPlateau sets it).
type EpochDecision =
    { /// Stop after this epoch (StopDetail.StoppedByCallback).
      Stop: bool
      /// The new base learning rate (finite, > 0), or None to keep the one in force.
      BaseRate: float option }

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
    /// An epoch-end callback stopped the run after a completed epoch.
    | StoppedByCallback

/// How training ended, with the numbers an account of it needs (epochs and batches 1-based).
/// The core states the facts; the wording for users is the façade's (Hybrid's TrainingResult.Message).
[<RequireQualifiedAccess>]
type StopDetail =
    /// All Epochs epochs ran.
    | Completed of Epochs: int
    /// Patience epochs in a row after BestEpoch did not improve; the last one was Epoch.
    | EarlyStopped of Epoch: int * Patience: int * BestEpoch: int
    /// Batch Batch of epoch Epoch had a non-finite loss Loss (data loss plus L2 penalty) or
    /// gradient; the weights before that step are kept.
    | NonFiniteLoss of Epoch: int * Batch: int * Loss: float
    /// Batch Batch of epoch Epoch produced a non-finite parameter; the weights before that step are kept.
    | NonFiniteParameter of Epoch: int * Batch: int
    /// The loss Loss after epoch Epoch (validation loss if there is a validation set, else the
    /// training loss) was not finite; the weights from the start of that epoch are kept.
    | NonFiniteEpochLoss of Epoch: int * Loss: float
    /// Batch Batch of epoch Epoch had a finite loss Loss &gt; Factor · max(1, FirstLoss)
    /// (Training.diverged); the weights from the start of that epoch are kept.
    | Diverged of Epoch: int * Batch: int * FirstLoss: float * Loss: float * Factor: float
    /// The caller asked to stop during epoch Epoch, before batch Batch.
    | Cancelled of Epoch: int * Batch: int
    /// An epoch-end callback stopped the run after epoch Epoch.
    | StoppedByCallback of Epoch: int

/// Why a loss does not fit a network's last layer (Training.lossMismatch); Last names that layer
/// (its activation, "maxout" or "dropout"). The façade words it for users.
[<RequireQualifiedAccess>]
type LossMismatch =
    /// Binary cross-entropy reads probabilities: it needs a dense sigmoid last layer.
    | NeedsSigmoid of Last: string
    /// Categorical cross-entropy reads a distribution per row: it needs a dense softmax last layer.
    | NeedsSoftmax of Last: string
    /// Categorical cross-entropy on a softmax of width 1, which always outputs 1.
    | SoftmaxOfWidth1
    /// Categorical cross-entropy on a LogSoftmax output (log-probabilities, the input of
    /// PyTorch's NLLLoss, which is not a Hybrid loss): softmax + cross-entropy is the same model.
    | LogSoftmaxForCrossEntropy
    /// The multiclass hinge needs at least 2 output units.
    | NeedsTwoOutputs of Last: string

/// The result of Training.fit.
type TrainingOutcome =
    { /// The trained network (the best epoch's if RestoreBest and an epoch completed).
      Network: Network
      /// One record per completed epoch.
      History: EpochRecord list
      /// Why training ended.
      Stop: StopReason
      /// Why training ended, with its numbers (Stop = Training.stopReason Detail). The façade
      /// words it for users (Hybrid's TrainingResult.Message).
      Detail: StopDetail
      /// The 1-based last epoch that counted as an improvement (Training.improves;
      /// 0 if no epoch completed).
      BestEpoch: int
      /// Whether Network holds the best epoch's weights rather than the last ones.
      Restored: bool
      /// Where the run stands, for Training.resume: after its last completed epoch (a stop inside
      /// an epoch, such as a cancellation, leaves the state at that epoch's start).
      State: TrainingState }

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
    /// and returns the NaN stop (Training.nonFiniteStep, Training.nonFiniteParameter).
    abstract Step: epoch: int * batch: int * rows: int[] * eta: float -> StopDetail option
    /// The loss J = data loss + L2 penalty of the last Step, successful or not (the divergence rule's input).
    abstract LastLoss: float
    /// (Σ_b n_b·J_b, Σ_b correct_b) since the last call; resets both to 0.
    abstract TakeSums: unit -> struct (float * int)
    /// Remembers the current weights and optimiser state (called before each epoch).
    abstract MarkEpochStart: unit -> unit
    /// Puts back the weights remembered by MarkEpochStart.
    abstract RollbackEpoch: unit -> unit
    /// The current weights as a network (never shared with later mutation).
    abstract Snapshot: unit -> Network
    /// The current optimiser state (never shared with later mutation).
    abstract Optimizer: unit -> UpdateState
    /// The weights and optimiser state remembered by the last MarkEpochStart.
    abstract EpochStart: unit -> Network * UpdateState
    /// (loss, accuracy) on the validation set from one pass at inference, or None without one.
    abstract Validate: unit -> (float * float) option

/// The minibatch training loop (S28) around the optimisers of Update and the schedules of
/// Schedule; evaluation (loss, accuracy S32, confusion matrix). Inputs are never mutated: fit
/// returns a new network.
module Training =

    /// The class of each row: argmax for k ≥ 2 columns; for 1 column, [m ≥ t] with t =
    /// Loss.classThreshold (0 for the hinge and logistic losses, targets ±1; 0.5 otherwise).
    /// Shapes: n×k -> n. Course: S32.
    let classesOf (loss: Loss) (M: Matrix<float>) : int[] =
        if M.ColumnCount > 1 then Mat.argmaxRows M
        else
            let t = Loss.classThreshold loss
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
    /// None when the pair fits; the façade words the mismatch for users.
    /// Course: S21, S22, S23.
    /// Checked by: NetworkTests "A_softmax_of_width_1_with_cross_entropy_is_rejected";
    /// LossPairingTests "Every_loss_and_last_layer_pair_is_accepted_or_rejected_as_documented".
    let lossMismatch (loss: Loss) (net: Network) : LossMismatch option =
        let last =
            match List.last net.Layers with
            | DenseLayer d -> Activation.name d.Activation
            | layer -> layer.Kind
        match loss, List.last net.Layers with
        | BinaryCrossEntropy, DenseLayer { Activation = Sigmoid } -> None
        | BinaryCrossEntropy, _ -> Some(LossMismatch.NeedsSigmoid last)
        | CategoricalCrossEntropy, DenseLayer { Activation = Softmax } when Network.outputSize net < 2 -> Some LossMismatch.SoftmaxOfWidth1
        | CategoricalCrossEntropy, DenseLayer { Activation = Softmax } -> None
        | CategoricalCrossEntropy, DenseLayer { Activation = LogSoftmax } -> Some LossMismatch.LogSoftmaxForCrossEntropy
        | CategoricalCrossEntropy, _ -> Some(LossMismatch.NeedsSoftmax last)
        | MulticlassHinge, _ when Network.outputSize net < 2 -> Some(LossMismatch.NeedsTwoOutputs last)
        | _ -> None

    /// Throws ArgumentException (parameter "loss") when the loss does not fit the network's
    /// output (lossMismatch). Course: S21, S22, S23. Checked by: LossPairingTests (through the façade).
    let checkLossFits (loss: Loss) (net: Network) : unit =
        match lossMismatch loss net with
        | Some mismatch -> Shape.fail "loss" (sprintf "the loss %A does not fit the network's last layer: %A (docs/losses.md, \"Loss and output pairings\")." loss mismatch)
        | None -> ()

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
        net.Layers |> List.exists (fun layer -> layer.Stochastic)

    /// The NaN stop for a non-finite batch loss J or gradient (epoch and batch 0-based).
    let nonFiniteStep (J: float) (epoch: int) (batch: int) : StopDetail = StopDetail.NonFiniteLoss(epoch + 1, batch + 1, J)

    /// The NaN stop for a non-finite updated parameter (epoch and batch 0-based).
    let nonFiniteParameter (epoch: int) (batch: int) : StopDetail = StopDetail.NonFiniteParameter(epoch + 1, batch + 1)

    /// The dropout seed of batch b in epoch e: Init.derive (Init.derive seed e) b (masks per layer
    /// l then Init.derive of that and l, as Network.forwardCache draws them). Course: S34.
    let dropoutSeed (seed: int) (epoch: int) (batch: int) : int = Init.derive (Init.derive seed epoch) batch

    /// What ends training after a batch step, if anything: the divergence rule first (Training.diverged,
    /// on the step's loss J against the first batch's J₀), then the engine's NaN stop. Epoch and batch 0-based.
    /// Course: S27, S28. Checked by: TrainingStepsTests "S27 batchStop reports divergence before the engine's NaN stop, with 1-based epoch and batch";
    /// OverflowTests, TrainerTests (NaN stop).
    let batchStop (factor: float) (J0: float) (J: float) (epoch: int) (batch: int) (failure: StopDetail option) : StopDetail option =
        if diverged factor J0 J then Some(StopDetail.Diverged(epoch + 1, batch + 1, J0, J, factor)) else failure

    /// An epoch's metrics as Keras reports them: training loss (1/n)·Σ_b n_b·J_b and accuracy
    /// (1/n)·Σ_b correct_b from the batches' sums, validation loss and accuracy from one pass.
    type EpochMetrics =
        { TrainingLoss: float
          TrainingAccuracy: float
          ValidationLoss: float option
          ValidationAccuracy: float option }

    /// The epoch's metrics from the batch sums (Σ_b n_b·J_b, Σ_b correct_b) over n rows and the
    /// validation pass, if any. Course: S28, S32. Checked by: TrainingStepsTests
    /// "S28 the epoch-end rules read the validation loss when there is one, else the training loss".
    let epochMetrics (n: int) (struct (lossSum: float, hits: int)) (validation: (float * float) option) : EpochMetrics =
        { TrainingLoss = lossSum / float n
          TrainingAccuracy = float hits / float n
          ValidationLoss = validation |> Option.map fst
          ValidationAccuracy = validation |> Option.map snd }

    /// The loss the epoch-end rules read: the validation loss if there is a validation set, else the training loss.
    let monitoredLoss (m: EpochMetrics) : float = defaultArg m.ValidationLoss m.TrainingLoss

    /// The value early stopping watches: monitoredLoss for MonitorLoss, the validation accuracy
    /// (else the training accuracy) for MonitorAccuracy. Course: S28.
    let monitoredValue (monitor: Monitor) (m: EpochMetrics) : float =
        match monitor with
        | MonitorLoss -> monitoredLoss m
        | MonitorAccuracy -> defaultArg m.ValidationAccuracy m.TrainingAccuracy

    /// The epoch-end NaN rule: the epoch (0-based) stops training when its monitored loss or its
    /// training loss is not finite. Course: S28. Checked by: TrainerTests
    /// "A_whole_set_loss_that_overflows_at_epoch_end_rolls_back_to_the_start_of_that_epoch";
    /// TrainingStepsTests "S28 the epoch-end rules read the validation loss when there is one, else the training loss".
    let epochLossStop (epoch: int) (m: EpochMetrics) : StopDetail option =
        let J = monitoredLoss m
        if not (Double.IsFinite J) || not (Double.IsFinite m.TrainingLoss) then Some(StopDetail.NonFiniteEpochLoss(epoch + 1, J)) else None

    /// The early-stopping decision after epoch e (0-based): with Patience p &gt; 0, stop once p
    /// epochs in a row (sinceBest) did not improve. Course: S28. Checked by: TrainingStepsTests
    /// "S28 earlyStop stops once Patience epochs in a row did not improve, and never with Patience 0";
    /// TrainingProperties (the patience window), TrainerTests (early stopping).
    let earlyStop (patience: int) (epoch: int) (sinceBest: int) (bestEpoch: int) : StopDetail option =
        if patience > 0 && sinceBest >= patience then Some(StopDetail.EarlyStopped(epoch + 1, patience, bestEpoch)) else None

    /// The stop reason of a stop detail. Course: S28. Checked by: TrainingStepsTests "S28 every stop detail maps to its stop reason".
    let stopReason (detail: StopDetail) : StopReason =
        match detail with
        | StopDetail.Completed _ -> Completed
        | StopDetail.EarlyStopped _ -> EarlyStopped
        | StopDetail.NonFiniteLoss _ | StopDetail.NonFiniteParameter _ | StopDetail.NonFiniteEpochLoss _ -> NonFinite
        | StopDetail.Diverged _ -> Diverged
        | StopDetail.Cancelled _ -> Cancelled
        | StopDetail.StoppedByCallback _ -> StoppedByCallback

    /// The best epoch so far: its 1-based number, monitored value and (with RestoreBest) weights.
    type private Best = { Epoch: int; Value: float; Weights: Network option }

    /// The epoch loop's state between epochs.
    type private RunState =
        { /// The completed epochs' records, newest first.
          History: EpochRecord list
          Best: Best option
          /// Epochs in a row that did not improve on Best.
          SinceBest: int
          /// J₀ of the divergence rule: the first batch's loss (NaN before it).
          FirstLoss: float
          /// The base learning rate a callback set (None: the configuration's).
          Rate: float option
          Stop: StopDetail option }

        /// Before the first epoch.
        static member start = { History = []; Best = None; SinceBest = 0; FirstLoss = nan; Rate = None; Stop = None }

        /// Where a saved state left off (its history is the earlier call's, not kept).
        static member resumed (s: TrainingState) =
            { History = []
              Best = (if s.BestEpoch > 0 then Some { Epoch = s.BestEpoch; Value = s.BestValue; Weights = s.BestNetwork } else None)
              SinceBest = s.SinceBest
              FirstLoss = s.FirstLoss
              Rate = s.BaseRate
              Stop = None }

    /// The batches of one epoch (0-based) with learning rate η, until one stops training:
    /// (J₀ after them, the stop if any). Polls shouldStop before each batch; a divergence rolls
    /// the engine back to the start of the epoch.
    let private runBatches (config: TrainingConfig) (engine: TrainingEngine) (shouldStop: unit -> bool) (epoch: int) (eta: float) (batches: int[][]) (J0: float) : float * StopDetail option =
        let rec go b J0 =
            if b = batches.Length then J0, None
            elif shouldStop () then J0, Some(StopDetail.Cancelled(epoch + 1, b + 1))
            else
                let failure = engine.Step(epoch, b, batches.[b], eta)
                let J = engine.LastLoss
                let J0 = if Double.IsNaN J0 then J else J0
                match batchStop config.DivergenceFactor J0 J epoch b failure with
                | Some(StopDetail.Diverged _) as stop ->
                    // The weights that gave J are already off: go back to the start of the epoch.
                    engine.RollbackEpoch()
                    J0, stop
                | Some _ as stop -> J0, stop
                | None -> go (b + 1) J0
        go 0 J0

    /// The end of a completed epoch (0-based): its metrics, the epoch-end NaN rule, the best
    /// epoch, its record (reported) and the early-stopping decision.
    let private endEpoch (config: TrainingConfig) (n: int) (engine: TrainingEngine) (decide: EpochEnd -> EpochDecision) (report: EpochRecord -> unit)
                         (clock: Diagnostics.Stopwatch) (startTime: TimeSpan) (epoch: int) (eta: float) (state: RunState) : RunState =
        let m = epochMetrics n (engine.TakeSums()) (engine.Validate())
        match epochLossStop epoch m with
        | Some _ as stop ->
            engine.RollbackEpoch()
            { state with Stop = stop }
        | None ->
            let value = monitoredValue config.Monitor m
            let isBest = improves config.Monitor config.MinDelta (state.Best |> Option.map (fun b -> b.Value)) value
            let best, sinceBest =
                if isBest then Some { Epoch = epoch + 1; Value = value; Weights = (if config.RestoreBest then Some(engine.Snapshot()) else None) }, 0
                else state.Best, state.SinceBest + 1
            let record : EpochRecord =
                { Epoch = epoch + 1
                  LearningRate = eta
                  TrainingLoss = m.TrainingLoss
                  TrainingAccuracy = m.TrainingAccuracy
                  ValidationLoss = m.ValidationLoss
                  ValidationAccuracy = m.ValidationAccuracy
                  IsBest = isBest
                  Elapsed = clock.Elapsed
                  SamplesPerSecond = float n / max 1e-9 (clock.Elapsed - startTime).TotalSeconds }
            report record
            let baseRate = defaultArg state.Rate config.LearningRate
            let resumable () : TrainingState =
                { Epoch = epoch + 1
                  Network = engine.Snapshot()
                  Rule = config.Rule
                  Optimizer = engine.Optimizer()
                  BestEpoch = (match best with Some b -> b.Epoch | None -> 0)
                  BestValue = (match best with Some b -> b.Value | None -> nan)
                  BestNetwork = (match best with Some b -> b.Weights | None -> None)
                  SinceBest = sinceBest
                  FirstLoss = state.FirstLoss
                  BaseRate = state.Rate }
            let decision = decide { Record = record; BaseRate = baseRate; Network = engine.Snapshot; State = resumable }
            decision.BaseRate |> Option.iter (Shape.positive "LearningRate")
            let bestEpoch = best |> Option.map (fun b -> b.Epoch) |> Option.defaultValue 0
            { state with
                History = record :: state.History
                Best = best
                SinceBest = sinceBest
                Rate = (match decision.BaseRate with Some r -> Some r | None -> state.Rate)
                Stop =
                    earlyStop config.Patience epoch sinceBest bestEpoch
                    |> Option.orElse (if decision.Stop then Some(StopDetail.StoppedByCallback(epoch + 1)) else None) }

    /// One epoch (0-based): η_e from the schedule, the epoch's shuffled batches, then its end.
    let private runEpoch (config: TrainingConfig) (n: int) (engine: TrainingEngine) (decide: EpochEnd -> EpochDecision) (report: EpochRecord -> unit)
                         (shouldStop: unit -> bool) (clock: Diagnostics.Stopwatch) (epoch: int) (state: RunState) : RunState =
        let startTime = clock.Elapsed
        let eta = Schedule.rate config.Schedule (defaultArg state.Rate config.LearningRate) epoch
        engine.MarkEpochStart()
        let batches = Optimizer.minibatches (Init.derive config.Seed epoch) n config.BatchSize
        let J0, stop = runBatches config engine shouldStop epoch eta batches state.FirstLoss
        let state = { state with FirstLoss = J0 }
        if stop.IsSome then { state with Stop = stop }
        else endEpoch config n engine decide report clock startTime epoch eta state

    /// The outcome from the loop's final state: the stop (Completed if nothing stopped it) and
    /// the network (the best epoch's with RestoreBest, else the engine's current weights).
    let private outcome (config: TrainingConfig) (engine: TrainingEngine) (first: int) (state: RunState) : TrainingOutcome =
        let detail = defaultArg state.Stop (StopDetail.Completed config.Epochs)
        // A stop inside an epoch (cancelled, a NaN, divergence) leaves the resumable state at the
        // start of that epoch; after a completed epoch (all ran, early stop) it is the current one.
        let weights, optimizer =
            match detail with
            | StopDetail.Completed _ | StopDetail.EarlyStopped _ | StopDetail.StoppedByCallback _ -> engine.Snapshot(), engine.Optimizer()
            | _ -> engine.EpochStart()
        let resumable =
            { Epoch = first + List.length state.History
              Network = weights
              Rule = config.Rule
              Optimizer = optimizer
              BestEpoch = (match state.Best with Some b -> b.Epoch | None -> 0)
              BestValue = (match state.Best with Some b -> b.Value | None -> nan)
              BestNetwork = (match state.Best with Some b -> b.Weights | None -> None)
              SinceBest = state.SinceBest
              FirstLoss = state.FirstLoss
              BaseRate = state.Rate }
        let final, restored, bestEpoch =
            match state.Best with
            | Some { Epoch = e; Weights = Some bestNet } -> bestNet, true, e
            | Some { Epoch = e; Weights = None } -> engine.Snapshot(), false, e
            | None -> engine.Snapshot(), false, 0
        ({ Network = final
           History = List.rev state.History
           Stop = stopReason detail
           Detail = detail
           BestEpoch = bestEpoch
           Restored = restored
           State = resumable } : TrainingOutcome)

    /// The no-op epoch-end callback: continue, same learning rate (η_e = Schedule.rate schedule η0 e
    /// with the configuration's η0). Course: S28.
    let keepGoing (_: EpochEnd) : EpochDecision = { Stop = false; BaseRate = None }

    /// The epoch loop of `run` and `resume` with an epoch-end callback (Keras's callbacks): from a
    /// saved state's epoch (or 0) for config.Epochs epochs; after each completed epoch (its record
    /// reported) `decide` sees the record, the base learning rate in force and the weights on
    /// request, and may stop the run (StoppedByCallback, after early stopping's own rule) or set the
    /// base learning rate η0 from the next epoch on (η_e = Schedule.rate schedule η0 e; the state
    /// keeps it, so a resumed run continues at it). Course: S28.
    /// Checked by: CallbackTests (tests/Hybrid.Tests), ResumeProperties.
    let runWith (config: TrainingConfig) (n: int) (engine: TrainingEngine) (start: TrainingState option) (decide: EpochEnd -> EpochDecision)
                (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        let clock = Diagnostics.Stopwatch.StartNew()
        let first = match start with Some s -> s.Epoch | None -> 0
        let rec loop (epoch: int) (state: RunState) =
            if state.Stop.IsSome || epoch = first + config.Epochs then state
            else loop (epoch + 1) (runEpoch config n engine decide report shouldStop clock epoch state)
        outcome config engine first (loop first (match start with Some s -> RunState.resumed s | None -> RunState.start))

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
    /// The loop is a fold of runEpoch over the epochs on a RunState until a stop: each epoch runs its
    /// batches (runBatches, the rules of batchStop), then its end (epochMetrics, epochLossStop,
    /// improves, earlyStop); outcome turns the final state into the result.
    /// Course: S28. Checked by: TrainerTests (early stopping, restore-best, NaN stop, cancellation,
    /// epoch metrics from the batches), FastPathProperties (both engines give the same records).
    let run (config: TrainingConfig) (n: int) (engine: TrainingEngine) (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        runWith config n engine None keepGoing report shouldStop

    /// The epoch loop continued from a state (TrainingOutcome.State of an earlier run): config.Epochs
    /// more epochs, numbered on from state.Epoch + 1, with the best epoch, early stopping's counter
    /// and the divergence rule's J₀ carried over; the engine must start from the state's weights and
    /// optimiser state. Fit for a + b epochs equals Fit for a, then resume for b, bit for bit
    /// (parameters and records, wall-clock fields aside). The configuration may differ from the
    /// first run's in anything but the update rule (the moments are the rule's); a different
    /// learning rate or schedule continues from the same epoch number. Course: S28.
    /// Checked by: ResumeProperties "S28 / resume / a epochs then b more equal a + b epochs, bit for bit".
    let resume (config: TrainingConfig) (n: int) (engine: TrainingEngine) (state: TrainingState) (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        runWith config n engine (Some state) keepGoing report shouldStop

    /// Checks that a state can continue under a configuration: same update rule (its moments are
    /// that rule's), moments shaped as the state's parameters, a non-negative epoch count.
    /// ArgumentException naming "state" otherwise. Course: S27, S28.
    let checkState (config: TrainingConfig) (state: TrainingState) : unit =
        if obj.ReferenceEquals(state, null) || obj.ReferenceEquals(state.Network, null) then nullArg "state"
        if state.Rule <> config.Rule then
            Shape.fail "state" (sprintf "the state holds the moments of %A but the configuration asks for %A: resume with the same update rule." state.Rule config.Rule)
        if state.Epoch < 0 then Shape.fail "state" (sprintf "the state's epoch count is %d: it must be >= 0." state.Epoch)
        let ps = Network.parameters state.Network
        let fits (ms: Matrix<float> list) =
            List.length ms = List.length ps && List.forall2 (fun (m: Matrix<float>) (p: Matrix<float>) -> m.RowCount = p.RowCount && m.ColumnCount = p.ColumnCount) ms ps
        if state.Optimizer.Step < 0 || not (fits state.Optimizer.First) || not (fits state.Optimizer.Second) then
            Shape.fail "state" "the state's optimiser moments do not match its network's parameters."
        if state.BestNetwork |> Option.exists (fun b -> not (fits (Network.parameters b))) then
            Shape.fail "state" "the state's best weights do not match its network's parameters." 

    /// The checks at the boundary of training, done once before any batch: the configuration,
    /// the loss against the output width, shapes, emptiness and finiteness of X, Y and the
    /// validation set, and the targets against the loss (Loss.checkTargets, naming the caller's row). Course: S28. Checked by: BadInputProperties, TrainerTests
    /// "Fit_rejects_bad_data_before_doing_anything".
    let checkData (config: TrainingConfig) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) (validation: (Matrix<float> * Matrix<float>) option) : unit =
        let checkSet (xName: string) (yName: string) (X: Matrix<float>) (Y: Matrix<float>) =
            Shape.nonEmpty xName X
            Shape.columns xName (Network.inputSize net) X
            Shape.finite xName X
            Shape.exactly yName X.RowCount (Network.outputSize net) Y
            Shape.finite yName Y
            Loss.checkTargets yName config.Loss Y
        validate config
        checkLossFits config.Loss net
        checkSet "X" "Y" X Y
        validation |> Option.iter (fun (Xv, Yv) -> checkSet "validationX" "validationY" Xv Yv)

    /// The reference engine (Training.fit's): each batch is Network.batch (the readable forward and
    /// backward of S15-S17) then Update.step on immutable matrices, from the network's weights and an
    /// optimiser state (None: fresh). Course: S28.
    let engine (config: TrainingConfig) (net: Network) (optimizer: UpdateState option) (X: Matrix<float>) (Y: Matrix<float>) (validation: (Matrix<float> * Matrix<float>) option) : TrainingEngine =
        let dropout = hasDropout net
        let mutable current = net
        let mutable epochStart = net
        let mutable state = defaultArg optimizer (Update.init (Network.parameters net))
        let mutable epochStartState = state
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
                if not (Double.IsFinite J) || not (allFinite r.Gradients) then Some(nonFiniteStep J epoch b)
                else
                    let state', ps = Update.step config.Rule eta state (Network.parameters current) r.Gradients
                    if not (allFinite ps) then Some(nonFiniteParameter epoch b)
                    else
                        state <- state'
                        current <- Network.withParameters current ps
                        sums.Add(rows.Length, r.DataLoss, correct config.Loss r.Output Yb)
                        None
            member _.TakeSums() = sums.Take()
            member _.MarkEpochStart() =
                epochStart <- current
                epochStartState <- state
            member _.RollbackEpoch() = current <- epochStart
            member _.Snapshot() = current
            member _.Optimizer() = state
            member _.EpochStart() = epochStart, epochStartState
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
        run config X.RowCount (engine config net None X Y validation) report shouldStop

    /// Training.fit continued from a state (an earlier outcome's State) for config.Epochs more
    /// epochs on the reference path: see `resume`. Course: S28.
    let fitFrom (config: TrainingConfig) (state: TrainingState) (X: Matrix<float>) (Y: Matrix<float>) (validation: (Matrix<float> * Matrix<float>) option)
                (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        checkState config state
        checkData config state.Network X Y validation
        resume config X.RowCount (engine config state.Network (Some state.Optimizer) X Y validation) state report shouldStop
