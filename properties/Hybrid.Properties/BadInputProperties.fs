/// Generated malformed calls to every public entry point of the façade raise only the documented
/// exception types (ArgumentException and its subtypes for bad arguments, InvalidDataException
/// for bad model files, IOException subtypes for missing files and directories), never a crash
/// deep inside, and leave the network and an existing model file unchanged.
module Hybrid.Properties.BadInputProperties

open System
open System.IO
open System.Text
open System.Threading
open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid
open Hybrid.Properties.Generators

/// What a bad call must raise.
type Expected =
    /// ArgumentException or a subtype (ArgumentNullException, ArgumentOutOfRangeException).
    | ArgumentError
    /// InvalidDataException.
    | InvalidData
    /// InvalidDataException, or success if the corruption happened to leave a valid model.
    | InvalidDataOrValid
    /// An IOException subtype (FileNotFoundException, DirectoryNotFoundException).
    | MissingPath

/// One malformed call: a name for the report, what it must raise, text the message must contain,
/// and the call itself.
type BadCall =
    { Name: string
      Expected: Expected
      Mentions: string
      Call: unit -> unit }
    override this.ToString() = sprintf "%s (expects %A, mentioning '%s')" this.Name this.Expected this.Mentions

let private net = Network.Create(3).Dense(4, Activation.Tanh).Dense(2, Activation.Softmax).Build(Initializer.XavierNormal 1)
let private netJson = net.ToJson()
/// A network with a sigmoid output, for binary cross-entropy (which needs one: LossPairingTests).
let private sigmoidNet = Network.Create(3).Dense(4, Activation.Tanh).Dense(2, Activation.Sigmoid).Build(Initializer.XavierNormal 1)
let private narrow = Network.Create(2).Dense(1, Activation.Softmax).Build(Initializer.XavierNormal 1)
let private trainer = Trainer(Loss.CrossEntropy, Optimizer.Sgd 0.1, Epochs = 1, BatchSize = 2)

let private badRate = Gen.elements [ 0.0; -1e-3; -1.0; nan; infinity; -infinity ]
let private badUnit = Gen.elements [ -0.1; 1.0; 1.5; nan; infinity; -infinity ]
let private badCount = Gen.elements [ 0; -1; -100; Int32.MinValue ]

let private call name expected mentions (f: unit -> unit) = { Name = name; Expected = expected; Mentions = mentions; Call = f }

let private rows (n: int) (d: int) : Gen<double[][]> = Gen.arrayOfLength n (Gen.arrayOfLength d (floatIn -2.0 2.0))

let private toArray2 (x: double[][]) (d: int) : double[,] = Array2D.init x.Length d (fun i j -> x.[i].[j])

let private labels (n: int) : Gen<int[]> = Gen.arrayOfLength n (Gen.choose (0, 1))

/// Every way of handing inputs x (and labels y) to the façade.
let private entryPoints (x: double[][]) (d: int) (y: int[]) : (string * (unit -> unit)) list =
    let good = Array.init (if isNull x then 2 else x.Length) (fun i -> [| 0.1 * float i; 0.2; -0.3 |])
    [ "Predict(double[][])", (fun () -> net.Predict x |> ignore)
      "Predict(double[,])", (fun () -> net.Predict(toArray2 x d) |> ignore)
      "Predict(Matrix)", (fun () -> net.Predict(Matrix<float>.Build.DenseOfRowArrays x) |> ignore)
      "PredictClasses", (fun () -> net.PredictClasses(Features.FromRows x) |> ignore)
      "Evaluate", (fun () -> net.Evaluate(Features.FromRows x, Targets.FromLabels y) |> ignore)
      "ComputeLoss", (fun () -> net.ComputeLoss(Loss.CrossEntropy, Features.FromRows x, Targets.FromLabels y) |> ignore)
      "ComputeGradients", (fun () -> net.ComputeGradients(Loss.CrossEntropy, Features.FromArray(toArray2 x d), Targets.FromLabels y) |> ignore)
      "Fit", (fun () -> trainer.Fit(net, Features.FromRows x, Targets.FromLabels y) |> ignore)
      "Fit(validationX)", (fun () -> trainer.Fit(net, Features.FromRows good, Targets.FromLabels y, Features.FromRows x, Targets.FromLabels y) |> ignore) ]

