/// The C# façade equals the core's pure functions on generated cases: it adds no math. Networks
/// are generated as core layers (dense with every activation, maxout, dropout), then rebuilt through
/// the façade's builder from the same weights.
module Hybrid.Properties.FacadeProperties

open System
open System.IO
open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core
open Hybrid.Properties.Generators

type private FNetwork = Hybrid.Network
type private FActivation = Hybrid.Activation

/// The façade's activation for a core case.
let facadeActivation (g: Activation) : FActivation =
    match g with
    | Identity -> FActivation.Identity
    | BinaryStep -> FActivation.BinaryStep
    | Sigmoid -> FActivation.Sigmoid
    | Tanh -> FActivation.Tanh
    | Arctan -> FActivation.Arctan
    | ReLU -> FActivation.ReLU
    | LeakyReLU a -> FActivation.LeakyReLU a
    | PReLU a -> FActivation.PReLU a
    | ELU a -> FActivation.ELU a
    | SoftPlus -> FActivation.SoftPlus
    | Swish -> FActivation.Swish
    | Softmax -> FActivation.Softmax
    | LogSoftmax -> FActivation.LogSoftmax
    | UserActivation c -> invalidArg "g" (sprintf "the generators draw built-in activations, not %s." c.Name)

/// The façade's optimiser for a core rule and η.
let facadeOptimizer (rule: UpdateRule) (eta: float) : Hybrid.Optimizer =
    match rule with
    | PlainSgd -> Hybrid.Optimizer.Sgd eta
    | Momentum mu -> Hybrid.Optimizer.Momentum(eta, mu)
    | Nesterov mu -> Hybrid.Optimizer.Nesterov(eta, mu)
    | AdaGrad eps -> Hybrid.Optimizer.AdaGrad(eta, eps)
    | RmsProp(rho, eps) -> Hybrid.Optimizer.RmsProp(eta, rho, eps)
    | Adam(b1, b2, eps) -> Hybrid.Optimizer.Adam(eta, b1, b2, eps)

/// 1..3 core layers after an input of width `width`; dropout only if `dropout`.
let rec private layersFrom (dropout: bool) (width: int) (remaining: int) : Gen<Layer list> =
    if remaining = 0 then Gen.constant []
    else
        gen {
            let! kind = Gen.frequency [ 5, Gen.constant 0; 2, Gen.constant 1; (if dropout then 1 else 0), Gen.constant 2; 1, Gen.constant 3 ]
            match kind with
            | 3 ->
                // Layer normalisation as a builder makes it (γ = 1, β = 0); training moves them.
                let! epsilon = Gen.elements [ 1e-5; 1e-3 ]
                let! rest = layersFrom dropout width (remaining - 1)
                return LayerNormLayer(LayerNorm.identity width epsilon) :: rest
            | 0 ->
                let! units = dim 4
                let! W = matrix 1.0 width units
                let! B = matrix 1.0 1 units
                let! g = activation
                let! rest = layersFrom dropout units (remaining - 1)
                return DenseLayer(Dense.create W B g) :: rest
            | 1 ->
                let! units = dim 3
                let! k = Gen.choose (2, 3)
                let! W = Gen.arrayOfLength k (matrix 1.0 width units)
                let! B = Gen.arrayOfLength k (matrix 1.0 1 units)
                let! rest = layersFrom dropout units (remaining - 1)
                return MaxoutLayer(Maxout.create W B) :: rest
            | _ ->
                let! rate = Gen.elements [ 0.0; 0.2; 0.5 ]
                let! rest = layersFrom dropout width (remaining - 1)
                return DropoutLayer rate :: rest
        }

/// A core network (at least one trainable layer), its input width, and a batch X.
let networkCase (dropout: bool) : Gen<Network * int * Matrix<float>> =
    gen {
        let! inputs = dim 4
        let! count = Gen.choose (1, 3)
        let! layers = layersFrom dropout inputs count |> Gen.filter (List.exists (function DenseLayer _ | MaxoutLayer _ -> true | _ -> false))
        let! n = dim 5
        let! X = matrix 2.0 n inputs
        return Network.create layers, inputs, X
    }

