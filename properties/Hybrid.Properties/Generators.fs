/// Generators of valid cases by construction: shapes first (they shrink first), values in a
/// well-conditioned range.
module Hybrid.Properties.Generators

open FsCheck
open FsCheck.FSharp
open MathNet.Numerics.LinearAlgebra
open Hybrid.Core

/// A dimension in 1..max.
let dim (max: int) : Gen<int> = Gen.choose (1, max)

/// A float uniformly in [lo, hi].
let floatIn (lo: float) (hi: float) : Gen<float> =
    Gen.choose (0, 1_000_000) |> Gen.map (fun k -> lo + (hi - lo) * float k / 1_000_000.0)

/// A rows×cols matrix with entries from `entry`.
let matrixOf (entry: Gen<float>) (rows: int) (cols: int) : Gen<Matrix<float>> =
    Gen.arrayOfLength (rows * cols) entry
    |> Gen.map (fun xs -> Mat.init rows cols (fun i j -> xs.[i * cols + j]))

/// A rows×cols matrix with entries in [−r, r].
let matrix (r: float) (rows: int) (cols: int) : Gen<Matrix<float>> = matrixOf (floatIn -r r) rows cols

/// A float in [−r, r] at least `gap` away from every point of `kinks`.
let awayFrom (kinks: float list) (gap: float) (r: float) : Gen<float> =
    floatIn -r r |> Gen.filter (fun x -> kinks |> List.forall (fun k -> abs (x - k) >= gap))

/// One registry entry's activation: its hyper-parameter, if it has one, drawn uniformly from the
/// entry's LawRange (S04).
let activationOf (e: ActivationEntry) : Gen<Activation> =
    match e.Parameter with
    | Some p -> floatIn (fst p.LawRange) (snd p.LawRange) |> Gen.map e.Make
    | None -> Gen.constant (e.Make 0.0)

/// Every activation case of the registry `Activation.all`, with hyper-parameters drawn from their
/// law ranges: a new entry is drawn as soon as it is added to the registry.
let activation : Gen<Activation> = Gen.oneof (Activation.all |> List.map activationOf)

/// Every activation case (one representative each at its default hyper-parameter, and one more at
/// the middle of its law range for the cases with one), read from the registry.
let allActivations : Activation list =
    [ for e in Activation.all do
        match e.Parameter with
        | Some p ->
            yield e.Make p.Default
            yield e.Make((fst p.LawRange + snd p.LawRange) / 2.0)
        | None -> yield e.Make 0.0 ]

/// A random one-hot n×k matrix (k ≥ 1).
let oneHot (n: int) (k: int) : Gen<Matrix<float>> =
    Gen.arrayOfLength n (Gen.choose (0, k - 1)) |> Gen.map (Data.oneHot k)

/// An n×k matrix of cross-entropy targets in [0, 1] whose rows are not only one-hot: each row is
/// one-hot, all zeros, multi-label (entries 0 or 1, any number of 1s) or soft (entries anywhere
/// in [0, 1]), so row sums range over [0, k]. The fused softmax + CE gradient (p·Σy − y)/N
/// equals (p − y)/N only when a row sums to 1.
let softLabels (n: int) (k: int) : Gen<Matrix<float>> =
    let row =
        Gen.oneof [
            Gen.choose (0, k - 1) |> Gen.map (fun c -> Array.init k (fun j -> if j = c then 1.0 else 0.0))
            Gen.constant (Array.zeroCreate k)
            Gen.arrayOfLength k (Gen.elements [ 0.0; 1.0 ])
            Gen.arrayOfLength k (floatIn 0.0 1.0) ]
    Gen.arrayOfLength n row |> Gen.map Mat.ofRows

/// A random n×m matrix of −1/+1 targets.
let signs (n: int) (m: int) : Gen<Matrix<float>> = matrixOf (Gen.elements [ -1.0; 1.0 ]) n m

/// Every loss of the registry (Loss.all), its hyper-parameter (if any) drawn from its law range.
let anyLoss : Gen<Loss> =
    Loss.all
    |> List.map (fun e ->
        match e.Parameter with
        | None -> Gen.constant (e.Make 0.0)
        | Some p -> floatIn (fst p.LawRange) (snd p.LawRange) |> Gen.map e.Make)
    |> Gen.oneof

