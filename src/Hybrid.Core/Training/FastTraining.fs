namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// A data set held row-major for the fast path: row r of the set is row Rows[r] of the arrays
/// (X n×Inputs, Y n×Outputs, one example per row), so a validation split or a shuffle is a list
/// of indices, never a copy of the data. Course: S28 (minibatches drawn by index).
type RowSet =
    { /// Inputs, row-major: entry (i, j) at i·Inputs + j; empty when XRows or XRowsSingle holds them.
      X: float[]
      /// Inputs as the caller's own rows (row i is XRows.[i], Inputs values, read in place: never
      /// copied), or null when X or XRowsSingle holds them.
      XRows: float[][]
      /// Inputs as the caller's own float32 rows, read in place like XRows (a float32 run copies them
      /// into its batch buffer as they are; a float64 run widens them, exactly), or null.
      XRowsSingle: float32[][]
      /// Targets, row-major: entry (i, k) at i·Outputs + k.
      Y: float[]
      /// Columns of X.
      Inputs: int
      /// Columns of Y.
      Outputs: int
      /// The rows of the arrays that make up this set, in order.
      Rows: int[] }

/// A batch the fast path gathered for training or validation held an input that is NaN or ±∞ at
/// the precision being trained (the inputs are checked as each batch is copied, not in a pass of
/// their own). Row and Column locate the lowest such input of the set's data, Value is it as
/// given: finite when it only overflows float32 (past ±3.4e38). A boundary that knows the
/// caller's parameter names raises `Named`. Course: S28.
type NonFiniteInputException(set: RowSet, row: int, column: int, value: float) =
    inherit ArgumentException(sprintf "The inputs have the value %g at row %d, column %d." value row column)
    /// The row set whose data holds the value.
    member _.Set = set
    /// The lowest row of the set's data holding such a value.
    member _.Row = row
    /// Its first such column.
    member _.Column = column
    /// The value as given.
    member _.Value = value
    /// The caller's ArgumentException, naming its parameter: a non-finite value as the boundary
    /// checks of copied data name it, a finite one as past float32's range.
    member _.Named(name: string) : ArgumentException =
        let message =
            if Double.IsFinite value then
                sprintf "%s has the value %g at row %d, column %d, past float32's largest value ±3.4e38: scale the inputs, or train in float64 (Precision.Double)." name value row column
            else sprintf "%s has a non-finite value %g at row %d, column %d." name value row column
        ArgumentException(message, name)

/// The element type the fast path trains in (S28): float64 (the default, and the reference path's),
/// or float32, the peers' default, at about twice the speed of the products.
[<RequireQualifiedAccess>]
type Precision =
    /// float64 throughout.
    | Double
    /// float32 for the layers, L2 and the update; the loss in float64 on the widened outputs.
    | Single