/// The same network built through the façade's builder from the core network's weights.
let facadeOf (inputs: int) (net: Network) : FNetwork =
    let builder =
        net.Layers |> List.fold (fun (b: Hybrid.NetworkBuilder) layer ->
            match layer with
            | DenseLayer d -> b.Dense(d.W.ToArray(), d.B.Row(0).ToArray(), facadeActivation d.Activation)
            | MaxoutLayer m -> b.Maxout(m.W |> Array.map (fun w -> w.ToArray()), m.B |> Array.map (fun b -> b.Row(0).ToArray()))
            | DropoutLayer r -> b.Dropout r
            | LayerNormLayer n -> b.LayerNorm n.Epsilon
            | other -> failwithf "the generator made a layer of kind %s" other.Kind) (FNetwork.Create inputs)
    builder.Build()

let private sameBits (what: string) (expected: Matrix<float>) (actual: Matrix<float>) : unit =
    Tolerance.expectClose what 0.0 expected actual

let private law1 =
    Spec.property "Façade / network / Predict equals the core forward pass for every input form" (networkCase true) (fun (net, inputs, X) ->
        let f = facadeOf inputs net
        let expected = Network.forward net X
        sameBits "Predict(Matrix)" expected (f.Predict X)
        sameBits "Predict(double[,])" expected (Mat.ofArray2 (f.Predict(X.ToArray())))
        sameBits "Predict(double[][])" expected (Mat.ofRows (f.Predict(X.ToRowArrays())))
        if f.ParameterCount <> Network.parameterCount net then failwith "parameter count differs")

let private law2 =
    let case = gen {
        let! net, inputs, X = networkCase true
        let! Y = matrix 1.0 X.RowCount (Network.outputSize net)
        let! l2 = Gen.elements [ 0.0; 1e-3; 0.5 ]
        return net, inputs, X, Y, l2 }
    Spec.property "Façade / network / ComputeGradients equals the core loss and gradient, L2 included" case (fun (net, inputs, X, Y, l2) ->
        let f = facadeOf inputs net
        let J, grads = Network.lossAndGradientWith l2 None MeanSquaredError net X Y
        let r = f.ComputeGradients(Hybrid.Loss.MeanSquaredError, Hybrid.Features.FromMatrix X, Hybrid.Targets.FromMatrix Y, l2)
        if r.Loss <> J then failwithf "loss %.17g <> core %.17g" r.Loss J
        List.iteri (fun i (g: Matrix<float>) -> sameBits (sprintf "gradient %d" i) g (Mat.ofArray2 r.Gradients.[i].Values)) grads
        // The typed view, flattened back in the core's order, holds the same bits:
        // biases come out as double[] (one row here), α as a nullable scalar.
        let row (b: float[]) = Mat.ofArray2 (Array2D.init 1 b.Length (fun _ j -> b.[j]))
        let typed =
            r.Layers |> Seq.toList |> List.collect (fun l ->
                match l with
                | :? Hybrid.DenseGradient as d ->
                    [ yield Mat.ofArray2 d.Weights; yield row d.Biases
                      if d.Alpha.HasValue then yield row [| d.Alpha.Value |] ]
                | :? Hybrid.MaxoutGradient as m ->
                    [ for j in 0 .. m.Pieces - 1 -> Mat.ofArray2 (m.Weights j) ] @ [ for j in 0 .. m.Pieces - 1 -> row (m.Biases j) ]
                | :? Hybrid.NamedGradient as g -> [ for name in g.Names -> Mat.ofArray2 (g.Values name) ]
                | _ -> failwithf "unknown layer gradient %O" l)
        if typed.Length <> grads.Length then failwithf "typed view has %d matrices, core %d" typed.Length grads.Length
        List.iteri2 (fun i g t -> sameBits (sprintf "typed gradient %d" i) g t) grads typed)

