namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// A data set held row-major for the fast path: row r of the set is row Rows[r] of the arrays
/// (X n×Inputs, Y n×Outputs, one example per row), so a validation split or a shuffle is a list
/// of indices, never a copy of the data. Course: S28 (minibatches drawn by index).
type RowSet =
    { /// Inputs, row-major: entry (i, j) at i·Inputs + j.
      X: float[]
      /// Targets, row-major: entry (i, k) at i·Outputs + k.
      Y: float[]
      /// Columns of X.
      Inputs: int
      /// Columns of Y.
      Outputs: int
      /// The rows of the arrays that make up this set, in order.
      Rows: int[] }

/// One layer's place in the plan: its buffers (row-major, capacity rows) and where its
/// parameters sit in the plan's parameter arrays.
type private PlanLayer =
    | PDense of DenseSlot
    | PMaxout of MaxoutSlot
    | PDropout of DropoutSlot

and private DenseSlot =
    { Index: int; In: int; Out: int; Activation: Activation
      /// The activation's registry kernel, looked up once per plan.
      Kernel: ActivationKernel
      /// Parameter indices of W, b and (PReLU) α, −1 when absent.
      W: int; B: int; Alpha: int
      Z: float[]; A: float[]; DZ: float[]; DX: float[] }

and private MaxoutSlot =
    { Index: int; In: int; Out: int; Pieces: int
      /// Parameter index of W_0 (W_j at W + j, b_j at W + Pieces + j).
      W: int
      Z: float[][]; A: float[]; Winner: int[]; DZ: float[]; DX: float[] }

and private DropoutSlot =
    { Index: int; Rate: float; Width: int; Mask: float[]; A: float[]; DX: float[] }

