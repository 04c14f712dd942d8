/// The workloads the benchmarks and the peer comparison share (the peer-comparison table), built once from
/// fixed seeds so every run times the same numbers.
module Hybrid.Benchmarks.Workloads

open System
open Hybrid

/// A product C ← op(A)·op(B) on row-major arrays: its name, flags, sizes and operands.
type Product =
    { Name: string; TransA: bool; TransB: bool; M: int; N: int; K: int; A: float[]; B: float[]; C: float[] }
    member p.Lda = if p.TransA then p.M else p.K
    member p.Ldb = if p.TransB then p.K else p.N
    /// 2·m·n·k floating-point operations.
    member p.Flops = 2.0 * float p.M * float p.N * float p.K
    override p.ToString() = p.Name

let private random (seed: int) (count: int) : float[] =
    let r = Random(seed)
    Array.init count (fun _ -> r.NextDouble() - 0.5)

/// A product with random operands in [−0.5, 0.5).
let product (name: string) (transA: bool) (transB: bool) (m: int) (n: int) (k: int) : Product =
    { Name = name; TransA = transA; TransB = transB; M = m; N = n; K = k
      A = random 1 (m * k); B = random 2 (k * n); C = Array.zeroCreate (m * n) }

/// The benchmarked products: 1000³ and the MLP 784-256-128-10's training shapes at batch 128, with
/// the backward products dW = Xᵀ·dZ and dX = dZ·Wᵀ of each layer.
let products : Product list =
    [ product "1000x1000 * 1000x1000" false false 1000 1000 1000
      product "128x784 * 784x256 (X*W1)" false false 128 256 784
      product "784x128 * 128x256 (X'*dZ1)" true false 784 256 128
      product "128x256 * 256x784 (dZ1*W1')" false true 128 784 256
      product "128x256 * 256x128 (A1*W2)" false false 128 128 256
      product "256x128 * 128x128 (A1'*dZ2)" true false 256 128 128
      product "128x128 * 128x256 (dZ2*W2')" false true 128 256 128
      product "1x784 * 784x256 (one row)" false false 1 256 784 ]

/// C ← op(A)·op(B) through the backend in force.
let gemm (p: Product) : unit =
    Hybrid.Core.Backend.Gemm(p.TransA, p.TransB, p.M, p.N, p.K, p.A, p.Lda, p.B, p.Ldb, p.C, p.N, false)

/// The same product with the kernel from before the packed kernel (column-major; it computes Cᵀ = op(B)ᵀ·op(A)ᵀ,
/// and, as Mat.mulNT did then, transposes op(B) first when B is stored transposed).
let baseline (p: Product) : unit =
    let bColumnMajor =
        if p.TransB then Array.init (p.K * p.N) (fun q -> let kk, j = q / p.N, q % p.N in p.B.[j * p.K + kk]) else p.B
    let bc, br = if p.TransA then 1, p.M else p.K, 1
    Baseline.multiply p.N p.K p.M bColumnMajor p.A bc br |> ignore

/// Random rows and labels of the MLP workload: n×784 in [0, 1), labels 0..9.
let mnistLike (seed: int) (n: int) : double[][] * int[] =
    let r = Random(seed)
    Array.init n (fun _ -> Array.init 784 (fun _ -> r.NextDouble())), Array.init n (fun _ -> r.Next 10)

/// The MLP 784-256-128-10 with hidden activation g, softmax (HeNormal, seed 1).
let mlpWith (g: Activation) : Network =
    Network.Create(784).Dense(256, g).Dense(128, g).Dense(10, Activation.Softmax).Build(Initializer.HeNormal(1))

/// The MLP 784-256-128-10, ReLU, softmax (HeNormal, seed 1).
let mlp () : Network = mlpWith Activation.ReLU

/// ReLU written by a user as a struct (docs/extending.md): the loops are specialised to it.
[<Struct>]
type UserReLU =
    interface IActivationFunction with
        member _.Value z = if z > 0.0 then z else 0.0
        member _.Derivative(z, _) = if z > 0.0 then 1.0 else 0.0