let private law3 =
    let case = gen {
        let! net, inputs, X = networkCase true
        let! Y = matrix 1.0 X.RowCount (Network.outputSize net)
        let! rule = UpdateRuleProperties.rule
        let! eta = floatIn 1e-3 0.3
        let! seed = Gen.choose (0, 1000)
        let! l2 = Gen.elements [ 0.0; 1e-2 ]
        return net, inputs, X, Y, rule, eta, seed, l2 }
    Spec.property "Façade / trainer / one trainer step equals one core optimiser step, for every optimiser" case (fun (net, inputs, X, Y, rule, eta, seed, l2) ->
        let n = X.RowCount
        // One epoch with one batch of all n rows: the trainer shuffles them with seed derive(seed, 0)
        // and seeds dropout with derive(derive(seed, 0), 0).
        // The reference path to the bit; the default fast path within Tolerance.fastPath.
        let fit reference =
            let trainer = Hybrid.Trainer(Hybrid.Loss.MeanSquaredError, facadeOptimizer rule eta, Epochs = 1, BatchSize = n, Seed = seed, WeightDecay = l2, UseReferencePath = reference)
            trainer.Fit(facadeOf inputs net, Hybrid.Features.FromMatrix X, Hybrid.Targets.FromMatrix Y)
        let perm = (Optimizer.minibatches (Init.derive seed 0) n n).[0]
        let dropout = net.Layers |> List.exists (function DropoutLayer r -> r > 0.0 | _ -> false)
        let dropoutSeed = if dropout then Some(Init.derive (Init.derive seed 0) 0) else None
        let _, grads = Network.lossAndGradientWith l2 dropoutSeed MeanSquaredError net (Mat.selectRows perm X) (Mat.selectRows perm Y)
        let ps = Network.parameters net
        let _, expected = Update.step rule eta (Update.init ps) ps grads
        for reference, tolerance in [ true, 0.0; false, Tolerance.fastPath ] do
            let actual = (fit reference).Network.GetParameters()
            List.iteri (fun i (p: Matrix<float>) ->
                Tolerance.expectClose (sprintf "%A parameter %d (reference path %b)" rule i reference) tolerance p (Mat.ofArray2 actual.[i].Values)) expected)

let private law4 =
    let case = gen {
        let! net, inputs, X = networkCase false
        let! Y = matrix 1.0 X.RowCount (Network.outputSize net)
        let! eta = floatIn 1e-3 0.3
        let! lambda = floatIn 1e-4 0.5
        return net, inputs, X, Y, eta, lambda }
    Spec.property "Façade / trainer / L2 acts as weight decay: an SGD step gives W(1 − 2ηλ) − η·g and leaves biases undecayed" case (fun (net, inputs, X, Y, eta, lambda) ->
        let f = facadeOf inputs net
        let trainer = Hybrid.Trainer(Hybrid.Loss.MeanSquaredError, Hybrid.Optimizer.Sgd eta, Epochs = 1, BatchSize = X.RowCount, WeightDecay = lambda)
        let after = trainer.Fit(f, Hybrid.Features.FromMatrix X, Hybrid.Targets.FromMatrix Y).Network.GetParameters()
        let data = f.ComputeGradients(Hybrid.Loss.MeanSquaredError, Hybrid.Features.FromMatrix X, Hybrid.Targets.FromMatrix Y).Gradients
        let before = f.GetParameters()
        for i in 0 .. before.Count - 1 do
            let theta, g = Mat.ofArray2 before.[i].Values, Mat.ofArray2 data.[i].Values
            let decay = if before.[i].Name.Contains " W" then 1.0 - 2.0 * eta * lambda else 1.0
            // The trainer's batch is the rows shuffled: the gradient's sums run in another order,
            // so the two agree to rounding, not to the bit.
            Tolerance.expectClose before.[i].Name 1e-12 (decay * theta - eta * g) (Mat.ofArray2 after.[i].Values))

let private law5 =
    Spec.property "Façade / model file / Save then Load round-trips generated networks bit for bit and re-saves the same bytes" (Gen.zip (networkCase true) (Gen.choose (0, 9))) (fun ((net, inputs, X), k) ->
        let f = facadeOf inputs net
        let json = f.ToJson()
        let again =
            if k = 0 then
                let dir = Directory.CreateTempSubdirectory("hybrid-props-").FullName
                try
                    let path = Path.Combine(dir, "m.json")
                    f.Save path
                    FNetwork.Load path
                finally
                    Directory.Delete(dir, true)
            else FNetwork.FromJson json
        if again.ToJson() <> json then failwith "re-saved JSON differs"
        let p, q = f.Predict X, again.Predict X
        for i in 0 .. p.RowCount - 1 do
            for j in 0 .. p.ColumnCount - 1 do
                if BitConverter.DoubleToInt64Bits p.[i, j] <> BitConverter.DoubleToInt64Bits q.[i, j] then
                    failwithf "prediction (%d, %d) differs: %.17g vs %.17g" i j p.[i, j] q.[i, j])