let private wrongWidth : Gen<BadCall> =
    gen {
        let! d = Gen.elements [ 1; 2; 4; 5; 7 ]
        let! n = dim 4
        let! x = rows n d
        let! y = labels n
        let! name, f = Gen.elements (entryPoints x d y)
        return call (sprintf "%s with %d columns" name d) ArgumentError "3" f
    }

let private nonFinite : Gen<BadCall> =
    gen {
        let! n = dim 4
        let! x = rows n 3
        let! r = Gen.choose (0, n - 1)
        let! c = Gen.choose (0, 2)
        let! v = Gen.elements [ nan; infinity; -infinity ]
        x.[r].[c] <- v
        let! y = labels n
        let! name, f = Gen.elements (entryPoints x 3 y)
        let target =
            call (sprintf "Evaluate with y row %d column %d = %g" r c v) ArgumentError (sprintf "row %d, column %d" r (c % 2)) (fun () ->
                let t = Array2D.init n 2 (fun i j -> if i = r && j = c % 2 then v else 0.5)
                net.Evaluate(Features.FromRows(Array.init n (fun _ -> [| 0.0; 0.0; 0.0 |])), Targets.FromArray t) |> ignore)
        return! Gen.elements [ call (sprintf "%s with %g at row %d, column %d" name v r c) ArgumentError (sprintf "row %d, column %d" r c) f; target ]
    }

let private emptyOrRagged : Gen<BadCall> =
    gen {
        let! shape = Gen.elements [ "no rows"; "no columns"; "ragged"; "null row"; "null" ]
        let x =
            match shape with
            | "no rows" -> [||]
            | "no columns" -> [| [||]; [||] |]
            | "ragged" -> [| [| 1.0; 2.0; 3.0 |]; [| 1.0; 2.0 |] |]
            | "null row" -> [| [| 1.0; 2.0; 3.0 |]; null |]
            | _ -> null
        let y = [| 0; 1 |]
        // Only the entry points that take x as rows: a double[,] or a Matrix cannot be ragged or
        // null-rowed, and building one from these rows would fail in the test, not the façade.
        let d = if shape = "no columns" then 0 else 3
        let rowForms = entryPoints x d y |> List.filter (fun (n, _) -> not (n.Contains "double[,]" || n.Contains "Matrix" || n = "ComputeGradients"))
        let arrayForms =
            if shape = "no rows" || shape = "no columns" then entryPoints x d y |> List.filter (fun (n, _) -> n.Contains "double[,]" || n = "ComputeGradients")
            else []
        let! name, f = Gen.elements (rowForms @ arrayForms)
        return call (sprintf "%s with %s" name shape) ArgumentError "" f
    }

let private badLabels : Gen<BadCall> =
    gen {
        let! n = dim 4
        let! x = rows n 3
        let! y = labels n
        let! i = Gen.choose (0, n - 1)
        let! bad = Gen.oneof [ Gen.choose (-5, -1); Gen.choose (2, 12) ]
        y.[i] <- bad
        let! mismatch = Gen.elements [ false; false; true ]
        let y, mentions = if mismatch then Array.create (n + 1) 1, "rows" else y, sprintf "y[%d] = %d" i bad
        let! name, f = Gen.elements (entryPoints x 3 y |> List.filter (fun (n, _) -> not (n.StartsWith "Predict")))
        return call (sprintf "%s with labels %A" name y) ArgumentError (if name = "Fit(validationX)" && not mismatch then "" else mentions) f
    }

