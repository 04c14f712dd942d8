namespace Hybrid.Core.Interop

open System
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// The core's initialisers, update rules, schedules and losses for C#: one PascalCase factory per
/// case, no union case in the caller. Course: S19-S23, S26-S28.
/// Checked by: InteropSurfaceTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Factories =
    /// W = 0.
    static member Zeros() : Initializer = Zeros
    /// W = value.
    static member Constant(value: float) : Initializer = Constant value
    /// W ~ N(0, std²).
    static member Normal(standardDeviation: float) : Initializer = Normal standardDeviation
    /// W ~ U(−limit, limit).
    static member Uniform(limit: float) : Initializer = Uniform limit
    /// W ~ N(0, 0.01²).
    static member SmallRandom() : Initializer = SmallRandom
    /// Glorot normal.
    static member XavierNormal() : Initializer = XavierNormal
    /// Glorot uniform.
    static member XavierUniform() : Initializer = XavierUniform
    /// He normal.
    static member HeNormal() : Initializer = HeNormal
    /// He uniform.
    static member HeUniform() : Initializer = HeUniform
    /// LeCun normal.
    static member LeCunNormal() : Initializer = LeCunNormal
    /// LeCun uniform.
    static member LeCunUniform() : Initializer = LeCunUniform
    /// θ ← θ − η·g.
    static member PlainSgd() : UpdateRule = PlainSgd
    /// Classical momentum.
    static member Momentum(momentum: float) : UpdateRule = Momentum momentum
    /// Nesterov momentum.
    static member Nesterov(momentum: float) : UpdateRule = Nesterov momentum
    /// AdaGrad.
    static member AdaGrad(epsilon: float) : UpdateRule = AdaGrad epsilon
    /// RMSProp.
    static member RmsProp(decay: float, epsilon: float) : UpdateRule = RmsProp(decay, epsilon)
    /// Adam.
    static member Adam(beta1: float, beta2: float, epsilon: float) : UpdateRule = Adam(beta1, beta2, epsilon)
    /// η_t = η0.
    static member ConstantRate() : Schedule = ConstantRate
    /// η_t = η0·factor^⌊t/every⌋.
    static member StepDecay(everyEpochs: int, factor: float) : Schedule = StepDecay(everyEpochs, factor)
    /// η_t = η0·factor^t.
    static member ExponentialDecay(factor: float) : Schedule = ExponentialDecay factor

/// One epoch's record with nullable validation numbers (the core's EpochRecord).
[<Sealed>]
type EpochView internal (r: EpochRecord) =
    /// 1-based epoch number.
    member _.Epoch = r.Epoch
    /// η used in this epoch.
    member _.LearningRate = r.LearningRate
    /// Mean training loss of the epoch.
    member _.TrainingLoss = r.TrainingLoss
    /// Training accuracy of the epoch.
    member _.TrainingAccuracy = r.TrainingAccuracy
    /// Validation loss, or null without validation data.
    member _.ValidationLoss = Option.toNullable r.ValidationLoss
    /// Validation accuracy, or null without validation data.
    member _.ValidationAccuracy = Option.toNullable r.ValidationAccuracy
    /// Whether this epoch improved on the best so far.
    member _.IsBest = r.IsBest
    /// Wall time of the epoch.
    member _.Elapsed = r.Elapsed
    /// Training rows per second.
    member _.SamplesPerSecond = r.SamplesPerSecond

/// What an epoch-end callback sees (the core's EpochEnd for C#).
[<Sealed>]
type EpochEndView internal (e: EpochEnd) =
    /// The epoch's record.
    member _.Record = EpochView e.Record
    /// The base learning rate in force.
    member _.BaseRate = e.BaseRate
    /// The weights after the epoch (a snapshot, made on each call).
    member _.Network() : Network = e.Network ()
    /// Where the run stands after the epoch (made on each call), with the base rate in force before this epoch's decision.
    member _.State() : TrainingState = e.State ()

