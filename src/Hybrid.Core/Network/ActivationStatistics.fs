namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// What one layer's activations looked like in the S31 experiment.
type LayerActivationStatistics =
    { /// 1-based layer number.
      Layer: int
      /// Mean of all n·width activations of the layer (averaged over seeds).
      Mean: float
      /// Population standard deviation of the activations (averaged over seeds).
      Std: float
      /// Histogram bin edges (bins + 1, ascending), shared by every layer of one run.
      Edges: float[]
      /// Activations per bin, summed over seeds (n·width·seeds in all): a value equal to the last
      /// edge counts in the last bin, and a later seed's values outside the first seed's range in
      /// the end bins.
      Counts: int[] }

/// The activation-statistics experiment of S31: a standard-normal input pushed through `depth`
/// layers A ← g(A·W) of `width` units, no biases, W drawn by an initialiser; each layer's
/// activation mean, standard deviation and histogram show vanishing (std → 0) or saturating
/// (tanh at ±1) activations.
module ActivationStatistics =

    /// Counts of `values` in the bins [e_0, e_1), [e_1, e_2), ..., [e_(k−1), e_k] (the last bin
    /// closed); values outside [e_0, e_k] are not counted. Shapes: edges k + 1 ascending -> k counts.
    /// Course: S31 (the per-layer histograms). Checked by: ActivationStatisticsTests
    /// "histogram puts each value in its bin and the last edge in the last bin".
    let histogram (edges: float[]) (values: seq<float>) : int[] =
        if isNull edges || edges.Length < 2 then Shape.fail "edges" "give at least two bin edges."
        for i in 1 .. edges.Length - 1 do
            if not (edges.[i] > edges.[i - 1]) then Shape.fail "edges" (sprintf "edges must ascend strictly, but edge %d is %g after %g." i edges.[i] edges.[i - 1])
        let k = edges.Length - 1
        let counts = Array.zeroCreate k
        for v in values do
            if v >= edges.[0] && v <= edges.[k] then
                // binary search for the last edge <= v
                let mutable lo, hi = 0, k
                while hi - lo > 1 do
                    let mid = (lo + hi) / 2
                    if edges.[mid] <= v then lo <- mid else hi <- mid
                counts.[lo] <- counts.[lo] + 1
        counts

    /// The activations of every layer for one seed: X = N(0, 1) of n×width drawn with seed
    /// `Init.derive seed 0`; layer l (1-based) has W_l = `Init.matrix init (Init.derive seed l) width width`
    /// and A_l = g(A_(l−1)·W_l) (no bias, as on the slides). Shapes: -> depth matrices n×width.
    /// Course: S31. Checked by: ActivationStatisticsTests "identity with a constant initialiser
    /// gives the closed-form std".
    let layers (g: Activation) (init: Initializer) (seed: int) (n: int) (width: int) (depth: int) : Matrix<float> list =
        Shape.positiveInt "n" n
        Shape.positiveInt "width" width
        Shape.positiveInt "depth" depth
        Init.validate "init" init
        let X = Init.matrix (Normal 1.0) (Init.derive seed 0) n width
        [ 1 .. depth ] |> List.scan (fun (A: Matrix<float>) l -> Activation.forward g (Mat.mul A (Init.matrix init (Init.derive seed l) width width))) X |> List.tail

    /// Mean and population standard deviation of all entries: μ = Σa/N, σ = √(Σ(a − μ)²/N).
    /// Course: S31. Checked by: ActivationStatisticsTests "mean and std of a known matrix".
    let meanStd (A: Matrix<float>) : float * float =
        Shape.nonEmpty "A" A
        let xs = A.AsColumnMajorArray()
        let mean = Array.average xs
        mean, sqrt (xs |> Array.averageBy (fun x -> (x - mean) * (x - mean)))

    /// The experiment: for each seed s in seed, seed + 1, ..., seed + seeds − 1, the layers of
    /// `layers`; per layer the mean and std averaged over the seeds, and a histogram with `bins`
    /// equal bins over [min, max] of all layers' activations of the first seed (so layers share
    /// one axis: a collapsing layer shows as a spike), counts summed over the seeds (a later seed's
    /// values outside that range go to the end bins).
    /// Course: S31. Checked by: ActivationStatisticsTests "ReLU with He keeps the closed-form
    /// std of layer 1" and "statistics average over seeds".
    let run (g: Activation) (init: Initializer) (seed: int) (seeds: int) (n: int) (width: int) (depth: int) (bins: int) : LayerActivationStatistics list =
        Shape.positiveInt "seeds" seeds
        Shape.positiveInt "bins" bins
        let perSeed = [ for s in seed .. seed + seeds - 1 -> layers g init s n width depth ]
        let first = List.head perSeed
        let lo = first |> List.map (fun A -> Mat.entries A |> Seq.min) |> List.min
        let hi = first |> List.map (fun A -> Mat.entries A |> Seq.max) |> List.max
        let lo, hi = if hi > lo then lo, hi else lo - 0.5, lo + 0.5
        let edges = Array.init (bins + 1) (fun i -> if i = bins then hi else lo + (hi - lo) * float i / float bins)
        [ for l in 0 .. depth - 1 ->
            let stats = perSeed |> List.map (fun run -> meanStd run.[l])
            let clamp v = Math.Min(hi, Math.Max(lo, v))
            let counts = perSeed |> List.map (fun run -> histogram edges (Mat.entries run.[l] |> Seq.map clamp)) |> List.reduce (Array.map2 (+))
            { Layer = l + 1
              Mean = stats |> List.averageBy fst
              Std = stats |> List.averageBy snd
              Edges = edges
              Counts = counts } ]