/// A target value the loss does not take, at a generated row and column of y or validationY:
/// rejected up front, naming the caller's parameter, row and column.
let private badTargets : Gen<BadCall> =
    gen {
        let! lossName, loss, valid, badValues =
            Gen.elements [
                "BinaryCrossEntropy", Loss.BinaryCrossEntropy, (fun (_: int) (_: int) -> 0.25), [ -0.5; 1.5; 2.0 ]
                "CrossEntropy", Loss.CrossEntropy, (fun label j -> if j = label then 1.0 else 0.0), [ -0.2; 1.1; 3.0 ]
                "Hinge", Loss.Hinge, (fun label j -> if j = label then 1.0 else -1.0), [ 0.0; 0.5; 2.0; -0.3 ]
                "Logistic", Loss.Logistic, (fun label j -> if j = label then 1.0 else -1.0), [ 0.0; 0.5; 2.0; -0.3 ]
                "MulticlassHinge", Loss.MulticlassHinge, (fun label j -> if j = label then 1.0 else 0.0), [ 0.5; -1.0; 2.0 ] ]
        let! n = Gen.choose (2, 6)
        let! x = rows n 3
        let! classes = labels n
        let good = Array.init n (fun i -> Array.init 2 (fun j -> valid classes.[i] j))
        let bad = Array.map Array.copy good
        let! r = Gen.choose (0, n - 1)
        let! c = Gen.choose (0, 1)
        let! v = Gen.elements badValues
        bad.[r].[c] <- v
        let t = Trainer(loss, Optimizer.Sgd 0.1, Epochs = 1, BatchSize = 1)
        let net = if lossName = "BinaryCrossEntropy" then sigmoidNet else net
        let ys = Targets.FromRows bad
        let! name, paramName, f =
            Gen.elements [
                "Fit", "y", (fun () -> t.Fit(net, Features.FromRows x, ys) |> ignore)
                "Fit(validationY)", "validationY", (fun () -> t.Fit(net, Features.FromRows x, Targets.FromRows good, Features.FromRows x, ys) |> ignore)
                "Evaluate", "y", (fun () -> net.Evaluate(Features.FromRows x, ys, loss) |> ignore)
                "ComputeLoss", "y", (fun () -> net.ComputeLoss(loss, Features.FromRows x, ys) |> ignore)
                "ComputeGradients", "y", (fun () -> net.ComputeGradients(loss, Features.FromRows x, ys) |> ignore) ]
        return call (sprintf "%s with %s target %g at row %d, column %d" name lossName v r c) ArgumentError
                    (sprintf "%s has an invalid target %g at row %d, column %d" paramName v r c) f
    }