/// The facts of a stop (the core's StopDetail flattened for C#): the façade words them for users.
/// Fields a case does not have are 0 (counts) or NaN (losses). Epochs and batches are 1-based.
[<Sealed>]
type StopFacts internal (detail: StopDetail) =
    let nan = Double.NaN
    let epochs, epoch, batch, loss, firstLoss, factor, patience, bestEpoch =
        match detail with
        | StopDetail.Completed n -> n, 0, 0, nan, nan, nan, 0, 0
        | StopDetail.EarlyStopped(e, p, b) -> 0, e, 0, nan, nan, nan, p, b
        | StopDetail.NonFiniteLoss(e, b, j) -> 0, e, b, j, nan, nan, 0, 0
        | StopDetail.NonFiniteParameter(e, b) -> 0, e, b, nan, nan, nan, 0, 0
        | StopDetail.NonFiniteEpochLoss(e, j) -> 0, e, 0, j, nan, nan, 0, 0
        | StopDetail.Diverged(e, b, j0, j, f) -> 0, e, b, j, j0, f, 0, 0
        | StopDetail.Cancelled(e, b) -> 0, e, b, nan, nan, nan, 0, 0
        | StopDetail.StoppedByCallback e -> 0, e, 0, nan, nan, nan, 0, 0
    /// Which rule ended training: the name of the core's StopDetail case ("NonFiniteParameter"),
    /// which the façade matches as nameof(StopDetail.NonFiniteParameter).
    member _.Cause : string = CaseName.ofValue detail
    /// Why training ended: the name of the core's StopReason case of Training.stopReason
    /// ("NonFinite"), which the façade matches as nameof(StopReason.NonFinite).
    member _.Reason : string = CaseName.ofValue (Training.stopReason detail)
    /// Epochs run (Completed).
    member _.Epochs = epochs
    /// The epoch where the rule fired.
    member _.Epoch = epoch
    /// The batch where the rule fired (0 when it fired at an epoch's end).
    member _.Batch = batch
    /// The offending loss (NonFiniteLoss, NonFiniteEpochLoss, Diverged).
    member _.Loss = loss
    /// The first batch's loss the divergence rule compares with (Diverged).
    member _.FirstLoss = firstLoss
    /// The divergence factor (Diverged).
    member _.Factor = factor
    /// Epochs without improvement allowed (EarlyStopped).
    member _.Patience = patience
    /// The last improving epoch (EarlyStopped).
    member _.BestEpoch = bestEpoch
    /// The facts of a core StopDetail (for F# callers and tests; the façade gets them from TrainingRun.Detail).
    static member Of(detail: StopDetail) = StopFacts detail

/// Why a loss does not fit a network's last layer (the core's LossMismatch flattened for C#): the
/// façade words it for users.
[<Sealed>]
type MismatchFacts internal (mismatch: LossMismatch) =
    /// Which rule the pair breaks: the name of the core's LossMismatch case ("NeedsSigmoid"), which
    /// the façade matches as nameof(LossMismatch.NeedsSigmoid).
    member _.Cause : string = CaseName.ofValue mismatch
    /// The last layer's name (its activation as Activation.name writes it, or its layer kind; "" where the case does not name it).
    member _.Last : string =
        match mismatch with
        | LossMismatch.NeedsSigmoid last | LossMismatch.NeedsSoftmax last | LossMismatch.NeedsTwoOutputs last -> last
        | LossMismatch.LogSoftmaxForCrossEntropy -> Activation.name LogSoftmax
        | LossMismatch.SoftmaxOfWidth1 -> ""
    /// The facts of a core LossMismatch (for F# callers and tests; the façade gets them from Rules.LossMismatch).
    static member Of(mismatch: LossMismatch) = MismatchFacts mismatch

/// The outcome of a training run (the core's TrainingOutcome with arrays and the stop's facts).
[<Sealed>]
type TrainingRun internal (o: TrainingOutcome) =
    /// The trained network.
    member _.Network = o.Network
    /// One record per completed epoch.
    member _.History : EpochView[] = o.History |> List.map EpochView |> Array.ofList
    /// The facts of how training ended: why (Detail.Reason, the core's StopReason case) and where
    /// (the façade words them).
    member _.Detail = StopFacts o.Detail
    /// The last improving epoch (0 if none).
    member _.BestEpoch = o.BestEpoch
    /// Whether Network holds the best epoch's weights.
    member _.Restored = o.Restored
    /// Where the run stands, for a resume (Training.resume).
    member _.State = o.State