let private law6 =
    let inits = [ Hybrid.Initializer.HeNormal, HeNormal; Hybrid.Initializer.HeUniform, HeUniform; Hybrid.Initializer.XavierNormal, XavierNormal
                  Hybrid.Initializer.XavierUniform, XavierUniform; Hybrid.Initializer.LeCunNormal, LeCunNormal; Hybrid.Initializer.LeCunUniform, LeCunUniform
                  Hybrid.Initializer.SmallRandom, SmallRandom ]
    Spec.property "S31 / façade initializers / CreateWeights equals the core's seeded draw" (Gen.zip3 (Gen.elements inits) (Gen.choose (-1000, 1000)) (Gen.zip (dim 6) (dim 6))) (fun ((make, core), seed, (fi, fo)) ->
        let f: Hybrid.Initializer = make seed
        sameBits f.Name (Init.matrix core seed fi fo) (Mat.ofArray2 (f.CreateWeights(fi, fo)))
        if f.Variance(fi, fo) <> Init.variance core fi fo then failwith "variance differs")

let private law7 =
    let case = gen {
        let! net, inputs, _ = networkCase true
        let! n = Gen.choose (3, 8)
        let! X = matrix 2.0 n inputs
        let! Y = matrix 1.0 n (Network.outputSize net)
        // At least 2 batches per epoch.
        let! batchSize = Gen.choose (1, n - 1)
        let! epochs = Gen.choose (2, 3)
        let! rule = UpdateRuleProperties.rule
        let! eta = floatIn 1e-3 0.1
        let! schedule = Gen.elements [ ConstantRate; StepDecay(1, 0.5); StepDecay(2, 0.7); ExponentialDecay 0.8 ]
        let! seed = Gen.choose (0, 1000)
        let! l2 = Gen.elements [ 0.0; 1e-2 ]
        return net, inputs, X, Y, batchSize, epochs, rule, eta, schedule, seed, l2 }
    Spec.property "Façade / trainer / optimiser state carries over between batches and epochs: the trainer equals Update.step folded over its batch sequence" case (fun (net, inputs, X, Y, batchSize, epochs, rule, eta, schedule, seed, l2) ->
        let facadeSchedule =
            match schedule with
            | ConstantRate -> Hybrid.LearningRateSchedule.Constant
            | StepDecay(k, g) -> Hybrid.LearningRateSchedule.Step(k, g)
            | ExponentialDecay g -> Hybrid.LearningRateSchedule.Exponential g
        let trainer = Hybrid.Trainer(Hybrid.Loss.MeanSquaredError, facadeOptimizer rule eta, Epochs = epochs, BatchSize = batchSize,
                                     Seed = seed, WeightDecay = l2, Schedule = facadeSchedule, UseReferencePath = true)
        let result = trainer.Fit(facadeOf inputs net, Hybrid.Features.FromMatrix X, Hybrid.Targets.FromMatrix Y)
        // The core fold: one optimiser state from the first batch of the first epoch to the last
        // batch of the last epoch, never reset.
        let dropout = net.Layers |> List.exists (function DropoutLayer r -> r > 0.0 | _ -> false)
        let mutable state = Update.init (Network.parameters net)
        let mutable current = net
        let mutable finite = true
        for e in 0 .. epochs - 1 do
            let rate = Schedule.rate schedule eta e
            let batches = Optimizer.minibatches (Init.derive seed e) X.RowCount batchSize
            if batches.Length < 2 then failwithf "only %d batches in epoch %d" batches.Length e
            batches |> Array.iteri (fun b idx ->
                let dropoutSeed = if dropout then Some(Init.derive (Init.derive seed e) b) else None
                let J, grads = Network.lossAndGradientWith l2 dropoutSeed MeanSquaredError current (Mat.selectRows idx X) (Mat.selectRows idx Y)
                let state', ps = Update.step rule rate state (Network.parameters current) grads
                if not (Double.IsFinite J) || not (List.forall Mat.isFinite grads) || not (List.forall Mat.isFinite ps) then finite <- false
                state <- state'
                current <- Network.withParameters current ps)
        // A generated case that overflows ends in a NaN stop, which other tests cover.
        if finite && result.StopReason = Hybrid.StopReason.Completed then
            let actual = result.Network.GetParameters()
            Network.parameters current
            |> List.iteri (fun i (p: Matrix<float>) -> sameBits (sprintf "%A %A parameter %d" rule schedule i) p (Mat.ofArray2 actual.[i].Values)))

