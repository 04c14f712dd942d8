/// Optimisation without gradients (S25) against gradient descent (S27), on small networks written
/// in flat parameters whose loss and gradient come from the gate engine (S07-S11).
module RandomSearchTests

open System
open Xunit
open Hybrid.Core

/// A 1-8-1 tanh network regressing sin(πx) on 21 points of [−1, 1]: ŷ = Σ_j w2_j·tanh(w1_j·x + b1_j) + b2,
/// loss J = 1/(2N)·Σ (ŷ − y)². θ = [w1 (8); b1 (8); w2 (8); b2]: 25 parameters.
module private SineNet =
    let hidden = 8
    let parameters = 3 * hidden + 1
    let xs = Array.init 21 (fun i -> -1.0 + 0.1 * float i)
    let ys = xs |> Array.map (fun x -> Math.Sin(Math.PI * x))

    let build (t: Node[]) : Node =
        let mutable total = Graph.constant 0.0
        for k in 0 .. xs.Length - 1 do
            let mutable out = t.[3 * hidden]
            for j in 0 .. hidden - 1 do
                out <- out + Graph.tanh (t.[j] * xs.[k] + t.[hidden + j]) * t.[2 * hidden + j]
            let e = out - ys.[k]
            total <- total + e * e
        total * (0.5 / float xs.Length)

    let loss (theta: float[]) : float = (build (Array.map Graph.input theta)).Data

    let gradient (theta: float[]) : float[] =
        let nodes = Array.map Graph.input theta
        Graph.backward (build nodes)
        nodes |> Array.map (fun n -> n.Grad)

/// A 2-2-1 sigmoid network on a logic gate, loss = mean binary cross-entropy from the logit
/// (softplus(z) − y·z). θ = [W1 (2×2 row-major); b1 (2); w2 (2); b2]: 9 parameters.
module private GateNet =
    let build (data: GateData) (t: Node[]) : Node =
        let mutable total = Graph.constant 0.0
        for k in 0 .. data.X.Length - 1 do
            let x = data.X.[k]
            let h j = Graph.sigmoid (t.[j] * x.[0] + t.[2 + j] * x.[1] + t.[4 + j])
            let z = h 0 * t.[6] + h 1 * t.[7] + t.[8]
            total <- total + (Graph.log (1.0 + Graph.exp z) - data.Y.[k] * z)
        total / float data.X.Length

    let loss data (theta: float[]) = (build data (Array.map Graph.input theta)).Data

    let gradient data (theta: float[]) =
        let nodes = Array.map Graph.input theta
        Graph.backward (build data nodes)
        nodes |> Array.map (fun n -> n.Grad)

[<Fact>]
let ``S25 gradient descent reaches a lower loss than random search and random local search with the same budget`` () =
    // Same seed, same start, same budget of 500 loss evaluations. Each method got its best setting
    // from a small grid (measured, seeds 1..5, mean best loss): random search scale ∈ {0.3, 1, 3} -> 1
    // (0.119, 0.096, 0.222); local search step ∈ {0.03, 0.1, 0.3} -> 0.1 (0.038, 0.015, 0.024);
    // gradient descent η ∈ {0.1, 0.3, 0.6} -> 0.3 (0.064, 0.0068, 0.0062: 0.3 and 0.6 about equal).
    // Measured best losses (seed 1..3): random search 0.083, 0.091, 0.131; local search 0.0097,
    // 0.0114, 0.0116; gradient descent 0.0070, 0.0063, 0.0065 (start: 1.14, 0.94, 0.31).
    let budget = 500
    for seed in 1..3 do
        let init = (RandomSearch.search seed 1 0.5 SineNet.parameters SineNet.loss).Parameters
        let random = RandomSearch.search seed budget 1.0 SineNet.parameters SineNet.loss
        let local = RandomSearch.localSearch seed budget 0.1 init SineNet.loss
        let gd = RandomSearch.gradientDescent budget 0.3 init SineNet.loss SineNet.gradient
        for r in [ random; local; gd ] do
            Assert.Equal(budget, r.Evaluations)
            Assert.Equal(budget, r.BestLossHistory.Length)
            Assert.Equal(r.Loss, SineNet.loss r.Parameters)
        Assert.True(gd.Loss < local.Loss, sprintf "seed %d: gd %g vs local search %g" seed gd.Loss local.Loss)
        Assert.True(local.Loss < random.Loss, sprintf "seed %d: local search %g vs random search %g" seed local.Loss random.Loss)
        Assert.True(gd.Loss < random.Loss / 10.0, sprintf "seed %d: gd %g vs random search %g" seed gd.Loss random.Loss)