/// The core's training loop for C#: Func/Action callbacks, null for "no validation set".
/// Course: S26-S28. Checked by: TrainerTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Trainings =
    /// The divergence factor training uses unless told otherwise (Training.defaultDivergenceFactor).
    static member DefaultDivergenceFactor : float = Training.defaultDivergenceFactor

    /// The training configuration (monitorAccuracy: early stopping watches accuracy, else the loss).
    static member Config(loss: Loss, rule: UpdateRule, learningRate: float, schedule: Schedule, l2: float, batchSize: int, epochs: int,
                         seed: int, patience: int, minDelta: float, restoreBest: bool, monitorAccuracy: bool, divergenceFactor: float) : TrainingConfig =
        { Loss = loss; Rule = rule; LearningRate = learningRate; Schedule = schedule; L2 = l2; BatchSize = batchSize; Epochs = epochs
          Seed = seed; Patience = patience; MinDelta = minDelta; RestoreBest = restoreBest
          Monitor = (if monitorAccuracy then MonitorAccuracy else MonitorLoss); DivergenceFactor = divergenceFactor }

    /// Training.fit on matrices, or Training.fitFrom when state is not null (config.Epochs more
    /// epochs from it), with an epoch-end callback (Training.runWith); validationX/validationY null for none.
    static member Fit(config: TrainingConfig, net: Network, state: TrainingState, X: Matrix<float>, Y: Matrix<float>,
                      validationX: Matrix<float>, validationY: Matrix<float>, report: Action<EpochView>, shouldStop: Func<bool>,
                      decide: Func<EpochEndView, EpochDecision>) : TrainingRun =
        let validation = if isNull validationX then None else Some(validationX, validationY)
        let report (r: EpochRecord) = report.Invoke(EpochView r)
        let start = if isNull (box state) then None else Some state
        let net =
            match start with
            | None -> net
            | Some s -> Training.checkState config s; s.Network
        Training.checkData config net X Y validation
        let engine = Training.engine config net (start |> Option.map (fun s -> s.Optimizer)) X Y validation
        TrainingRun(Training.runWith config X.RowCount engine start (fun e -> decide.Invoke(EpochEndView e)) report shouldStop.Invoke)

    /// Training.run on the fast path's row sets (FastTraining.engine), or Training.resume when state
    /// is not null (FastTraining.engineFrom), with an epoch-end callback; validation null for none.
    /// `single` trains in float32 (FastTraining.engineIn Precision.Single). An input that is not finite
    /// (checked as the batches are gathered) is reported as an ArgumentException naming xName or
    /// validationXName (FastTraining.namingInputs).
    static member RunFast(config: TrainingConfig, net: Network, state: TrainingState, train: RowSet, validation: RowSet,
                          report: Action<EpochView>, shouldStop: Func<bool>, decide: Func<EpochEndView, EpochDecision>, single: bool,
                          xName: string, validationXName: string) : TrainingRun =
        let validation = if obj.ReferenceEquals(validation, null) then None else Some validation
        let report (r: EpochRecord) = report.Invoke(EpochView r)
        let start = if isNull (box state) then None else Some state
        let precision = if single then Precision.Single else Precision.Double
        let engine =
            match start with
            | None -> FastTraining.engineIn precision config net train validation
            | Some s -> Training.checkState config s; FastTraining.engineFromIn precision config s train validation
        FastTraining.namingInputs train xName validationXName (fun () ->
            TrainingRun(Training.runWith config train.Rows.Length engine start (fun e -> decide.Invoke(EpochEndView e)) report shouldStop.Invoke))

    /// An epoch-end decision: stop after this epoch, and the new base learning rate (NaN keeps the one in force).
    static member Decision(stop: bool, baseRate: float) : EpochDecision =
        { Stop = stop; BaseRate = (if Double.IsNaN baseRate then None else Some baseRate) }

    /// The epochs a state has completed.
    static member EpochsOf(state: TrainingState) : int = state.Epoch
    /// The weights a state continues from.
    static member NetworkOf(state: TrainingState) : Network = state.Network
    /// The 1-based best epoch a state remembers (0 for none).
    static member BestEpochOf(state: TrainingState) : int = state.BestEpoch
    /// The optimiser steps t a state has taken.
    static member StepsOf(state: TrainingState) : int = state.Optimizer.Step
    /// The update rule whose moments a state holds.
    static member RuleOf(state: TrainingState) : UpdateRule = state.Rule
    /// The first moments (velocity, Adam's m), aligned with Networks.Parameters; zeros when the rule has none.
    static member FirstMomentsOf(state: TrainingState) : Matrix<float>[] = Array.ofList state.Optimizer.First
    /// The second moments (AdaGrad's G, RMSProp's s, Adam's v), aligned with Networks.Parameters; zeros when the rule has none.
    static member SecondMomentsOf(state: TrainingState) : Matrix<float>[] = Array.ofList state.Optimizer.Second
    /// The best epoch's monitored value (NaN for none).
    static member BestValueOf(state: TrainingState) : float = state.BestValue
    /// The best epoch's weights (kept with RestoreBest), or null.
    static member BestNetworkOf(state: TrainingState) : Network = match state.BestNetwork with Some n -> n | None -> Unchecked.defaultof<Network>
    /// Epochs since the best that did not improve.
    static member SinceBestOf(state: TrainingState) : int = state.SinceBest
    /// The divergence rule's J0 (NaN before any batch).
    static member FirstLossOf(state: TrainingState) : float = state.FirstLoss
    /// The base learning rate a callback set, or NaN for the configuration's.
    static member BaseRateOf(state: TrainingState) : float = defaultArg state.BaseRate nan
    /// Which moments a rule carries (Update.moments): the first (velocity, m), the second (G, s, v).
    static member Moments(rule: UpdateRule, [<Runtime.InteropServices.Out>] second: byref<bool>) : bool =
        let f, s = Update.moments rule
        second <- s
        f
    /// A rule's command-line name in UpdateRuleRegistry ("adam") and its hyper-parameters in the
    /// order of the registry's Parameters.
    static member RuleValues(rule: UpdateRule, [<Runtime.InteropServices.Out>] name: byref<string>) : float[] =
        let n, values =
            match rule with
            | PlainSgd -> "sgd", []
            | Momentum mu -> "momentum", [ mu ]
            | Nesterov mu -> "nesterov", [ mu ]
            | AdaGrad eps -> "adagrad", [ eps ]
            | RmsProp(rho, eps) -> "rmsprop", [ rho; eps ]
            | Adam(b1, b2, eps) -> "adam", [ b1; b2; eps ]
        name <- n
        Array.ofList values
    /// The rule named `name` in UpdateRuleRegistry made from its hyper-parameters (in the order of
    /// the registry's Parameters), or null when no rule has that name or the count differs. Not validated (Rules.ValidateRule).
    static member MakeRule(name: string, values: float[]) : UpdateRule =
        match UpdateRuleRegistry.all |> List.tryFind (fun e -> e.Cli = name) with
        | Some e when e.Parameters.Length = values.Length -> e.Make values
        | _ -> Unchecked.defaultof<UpdateRule>
    /// The same state with another base rate (NaN: the configuration's).
    static member WithBaseRate(state: TrainingState, baseRate: float) : TrainingState =
        { state with BaseRate = (if Double.IsNaN baseRate then None else Some baseRate) }
    /// A state from its parts (lists aligned with Networks.Parameters; bestNetwork null for none,
    /// baseRate NaN for the configuration's). Training.checkState checks it against a configuration.
    static member StateOf(epoch: int, net: Network, rule: UpdateRule, step: int, first: Matrix<float>[], second: Matrix<float>[],
                          bestEpoch: int, bestValue: float, bestNetwork: Network, sinceBest: int, firstLoss: float, baseRate: float) : TrainingState =
        { Epoch = epoch; Network = net; Rule = rule
          Optimizer = { Step = step; First = List.ofArray first; Second = List.ofArray second }
          BestEpoch = bestEpoch; BestValue = bestValue
          BestNetwork = (if obj.ReferenceEquals(bestNetwork, null) then None else Some bestNetwork)
          SinceBest = sinceBest; FirstLoss = firstLoss
          BaseRate = (if Double.IsNaN baseRate then None else Some baseRate) }
    /// The same network with new parameters (aligned with Networks.Parameters, same shapes).
    static member WithParameters(net: Network, parameters: Matrix<float>[]) : Network = Network.withParameters net (List.ofArray parameters)