/// The user's ReLU, registered, as a struct or as two lambdas.
let userReLU (asLambdas: bool) : Activation =
    let options = ActivationOptions(Kinks = [| 0.0 |])
    if asLambdas then
        Activation.Register(ActivationDefinition.Create("benchReluLambda", Func<float, float>(fun z -> if z > 0.0 then z else 0.0), Func<float, float, float>(fun z _ -> if z > 0.0 then 1.0 else 0.0), options))
    else Activation.Register(ActivationDefinition.Create<UserReLU>("benchReluStruct", options))

/// One epoch of SGD (lr 0.01) with softmax cross-entropy at the given batch size, through
/// Trainer.Fit on the fast path (default) or the reference path.
let fitEpochOn (reference: bool) (network: Network) (x: double[][]) (y: int[]) (batch: int) : TrainingResult =
    Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.01), BatchSize = batch, Epochs = 1, UseReferencePath = reference).Fit(network, Features.FromRows x, Targets.FromLabels y)

/// One epoch through Trainer.Fit on the default (fast) path.
let fitEpoch (network: Network) (x: double[][]) (y: int[]) (batch: int) : TrainingResult = fitEpochOn false network x y batch

/// A fast-path training engine (the plan behind Trainer.Fit) for a core network on row-major
/// data, and the batch it steps on: rows 0..batch−1. Stepping it is one training step with no
/// conversion, no shuffle and no epoch bookkeeping.
let planStep (loss: Hybrid.Core.Loss) (eta: float) (net: Hybrid.Core.Network) (x: float[]) (y: float[]) (batch: int) : unit -> unit =
    let config : Hybrid.Core.TrainingConfig =
        { Loss = loss; Rule = Hybrid.Core.PlainSgd; LearningRate = eta; Schedule = Hybrid.Core.ConstantRate; L2 = 0.0
          BatchSize = batch; Epochs = 1; Seed = 0; Patience = 0; MinDelta = 0.0; RestoreBest = false
          Monitor = Hybrid.Core.MonitorLoss; DivergenceFactor = Hybrid.Core.Training.defaultDivergenceFactor }
    let inputs, outputs = Hybrid.Core.Network.inputSize net, Hybrid.Core.Network.outputSize net
    let engine = Hybrid.Core.FastTraining.engine config net (Hybrid.Core.FastTraining.rowSet x y inputs outputs) None
    let rows = Array.init batch id
    fun () -> engine.Step(0, 0, rows, eta) |> ignore

/// The MLP's fast-path step on a batch of 128 of the given rows.
let mlpPlanStep (x: double[][]) (y: int[]) : unit -> unit =
    let net = Hybrid.Core.Network.dense 1 Hybrid.Core.HeNormal 784 [ 256, Hybrid.Core.ReLU; 128, Hybrid.Core.ReLU; 10, Hybrid.Core.Softmax ]
    planStep Hybrid.Core.CategoricalCrossEntropy 0.01 net (Array.concat x.[0 .. 127]) (Array.init (128 * 10) (fun e -> if y.[e / 10] = e % 10 then 1.0 else 0.0)) 128

/// The "20 lines" network of S29: 64×1000 → 100 sigmoid → 10 identity, sum-of-squares loss.
type S29 =
    { Net: Hybrid.Core.Network; X: MathNet.Numerics.LinearAlgebra.Matrix<float>; Y: MathNet.Numerics.LinearAlgebra.Matrix<float> }

let s29 () : S29 =
    { Net = Hybrid.Core.Network.dense 8 (Hybrid.Core.Normal 1.0) 1000 [ 100, Hybrid.Core.Sigmoid; 10, Hybrid.Core.Identity ]
      X = Hybrid.Core.Init.matrix (Hybrid.Core.Normal 1.0) 6 64 1000
      Y = Hybrid.Core.Init.matrix (Hybrid.Core.Normal 1.0) 7 64 10 }

/// S29's step on the fast path (a preallocated plan, updated in place).
let s29PlanStep (s: S29) : unit -> unit =
    planStep Hybrid.Core.SumOfSquares 1e-6 s.Net (s.X.ToRowMajorArray()) (s.Y.ToRowMajorArray()) 64

/// One gradient step of S29 (η = 1e-6), returning the new network.
let s29Step (s: S29) (net: Hybrid.Core.Network) : Hybrid.Core.Network =
    fst (Hybrid.Core.Optimizer.step 1e-6 Hybrid.Core.SumOfSquares net s.X s.Y)