[<Fact>]
let ``S25 on a 2-2-1 network for AND gradient descent beats random search, random local search beats both`` () =
    // Measured (budget 300, seeds 1..5): random search (scale 1) 0.46..0.51, gradient descent (η = 2)
    // 0.0077..0.011, random local search (step 0.5) 0.0000..0.0003. Cross-entropy on separable data
    // has its infimum at infinite weights, and random steps grow the weights faster than η = 2 does:
    // with 9 parameters a random direction is still often a descent direction. (With 25 parameters,
    // the test above, the gradient wins.)
    let data = LogicGates.andGate ()
    let budget = 300
    let init = (RandomSearch.search 1 1 0.5 9 (GateNet.loss data)).Parameters
    let random = RandomSearch.search 1 budget 1.0 9 (GateNet.loss data)
    let local = RandomSearch.localSearch 1 budget 0.5 init (GateNet.loss data)
    let gd = RandomSearch.gradientDescent budget 2.0 init (GateNet.loss data) (GateNet.gradient data)
    Assert.InRange(random.Loss, 0.45, 0.52)
    Assert.InRange(gd.Loss, 0.005, 0.02)
    Assert.True(local.Loss < gd.Loss)

[<Fact>]
let ``S25 the best-loss history never increases and the same seed gives the same run`` () =
    let quadratic (t: float[]) = t |> Array.sumBy (fun x -> (x - 1.0) * (x - 1.0))
    let a = RandomSearch.localSearch 42 200 0.3 [| 0.0; 0.0; 0.0 |] quadratic
    let b = RandomSearch.localSearch 42 200 0.3 [| 0.0; 0.0; 0.0 |] quadratic
    Assert.Equal<float[]>(a.Parameters, b.Parameters)
    Assert.Equal<float[]>(a.BestLossHistory, b.BestLossHistory)
    Assert.True(Array.forall (fun (x, y) -> y <= x) (Array.pairwise a.BestLossHistory))
    Assert.Equal(3.0, a.BestLossHistory.[0])
    Assert.True(a.Loss < 0.1)
    let c = RandomSearch.search 42 200 1.0 3 quadratic
    Assert.True(Array.forall (fun (x, y) -> y <= x) (Array.pairwise c.BestLossHistory))
    Assert.NotEqual<float[]>(c.Parameters, (RandomSearch.search 43 200 1.0 3 quadratic).Parameters)
    // Gradient descent on the quadratic with η = 0.25: θ_k = 1 − 0.5^k, loss 3·0.25^k.
    let g = RandomSearch.gradientDescent 5 0.25 [| 0.0; 0.0; 0.0 |] quadratic (Array.map (fun x -> 2.0 * (x - 1.0)))
    Assert.Equal(3.0 * 0.25 ** 4.0, g.Loss, 15)
    Assert.Equal(1.0 - 0.5 ** 4.0, g.Parameters.[0], 15)

[<Fact>]
let ``S25 bad arguments raise ArgumentException naming the argument`` () =
    let f (t: float[]) = t.[0]
    let name (run: unit -> SearchResult) = (Assert.ThrowsAny<ArgumentException>(fun () -> run () |> ignore)).ParamName |> string
    Assert.Equal("budget", name (fun () -> RandomSearch.search 1 0 1.0 2 f))
    Assert.Equal("scale", name (fun () -> RandomSearch.search 1 10 -1.0 2 f))
    Assert.Equal("dimension", name (fun () -> RandomSearch.search 1 10 1.0 0 f))
    Assert.Equal("init", name (fun () -> RandomSearch.localSearch 1 10 1.0 [||] f))
    Assert.Equal("stepSize", name (fun () -> RandomSearch.localSearch 1 10 0.0 [| 1.0 |] f))
    Assert.Equal("gradient", name (fun () -> RandomSearch.gradientDescent 10 0.1 [| 1.0 |] f (fun _ -> [| 1.0; 2.0 |])))

[<Fact>]
let ``S25 over a core Network's parameters: gradient descent beats random local search beats random search`` () =
    // The same sine regression as above, on the core Network (1-8-1, tanh hidden, identity output,
    // MSE), θ = Network.toVector (25 parameters); same seed, same start, 500 loss evaluations each.
    // Measured (network seeds 5, 6, 7 with search seeds 1, 2, 3): random search 0.121, 0.097, 0.090;
    // local search 0.018, 0.028, 0.020; gradient descent 0.0086, 0.0066, 0.0057.
    let X = Mat.init 21 1 (fun i _ -> -1.0 + 0.1 * float i)
    let Y = X.Map(fun x -> Math.Sin(Math.PI * x))
    let net = Network.dense 5 XavierNormal 1 [ 8, Tanh; 1, Identity ]
    let loss = RandomSearch.networkLoss MeanSquaredError net X Y
    let gradient = RandomSearch.networkGradient MeanSquaredError net X Y
    let init = Network.toVector net
    // The flattened backprop gradient is the numerical gradient of θ ↦ J (S17 + S26).
    let n = Numerical.gradient 1e-5 (fun t -> loss (t.ToRowMajorArray())) (Mat.row init)
    let c = Numerical.check 1e-4 (Mat.row (gradient init)) n
    Assert.True(c.MaxRelativeError < 1e-5, sprintf "%A" c)
    let budget = 500
    let random = RandomSearch.search 1 budget 1.0 init.Length loss
    let local = RandomSearch.localSearch 1 budget 0.1 init loss
    let gd = RandomSearch.gradientDescent budget 0.3 init loss gradient
    Assert.True(gd.Loss < local.Loss, sprintf "gd %g vs local search %g" gd.Loss local.Loss)
    Assert.True(local.Loss < random.Loss, sprintf "local search %g vs random search %g" local.Loss random.Loss)