let private badHyperParameters : Gen<BadCall> =
    Gen.oneof [
        badRate |> Gen.map (fun v -> call (sprintf "Optimizer.Sgd(%g)" v) ArgumentError "learningRate" (fun () -> Optimizer.Sgd v |> ignore))
        badRate |> Gen.map (fun v -> call (sprintf "Optimizer.Adam(%g)" v) ArgumentError "learningRate" (fun () -> Optimizer.Adam v |> ignore))
        badUnit |> Gen.map (fun v -> call (sprintf "Optimizer.Momentum(0.1, %g)" v) ArgumentError "momentum" (fun () -> Optimizer.Momentum(0.1, v) |> ignore))
        badUnit |> Gen.map (fun v -> call (sprintf "Optimizer.Nesterov(0.1, %g)" v) ArgumentError "momentum" (fun () -> Optimizer.Nesterov(0.1, v) |> ignore))
        badRate |> Gen.map (fun v -> call (sprintf "Optimizer.AdaGrad(0.1, %g)" v) ArgumentError "epsilon must be a finite number > 0" (fun () -> Optimizer.AdaGrad(0.1, v) |> ignore))
        badUnit |> Gen.map (fun v -> call (sprintf "Optimizer.RmsProp(0.1, %g)" v) ArgumentError "decay" (fun () -> Optimizer.RmsProp(0.1, v) |> ignore))
        badUnit |> Gen.map (fun v -> call (sprintf "Optimizer.Adam(beta1 = %g)" v) ArgumentError "beta1" (fun () -> Optimizer.Adam(1e-3, v) |> ignore))
        badRate |> Gen.map (fun v -> call (sprintf "Optimizer.RmsProp(0.1, 0.9, %g)" v) ArgumentError "epsilon must be a finite number > 0" (fun () -> Optimizer.RmsProp(0.1, 0.9, v) |> ignore))
        badRate |> Gen.map (fun v -> call (sprintf "Optimizer.Adam(epsilon = %g)" v) ArgumentError "epsilon must be a finite number > 0" (fun () -> Optimizer.Adam(1e-3, 0.9, 0.999, v) |> ignore))
        badUnit |> Gen.map (fun v -> call (sprintf "Optimizer.Adam(beta2 = %g)" v) ArgumentError "beta2" (fun () -> Optimizer.Adam(1e-3, 0.9, v) |> ignore))
        badCount |> Gen.map (fun v -> call (sprintf "Trainer BatchSize = %d" v) ArgumentError "BatchSize" (fun () -> Trainer(Loss.CrossEntropy, Optimizer.Adam(), BatchSize = v) |> ignore))
        badCount |> Gen.map (fun v -> call (sprintf "Trainer Epochs = %d" v) ArgumentError "Epochs" (fun () -> Trainer(Loss.CrossEntropy, Optimizer.Adam(), Epochs = v) |> ignore))
        Gen.elements [ -1; -100; Int32.MinValue ] |> Gen.map (fun v -> call (sprintf "Trainer Patience = %d" v) ArgumentError "Patience" (fun () -> Trainer(Loss.CrossEntropy, Optimizer.Adam(), Patience = v) |> ignore))
        badUnit |> Gen.map (fun v -> call (sprintf "Trainer ValidationSplit = %g" v) ArgumentError "ValidationSplit" (fun () -> Trainer(Loss.CrossEntropy, Optimizer.Adam(), ValidationSplit = v) |> ignore))
        Gen.elements [ -1e-3; nan; infinity ] |> Gen.map (fun v -> call (sprintf "Trainer WeightDecay = %g" v) ArgumentError "WeightDecay" (fun () -> Trainer(Loss.CrossEntropy, Optimizer.Adam(), WeightDecay = v) |> ignore))
        Gen.elements [ -1e-3; nan; infinity ] |> Gen.map (fun v -> call (sprintf "Trainer MinDelta = %g" v) ArgumentError "MinDelta" (fun () -> Trainer(Loss.CrossEntropy, Optimizer.Adam(), MinDelta = v) |> ignore))
        Gen.constant (call "Trainer Schedule = null" ArgumentError "Schedule" (fun () -> Trainer(Loss.CrossEntropy, Optimizer.Adam(), Schedule = null) |> ignore))
        Gen.constant (call "Trainer(null, optimizer)" ArgumentError "loss" (fun () -> Trainer(null, Optimizer.Adam()) |> ignore))
        badCount |> Gen.map (fun v -> call (sprintf "LearningRateSchedule.Step(%d, 0.5)" v) ArgumentError "everyEpochs" (fun () -> LearningRateSchedule.Step(v, 0.5) |> ignore))
        badRate |> Gen.map (fun v -> call (sprintf "LearningRateSchedule.Exponential(%g)" v) ArgumentError "factor" (fun () -> LearningRateSchedule.Exponential v |> ignore))
        badRate |> Gen.map (fun v -> call (sprintf "RateAt(%g, 0)" v) ArgumentError "" (fun () -> LearningRateSchedule.Constant.RateAt(v, 0) |> ignore))
        badUnit |> Gen.map (fun v -> call (sprintf "Activation.LeakyReLU(%g)" v) ArgumentError "slope" (fun () -> Activation.LeakyReLU v |> ignore))
        Gen.elements [ -1.0; nan; infinity ] |> Gen.map (fun v -> call (sprintf "Activation.ELU(%g)" v) ArgumentError "alpha" (fun () -> Activation.ELU v |> ignore))
        Gen.elements [ nan; infinity; -infinity ] |> Gen.map (fun v -> call (sprintf "Activation.PReLU(%g)" v) ArgumentError "alpha" (fun () -> Activation.PReLU v |> ignore))
        Gen.elements [ -1.0; nan; infinity ] |> Gen.map (fun v -> call (sprintf "Initializer.Normal(%g)" v) ArgumentError "standardDeviation" (fun () -> Initializer.Normal(v, 1) |> ignore))
        Gen.elements [ -1.0; nan; infinity ] |> Gen.map (fun v -> call (sprintf "Initializer.Uniform(%g)" v) ArgumentError "limit" (fun () -> Initializer.Uniform(v, 1) |> ignore))
        Gen.elements [ nan; infinity ] |> Gen.map (fun v -> call (sprintf "Initializer.Constant(%g)" v) ArgumentError "value" (fun () -> Initializer.Constant v |> ignore))
        Gen.zip badCount (Gen.choose (1, 3)) |> Gen.map (fun (v, k) -> call (sprintf "CreateWeights(%d, %d)" v k) ArgumentError "" (fun () -> Initializer.He(1).CreateWeights(v, k) |> ignore))
        badCount |> Gen.map (fun v -> call (sprintf "Network.Create(%d)" v) ArgumentError "inputs" (fun () -> Network.Create v |> ignore))
        badCount |> Gen.map (fun v -> call (sprintf "Dense(%d)" v) ArgumentError "units" (fun () -> Network.Create(3).Dense(v, Activation.ReLU) |> ignore))
        badUnit |> Gen.map (fun v -> call (sprintf "Dropout(%g)" v) ArgumentError "rate" (fun () -> Network.Create(3).Dropout v |> ignore))
        Gen.choose (-2, 1) |> Gen.map (fun v -> call (sprintf "Maxout(2, pieces = %d)" v) ArgumentError "pieces" (fun () -> Network.Create(3).Maxout(2, v) |> ignore))
        Gen.zip (Gen.choose (1, 5)) (Gen.choose (0, 3)) |> Gen.filter (fun (r, _) -> r <> 3) |> Gen.map (fun (r, c) ->
            call (sprintf "Dense(weights %d×%d)" r (c + 1)) ArgumentError "weights" (fun () -> Network.Create(3).Dense(Array2D.zeroCreate r (c + 1), Array.zeroCreate (c + 1), Activation.ReLU) |> ignore))
        Gen.zip3 (Gen.choose (0, 2)) (Gen.choose (0, 1)) (Gen.elements [ nan; infinity ]) |> Gen.map (fun (r, c, v) ->
            call (sprintf "Dense(weights with %g at %d, %d)" v r c) ArgumentError (sprintf "row %d, column %d" r c) (fun () ->
                let w = Array2D.create 3 2 0.5
                w.[r, c] <- v
                Network.Create(3).Dense(w, [| 0.0; 0.0 |], Activation.ReLU) |> ignore))
        Gen.elements [ -1.0; nan; infinity ] |> Gen.map (fun v -> call (sprintf "ComputeGradients(l2 = %g)" v) ArgumentError "l2" (fun () -> net.ComputeGradients(Loss.CrossEntropy, Features.FromRows [| [| 0.0; 0.0; 0.0 |] |], Targets.FromLabels [| 1 |], v) |> ignore))
        Gen.choose (-3, 10) |> Gen.filter (fun l -> l < 0 || l > 1) |> Gen.map (fun l -> call (sprintf "GetWeights(%d)" l) ArgumentError "layer" (fun () -> net.GetWeights l |> ignore))
        Gen.constant (call "softmax of width 1 with cross-entropy" ArgumentError "softmax of width 1" (fun () ->
            Trainer(Loss.CrossEntropy, Optimizer.Sgd 0.1).Fit(narrow, Features.FromRows [| [| 1.0; 2.0 |] |], Targets.FromRows [| [| 1.0 |] |]) |> ignore))
        Gen.choose (2, 4) |> Gen.map (fun n -> call (sprintf "ValidationSplit leaving an empty part of %d rows" n) ArgumentError "validation" (fun () ->
            Trainer(Loss.CrossEntropy, Optimizer.Sgd 0.1, ValidationSplit = 0.01).Fit(net, Features.FromRows(Array.init n (fun _ -> [| 0.0; 0.0; 0.0 |])), Targets.FromLabels(Array.zeroCreate n)) |> ignore)) ]