let private layerKindsLaw =
    Spec.example "S14 / registry / the network generators draw every layer kind of Layers.all" (fun () ->
        let kinds (nets: Network seq) = nets |> Seq.collect (fun n -> n.Layers |> Seq.map (fun l -> l.Kind)) |> Set.ofSeq
        let registry = Layers.all |> List.map (fun k -> k.Kind) |> Set.ofList
        let core = kinds (Gen.sampleWithSize 20 500 Generators.networkCase |> Seq.map (fun (net, _, _, _) -> net))
        let facade = kinds (Gen.sampleWithSize 20 500 (networkCase true) |> Seq.map (fun (net, _, _) -> net))
        Expecto.Expect.equal core registry "kinds drawn by Generators.networkCase"
        Expecto.Expect.equal facade registry "kinds drawn by FacadeProperties.networkCase")

/// The laws of this file, for the specification tree (Program.fs).
/// Predictions depend only on their own row: predicting permuted rows gives the permuted
/// predictions, and predicting the rows chunk by chunk gives the same rows, bit for bit.
let private rowsLaw =
    let case =
        gen {
            let! net, inputs, X = networkCase true
            let! permutation = Gen.shuffle [| 0 .. X.RowCount - 1 |]
            let! cuts = Gen.subListOf [ 1 .. X.RowCount - 1 ]
            let cuts = List.sort cuts
            let bounds = 0 :: cuts @ [ X.RowCount ]
            return net, inputs, X, permutation, List.pairwise bounds
        }
    Spec.property "Façade / network / predictions are independent of row order and of batch splitting, bit for bit" case (fun (net, inputs, X, permutation, chunks) ->
        let f = facadeOf inputs net
        let all = f.Predict X
        let permuted = f.Predict(Mat.selectRows permutation X)
        sameBits "permuted rows" (Mat.selectRows permutation all) permuted
        for a, b in chunks do
            let rows = [| a .. b - 1 |]
            sameBits (sprintf "the chunk of rows %d..%d" a (b - 1)) (Mat.selectRows rows all) (f.Predict(Mat.selectRows rows X)))

/// A finite double of any magnitude from random bits (subnormals, −0.0 and the largest included).
let private anyFinite (random: Random) : float =
    match random.Next 8 with
    | 0 -> -0.0
    | 1 -> Double.Epsilon
    | 2 -> Double.MaxValue
    | 3 -> -Double.MaxValue
    | _ ->
        let mutable v = nan
        while not (Double.IsFinite v) do v <- BitConverter.Int64BitsToDouble(random.NextInt64(Int64.MinValue, Int64.MaxValue))
        v