/// The fast training path: for a network and a batch size, a plan owns every buffer
/// (the batch, activations, caches, gradients, optimiser state; row-major float[]) and updates
/// the parameters in place. Each layer runs as its own buffer version (Layer.Plan, in the layer's
/// file: products through Backend.Gemm, element-wise work through the registry's kernels); the
/// plan only chains them, computes the loss and applies the update rule. After the first batch
/// no batch allocates. The mutation stays inside: `fit` and `fitRows` take
/// and return immutable networks (the input network is never changed) and report exactly as the
/// reference path does (Training.run is shared). Every layer (dense with every activation,
/// PReLU's α learned; maxout; dropout with the reference's seeded masks), every loss (the fused
/// sigmoid+BCE and softmax+CE from logits), L2, every update rule and schedule is supported, so
/// there is no fallback. Proven equal to Training.fit up to summation order by FastPathProperties.
module FastTraining =

    /// A row set over all rows of row-major arrays: X n×inputs, Y n×outputs, Rows = [0, 1, …, n−1]
    /// with n = |X| / inputs. Course: S28.
    let rowSet (X: float[]) (Y: float[]) (inputs: int) (outputs: int) : RowSet =
        { X = X; XRows = null; XRowsSingle = null; Y = Y; Inputs = inputs; Outputs = outputs; Rows = Array.init (X.Length / inputs) id }

    /// A row set over the caller's rows, read in place (no copy of X: training memory is the data
    /// once, not twice): row i of X is X.[i], each of `inputs` values; Y row-major n×outputs, Rows =
    /// [0, 1, …, n−1]. Course: S28.
    let rowSetOfRows (X: float[][]) (Y: float[]) (inputs: int) (outputs: int) : RowSet =
        { X = Array.empty; XRows = X; XRowsSingle = null; Y = Y; Inputs = inputs; Outputs = outputs; Rows = Array.init X.Length id }

    /// A row set over the caller's float32 rows, read in place as rowSetOfRows reads float rows
    /// (float32 data trains a float32 run with no conversion at all). Course: S28.
    let rowSetOfSingleRows (X: float32[][]) (Y: float[]) (inputs: int) (outputs: int) : RowSet =
        { X = Array.empty; XRows = null; XRowsSingle = X; Y = Y; Inputs = inputs; Outputs = outputs; Rows = Array.init X.Length id }

    /// The fewest input values a part of a parallel gather copies: 32,768 (256 KB at float64), about
    /// 25 µs of copying, several times what waking the second thread costs.
    let private gatherPart = 32_768

    /// The fewest parameter entries a part of a parallel update steps: 32,768, tens of microseconds
    /// of its memory-bound loop.
    let private updatePart = 32_768

    /// The lowest row of the set's data (all its arrays' rows, as a boundary check reads them)
    /// holding an input that is NaN or ±∞ at 'T, with its first such column and the value as
    /// given; row −1 when there is none. At float32 a float64 input past ±3.4e38 is ∞.
    let private firstNonFiniteAt<'T when 'T :> Numerics.IFloatingPointIeee754<'T>> (set: RowSet) : struct (int * int * float) =
        let n = if not (isNull set.XRows) then set.XRows.Length elif not (isNull set.XRowsSingle) then set.XRowsSingle.Length else set.X.Length / set.Inputs
        let value i j =
            if not (isNull set.XRows) then set.XRows.[i].[j]
            elif not (isNull set.XRowsSingle) then float set.XRowsSingle.[i].[j]
            else set.X.[i * set.Inputs + j]
        let mutable found = struct (-1, -1, nan)
        let mutable i = 0
        while i < n do
            let mutable j = 0
            while j < set.Inputs do
                let v = value i j
                if not ('T.IsFinite('T.CreateTruncating v)) then
                    found <- struct (i, j, v)
                    i <- n
                    j <- set.Inputs
                j <- j + 1
            i <- i + 1
        found

    /// Runs f (a fit over `train` and a validation set), naming the set of a NonFiniteInputException
    /// it raises: xName for the training set, validationName for the other. Course: S28.
    let namingInputs (train: RowSet) (xName: string) (validationName: string) (f: unit -> 'a) : 'a =
        try f ()
        with :? NonFiniteInputException as e -> raise (e.Named(if obj.ReferenceEquals(e.Set, train) then xName else validationName))

    /// The matrices (X n×d, Y n×m) as a row set (one row-major copy of each). Course: S28.
    let ofMatrices (X: Matrix<float>) (Y: Matrix<float>) : RowSet =
        rowSet (X.ToRowMajorArray()) (Y.ToRowMajorArray()) X.ColumnCount Y.ColumnCount

    /// What a plan does at its element type (float, or float32), each once per batch: one virtual
    /// call, the loops inside at that type. The float instance calls the kernels directly.
    [<AbstractClass>]
    type private PlanOps<'T>() =
        /// target[targetIndex ..] ← source[sourceIndex ..], `count` entries (the gather of a batch).
        abstract Load: source: float[] * sourceIndex: int * target: 'T[] * targetIndex: int * count: int -> unit
        /// The same from float32 values (float32 rows read in place).
        abstract LoadSingle: source: float32[] * sourceIndex: int * target: 'T[] * targetIndex: int * count: int -> unit
        /// The values as float (a new array, or the array itself at float).
        abstract ToDoubles: values: 'T[] -> float[]
        /// The values at 'T (a new array).
        abstract OfDoubles: values: float[] -> 'T[]
        /// J and ∂J/∂Ŷ (Kernels.lossAndGradient).
        abstract Loss: loss: Loss * yhat: 'T[] * y: 'T[] * grad: 'T[] * rows: int * cols: int -> float
        /// Sigmoid + BCE from the logits (Kernels.sigmoidCrossEntropy).
        abstract SigmoidCrossEntropy: z: 'T[] * a: 'T[] * y: 'T[] * dz: 'T[] * rows: int * cols: int -> float
        /// Softmax + CE from the logits (Kernels.softmaxCrossEntropy).
        abstract SoftmaxCrossEntropy: z: 'T[] * a: 'T[] * y: 'T[] * dz: 'T[] * rows: int * cols: int -> float
        /// g ← g + 2λW, returning λΣW² (Kernels.addL2).
        abstract AddL2: lambda: float * w: 'T[] * g: 'T[] -> float
        /// One step of the rule in place (UpdateInPlace): (every g finite, every θ′ finite).
        abstract Update: rule: UpdateRule * eta: float * t: int * theta: 'T[] * g: 'T[] * f: 'T[] * s: 'T[] * start: int * count: int -> struct (bool * bool)
        /// The correct count (Kernels.correct).
        abstract Correct: loss: Loss * yhat: 'T[] * y: 'T[] * rows: int * cols: int -> int
        /// The index of the first of the first `count` entries that is NaN or ±∞, or −1.
        abstract FirstNonFinite: values: 'T[] * count: int -> int
        /// The layer's buffer version at 'T.
        abstract Plan: layer: Layer * slot: PlanSlot -> LayerPlan<'T>

    /// The plan's operations at float: the kernels themselves.
    [<Sealed>]
    type private DoubleOps() =
        inherit PlanOps<float>()
        override _.Load(source, i, target, j, count) = Array.Copy(source, i, target, j, count)
        // Widening is exact.
        override _.LoadSingle(source, i, target, j, count) = RowMajor.widen source i target j count
        override _.ToDoubles values = values
        override _.OfDoubles values = Array.copy values
        override _.Loss(loss, yhat, y, grad, rows, cols) = Kernels.lossAndGradient loss yhat y grad rows cols
        override _.SigmoidCrossEntropy(z, a, y, dz, rows, cols) = Kernels.sigmoidCrossEntropy z a y dz rows cols
        override _.SoftmaxCrossEntropy(z, a, y, dz, rows, cols) = Kernels.softmaxCrossEntropy z a y dz rows cols
        override _.AddL2(lambda, w, g) = Kernels.addL2 lambda w g
        override _.Update(rule, eta, t, theta, g, f, s, start, count) = Kernels.update rule eta t theta g f s start count
        override _.Correct(loss, yhat, y, rows, cols) = Kernels.correct loss yhat y rows cols
        override _.FirstNonFinite(values, count) = RowMajor.firstNonFinite values count
        override _.Plan(layer, slot) = layer.Plan slot

    /// The plan's operations at float32 (Precision Single): products, activations, dropout, L2 and
    /// the update rules in float32; the loss and its gradient, O(batch × outputs), computed by the
    /// float kernels on the outputs widened to float and rounded back once (so the cross-entropies
    /// keep their ε = 1e-12, which float32 cannot hold next to 1). `capacity`×`outputs` scratch.
    [<Sealed>]
    type private SingleOps(capacity: int, outputs: int) =
        inherit PlanOps<float32>()
        let n = capacity * outputs
        let p64, y64, g64, a64 = Array.zeroCreate<float> n, Array.zeroCreate<float> n, Array.zeroCreate<float> n, Array.zeroCreate<float> n
        // Conversions on whole buffers (RowMajor, vectorised); each entry rounds as `float32 x` does.
        let widen (source: float32[]) (target: float[]) (count: int) = RowMajor.widen source 0 target 0 count
        let narrow (source: float[]) (target: float32[]) (count: int) = RowMajor.narrow source 0 target 0 count
        // A fused loss from the logits (sigmoid + BCE, or softmax + CE): z, a = g(z) and y widened, dZ rounded back.
        let fused (sigmoid: bool) (z: float32[]) (a: float32[]) (y: float32[]) (dz: float32[]) (rows: int) (cols: int) =
            widen z p64 (rows * cols)
            widen a a64 (rows * cols)
            widen y y64 (rows * cols)
            let J = if sigmoid then Kernels.sigmoidCrossEntropy p64 a64 y64 g64 rows cols else Kernels.softmaxCrossEntropy p64 a64 y64 g64 rows cols
            narrow g64 dz (rows * cols)
            J
        override _.Load(source, i, target, j, count) = RowMajor.narrow source i target j count
        override _.LoadSingle(source, i, target, j, count) = Array.Copy(source, i, target, j, count)
        override _.ToDoubles values = Array.map float values
        override _.OfDoubles values = Array.map float32 values
        override _.Loss(loss, yhat, y, grad, rows, cols) =
            widen yhat p64 (rows * cols)
            widen y y64 (rows * cols)
            let J = Kernels.lossAndGradient loss p64 y64 g64 rows cols
            narrow g64 grad (rows * cols)
            J
        override _.SigmoidCrossEntropy(z, a, y, dz, rows, cols) = fused true z a y dz rows cols
        override _.SoftmaxCrossEntropy(z, a, y, dz, rows, cols) = fused false z a y dz rows cols
        override _.AddL2(lambda, w, g) = float (Kernels.addL2 (float32 lambda) w g)
        override _.Update(rule, eta, t, theta, g, f, s, start, count) = UpdateInPlace.stepSingleIn rule eta t theta g f s start count
        override _.Correct(loss, yhat, y, rows, cols) = Kernels.correct loss yhat y rows cols
        override _.FirstNonFinite(values, count) = RowMajor.firstNonFinite values count
        override _.Plan(layer, slot) = layer.PlanSingle slot

    /// A pass of a plan split into parts run at once on the product threads (Gemm.runParts):
    /// `run q count` runs part q of `count`; Count is set before each run.
    type private Parts(run: int -> int -> unit) =
        member val Count = 1 with get, set
        interface Gemm.IParts with
            member p.Parts = p.Count
            member p.Run q = run q p.Count

    /// The buffers and the in-place batch step of one training run, at element type 'T.
    type private Plan<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T: comparison
                           and 'T :> Numerics.IFloatingPointIeee754<'T>>
            (config: TrainingConfig, net: Network, optimizer: UpdateState option, capacity: int, ops: PlanOps<'T>) =
        let layers = Array.ofList net.Layers
        let parameters = Network.parameters net |> List.map (fun p -> ops.OfDoubles(p.ToRowMajorArray())) |> Array.ofList
        let shapes = Network.parameters net |> List.map (fun p -> p.RowCount, p.ColumnCount) |> Array.ofList
        let isWeight = Network.isWeight net |> Array.ofList
        let grads = parameters |> Array.map (fun p -> Array.zeroCreate<'T> p.Length)
        let needsFirst, needsSecond = Update.moments config.Rule
        /// A moment's buffers, from the state to continue from (or zeros), only if the rule has it.
        let moment (needed: bool) (of': UpdateState -> Matrix<float> list) =
            match optimizer with
            | _ when not needed -> parameters |> Array.map (fun _ -> null)
            | Some state -> of' state |> List.map (fun m -> ops.OfDoubles(m.ToRowMajorArray())) |> Array.ofList
            | None -> parameters |> Array.map (fun p -> Array.zeroCreate<'T> p.Length)
        let first = moment needsFirst (fun s -> s.First)
        let second = moment needsSecond (fun s -> s.Second)
        let epochStart = parameters |> Array.map (fun p -> Array.zeroCreate<'T> p.Length)
        let epochFirst = first |> Array.map (fun m -> if isNull m then null else Array.zeroCreate<'T> m.Length)
        let epochSecond = second |> Array.map (fun m -> if isNull m then null else Array.zeroCreate<'T> m.Length)
        let inputs = Network.inputSize net
        let outputs = Network.outputSize net
        let firstTrainable = layers |> Array.findIndex (fun layer -> not (List.isEmpty layer.Parameters))
        let fused = Network.fuses config.Loss net
        let xb = Array.zeroCreate<'T> (capacity * inputs)
        let yb = Array.zeroCreate<'T> (capacity * outputs)
        let dOut = Array.zeroCreate<'T> (capacity * outputs)
        let plans =
            let mutable p = 0
            let mutable width = inputs
            layers |> Array.mapi (fun l layer ->
                let plan = ops.Plan(layer, { Capacity = capacity; Inputs = width; First = p; NeedsInputGradient = l > firstTrainable })
                p <- p + List.length layer.Parameters
                width <- (match layer.Widths with Some(_, o) -> o | None -> width)
                plan)
        // A fused last layer starts its backward from the dZ the loss writes (S21, S22).
        let fusedLast =
            if fused then
                match plans.[plans.Length - 1] with
                | :? DensePlan<'T> as d -> d.StartsFromZ <- true; d
                | _ -> invalidOp "unreachable: only a dense last layer fuses."
            else Unchecked.defaultof<DensePlan<'T>>
        let stochastic = layers |> Array.exists (fun layer -> layer.Stochastic)
        /// The input buffer each layer read in the last forward pass (for dW = Xᵀ·dZ).
        let layerInput = Array.zeroCreate<'T[]> plans.Length
        let mutable step = match optimizer with Some state -> state.Step | None -> 0
        let mutable epochStep = step
        let mutable lastLoss = 0.0
        let mutable lastTotal = nan
        let mutable lastCorrect = 0
        /// Xb, Yb rows i0 .. i1−1 ← rows of the set (Gather).
        let gatherRows (set: RowSet) (order: int[]) (start: int) (i0: int) (i1: int) =
            for i in i0 .. i1 - 1 do
                let r = set.Rows.[if isNull order then start + i else order.[start + i]]
                if not (isNull set.XRows) then ops.Load(set.XRows.[r], 0, xb, i * inputs, inputs)
                elif not (isNull set.XRowsSingle) then ops.LoadSingle(set.XRowsSingle.[r], 0, xb, i * inputs, inputs)
                else ops.Load(set.X, r * inputs, xb, i * inputs, inputs)
                ops.Load(set.Y, r * outputs, yb, i * outputs, outputs)
        /// At most this many parts per pass (a flag per part below).
        let maxParts = max 2 Environment.ProcessorCount
        /// GatherChecked's batch, for its parts, and each part's finiteness.
        let mutable gatherSet = Unchecked.defaultof<RowSet>
        let mutable gatherOrder : int[] = null
        let mutable gatherStart = 0
        let mutable gatherCount = 0
        let gatherFinite = Array.zeroCreate<bool> maxParts
        /// Part q of GatherChecked's batch: its share of the rows, gathered and checked.
        let gathering = Parts(fun q parts ->
            let i0, i1 = q * gatherCount / parts, (q + 1) * gatherCount / parts
            gatherRows gatherSet gatherOrder gatherStart i0 i1
            gatherFinite.[q] <- RowMajor.allFiniteIn xb (i0 * inputs) ((i1 - i0) * inputs))
        /// The update's η, and each part's (every g finite, every θ′ finite).
        let mutable updateEta = 0.0
        let updateGradientFinite = Array.zeroCreate<bool> maxParts
        let updateParameterFinite = Array.zeroCreate<bool> maxParts
        let parameterCount = parameters |> Array.sumBy (fun p -> p.Length)
        /// Part q of the update: its share of every parameter's entries, cut at multiples of 16
        /// entries (whole 64-byte lines at float32) so no two parts write one cache line.
        let updating = Parts(fun q parts ->
            let mutable gOk = true
            let mutable tOk = true
            for p in 0 .. parameters.Length - 1 do
                let n = parameters.[p].Length
                let cut k = if k >= parts then n else int (int64 n * int64 k / int64 parts) / 16 * 16
                let i0, i1 = cut q, cut (q + 1)
                if i1 > i0 then
                    let struct (g, t) = ops.Update(config.Rule, updateEta, step + 1, parameters.[p], grads.[p], first.[p], second.[p], i0, i1 - i0)
                    gOk <- gOk && g
                    tOk <- tOk && t
            updateGradientFinite.[q] <- gOk
            updateParameterFinite.[q] <- tOk)

        /// Xb, Yb ← rows of the set: positions order[start + i] (or start + i when order is null),
        /// i = 0 .. rows−1, through the set's row list.
        member _.Gather(set: RowSet, order: int[], start: int, rows: int) = gatherRows set order start 0 rows

        /// Gather, then the check of the inputs that training and validation rely on: every value of
        /// Xb finite at 'T, read while the batch is still in cache (a pass of its own before training
        /// read all the data once more, and, entered once per fit, ran largely as unoptimised code). Raises
        /// NonFiniteInputException naming the set's lowest bad row, as a check before training would.
        /// A batch of at least 2·gatherPart values is gathered and checked in parts on the product
        /// threads (Gemm.runParts): one core's reads of rows scattered in memory are latency-bound.
        member _.GatherChecked(set: RowSet, order: int[], start: int, rows: int) =
            gathering.Count <- max 1 (min (min Gemm.threads maxParts) (rows * inputs / gatherPart))
            gatherSet <- set
            gatherOrder <- order
            gatherStart <- start
            gatherCount <- rows
            Gemm.runParts<'T> gathering
            gatherSet <- Unchecked.defaultof<RowSet>
            gatherOrder <- null
            let mutable finite = true
            for q in 0 .. gathering.Count - 1 do finite <- finite && gatherFinite.[q]
            if not finite then
                let struct (row, column, value) = firstNonFiniteAt<'T> set
                raise (NonFiniteInputException(set, row, column, value))

        /// The forward pass on the first `rows` rows of Xb; `maskSeed` ≥ 0 turns dropout on (layer l
        /// masked as Dropout.mask (Init.derive maskSeed l)). Returns the output buffer.
        member _.Forward(rows: int, maskSeed: int) : 'T[] =
            let mutable x = xb
            for l in 0 .. plans.Length - 1 do
                layerInput.[l] <- x
                x <- plans.[l].Forward(x, rows, parameters, (if maskSeed >= 0 then Init.derive maskSeed l else -1))
            x

        /// The data loss of the forward's output against Yb (fused from the logits when the last
        /// layer and the loss fuse), its gradient written where the backward starts. Returns J.
        member _.Loss(output: 'T[], rows: int) : float =
            if fused then
                let d = fusedLast
                if d.Activation = Sigmoid then ops.SigmoidCrossEntropy(d.Z, d.A, yb, d.DZ, rows, outputs)
                else ops.SoftmaxCrossEntropy(d.Z, d.A, yb, d.DZ, rows, outputs)
            else ops.Loss(config.Loss, output, yb, dOut, rows, outputs)

        /// The backward pass from the loss gradient into grads: the layers' backward in reverse
        /// (S16's BP1-BP4 in place). Layers before the first trainable one need no gradient.
        member _.Backward(rows: int, training: bool) =
            let mutable up = dOut
            for l in plans.Length - 1 .. -1 .. firstTrainable do
                up <- plans.[l].Backward(layerInput.[l], up, rows, parameters, grads, training)

        /// The data loss of the last successful Step.
        member _.LastLoss = lastLoss

        /// The loss J + L2 penalty of the last Step, successful or not (the divergence rule's input).
        member _.LastTotal = lastTotal

        /// The correct count of the last successful Step.
        member _.LastCorrect = lastCorrect

        /// One batch: gather, forward (dropout on), loss, backward, L2, update in place. Returns
        /// None (LastLoss and LastCorrect then hold the batch's data loss and correct count), or the
        /// NaN stop (Training.nonFiniteStep, Training.nonFiniteParameter) with the weights unchanged.
        member this.Step(set: RowSet, order: int[], rows: int, epoch: int, batch: int, eta: float) : StopDetail option =
            this.GatherChecked(set, order, 0, rows)
            let maskSeed = if stochastic then Training.dropoutSeed config.Seed epoch batch else -1
            let output = this.Forward(rows, maskSeed)
            let J = this.Loss(output, rows)
            this.Backward(rows, stochastic)
            let mutable penalty = 0.0
            if config.L2 > 0.0 then
                for p in 0 .. parameters.Length - 1 do
                    if isWeight.[p] then penalty <- penalty + ops.AddL2(config.L2, parameters.[p], grads.[p])
            let total = J + penalty
            lastTotal <- total
            if not (Double.IsFinite total) then Some(Training.nonFiniteStep total epoch batch)
            else
                // The update checks its gradient and its result in the same pass (one read of each
                // buffer instead of three). θ′ goes into the gradient buffers, so θ is unchanged if either
                // check fails; the moments may then hold the failed step, but a NaN stop never reads them
                // (the resumable state is the epoch's start: Training.outcome).
                // A large update runs in parts on the product threads, each on its share of every
                // parameter (for dW = Xᵀ·dZ split by rows, about the rows that thread has just written).
                updateEta <- eta
                updating.Count <- max 1 (min (min Gemm.threads maxParts) (parameterCount / updatePart))
                Gemm.runParts<'T> updating
                let mutable gradientsFinite = true
                let mutable parametersFinite = true
                for q in 0 .. updating.Count - 1 do
                    gradientsFinite <- gradientsFinite && updateGradientFinite.[q]
                    parametersFinite <- parametersFinite && updateParameterFinite.[q]
                if not gradientsFinite then Some(Training.nonFiniteStep total epoch batch)
                elif not parametersFinite then Some(Training.nonFiniteParameter epoch batch)
                else
                    // θ′ was written over the gradient buffers: swap them in.
                    for p in 0 .. parameters.Length - 1 do
                        let t = parameters.[p]
                        parameters.[p] <- grads.[p]
                        grads.[p] <- t
                    step <- step + 1
                    lastLoss <- J
                    lastCorrect <- ops.Correct(config.Loss, output, yb, rows, outputs)
                    None

        /// Inference on every row of the set, in chunks of the plan's capacity, dropout off: the
        /// outputs widened to float (row-major, rows × outputs), or the first (layer, row, column)
        /// whose output holds NaN or ±∞ (at 'T: past ±3.4e38 in float32).
        member this.Predict(set: RowSet) : Result<float[], int * int * int> =
            let n = set.Rows.Length
            let result = Array.zeroCreate<float> (n * outputs)
            let widths = Array.zeroCreate<int> layers.Length
            let mutable width = inputs
            for l in 0 .. layers.Length - 1 do
                width <- (match layers.[l].Widths with Some(_, o) -> o | None -> width)
                widths.[l] <- width
            let mutable bad = None
            let mutable start = 0
            while start < n && bad.IsNone do
                let rows = min capacity (n - start)
                this.Gather(set, null, start, rows)
                let output = this.Forward(rows, -1)
                for l in 0 .. layers.Length - 1 do
                    if bad.IsNone then
                        let a = if l + 1 < layers.Length then layerInput.[l + 1] else output
                        let e = ops.FirstNonFinite(a, rows * widths.[l])
                        if e >= 0 then bad <- Some(l, start + e / widths.[l], e % widths.[l])
                if bad.IsNone then Array.Copy(ops.ToDoubles output, 0, result, start * outputs, rows * outputs)
                start <- start + rows
            match bad with
            | Some at -> Error at
            | None -> Ok result

        /// (Σ_chunks J_c·n_c (a plain Σ J_c for SumOfSquares), correct count) over the whole set at
        /// inference, in chunks of the plan's capacity.
        member this.Evaluate(set: RowSet) : struct (float * int) =
            let n = set.Rows.Length
            let mutable sum = 0.0
            let mutable hits = 0
            let mutable start = 0
            while start < n do
                let rows = min capacity (n - start)
                this.GatherChecked(set, null, start, rows)
                let output = this.Forward(rows, -1)
                let J = this.Loss(output, rows)
                sum <- sum + (if config.Loss = SumOfSquares then J else J * float rows)
                hits <- hits + ops.Correct(config.Loss, output, yb, rows, outputs)
                start <- start + rows
            struct (sum, hits)

        member _.MarkEpochStart() =
            for p in 0 .. parameters.Length - 1 do
                Array.Copy(parameters.[p], epochStart.[p], parameters.[p].Length)
                if not (isNull first.[p]) then Array.Copy(first.[p], epochFirst.[p], first.[p].Length)
                if not (isNull second.[p]) then Array.Copy(second.[p], epochSecond.[p], second.[p].Length)
            epochStep <- step

        member _.RollbackEpoch() =
            for p in 0 .. parameters.Length - 1 do Array.Copy(epochStart.[p], parameters.[p], parameters.[p].Length)

        /// Parameters (or moments: null for a moment the rule lacks, which is zeros) as matrices shaped as the parameters
        /// (copies: DenseOfRowMajor copies the values into its own column-major storage).
        member private _.Matrices(values: 'T[][]) : Matrix<float> list =
            values
            |> Array.mapi (fun p v -> let r, c = shapes.[p] in if isNull v then Mat.zeros r c else Matrix<float>.Build.DenseOfRowMajor(r, c, ops.ToDoubles v))
            |> List.ofArray

        /// The current parameters as a new immutable network (copies).
        member this.Snapshot() : Network = Network.withParameters net (this.Matrices parameters)

        /// The current optimiser state (copies).
        member this.Optimizer() : UpdateState = { Step = step; First = this.Matrices first; Second = this.Matrices second }

        /// The weights and optimiser state remembered by MarkEpochStart (copies).
        member this.EpochStart() : Network * UpdateState =
            Network.withParameters net (this.Matrices epochStart), { Step = epochStep; First = this.Matrices epochFirst; Second = this.Matrices epochSecond }

    /// One network's parameters, row-major, and per thread its layers' one-row buffer versions,
    /// for predictRow: made on the network's first predictRow (on each thread) and kept as long as
    /// the network lives (a network is immutable).
    type private RowPlan(net: Network) =
        let layers = Array.ofList net.Layers
        let build () =
            let mutable p = 0
            let mutable width = Network.inputSize net
            layers |> Array.map (fun layer ->
                let plan = layer.Plan { Capacity = 1; Inputs = width; First = p; NeedsInputGradient = false }
                p <- p + List.length layer.Parameters
                width <- (match layer.Widths with Some(_, o) -> o | None -> width)
                plan)
        member val Parameters = Network.parameters net |> List.map (fun p -> p.ToRowMajorArray()) |> Array.ofList
        member val Plans = new Threading.ThreadLocal<LayerPlan<float>[]>(build)
        member val Outputs = Network.outputSize net

    let private rowPlans = Runtime.CompilerServices.ConditionalWeakTable<Network, RowPlan>()
    let private newRowPlan = Runtime.CompilerServices.ConditionalWeakTable<Network, RowPlan>.CreateValueCallback(fun n -> RowPlan n)

    /// Inference on one example, a = g^L(… g^1(x·W^1 + b^1) …) with dropout off (Network.forward
    /// on the 1×d_in matrix [x], the same operations entry by entry: the products' fused
    /// multiply-add chains run in the same order, so the result is the same bits). Allocates only
    /// the result: the parameters are made row-major once per network, the layers' one-row buffer
    /// versions once per network and thread. Error (layer, column) names the first layer whose
    /// pre-activation or output (any maxout piece's Z) holds NaN or ±∞, as Network.firstNonFinite
    /// (row 0). x is not checked (length d_in, finite: the caller's boundary does it). Course: S15.
    /// Checked by: FastPathProperties "S15 / fast path / predicting one row equals the reference forward pass, bit for bit",
    /// NetworkTests "Predict_on_one_row_allocates_only_its_result".
    let predictRow (net: Network) (x: float[]) : Result<float[], int * int> =
        let plan = rowPlans.GetValue(net, newRowPlan)
        let plans = plan.Plans.Value
        let mutable input = x
        let mutable hitLayer = -1
        let mutable hitColumn = -1
        let mutable l = 0
        while l < plans.Length && hitLayer < 0 do
            input <- plans.[l].Forward(input, 1, plan.Parameters, -1)
            let bad = plans.[l].FirstNonFinite()
            if bad >= 0 then
                hitLayer <- l
                hitColumn <- bad
            l <- l + 1
        if hitLayer >= 0 then Error(hitLayer, hitColumn)
        else
            let result = Array.zeroCreate<float> plan.Outputs
            Array.Copy(input, result, plan.Outputs)
            Ok result

    /// The fast engine at element type 'T from the network's weights and an optimiser state (None: fresh).
    let private engineOf (config: TrainingConfig) (net: Network) (optimizer: UpdateState option) (train: RowSet) (validation: RowSet option)
                         (plan: Plan<'T>) : TrainingEngine =
        let sums = EpochSums()
        { new TrainingEngine with
            member _.LastLoss = plan.LastTotal
            member _.Step(epoch, b, rows, eta) =
                let result = plan.Step(train, rows, rows.Length, epoch, b, eta)
                if result.IsNone then sums.Add(rows.Length, plan.LastLoss, plan.LastCorrect)
                result
            member _.TakeSums() = sums.Take()
            member _.MarkEpochStart() = plan.MarkEpochStart()
            member _.RollbackEpoch() = plan.RollbackEpoch()
            member _.Snapshot() = plan.Snapshot()
            member _.Optimizer() = plan.Optimizer()
            member _.EpochStart() = plan.EpochStart()
            member _.Validate() =
                validation |> Option.map (fun v ->
                    let struct (sum, hits) = plan.Evaluate v
                    let nv = float v.Rows.Length
                    (if config.Loss = SumOfSquares then sum else sum / nv), float hits / nv) }

    /// The fast engine in `precision` from the network's weights and an optimiser state (None: fresh).
    let private engineWith (precision: Precision) (config: TrainingConfig) (net: Network) (optimizer: UpdateState option) (train: RowSet) (validation: RowSet option) : TrainingEngine =
        let n = train.Rows.Length
        let largest = max n (validation |> Option.map (fun v -> v.Rows.Length) |> Option.defaultValue 0)
        let capacity = max 1 (min config.BatchSize largest)
        match precision with
        | Precision.Double -> engineOf config net optimizer train validation (Plan<float>(config, net, optimizer, capacity, DoubleOps()))
        | Precision.Single ->
            engineOf config net optimizer train validation (Plan<float32>(config, net, optimizer, capacity, SingleOps(capacity, Network.outputSize net)))

    /// Inference in a precision, a = g^L(… g^1(x·W^1 + b^1) …) with dropout off, for the rows of X
    /// (row-major, n×d_in; not checked: the caller's boundary does it) through the layers' buffer
    /// versions at that element type, 256 rows at a time: Single computes in float32 on the weights
    /// rounded to float32 (exact for a network trained in float32) and widens the outputs. Returns the n×d_out outputs
    /// row-major, or the first (layer, row, column) whose output is NaN or ±∞. Course: S15, S28.
    /// Checked by: PrecisionTests "Predict_of_a_float32_network_computes_in_float32".
    let predictIn (precision: Precision) (net: Network) (X: float[]) : Result<float[], int * int * int> =
        let inputs, outputs = Network.inputSize net, Network.outputSize net
        let n = X.Length / inputs
        // The targets are never read: MeanSquaredError does not fuse with any last layer, so the
        // forward pass computes every layer's output itself.
        let set = rowSet X (Array.zeroCreate (n * outputs)) inputs outputs
        let capacity = max 1 (min n 256)
        let config =
            { Loss = MeanSquaredError; Rule = PlainSgd; LearningRate = 0.0; Schedule = ConstantRate; L2 = 0.0; BatchSize = capacity
              Epochs = 1; Seed = 0; Patience = 0; MinDelta = 0.0; RestoreBest = false; Monitor = MonitorLoss
              DivergenceFactor = Training.defaultDivergenceFactor }
        match precision with
        | Precision.Single -> Plan<float32>(config, net, None, capacity, SingleOps(capacity, outputs)).Predict set
        | Precision.Double -> Plan<float>(config, net, None, capacity, DoubleOps()).Predict set

    /// The fast engine over a training set and an optional validation set (TrainingEngine: the
    /// epoch loop Training.run drives it), from the network's weights and a fresh optimiser. The data's
    /// sizes and targets are the caller's to check (fit, fitRows, Trainer.Fit); its inputs are checked
    /// as each batch is gathered (NonFiniteInputException).
    /// Each step is θ ← update(θ, ∇J(θ; X_b, Y_b)) on preallocated buffers; batch steps allocate
    /// nothing after the first. Course: S28.
    /// Checked by: FastPathProperties "S28 / fast path / a fast batch step allocates nothing in steady state, in float64 and in float32".
    let engine (config: TrainingConfig) (net: Network) (train: RowSet) (validation: RowSet option) : TrainingEngine =
        engineWith Precision.Double config net None train validation

    /// The fast engine in a precision: Double is `engine`; Single runs every layer's buffer version,
    /// L2 and the update rule in float32 (the same definitions instantiated at float32), the loss in
    /// float on the outputs widened, and keeps the weights and optimiser state in float32 between
    /// steps (snapshots widen them exactly to float). Every layer kind has a float32 version. Course: S28.
    let engineIn (precision: Precision) (config: TrainingConfig) (net: Network) (train: RowSet) (validation: RowSet option) : TrainingEngine =
        engineWith precision config net None train validation

    /// The fast engine from a saved state's weights and optimiser state (Training.resume drives it). Course: S28.
    let engineFrom (config: TrainingConfig) (state: TrainingState) (train: RowSet) (validation: RowSet option) : TrainingEngine =
        engineWith Precision.Double config state.Network (Some state.Optimizer) train validation

    /// engineFrom in a precision (engineIn). Course: S28.
    let engineFromIn (precision: Precision) (config: TrainingConfig) (state: TrainingState) (train: RowSet) (validation: RowSet option) : TrainingEngine =
        engineWith precision config state.Network (Some state.Optimizer) train validation

    /// Checks a row set at the boundary, once: sizes against the network (X n×d_in, Y n×d_out), no
    /// null or ragged row, every target finite and suiting the loss (as Loss.checkTargets), naming
    /// the row and column. The inputs' values are checked as the batches are gathered
    /// (NonFiniteInputException, named by namingInputs): training reads every row in its first
    /// epoch. Course: S28.
    let checkRows (xName: string) (yName: string) (config: TrainingConfig) (net: Network) (set: RowSet) : unit =
        if (isNull (box set.X) && isNull set.XRows && isNull set.XRowsSingle) || isNull set.Rows then nullArg xName
        if isNull (box set.Y) then nullArg yName
        if set.Inputs <> Network.inputSize net then Shape.fail xName (sprintf "%s has %d columns but the network takes %d inputs." xName set.Inputs (Network.inputSize net))
        if set.Outputs <> Network.outputSize net then Shape.fail yName (sprintf "%s has %d columns but the network has %d outputs." yName set.Outputs (Network.outputSize net))
        if set.Rows.Length = 0 then Shape.fail xName (sprintf "%s has no rows." xName)
        let inRows = not (isNull set.XRows) || not (isNull set.XRowsSingle)
        let n = if not (isNull set.XRows) then set.XRows.Length elif not (isNull set.XRowsSingle) then set.XRowsSingle.Length else set.X.Length / max 1 set.Inputs
        if (not inRows && set.X.Length <> n * set.Inputs) || set.Y.Length <> n * set.Outputs then
            Shape.fail yName (sprintf "%s has %d rows but %s has %d: give one target per example." xName n yName (set.Y.Length / max 1 set.Outputs))
        for r in set.Rows do
            if r < 0 || r >= n then Shape.fail xName (sprintf "row index %d is outside 0..%d." r (n - 1))
        // The first NaN or ±∞ (index e into values, whose first entry is row `row`), as a message.
        let nonFinite (name: string) (row: int) (e: int) (value: float) (cols: int) =
            Shape.fail name (sprintf "%s has a non-finite value %g at row %d, column %d." name value (row + e / cols) (e % cols))
        let shaped (i: int) (isNullRow: bool) (length: int) =
            if isNullRow then Shape.fail xName (sprintf "%s[%d] is null." xName i)
            if length <> set.Inputs then Shape.fail xName (sprintf "%s is ragged: row %d has %d values but the network takes %d inputs." xName i length set.Inputs)
        if not (isNull set.XRows) then
            set.XRows |> Array.iteri (fun i row -> shaped i (isNull row) (if isNull row then 0 else row.Length))
        elif not (isNull set.XRowsSingle) then
            set.XRowsSingle |> Array.iteri (fun i row -> shaped i (isNull row) (if isNull row then 0 else row.Length))
        let e = RowMajor.firstNonFinite set.Y set.Y.Length
        if e >= 0 then nonFinite yName 0 e set.Y.[e] set.Outputs
        Loss.checkTargets yName config.Loss (Matrix<float>.Build.DenseOfRowMajor(n, set.Outputs, set.Y))

    /// Minibatch training on the fast path over row sets: the same epoch loop, batches, seeds,
    /// metrics and stopping rules as Training.fit (Training.run), each batch computed in place in
    /// preallocated buffers. The data is checked here (checkRows; the inputs as each batch is gathered); the input network is never changed
    /// and a new one is returned. Course: S28. Checked by: FastPathProperties "S28 / fast path / the fast path's
    /// parameters and epoch records equal the reference path's".
    let fitRows (config: TrainingConfig) (net: Network) (train: RowSet) (validation: RowSet option) (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        Training.validate config
        Training.checkLossFits config.Loss net
        checkRows "X" "Y" config net train
        validation |> Option.iter (checkRows "validationX" "validationY" config net)
        namingInputs train "X" "validationX" (fun () -> Training.run config train.Rows.Length (engine config net train validation) report shouldStop)

    /// Training.fit's signature on the fast path: the matrices are checked as Training.fit checks
    /// them, copied once to row-major arrays, and trained by fitRows. Course: S28.
    /// Checked by: FastPathProperties "S28 / fast path / the fast path's parameters and epoch records equal the reference path's".
    let fit (config: TrainingConfig) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) (validation: (Matrix<float> * Matrix<float>) option)
            (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        Training.checkData config net X Y validation
        let valid = validation |> Option.map (fun (Xv, Yv) -> ofMatrices Xv Yv)
        Training.run config X.RowCount (engine config net (ofMatrices X Y) valid) report shouldStop

    /// fitRows continued from a state (an earlier outcome's State) for config.Epochs more epochs:
    /// Training.resume on the fast path. Course: S28.
    /// Checked by: ResumeProperties "S28 / resume / a epochs then b more equal a + b epochs, bit for bit".
    let resumeRows (config: TrainingConfig) (state: TrainingState) (train: RowSet) (validation: RowSet option) (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        Training.validate config
        Training.checkState config state
        Training.checkLossFits config.Loss state.Network
        checkRows "X" "Y" config state.Network train
        validation |> Option.iter (checkRows "validationX" "validationY" config state.Network)
        namingInputs train "X" "validationX" (fun () -> Training.resume config train.Rows.Length (engineFrom config state train validation) state report shouldStop)

    /// Training.fitFrom's signature on the fast path. Course: S28.
    let fitFrom (config: TrainingConfig) (state: TrainingState) (X: Matrix<float>) (Y: Matrix<float>) (validation: (Matrix<float> * Matrix<float>) option)
                (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        Training.checkState config state
        Training.checkData config state.Network X Y validation
        let valid = validation |> Option.map (fun (Xv, Yv) -> ofMatrices Xv Yv)
        Training.resume config X.RowCount (engineFrom config state (ofMatrices X Y) valid) state report shouldStop