/// A scratch directory with one good model file that no bad call may change.
let private dir = Directory.CreateTempSubdirectory("hybrid-bad-input-").FullName
let private goodPath = Path.Combine(dir, "good.model.json")
do net.Save goodPath
let private goodBytes = File.ReadAllBytes goodPath

let private corruptedFiles : Gen<BadCall> =
    let bytes = Encoding.UTF8.GetBytes netJson
    gen {
        let! kind = Gen.elements [ "truncate"; "flip"; "version"; "delete"; "garbage"; "empty"; "bom" ]
        let! pos = Gen.choose (0, bytes.Length - 1)
        let! len = Gen.choose (1, 40)
        let! b = Gen.choose (0, 255)
        let! v = Gen.choose (4, 1000) // versions 1 to 3 are read
        let corrupt =
            match kind with
            | "truncate" -> bytes.[.. pos - 1]
            | "flip" -> let c = Array.copy bytes in c.[pos] <- byte b; c
            | "version" -> Encoding.UTF8.GetBytes(netJson.Replace("\"version\":1", sprintf "\"version\":%d" v))
            | "delete" -> Array.append bytes.[.. pos - 1] bytes.[min bytes.Length (pos + len) ..]
            | "garbage" -> Array.append (Array.init len (fun i -> byte ((b + 37 * i) % 256))) bytes
            // A UTF-8 byte order mark before a truncated model: still invalid (a BOM before a
            // whole model loads: SerializationTests).
            | "bom" -> Array.append [| 0xEFuy; 0xBBuy; 0xBFuy |] bytes.[.. pos - 1]
            | _ -> [||]
        // A truncated, emptied or newer-version file is never valid; a flipped byte, a deleted span
        // or a prefix (which may be whitespace) can leave a valid model by chance.
        let expected = if kind = "version" || kind = "truncate" || kind = "empty" || kind = "bom" then InvalidData else InvalidDataOrValid
        let mentions = if kind = "version" then "newer" else ""
        let! viaFile = Gen.elements [ true; false ]
        return
            if viaFile then
                call (sprintf "Load of a %s file (pos %d)" kind pos) expected mentions (fun () ->
                    let path = Path.Combine(dir, "corrupt.model.json")
                    File.WriteAllBytes(path, corrupt)
                    Network.Load path |> ignore)
            else
                call (sprintf "FromJson of %s text (pos %d)" kind pos) expected mentions (fun () -> Network.FromJson(Encoding.UTF8.GetString corrupt) |> ignore)
    }