/// A checkpoint of a generated network with a generated state (any rule, moments of any finite value,
/// a best value and first loss that may be NaN or infinite) saves, loads to the same bits in every
/// field, and saves again to the same bytes.
let private checkpointLaw =
    Spec.property "Façade / model file / a checkpoint of a generated state loads to the same bits and saves again to the same bytes" (Gen.zip (networkCase true) (Gen.choose (0, 1_000_000))) (fun ((net, _, _), seed) ->
        let random = Random seed
        let ps = Network.parameters net
        let draw (nonNegative: bool) = ps |> List.map (fun p -> Mat.init p.RowCount p.ColumnCount (fun _ _ -> let v = anyFinite random in if nonNegative then abs v else v))
        let special () = match random.Next 5 with 0 -> nan | 1 -> infinity | 2 -> -infinity | _ -> anyFinite random
        let rule =
            match random.Next 6 with
            | 0 -> PlainSgd
            | 1 -> Momentum(random.NextDouble())
            | 2 -> Nesterov(random.NextDouble())
            | 3 -> AdaGrad(random.NextDouble() + Double.Epsilon)
            | 4 -> RmsProp(random.NextDouble(), random.NextDouble() + Double.Epsilon)
            | _ -> Adam(random.NextDouble(), random.NextDouble(), random.NextDouble() + Double.Epsilon)
        let hasFirst, hasSecond = Update.moments rule
        let zeros () = ps |> List.map (fun p -> Mat.zeros p.RowCount p.ColumnCount)
        let epochs = random.Next(0, 1000)
        let bestEpoch = if epochs = 0 then 0 else random.Next(0, epochs + 1)
        let state : TrainingState =
            { Epoch = epochs; Network = net; Rule = rule
              Optimizer = { Step = random.Next(0, Int32.MaxValue); First = (if hasFirst then draw false else zeros ()); Second = (if hasSecond then draw true else zeros ()) }
              BestEpoch = bestEpoch
              BestValue = (if bestEpoch > 0 then anyFinite random else nan)
              BestNetwork = (if bestEpoch > 0 && random.Next 2 = 0 then Some(Network.withParameters net (draw false)) else None)
              SinceBest = random.Next(0, epochs + 1)
              FirstLoss = special ()
              BaseRate = (if random.Next 2 = 0 then None else Some(random.NextDouble() + Double.Epsilon)) }
        let bits (ms: Matrix<float> list) = ms |> List.map (fun m -> m.ToRowMajorArray() |> Array.map BitConverter.DoubleToInt64Bits)
        let dir = Directory.CreateTempSubdirectory("hybrid-props-").FullName
        try
            let path, again = Path.Combine(dir, "state.json"), Path.Combine(dir, "again.json")
            Hybrid.TrainingState(state).Save path
            let loaded = Hybrid.TrainingState.Load path
            let b = loaded.Core
            if b.Rule <> state.Rule || b.Epoch <> state.Epoch || b.Optimizer.Step <> state.Optimizer.Step || b.BestEpoch <> state.BestEpoch || b.SinceBest <> state.SinceBest then
                failwithf "a field differs: %A against %A" (b.Rule, b.Epoch, b.Optimizer.Step, b.BestEpoch, b.SinceBest) (state.Rule, state.Epoch, state.Optimizer.Step, state.BestEpoch, state.SinceBest)
            for what, x, y in [ "best value", state.BestValue, b.BestValue; "first loss", state.FirstLoss, b.FirstLoss
                                "base rate", defaultArg state.BaseRate nan, defaultArg b.BaseRate nan ] do
                if BitConverter.DoubleToInt64Bits x <> BitConverter.DoubleToInt64Bits y then failwithf "%s: %.17g against %.17g" what y x
            if bits (Network.parameters b.Network) <> bits ps then failwith "the weights differ"
            if bits b.Optimizer.First <> bits state.Optimizer.First then failwith "the first moments differ"
            if bits b.Optimizer.Second <> bits state.Optimizer.Second then failwith "the second moments differ"
            if (state.BestNetwork |> Option.map (Network.parameters >> bits)) <> (b.BestNetwork |> Option.map (Network.parameters >> bits)) then failwith "the best weights differ"
            loaded.Save again
            if File.ReadAllBytes path <> File.ReadAllBytes again then failwith "saving the loaded state wrote other bytes"
        finally
            Directory.Delete(dir, true))

/// Swish written by a user in F#, as docs/extending.md shows: a struct implementing the façade's interface.
[<Struct>]
type FsSwish =
    interface Hybrid.IActivationFunction with
        member _.Value z = z / (1.0 + exp -z)
        member _.Derivative(z, _) = let s = 1.0 / (1.0 + exp -z) in s * (1.0 + z * (1.0 - s))

let private fsSwish = lazy (Hybrid.ActivationDefinition.Create<FsSwish>("fsSwish", Hybrid.ActivationOptions(SaturatesBelow = true)))

let private userStructVerifies =
    Spec.example "S04 / extending / a user's F# struct Swish passes every law of Verification" (fun () ->
        let report = Hybrid.Verification.Check(fsSwish.Force())
        if not report.Passed then failwith (report.ToString())
        if report.Laws.Count <> 3 then failwithf "expected the derivative, finite and saturates-below laws, got %d" report.Laws.Count)

let private userStructAgrees =
    // The user's z/(1 + e^−z) and the built-in z·σ(z) (σ by its two-branch form) differ only by rounding: a few ulps,
    // 1e-14 relative with margin; their derivatives, written alike, the same.
    Spec.property "S04 / extending / a user's F# struct Swish computes the built-in Swish's g and g′ to rounding" (Gen.arrayOf (floatIn -30.0 30.0)) (fun z ->
        let d = fsSwish.Force()
        let mine, theirs = d.Apply z, FActivation.Swish.Apply z
        let mine', theirs' = d.Derivative z, FActivation.Swish.Derivative z
        for i in 0 .. z.Length - 1 do
            if not (Tolerance.close 1e-14 theirs.[i] mine.[i]) then failwithf "g(%g): %.17g against %.17g" z.[i] mine.[i] theirs.[i]
            if not (Tolerance.close 1e-14 theirs'.[i] mine'.[i]) then failwithf "g′(%g): %.17g against %.17g" z.[i] mine'.[i] theirs'.[i])

let laws : Spec.Law list =
    [ userStructVerifies
      userStructAgrees
      layerKindsLaw
      law1
      law2
      law3
      law4
      law5
      law6
      law7
      rowsLaw
      checkpointLaw ]
