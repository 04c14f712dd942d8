/// Where the time of the mnist1 workload goes: the phases of one Trainer.Fit epoch timed
/// separately, interleaved over rounds, medians printed.
///   dotnet run -c Release --project tests/Hybrid.Benchmarks -- profile [rounds]
module Hybrid.Benchmarks.Profile

open System
open Hybrid
open Hybrid.Benchmarks.Workloads
open Hybrid.Benchmarks.Peers

/// The operations of one mnist1 batch step (200 rows, 784-100-10), each timed 40 times (one epoch's worth).
let private stepPhases (flat: float[]) : (string * (unit -> unit)) list =
    let r = Random(5)
    let buf n = Array.init n (fun _ -> r.NextDouble() - 0.5)
    let x, w1, z1, w2, z2 = buf (200 * 784), buf (784 * 100), buf (200 * 100), buf (100 * 10), buf (200 * 10)
    let a1, dz1, dw1, da1, dz2, dw2, b1 = buf (200 * 100), buf (200 * 100), buf (784 * 100), buf (200 * 100), buf (200 * 10), buf (100 * 10), buf 100
    let a2 = buf (200 * 10)
    let m, v, g = Array.zeroCreate (784 * 100), Array.zeroCreate (784 * 100), buf (784 * 100)
    let y = Array.init (200 * 10) (fun e -> if e % 10 = 3 then 1.0 else 0.0)
    let order = Array.init 200 (fun i -> (i * 37) % 8000)
    let times (f: unit -> unit) = fun () -> for _ in 1 .. 40 do f ()
    [ "x40 gather 200 rows", times (fun () -> for i in 0 .. 199 do Array.Copy(flat, order.[i] * 784, x, i * 784, 784))
      "x40 X.W1 200x784.784x100", times (fun () -> Hybrid.Core.Backend.Gemm(false, false, 200, 100, 784, x, 784, w1, 100, z1, 100, false))
      "x40 addRow+relu 200x100", times (fun () -> Hybrid.Core.RowMajor.addRow z1 200 100 b1; (Hybrid.Core.Activation.entry Hybrid.Core.ReLU).Kernels.Double.Forward(0.0, z1, a1, 200, 100))
      "x40 A1.W2 200x100.100x10", times (fun () -> Hybrid.Core.Backend.Gemm(false, false, 200, 10, 100, a1, 100, w2, 10, z2, 10, false))
      "x40 softmaxCE 200x10", times (fun () -> Hybrid.Core.Kernels.softmaxCrossEntropy z2 a2 y dz2 200 10 |> ignore)
      "x40 A1t.dZ2 100x10 k200", times (fun () -> Hybrid.Core.Backend.Gemm(true, false, 100, 10, 200, a1, 100, dz2, 10, dw2, 10, false))
      "x40 dZ2.W2t 200x100 k10", times (fun () -> Hybrid.Core.Backend.Gemm(false, true, 200, 100, 10, dz2, 10, w2, 10, da1, 100, false))
      "x40 relu backward 200x100", times (fun () -> (Hybrid.Core.Activation.entry Hybrid.Core.ReLU).Kernels.Double.Backward(0.0, z1, a1, da1, dz1, 200, 100))
      "x40 Xt.dZ1 784x100 k200", times (fun () -> Hybrid.Core.Backend.Gemm(true, false, 784, 100, 200, x, 784, dz1, 100, dw1, 100, false))
      "x40 columnSums 200x100", times (fun () -> Hybrid.Core.RowMajor.columnSums dz1 200 100 b1)
      "x40 Adam update 78400", times (fun () -> Hybrid.Core.Kernels.update (Hybrid.Core.Adam(0.9, 0.999, 1e-8)) 1e-3 3 w1 g m v 0 w1.Length |> ignore; Array.Copy(w1, g, g.Length))
      "x40 allFinite x2 78400", times (fun () -> Hybrid.Core.RowMajor.allFinite g g.Length |> ignore; Hybrid.Core.RowMajor.allFinite g g.Length |> ignore) ]

let run (rounds: int) : int =
    let x, y = mnistLike 3 8_000
    let n = x.Length
    let network = Network.Create(784).Dense(100, Activation.ReLU).Dense(10, Activation.Softmax).Build(Initializer.HeNormal(1))
    let trainer = Trainer(Loss.CrossEntropy, Optimizer.Adam(1e-3), BatchSize = 200, Epochs = 1)
    let core = Hybrid.Core.Network.dense 1 Hybrid.Core.HeNormal 784 [ 100, Hybrid.Core.ReLU; 10, Hybrid.Core.Softmax ]
    let config : Hybrid.Core.TrainingConfig =
        { Loss = Hybrid.Core.CategoricalCrossEntropy; Rule = Hybrid.Core.Adam(0.9, 0.999, 1e-8); LearningRate = 1e-3; Schedule = Hybrid.Core.ConstantRate; L2 = 0.0
          BatchSize = 200; Epochs = 1; Seed = 0; Patience = 0; MinDelta = 0.0; RestoreBest = false
          Monitor = Hybrid.Core.MonitorLoss; DivergenceFactor = Hybrid.Core.Training.defaultDivergenceFactor }
    let flat = Array.concat x
    let onehot = Array.init (n * 10) (fun e -> if y.[e / 10] = e % 10 then 1.0 else 0.0)
    let set = Hybrid.Core.FastTraining.rowSet flat onehot 784 10
    let batches = Hybrid.Core.Optimizer.minibatches 0 n 200
    let phases : (string * (unit -> unit)) list =
        [ "Trainer.Fit (whole, as peers mnist1)", (fun () -> trainer.Fit(network, Features.FromRows x, Targets.FromLabels y) |> ignore)
          "flatten double[][] -> float[]", (fun () -> Array.concat x |> ignore)
          "finite check of X", (fun () -> for v in flat do if not (Double.IsFinite v) then failwith "nf")
          "FastTraining.fitRows (checks + run)", (fun () -> Hybrid.Core.FastTraining.fitRows config core set None ignore (fun () -> false) |> ignore)
          "engine + 40 steps (no checks)", (fun () ->
              let e = Hybrid.Core.FastTraining.engine config core set None
              for b in 0 .. batches.Length - 1 do e.Step(0, b, batches.[b], 1e-3) |> ignore)
          "engine creation", (fun () -> Hybrid.Core.FastTraining.engine config core set None |> ignore)
          "minibatches (shuffle)", (fun () -> Hybrid.Core.Optimizer.minibatches 0 n 200 |> ignore) ]
        @ stepPhases flat
    for _, f in phases do f (); f ()
    let times = phases |> List.map (fun _ -> Collections.Generic.List<float>())
    for _ in 1 .. rounds do
        List.iter2 (fun (_, f) (t: Collections.Generic.List<float>) -> t.Add(seconds f)) phases times
    List.iter2 (fun (name, _) (t: Collections.Generic.List<float>) ->
        let s = t |> Seq.sort |> Array.ofSeq
        printfn "%-40s median %8.2f ms  min %8.2f ms" name (1000.0 * s.[s.Length / 2]) (1000.0 * s.[0])) phases times
    0