/// A loss case: the loss, a prediction Ŷ in the loss's valid range kept ≥ 1e-3 from its kinks
/// (MAE at ŷ = y, hinge at y·f = 1, multiclass hinge at a zero margin), and a valid target Y.
let lossCase : Gen<Loss * Matrix<float> * Matrix<float>> =
    gen {
        let! n = dim 5
        let! m = dim 4
        let! loss = anyLoss
        match loss with
        | MeanAbsoluteError ->
            let! Y = matrix 2.0 n m
            let! D = matrixOf (awayFrom [ 0.0 ] 1e-3 2.0) n m
            return loss, Y + D, Y
        | MeanSquaredError | SumOfSquares | Huber _ ->
            // Huber is C¹ (its gradient d/N meets δ·sign(d)/N at |d| = δ): no kink to keep clear of.
            let! Y = matrix 2.0 n m
            let! Yhat = matrix 2.0 n m
            return loss, Yhat, Y
        | BinaryCrossEntropy ->
            let! Y = matrix 1.0 n m |> Gen.map (Mat.map abs)
            let! Yhat = matrixOf (floatIn 0.05 0.95) n m
            return loss, Yhat, Y
        | CategoricalCrossEntropy ->
            let! Y = oneHot n m
            let! P = matrixOf (floatIn 0.05 1.0) n m
            return loss, P, Y
        | Hinge ->
            let! Y = signs n m
            let! Fs = matrixOf (awayFrom [ 1.0; -1.0 ] 1e-3 3.0) n m
            return loss, Fs, Y
        | MulticlassHinge ->
            let! Y = oneHot n m
            let! S =
                matrix 3.0 n m |> Gen.filter (fun S ->
                    let labels = Mat.argmaxRows Y
                    Seq.forall (fun i -> Seq.forall (fun j -> j = labels.[i] || abs (S.[i, j] - S.[i, labels.[i]] + 1.0) >= 1e-3) [ 0 .. m - 1 ]) [ 0 .. n - 1 ])
            return loss, S, Y
        | Logistic ->
            let! Y = signs n m
            let! Fs = matrix 5.0 n m
            return loss, Fs, Y
        | UserLoss c -> return invalidArg "loss" (sprintf "anyLoss draws built-in losses, not %s." c.Name)
    }

/// Targets for n rows and m outputs that suit the loss: BCE in [0, 1], CE and multiclass hinge
/// one-hot, hinge and logistic ±1, otherwise any value in [−1, 1].
let targetsFor (loss: Loss) (n: int) (m: int) : Gen<Matrix<float>> =
    match loss with
    | BinaryCrossEntropy -> matrix 1.0 n m |> Gen.map (Mat.map abs)
    | CategoricalCrossEntropy | MulticlassHinge -> oneHot n m
    | Hinge | Logistic -> signs n m
    | _ -> matrix 1.0 n m

/// Layer widths for a network: input width and 1..3 layers of width 1..4.
let private widths : Gen<int * int list> =
    gen {
        let! inputs = dim 4
        let! depth = dim 3
        let! ws = Gen.listOfLength depth (dim 4)
        return inputs, ws
    }

/// Whether every pre-activation of the network on X, in the forward pass with dropout seed
/// `dropoutSeed` (None: inference), is ≥ gap from its activation's kinks and every maxout max is won
/// by a margin ≥ gap (so central differences never straddle a kink). The seed must be the one the
/// law differentiates with: every dropout layer's mask changes the pre-activations after it.
let clearOfKinksWith (dropoutSeed: int option) (gap: float) (net: Network) (X: Matrix<float>) : bool =
    let _, caches = Network.forwardCache dropoutSeed net X
    List.zip net.Layers caches |> List.forall (fun (layer, cache) ->
        match layer, cache with
        | DenseLayer d, DenseCache c ->
            let ks = Activation.kinks d.Activation
            c.Z.Enumerate() |> Seq.forall (fun z -> ks |> List.forall (fun k -> abs (z - k) >= gap))
        | MaxoutLayer _, MaxoutCache c ->
            let n, m = c.Z.[0].RowCount, c.Z.[0].ColumnCount
            Seq.forall (fun i -> Seq.forall (fun col ->
                let vals = c.Z |> Array.map (fun z -> z.[i, col]) |> Array.sortDescending
                vals.[0] - vals.[1] >= gap) [ 0 .. m - 1 ]) [ 0 .. n - 1 ]
        | _ -> true)