/// Row indices split in two (the core's `int[] * int[]`).
[<Sealed>]
type RowSplit internal (first: int[], second: int[]) =
    /// The training (or kept) rows.
    member _.First = first
    /// The held-out (validation or test) rows.
    member _.Second = second

/// The checks, metrics, splits and seeds around training, for C# (Training, Split, Init,
/// Schedule, Update). Course: S19, S24, S26-S28, S32. Checked by: TrainerTests, TargetTests,
/// DataSetTests, InteropSurfaceTests (tests/Hybrid.Tests).
[<AbstractClass; Sealed>]
type Rules =
    /// Loss.checkTargets: targets the loss takes (ArgumentException naming paramName, row and column).
    static member CheckTargets(paramName: string, loss: Loss, Y: Matrix<float>) : unit = Loss.checkTargets paramName loss Y
    /// Training.lossMismatch: null when the loss fits the network's last layer, else the facts.
    static member LossMismatch(loss: Loss, net: Network) : MismatchFacts =
        match Training.lossMismatch loss net with
        | None -> Unchecked.defaultof<MismatchFacts>
        | Some mismatch -> MismatchFacts mismatch
    /// Training.validate: the configuration's numbers are in range.
    static member Validate(config: TrainingConfig) : unit = Training.validate config
    /// Training.classesOf: the predicted class per row.
    static member ClassesOf(loss: Loss, M: Matrix<float>) : int[] = Training.classesOf loss M
    /// Training.accuracy.
    static member Accuracy(loss: Loss, Yhat: Matrix<float>, Y: Matrix<float>) : float = Training.accuracy loss Yhat Y
    /// J(Ŷ, Y) of given predictions (Loss.value).
    static member LossOf(loss: Loss, Yhat: Matrix<float>, Y: Matrix<float>) : float = Loss.value loss Yhat Y
    /// Training.confusion: C[actual, predicted].
    static member Confusion(loss: Loss, Yhat: Matrix<float>, Y: Matrix<float>) : int[,] = Training.confusion loss Yhat Y
    /// Training.split: a seeded random validation split of n rows.
    static member Split(seed: int, fraction: float, n: int) : RowSplit = Training.split seed fraction n |> RowSplit
    /// Split.random: a seeded random split of n rows.
    static member RandomSplit(seed: int, fraction: float, n: int) : RowSplit = Split.random seed fraction n |> RowSplit
    /// Split.stratified: a seeded split keeping each class's share.
    static member StratifiedSplit(seed: int, fraction: float, labels: int[]) : RowSplit = Split.stratified seed fraction labels |> RowSplit
    /// The fast path's row set of row-major X and Y (FastTraining.rowSet).
    static member RowSet(X: float[], Y: float[], inputs: int, outputs: int) : RowSet = FastTraining.rowSet X Y inputs outputs
    /// The fast path's row set over the caller's rows, read in place (FastTraining.rowSetOfRows).
    static member RowSetOfRows(X: float[][], Y: float[], inputs: int, outputs: int) : RowSet = FastTraining.rowSetOfRows X Y inputs outputs
    /// The index of the first value of `values` that is NaN or ±∞, or −1 (RowMajor.firstNonFinite: vectorised).
    static member FirstNonFinite(values: float[]) : int = RowMajor.firstNonFinite values values.Length
    /// FastTraining.rowSetOfSingleRows: float32 rows read in place.
    static member RowSetOfSingleRows(X: float32[][], Y: float[], inputs: int, outputs: int) : RowSet = FastTraining.rowSetOfSingleRows X Y inputs outputs
    /// The same data restricted to `rows`.
    static member Rows(set: RowSet, rows: int[]) : RowSet = { set with Rows = rows }
    /// Init.validate.
    static member ValidateInitializer(paramName: string, init: Initializer) : unit = Init.validate paramName init
    /// Init.forActivation: He for the ReLU family, Xavier otherwise.
    static member InitializerFor(g: Activation) : Initializer = Init.forActivation g
    /// Init.matrix: a fanIn×fanOut draw.
    static member Weights(init: Initializer, seed: int, fanIn: int, fanOut: int) : Matrix<float> = Init.matrix init seed fanIn fanOut
    /// Init.variance.
    static member Variance(init: Initializer, fanIn: int, fanOut: int) : float = Init.variance init fanIn fanOut
    /// Init.derive: the seed of sub-stream `index`.
    static member Derive(seed: int, index: int) : int = Init.derive seed index
    /// Schedule.validate.
    static member ValidateSchedule(paramName: string, schedule: Schedule) : unit = Schedule.validate paramName schedule
    /// Schedule.rate: η at a 1-based epoch.
    static member Rate(schedule: Schedule, initialRate: float, epoch: int) : float = Schedule.rate schedule initialRate epoch
    /// Update.validate.
    static member ValidateRule(paramName: string, rule: UpdateRule) : unit = Update.validate paramName rule