let private badPaths : Gen<BadCall> =
    Gen.elements [
        call "Save to a missing directory" MissingPath "" (fun () -> net.Save(Path.Combine(dir, "missing", "m.json")))
        call "Load of a missing file" MissingPath "" (fun () -> Network.Load(Path.Combine(dir, "none.json")) |> ignore)
        call "Load from a missing directory" MissingPath "" (fun () -> Network.Load(Path.Combine(dir, "missing", "m.json")) |> ignore)
        call "Save to an empty path" ArgumentError "path" (fun () -> net.Save "")
        call "Save to null" ArgumentError "path" (fun () -> net.Save null)
        call "Load of a whitespace path" ArgumentError "path" (fun () -> Network.Load "  " |> ignore)
        call "Load of a directory" ArgumentError "directory" (fun () -> Network.Load dir |> ignore)
        call "Save to a directory" ArgumentError "directory" (fun () -> net.Save dir)
        call "FromJson(null)" ArgumentError "json" (fun () -> Network.FromJson null |> ignore) ]

/// Every kind of bad call, weighted so each entry point gets many cases.
let badCall : Gen<BadCall> =
    Gen.frequency [ 3, wrongWidth; 3, nonFinite; 2, emptyOrRagged; 3, badLabels; 2, badTargets; 4, badHyperParameters; 3, corruptedFiles; 1, badPaths ]

/// Runs one bad call and checks what it raised and that nothing changed.
let check (c: BadCall) : unit =
    let outcome = try c.Call(); None with e -> Some e
    let mentionOk (e: exn) = c.Mentions = "" || e.Message.Contains c.Mentions
    match c.Expected, outcome with
    | ArgumentError, Some(:? ArgumentException as e) when mentionOk e -> ()
    | InvalidDataOrValid, None -> ()
    | InvalidData, Some(:? InvalidDataException as e) when mentionOk e -> ()
    | InvalidDataOrValid, Some(:? InvalidDataException as e) when mentionOk e -> ()
    | MissingPath, Some(:? FileNotFoundException | :? DirectoryNotFoundException) -> ()
    | _, None -> failwithf "%O: no exception" c
    | _, Some e -> failwithf "%O: raised %s: %s" c (e.GetType().FullName) e.Message
    if net.ToJson() <> netJson then failwithf "%O changed the network" c
    if File.ReadAllBytes goodPath <> goodBytes then failwithf "%O changed the existing model file" c
    if Directory.GetFiles(dir, "*.tmp").Length > 0 then failwithf "%O left a temporary file" c

/// The bad-input law runs 100× the case count (10,000 cases at the default 100): each case is one
/// cheap call. The sweep's scratch directory is deleted when the process exits.
let private law1 =
    do AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> try Directory.Delete(dir, true) with _ -> ())
    Spec.scaled 100.0 (Spec.property "Façade / bad input / malformed calls to every public entry point raise only documented exceptions and change nothing" badCall check)

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list = [ law1 ]