/// The fast training path: for a network and a batch size, a plan owns every buffer
/// (the batch, activations, caches, gradients, optimiser state; row-major float[]) and updates
/// the parameters in place, with products through Backend.Gemm and element-wise work in Kernels.
/// After the first batch no batch allocates. The mutation stays inside: `fit` and `fitRows` take
/// and return immutable networks (the input network is never changed) and report exactly as the
/// reference path does (Training.run is shared). Every layer (dense with every activation,
/// PReLU's α learned; maxout; dropout with the reference's seeded masks), every loss (the fused
/// sigmoid+BCE and softmax+CE from logits), L2, every update rule and schedule is supported, so
/// there is no fallback. Proven equal to Training.fit up to summation order by FastPathProperties.
module FastTraining =

    /// A row set over all rows of row-major arrays: X n×inputs, Y n×outputs, Rows = [0, 1, …, n−1]
    /// with n = |X| / inputs. Course: S28.
    let rowSet (X: float[]) (Y: float[]) (inputs: int) (outputs: int) : RowSet =
        { X = X; Y = Y; Inputs = inputs; Outputs = outputs; Rows = Array.init (X.Length / inputs) id }

    /// The matrices (X n×d, Y n×m) as a row set (one row-major copy of each). Course: S28.
    let ofMatrices (X: Matrix<float>) (Y: Matrix<float>) : RowSet =
        rowSet (X.ToRowMajorArray()) (Y.ToRowMajorArray()) X.ColumnCount Y.ColumnCount

    /// The buffers and the in-place batch step of one training run.
    type private Plan(config: TrainingConfig, net: Network, capacity: int) =
        let layers = Array.ofList net.Layers
        let parameters = Network.parameters net |> List.map (fun p -> p.ToRowMajorArray()) |> Array.ofList
        let shapes = Network.parameters net |> List.map (fun p -> p.RowCount, p.ColumnCount) |> Array.ofList
        let isWeight = Network.isWeight net |> Array.ofList
        let grads = parameters |> Array.map (fun p -> Array.zeroCreate<float> p.Length)
        let needsFirst = match config.Rule with Momentum _ | Nesterov _ | Adam _ -> true | _ -> false
        let needsSecond = match config.Rule with AdaGrad _ | RmsProp _ | Adam _ -> true | _ -> false
        let first = parameters |> Array.map (fun p -> if needsFirst then Array.zeroCreate<float> p.Length else null)
        let second = parameters |> Array.map (fun p -> if needsSecond then Array.zeroCreate<float> p.Length else null)
        let epochStart = parameters |> Array.map (fun p -> Array.zeroCreate<float> p.Length)
        let inputs = Network.inputSize net
        let outputs = Network.outputSize net
        let firstTrainable = layers |> Array.findIndex (function DropoutLayer _ -> false | _ -> true)
        let fused = Network.fuses config.Loss net
        let xb = Array.zeroCreate<float> (capacity * inputs)
        let yb = Array.zeroCreate<float> (capacity * outputs)
        let dOut = Array.zeroCreate<float> (capacity * outputs)
        let rng = Rng(0)
        let buffer width = Array.zeroCreate<float> (capacity * width)
        let slots =
            let mutable p = 0
            let mutable width = inputs
            layers |> Array.mapi (fun l layer ->
                match layer with
                | DenseLayer d ->
                    let i, o = d.W.RowCount, d.W.ColumnCount
                    let prelu = match d.Activation with PReLU _ -> true | _ -> false
                    let slot = { Index = l; In = i; Out = o; Activation = d.Activation; Kernel = (Activation.entry d.Activation).Kernel; W = p; B = p + 1; Alpha = (if prelu then p + 2 else -1)
                                 Z = buffer o; A = buffer o; DZ = buffer o; DX = (if l > firstTrainable then buffer i else null) }
                    p <- p + (if prelu then 3 else 2)
                    width <- o
                    PDense slot
                | MaxoutLayer m ->
                    let k, i, o = m.W.Length, m.W.[0].RowCount, m.W.[0].ColumnCount
                    let slot = { Index = l; In = i; Out = o; Pieces = k; W = p; Z = Array.init k (fun _ -> buffer o); A = buffer o
                                 Winner = Array.zeroCreate (capacity * o); DZ = buffer o; DX = (if l > firstTrainable then buffer i else null) }
                    p <- p + 2 * k
                    width <- o
                    PMaxout slot
                | DropoutLayer rate ->
                    PDropout { Index = l; Rate = rate; Width = width; Mask = buffer width; A = buffer width; DX = buffer width })
        let hasDropout = layers |> Array.exists (function DropoutLayer r -> r > 0.0 | _ -> false)
        /// The input buffer each layer read in the last forward pass (for dW = Xᵀ·dZ).
        let layerInput = Array.zeroCreate<float[]> slots.Length
        let mutable step = 0
        let mutable lastLoss = 0.0
        let mutable lastTotal = nan
        let mutable lastCorrect = 0

        /// The activation's hyper-parameter, PReLU's the learned α of this run.
        let slope (d: DenseSlot) =
            match d.Activation with
            | PReLU _ -> parameters.[d.Alpha].[0]
            | g -> Activation.loopParameter g

        /// Xb, Yb ← rows of the set: positions order[start + i] (or start + i when order is null),
        /// i = 0 .. rows−1, through the set's row list.
        member _.Gather(set: RowSet, order: int[], start: int, rows: int) =
            for i in 0 .. rows - 1 do
                let r = set.Rows.[if isNull order then start + i else order.[start + i]]
                Array.Copy(set.X, r * inputs, xb, i * inputs, inputs)
                Array.Copy(set.Y, r * outputs, yb, i * outputs, outputs)

        /// The forward pass on the first `rows` rows of Xb; `maskSeed` ≥ 0 turns dropout on (layer l
        /// masked as Dropout.mask (Init.derive maskSeed l)). Returns the output buffer.
        member _.Forward(rows: int, maskSeed: int) : float[] =
            let mutable x = xb
            for li in 0 .. slots.Length - 1 do
                layerInput.[li] <- x
                match slots.[li] with
                | PDense d ->
                    Backend.Gemm(false, false, rows, d.Out, d.In, x, d.In, parameters.[d.W], d.Out, d.Z, d.Out, false)
                    Kernels.addRow d.Z rows d.Out parameters.[d.B]
                    d.Kernel.Forward(slope d, d.Z, d.A, rows, d.Out)
                    x <- d.A
                | PMaxout m ->
                    for j in 0 .. m.Pieces - 1 do
                        Backend.Gemm(false, false, rows, m.Out, m.In, x, m.In, parameters.[m.W + j], m.Out, m.Z.[j], m.Out, false)
                        Kernels.addRow m.Z.[j] rows m.Out parameters.[m.W + m.Pieces + j]
                    for e in 0 .. rows * m.Out - 1 do
                        let mutable best = 0
                        for j in 1 .. m.Pieces - 1 do
                            if m.Z.[j].[e] > m.Z.[best].[e] then best <- j
                        m.Winner.[e] <- best
                        m.A.[e] <- m.Z.[best].[e]
                    x <- m.A
                | PDropout dr when maskSeed >= 0 && dr.Rate > 0.0 ->
                    rng.Reseed(Init.derive maskSeed dr.Index)
                    let keep = 1.0 / (1.0 - dr.Rate)
                    let count = rows * dr.Width
                    for e in 0 .. count - 1 do
                        dr.Mask.[e] <- if rng.NextDouble() >= dr.Rate then keep else 0.0
                    Numerics.Tensors.TensorPrimitives.Multiply(ReadOnlySpan<float>(x, 0, count), ReadOnlySpan<float>(dr.Mask, 0, count), Span<float>(dr.A, 0, count))
                    x <- dr.A
                | PDropout _ -> ()
            x

        /// The data loss of the forward's output against Yb (fused from the logits when the last
        /// layer and the loss fuse), its gradient written where the backward starts. Returns J.
        member _.Loss(output: float[], rows: int) : float =
            if fused then
                match slots.[slots.Length - 1] with
                | PDense d when d.Activation = Sigmoid -> Kernels.sigmoidCrossEntropy d.Z d.A yb d.DZ rows outputs
                | PDense d -> Kernels.softmaxCrossEntropy d.Z d.A yb d.DZ rows outputs
                | _ -> invalidOp "unreachable: only a dense last layer fuses."
            else Kernels.lossAndGradient config.Loss output yb dOut rows outputs

        /// The backward pass from the loss gradient into grads (S16's BP1-BP4 in place).
        member _.Backward(rows: int, dropoutOn: bool) =
            let mutable up = dOut
            // Layers before the first trainable one need no gradient.
            for li in slots.Length - 1 .. -1 .. firstTrainable do
                let x = layerInput.[li]
                match slots.[li] with
                | PDense d ->
                    // A fused last layer starts from the dZ the loss wrote (no activation backward).
                    if not (fused && li = slots.Length - 1) then
                        d.Kernel.Backward(slope d, d.Z, d.A, up, d.DZ, rows, d.Out)
                        if d.Alpha >= 0 then grads.[d.Alpha].[0] <- Kernels.alphaGradient d.Z up (rows * d.Out)
                    Backend.Gemm(true, false, d.In, d.Out, rows, x, d.In, d.DZ, d.Out, grads.[d.W], d.Out, false)
                    Kernels.columnSums d.DZ rows d.Out grads.[d.B]
                    if not (isNull d.DX) then
                        Backend.Gemm(false, true, rows, d.In, d.Out, d.DZ, d.Out, parameters.[d.W], d.Out, d.DX, d.In, false)
                        up <- d.DX
                | PMaxout m ->
                    for j in 0 .. m.Pieces - 1 do
                        for e in 0 .. rows * m.Out - 1 do
                            m.DZ.[e] <- if m.Winner.[e] = j then up.[e] else 0.0
                        Backend.Gemm(true, false, m.In, m.Out, rows, x, m.In, m.DZ, m.Out, grads.[m.W + j], m.Out, false)
                        Kernels.columnSums m.DZ rows m.Out grads.[m.W + m.Pieces + j]
                        if not (isNull m.DX) then
                            Backend.Gemm(false, true, rows, m.In, m.Out, m.DZ, m.Out, parameters.[m.W + j], m.Out, m.DX, m.In, j > 0)
                    if not (isNull m.DX) then up <- m.DX
                | PDropout dr when dropoutOn && dr.Rate > 0.0 ->
                    let count = rows * dr.Width
                    Numerics.Tensors.TensorPrimitives.Multiply(ReadOnlySpan<float>(up, 0, count), ReadOnlySpan<float>(dr.Mask, 0, count), Span<float>(dr.DX, 0, count))
                    up <- dr.DX
                | PDropout _ -> ()

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
            this.Gather(set, order, 0, rows)
            let maskSeed = if hasDropout then Training.dropoutSeed config.Seed epoch batch else -1
            let output = this.Forward(rows, maskSeed)
            let J = this.Loss(output, rows)
            this.Backward(rows, hasDropout)
            let mutable penalty = 0.0
            if config.L2 > 0.0 then
                for p in 0 .. parameters.Length - 1 do
                    if isWeight.[p] then penalty <- penalty + Kernels.addL2 config.L2 parameters.[p] grads.[p]
            let total = J + penalty
            lastTotal <- total
            let mutable finite = Double.IsFinite total
            for p in 0 .. grads.Length - 1 do
                if finite && not (Kernels.allFinite grads.[p] grads.[p].Length) then finite <- false
            if not finite then Some(Training.nonFiniteStep total epoch batch)
            else
                for p in 0 .. parameters.Length - 1 do
                    Kernels.update config.Rule eta (step + 1) parameters.[p] grads.[p] first.[p] second.[p]
                let mutable ok = true
                for p in 0 .. grads.Length - 1 do
                    if ok && not (Kernels.allFinite grads.[p] grads.[p].Length) then ok <- false
                if not ok then Some(Training.nonFiniteParameter epoch batch)
                else
                    // θ′ was written over the gradient buffers: swap them in.
                    for p in 0 .. parameters.Length - 1 do
                        let t = parameters.[p]
                        parameters.[p] <- grads.[p]
                        grads.[p] <- t
                    step <- step + 1
                    lastLoss <- J
                    lastCorrect <- Kernels.correct config.Loss output yb rows outputs
                    None

        /// (Σ_chunks J_c·n_c (a plain Σ J_c for SumOfSquares), correct count) over the whole set at
        /// inference, in chunks of the plan's capacity.
        member this.Evaluate(set: RowSet) : struct (float * int) =
            let n = set.Rows.Length
            let mutable sum = 0.0
            let mutable hits = 0
            let mutable start = 0
            while start < n do
                let rows = min capacity (n - start)
                this.Gather(set, null, start, rows)
                let output = this.Forward(rows, -1)
                let J = this.Loss(output, rows)
                sum <- sum + (if config.Loss = SumOfSquares then J else J * float rows)
                hits <- hits + Kernels.correct config.Loss output yb rows outputs
                start <- start + rows
            struct (sum, hits)

        member _.MarkEpochStart() =
            for p in 0 .. parameters.Length - 1 do Array.Copy(parameters.[p], epochStart.[p], parameters.[p].Length)

        member _.RollbackEpoch() =
            for p in 0 .. parameters.Length - 1 do Array.Copy(epochStart.[p], parameters.[p], parameters.[p].Length)

        /// The current parameters as a new immutable network (copies).
        member _.Snapshot() : Network =
            let ps = parameters |> Array.mapi (fun p values -> let r, c = shapes.[p] in Matrix<float>.Build.DenseOfRowMajor(r, c, Array.copy values)) |> List.ofArray
            Network.withParameters net ps

    /// One network's parameters, row-major, for predictRow: made on the network's first
    /// predictRow and kept as long as the network lives (a network is immutable).
    type private RowPlan(net: Network) =
        let layers = Array.ofList net.Layers
        member val Layers = layers
        member val Parameters = Network.parameters net |> List.map (fun p -> p.ToRowMajorArray()) |> Array.ofList
        /// The widest layer (its input or output) and the most maxout pieces.
        member val Widest =
            layers |> Array.fold (fun w layer ->
                match layer with
                | DenseLayer d -> max w (max d.W.RowCount d.W.ColumnCount)
                | MaxoutLayer m -> max w (max m.W.[0].RowCount m.W.[0].ColumnCount)
                | DropoutLayer _ -> w) (Network.inputSize net)
        member val Pieces = layers |> Array.fold (fun k layer -> match layer with MaxoutLayer m -> max k m.W.Length | _ -> k) 1

    /// Per-thread scratch rows of predictRow, grown on demand and reused.
    type private RowScratch() =
        [<ThreadStatic; DefaultValue>] static val mutable private a: float[]
        [<ThreadStatic; DefaultValue>] static val mutable private b: float[]
        [<ThreadStatic; DefaultValue>] static val mutable private z: float[][]
        static member Get(width: int, pieces: int) : struct (float[] * float[] * float[][]) =
            if isNull RowScratch.a || RowScratch.a.Length < width then
                RowScratch.a <- Array.zeroCreate width
                RowScratch.b <- Array.zeroCreate width
                RowScratch.z <- null
            if isNull RowScratch.z || RowScratch.z.Length < pieces then
                RowScratch.z <- Array.init pieces (fun _ -> Array.zeroCreate RowScratch.a.Length)
            struct (RowScratch.a, RowScratch.b, RowScratch.z)

    let private rowPlans = Runtime.CompilerServices.ConditionalWeakTable<Network, RowPlan>()
    let private newRowPlan = Runtime.CompilerServices.ConditionalWeakTable<Network, RowPlan>.CreateValueCallback(fun n -> RowPlan n)

    /// The first non-finite entry among the first `count` of v, or −1.
    let private firstNonFiniteIn (v: float[]) (count: int) : int =
        if Kernels.allFinite v count then -1
        else
            let mutable j = 0
            while Double.IsFinite v.[j] do j <- j + 1
            j

    /// Inference on one example, a = g^L(… g^1(x·W^1 + b^1) …) with dropout off (Network.forward
    /// on the 1×d_in matrix [x], the same operations entry by entry: the products' fused
    /// multiply-add chains run in the same order, so the result is the same bits). Allocates only
    /// the result: the parameters are made row-major once per network, the layers run in
    /// per-thread scratch rows. Error (layer, column) names the first layer whose Z or A (any
    /// maxout piece's Z) holds NaN or ±∞, as Network.firstNonFinite (row 0). x is not checked
    /// (length d_in, finite: the caller's boundary does it). Course: S15.
    /// Checked by: FastPathProperties "S15 / fast path / predicting one row equals the reference forward pass, bit for bit",
    /// NetworkTests "Predict_on_one_row_allocates_only_its_result".
    let predictRow (net: Network) (x: float[]) : Result<float[], int * int> =
        let plan = rowPlans.GetValue(net, newRowPlan)
        let ps = plan.Parameters
        let struct (bufA, bufB, zs) = RowScratch.Get(plan.Widest, plan.Pieces)
        let mutable input = x
        let mutable output = bufA
        let mutable width = x.Length
        let mutable p = 0
        let mutable hitLayer = -1
        let mutable hitColumn = -1
        let mutable l = 0
        while l < plan.Layers.Length && hitLayer < 0 do
            match plan.Layers.[l] with
            | DenseLayer d ->
                let i, o = d.W.RowCount, d.W.ColumnCount
                let z = zs.[0]
                Backend.Gemm(false, false, 1, o, i, input, i, ps.[p], o, z, o, false)
                Kernels.addRow z 1 o ps.[p + 1]
                let slope =
                    match d.Activation with
                    | PReLU _ -> ps.[p + 2].[0]
                    | g -> Activation.loopParameter g
                Kernels.activationForward d.Activation slope z output 1 o
                p <- p + (match d.Activation with PReLU _ -> 3 | _ -> 2)
                let bad = firstNonFiniteIn z o
                let bad = if bad >= 0 then bad else firstNonFiniteIn output o
                if bad >= 0 then
                    hitLayer <- l
                    hitColumn <- bad
                width <- o
                input <- output
                output <- (if obj.ReferenceEquals(output, bufA) then bufB else bufA)
            | MaxoutLayer m ->
                let k, i, o = m.W.Length, m.W.[0].RowCount, m.W.[0].ColumnCount
                for j in 0 .. k - 1 do
                    Backend.Gemm(false, false, 1, o, i, input, i, ps.[p + j], o, zs.[j], o, false)
                    Kernels.addRow zs.[j] 1 o ps.[p + k + j]
                for c in 0 .. o - 1 do
                    let mutable best = 0
                    for j in 1 .. k - 1 do
                        if zs.[j].[c] > zs.[best].[c] then best <- j
                    output.[c] <- zs.[best].[c]
                p <- p + 2 * k
                for j in 0 .. k - 1 do
                    let bad = firstNonFiniteIn zs.[j] o
                    if bad >= 0 && hitLayer < 0 then
                        hitLayer <- l
                        hitColumn <- bad
                width <- o
                input <- output
                output <- (if obj.ReferenceEquals(output, bufA) then bufB else bufA)
            | DropoutLayer _ -> ()
            l <- l + 1
        if hitLayer >= 0 then Error(hitLayer, hitColumn)
        else
            let result = Array.zeroCreate<float> width
            Array.Copy(input, result, width)
            Ok result

    /// The fast engine over a training set and an optional validation set (TrainingEngine: the
    /// epoch loop Training.run drives it). The data is not checked here: the caller checks it once
    /// at the boundary (fit, fitRows, Trainer.Fit). Each step is θ ← update(θ, ∇J(θ; X_b, Y_b)) on
    /// preallocated buffers; batch steps allocate nothing after the first. Course: S28.
    /// Checked by: FastPathProperties "S28 / fast path / a fast batch step allocates nothing in steady state".
    let engine (config: TrainingConfig) (net: Network) (train: RowSet) (validation: RowSet option) : TrainingEngine =
        let n = train.Rows.Length
        let largest = max n (validation |> Option.map (fun v -> v.Rows.Length) |> Option.defaultValue 0)
        let plan = Plan(config, net, max 1 (min config.BatchSize largest))
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
            member _.Validate() =
                validation |> Option.map (fun v ->
                    let struct (sum, hits) = plan.Evaluate v
                    let nv = float v.Rows.Length
                    (if config.Loss = SumOfSquares then sum else sum / nv), float hits / nv) }

    /// Checks a row set at the boundary, once: sizes against the network (X n×d_in, Y n×d_out),
    /// every value finite (naming the row and column), targets suiting the loss (as
    /// Loss.checkTargets). Course: S28.
    let checkRows (xName: string) (yName: string) (config: TrainingConfig) (net: Network) (set: RowSet) : unit =
        if isNull (box set.X) || isNull set.Rows then nullArg xName
        if isNull (box set.Y) then nullArg yName
        if set.Inputs <> Network.inputSize net then Shape.fail xName (sprintf "%s has %d columns but the network takes %d inputs." xName set.Inputs (Network.inputSize net))
        if set.Outputs <> Network.outputSize net then Shape.fail yName (sprintf "%s has %d columns but the network has %d outputs." yName set.Outputs (Network.outputSize net))
        if set.Rows.Length = 0 then Shape.fail xName (sprintf "%s has no rows." xName)
        let n = set.X.Length / max 1 set.Inputs
        if set.X.Length <> n * set.Inputs || set.Y.Length <> n * set.Outputs then
            Shape.fail yName (sprintf "%s has %d rows but %s has %d: give one target per example." xName n yName (set.Y.Length / max 1 set.Outputs))
        for r in set.Rows do
            if r < 0 || r >= n then Shape.fail xName (sprintf "row index %d is outside 0..%d." r (n - 1))
        let finite (name: string) (values: float[]) (cols: int) =
            for e in 0 .. values.Length - 1 do
                if not (Double.IsFinite values.[e]) then
                    Shape.fail name (sprintf "%s has a non-finite value %g at row %d, column %d." name values.[e] (e / cols) (e % cols))
        finite xName set.X set.Inputs
        finite yName set.Y set.Outputs
        Loss.checkTargets yName config.Loss (Matrix<float>.Build.DenseOfRowMajor(n, set.Outputs, set.Y))

    /// Minibatch training on the fast path over row sets: the same epoch loop, batches, seeds,
    /// metrics and stopping rules as Training.fit (Training.run), each batch computed in place in
    /// preallocated buffers. The data is checked once here; the input network is never changed
    /// and a new one is returned. Course: S28. Checked by: FastPathProperties "S28 / fast path / the fast path's
    /// parameters and epoch records equal the reference path's".
    let fitRows (config: TrainingConfig) (net: Network) (train: RowSet) (validation: RowSet option) (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        Training.validate config
        Training.checkLossFits config.Loss net
        checkRows "X" "Y" config net train
        validation |> Option.iter (checkRows "validationX" "validationY" config net)
        Training.run config train.Rows.Length (engine config net train validation) report shouldStop

    /// Training.fit's signature on the fast path: the matrices are checked as Training.fit checks
    /// them, copied once to row-major arrays, and trained by fitRows. Course: S28.
    /// Checked by: FastPathProperties "S28 / fast path / the fast path's parameters and epoch records equal the reference path's".
    let fit (config: TrainingConfig) (net: Network) (X: Matrix<float>) (Y: Matrix<float>) (validation: (Matrix<float> * Matrix<float>) option)
            (report: EpochRecord -> unit) (shouldStop: unit -> bool) : TrainingOutcome =
        Training.checkData config net X Y validation
        let valid = validation |> Option.map (fun (Xv, Yv) -> ofMatrices Xv Yv)
        Training.run config X.RowCount (engine config net (ofMatrices X Y) valid) report shouldStop