/// clearOfKinksWith at inference (no dropout mask).
let clearOfKinks (gap: float) (net: Network) (X: Matrix<float>) : bool = clearOfKinksWith None gap net X

/// A hidden layer: dense with any activation but softmax/step (step has zero gradient: it is
/// checked in the activation laws), a maxout layer, dropout, or layer normalisation (γ near 1, β
/// near 0, ε of PyTorch's or Keras's default).
let private hiddenLayer (fanIn: int) (units: int) : Gen<Layer> =
    gen {
        let! kind = Gen.frequency [ 6, Gen.constant 0; 1, Gen.constant 1; 1, Gen.constant 2; 1, Gen.constant 3 ]
        match kind with
        | 1 ->
            let! k = Gen.choose (2, 3)
            let! Ws = Gen.arrayOfLength k (matrix 1.0 fanIn units)
            let! Bs = Gen.arrayOfLength k (matrix 0.5 1 units)
            return MaxoutLayer(Maxout.create Ws Bs)
        | 2 when fanIn = units ->
            let! rate = floatIn 0.0 0.5
            return DropoutLayer rate
        | 3 when fanIn = units ->
            let! gamma = matrix 0.5 1 units
            let! beta = matrix 0.5 1 units
            let! epsilon = Gen.elements [ 1e-5; 1e-3 ]
            return LayerNormLayer(LayerNorm.create (gamma |> Mat.map (fun g -> 1.0 + g)) beta epsilon)
        | _ ->
            let! g = activation |> Gen.filter (fun g -> g <> Softmax && g <> BinaryStep)
            let! W = matrix 1.0 fanIn units
            let! B = matrix 0.5 1 units
            return DenseLayer(Dense.create W B g)
    }

/// A whole network case: a network of 1..3 generated layers, a batch X (n ≤ 4), a target Y
/// and a loss that suits the output layer (sigmoid+BCE and softmax+CE take the fused path),
/// all clear of kinks by 1e-3.
let networkCase : Gen<Network * Loss * Matrix<float> * Matrix<float>> =
    gen {
        let! inputs, ws = widths
        let dims = inputs :: ws
        let hidden = List.pairwise dims |> List.take (ws.Length - 1)
        let! layers = hidden |> Gen.collectToList (fun (a, b) -> hiddenLayer a b)
        let fanIn, out = List.last (List.pairwise dims)
        let! loss = anyLoss
        let! g =
            match loss with
            | BinaryCrossEntropy -> Gen.constant Sigmoid
            | CategoricalCrossEntropy -> Gen.elements [ Softmax; Sigmoid ]
            | Hinge | Logistic | MulticlassHinge -> Gen.elements [ Identity; Tanh ]
            | _ -> activation |> Gen.filter (fun g -> g <> BinaryStep)
        let! W = matrix 1.0 fanIn out
        let! B = matrix 0.5 1 out
        let net = Network.create (layers @ [ DenseLayer(Dense.create W B g) ])
        let! n = dim 4
        let! X = matrix 1.5 n inputs
        let! Y = targetsFor loss n out
        return net, loss, X, Y
    }
    |> Gen.filter (fun (net, loss, X, Y) ->
        clearOfKinks 1e-3 net X
        && (let A = Network.forward net X
            match loss with
            | MeanAbsoluteError -> Seq.forall2 (fun (a: float) y -> abs (a - y) >= 1e-3) (A.Enumerate()) (Y.Enumerate())
            | Hinge -> Seq.forall2 (fun (a: float) y -> abs (1.0 - a * y) >= 1e-3) (A.Enumerate()) (Y.Enumerate())
            | MulticlassHinge ->
                let labels = Mat.argmaxRows Y
                Seq.forall (fun i -> Seq.forall (fun j -> j = labels.[i] || abs (A.[i, j] - A.[i, labels.[i]] + 1.0) >= 1e-3) [ 0 .. A.ColumnCount - 1 ]) [ 0 .. A.RowCount - 1 ]
            | _ -> true))

/// Every initialiser case.
let initializer : Gen<Initializer> =
    Gen.oneof [
        Gen.constant Zeros
        floatIn -2.0 2.0 |> Gen.map Constant
        floatIn 0.1 2.0 |> Gen.map Normal
        floatIn 0.1 2.0 |> Gen.map Uniform
        Gen.elements [ SmallRandom; XavierNormal; XavierUniform; HeNormal; HeUniform; LeCunNormal; LeCunUniform ] ]
