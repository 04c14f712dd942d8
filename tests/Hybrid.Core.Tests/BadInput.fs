/// The core's argument checks: ArgumentException naming the argument, with both shapes.
module Hybrid.Core.Tests.BadInput

open System
open Xunit
open Hybrid.Core

let private throwsArg (paramName: string) (contains: string list) (f: unit -> 'a) =
    let e = Assert.ThrowsAny<ArgumentException>(fun () -> f () |> ignore)
    Assert.Equal(paramName, e.ParamName)
    for c in contains do Assert.Contains(c, e.Message)

[<Fact>]
let ``S13 a shape mismatch names the argument and prints both shapes`` () =
    throwsArg "W" [ "X is 2×3"; "W is 4×5" ] (fun () -> Dense.linear (Mat.zeros 2 3) (Mat.zeros 4 5) (Mat.zeros 1 5))
    throwsArg "Y" [ "Yhat is 2×3"; "Y is 2×2" ] (fun () -> Loss.mse (Mat.zeros 2 3) (Mat.zeros 2 2))
    throwsArg "B" [ "B is 1×4"; "must be 1×5" ] (fun () -> Dense.create (Mat.zeros 4 5) (Mat.zeros 1 4) ReLU)

[<Fact>]
let ``S14 layers whose widths do not chain are refused`` () =
    throwsArg "layers" [ "outputs 4 columns"; "takes 3" ] (fun () ->
        Network.create [ DenseLayer(Dense.create (Mat.zeros 2 4) (Mat.zeros 1 4) ReLU); DenseLayer(Dense.create (Mat.zeros 3 1) (Mat.zeros 1 1) Sigmoid) ])
    throwsArg "X" [ "must have 2 columns" ] (fun () -> Network.forward (Network.dense 1 HeNormal 2 [ 3, ReLU ]) (Mat.zeros 4 3))

[<Fact>]
let ``Bad hyper-parameters and values are refused with the value in the message`` () =
    throwsArg "eta" [ "-0.1" ] (fun () -> Optimizer.sgd -0.1 (Mat.zeros 1 1) (Mat.zeros 1 1))
    throwsArg "activation" [ "LeakyReLU slope" ] (fun () -> Dense.create (Mat.zeros 1 1) (Mat.zeros 1 1) (LeakyReLU 1.5))
    throwsArg "W" [ "row 0, column 1" ] (fun () -> Dense.create (Mat.ofRows [| [| 1.0; nan |] |]) (Mat.zeros 1 2) ReLU)
    throwsArg "Y" [ "-1 or 1" ] (fun () -> Loss.hinge (Mat.zeros 1 1) (Mat.zeros 1 1))
    throwsArg "Y" [ "[0, 1]" ] (fun () -> Loss.binaryCrossEntropy (Mat.zeros 1 1) (Mat.constant 1 1 2.0))
    throwsArg "batchSize" [ "at least 1" ] (fun () -> Optimizer.minibatches 1 10 0)
    throwsArg "rate" [ "[0, 1)" ] (fun () -> Dropout.mask 1 1.0 2 2)
    throwsArg "theta" [ "must have 2 entries but has 1" ] (fun () -> Network.ofVector (Network.dense 1 HeNormal 1 [ 1, Identity ]) [| 1.0 |])

[<Fact>]
let ``Sizes whose product exceeds the largest array are refused naming the argument and the limit`` () =
    // 65536 × 65537 wraps around in int arithmetic; 46341² exceeds int.MaxValue.
    throwsArg "fanOut" [ "4295032832"; "2147483591" ] (fun () -> Init.matrix HeNormal 1 65536 65537)
    throwsArg "units" [ "2147488281"; "2147483591" ] (fun () -> Network.dense 1 HeNormal 46341 [ 46341, ReLU ])
    throwsArg "cols" [ "10000000000" ] (fun () -> Mat.zeros 100000 100000)
    throwsArg "units" [ "parameters"; "2147483647" ] (fun () -> Network.dense 1 HeNormal 40000 [ 40000, ReLU; 40000, ReLU ])

[<Fact>]
let ``S19 the MAE gradient of a NaN prediction is NaN, not an exception, on both paths`` () =
    // sign(NaN) throws in .NET (Math.Sign); a diverging network whose outputs became NaN must
    // reach the training loop's non-finite stop, so ∂MAE/∂ŷ propagates NaN instead.
    let Yhat = Mat.ofRows [| [| nan; 3.0 |]; [| 1.0; 1.0 |] |]
    let Y = Mat.ofRows [| [| 0.0; 1.0 |]; [| 2.0; 1.0 |] |]
    let g = Loss.gradient MeanAbsoluteError Yhat Y
    // Hand-derived: sign(ŷ − y)/N with N = 2 rows: [NaN, +1/2; −1/2, 0].
    Assert.True(Double.IsNaN g.[0, 0])
    Assert.Equal(0.5, g.[0, 1])
    Assert.Equal(-0.5, g.[1, 0])
    Assert.Equal(0.0, g.[1, 1])
    let grad = Array.zeroCreate 4
    let J = Kernels.lossAndGradient MeanAbsoluteError [| nan; 3.0; 1.0; 1.0 |] [| 0.0; 1.0; 2.0; 1.0 |] grad 2 2
    Assert.True(Double.IsNaN J)
    Assert.True(Double.IsNaN grad.[0])
    Assert.Equal<float[]>([| 0.5; -0.5; 0.0 |], grad.[1..])

[<Fact>]
let ``S28 the fast path's boundary check names the missing targets, not the inputs`` () =
    let net = Network.dense 1 HeNormal 2 [ 1, Sigmoid ]
    let config =
        { Loss = MeanSquaredError; Rule = PlainSgd; LearningRate = 0.1; Schedule = ConstantRate; L2 = 0.0; BatchSize = 1
          Epochs = 1; Seed = 0; Patience = 0; MinDelta = 0.0; RestoreBest = false; Monitor = MonitorLoss
          DivergenceFactor = Training.defaultDivergenceFactor }
    let set (y: float[]) = { X = [| 1.0; 2.0 |]; XRows = null; XRowsSingle = null; Y = y; Inputs = 2; Outputs = 1; Rows = [| 0 |] }
    let e = Assert.ThrowsAny<ArgumentNullException>(fun () -> FastTraining.checkRows "X" "Y" config net (set null))
    Assert.Equal("Y", e.ParamName)
    FastTraining.checkRows "X" "Y" config net (set [| 0.5 |]) // a whole set passes

[<Fact>]
let ``S28 the fast path's boundary check of rows read in place names the null row and the ragged row, training names the lowest non-finite value`` () =
    let net = Network.dense 1 HeNormal 2 [ 1, Sigmoid ]
    let config =
        { Loss = MeanSquaredError; Rule = PlainSgd; LearningRate = 0.1; Schedule = ConstantRate; L2 = 0.0; BatchSize = 1
          Epochs = 1; Seed = 0; Patience = 0; MinDelta = 0.0; RestoreBest = false; Monitor = MonitorLoss
          DivergenceFactor = Training.defaultDivergenceFactor }
    let check (rows: float[][]) = FastTraining.checkRows "X" "Y" config net (FastTraining.rowSetOfRows rows (Array.zeroCreate rows.Length) 2 1)
    let message (rows: float[][]) = (Assert.ThrowsAny<ArgumentException>(fun () -> check rows)).Message
    Assert.StartsWith("X[1] is null.", message [| [| 1.0; 2.0 |]; null |])
    Assert.StartsWith("X is ragged: row 1 has 1 values but the network takes 2 inputs.", message [| [| 1.0; 2.0 |]; [| 1.0 |] |])
    check [| [| 1.0; 2.0 |]; [| 3.0; 4.0 |] |] // a whole set passes
    // The values are checked as training gathers each batch (batches of 1, shuffled): the message
    // names the lowest bad row of the data, as a check before training would, and the set it is in.
    let fitMessage (rows: float[][]) (validation: float[][]) =
        let set (rows: float[][]) = FastTraining.rowSetOfRows rows (Array.zeroCreate rows.Length) 2 1
        let e = Assert.Throws<ArgumentException>(fun () ->
                    FastTraining.fitRows config net (set rows) (if isNull validation then None else Some(set validation)) ignore (fun () -> false) |> ignore)
        e.Message
    let good = [| [| 1.0; 2.0 |]; [| 3.0; 4.0 |] |]
    Assert.StartsWith("X has a non-finite value NaN at row 2, column 1.", fitMessage [| [| 1.0; 2.0 |]; [| 3.0; 4.0 |]; [| 5.0; nan |]; [| 6.0; 7.0 |] |] null)
    Assert.StartsWith("X has a non-finite value -Infinity at row 1, column 0.", fitMessage [| [| 1.0; 2.0 |]; [| -infinity; 4.0 |]; [| 5.0; nan |]; [| infinity; 7.0 |] |] null)
    Assert.StartsWith("validationX has a non-finite value Infinity at row 1, column 1.", fitMessage good [| [| 1.0; 2.0 |]; [| 3.0; infinity |] |])
    // float32 rows read in place: the same checks and messages.
    let checkSingle (rows: float32[][]) = FastTraining.checkRows "X" "Y" config net (FastTraining.rowSetOfSingleRows rows (Array.zeroCreate rows.Length) 2 1)
    let messageSingle (rows: float32[][]) = (Assert.ThrowsAny<ArgumentException>(fun () -> checkSingle rows)).Message
    Assert.StartsWith("X[1] is null.", messageSingle [| [| 1.0f; 2.0f |]; null |])
    Assert.StartsWith("X is ragged: row 1 has 1 values but the network takes 2 inputs.", messageSingle [| [| 1.0f; 2.0f |]; [| 1.0f |] |])
    checkSingle [| [| 1.0f; 2.0f |]; [| 3.0f; 4.0f |] |]
