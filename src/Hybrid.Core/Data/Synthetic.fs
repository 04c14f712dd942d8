namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// Seeded 2-D toy data sets for decision-boundary pictures, and the logic gates of S01. Each
/// generator returns (X n×2, labels n) with the rows grouped by class; noise is Gaussian with
/// standard deviation `noise`, drawn by Init.standardNormal on the core generator Rng(seed), two draws
/// per row (x then y) in row order.
module Synthetic =

    let private check (n: int) (minimum: int) (noise: float) (classes: int) =
        if classes < 2 then Shape.fail "classes" (sprintf "classes must be at least 2 but is %d." classes)
        if n < minimum then Shape.fail "count" (sprintf "count must be at least %d but is %d." minimum n)
        Shape.nonNegative "noise" noise

    /// Class sizes: n rows over k classes, the first n mod k classes one row larger:
    /// size_c = ⌊n/k⌋ + [c < n mod k]. Course: S29. Checked by: DataSetTests
    /// "Generators_are_seeded_and_shaped".
    let classSizes (n: int) (k: int) : int[] = Array.init k (fun c -> n / k + (if c < n % k then 1 else 0))

    let private build (noise: float) (seed: int) (points: (float * float * int)[]) : Matrix<float> * int[] =
        let rng = Rng(seed)
        let X = Mat.zeros points.Length 2
        points |> Array.iteri (fun i (x, y, _) ->
            X.[i, 0] <- x + noise * Init.standardNormal rng
            X.[i, 1] <- y + noise * Init.standardNormal rng)
        X, points |> Array.map (fun (_, _, c) -> c)

    /// i-th of m points evenly from a to b inclusive (m = 1 gives a).
    let private linspace (a: float) (b: float) (m: int) (i: int) = if m = 1 then a else a + (b - a) * float i / float (m - 1)

    /// Spiral (cs231n): class c of k, its j-th of m points: r = j/(m−1),
    /// θ = 4c + 4·j/(m−1) (radians), point (r·sin θ, r·cos θ) + noise. n ≥ 2k.
    /// Course: S29 (the non-linear data of the two-layer network). Checked by: DataSetTests
    /// "Generators_are_seeded_and_shaped".
    let spiral (n: int) (noise: float) (seed: int) (classes: int) : Matrix<float> * int[] =
        check n (2 * classes) noise classes
        classSizes n classes
        |> Array.mapi (fun c m -> Array.init m (fun j ->
            let r = linspace 0.0 1.0 m j
            let t = float (4 * c) + linspace 0.0 4.0 m j
            r * Math.Sin t, r * Math.Cos t, c))
        |> Array.concat |> build noise seed

    /// Two interleaving half circles (as scikit-learn's make_moons): class 0 (⌈n/2⌉ points)
    /// (cos t, sin t), class 1 (⌊n/2⌋ points) (1 − cos t, ½ − sin t), t evenly over [0, π];
    /// plus noise. n ≥ 4. Course: S29 (data no linear boundary separates). Checked by: DataSetTests
    /// "Generators_are_seeded_and_shaped".
    let moons (n: int) (noise: float) (seed: int) : Matrix<float> * int[] =
        check n 4 noise 2
        let sizes = classSizes n 2
        Array.append
            (Array.init sizes.[0] (fun j -> let t = linspace 0.0 Math.PI sizes.[0] j in Math.Cos t, Math.Sin t, 0))
            (Array.init sizes.[1] (fun j -> let t = linspace 0.0 Math.PI sizes.[1] j in 1.0 - Math.Cos t, 0.5 - Math.Sin t, 1))
        |> build noise seed

    /// Two concentric circles (as scikit-learn's make_circles): class 0 (⌈n/2⌉ points) radius 1,
    /// class 1 (⌊n/2⌋ points) radius `factor` ∈ (0, 1), angles 2πj/m; plus noise. n ≥ 4.
    /// Course: S29. Checked by: DataSetTests "Generators_are_seeded_and_shaped".
    let circles (n: int) (noise: float) (seed: int) (factor: float) : Matrix<float> * int[] =
        check n 4 noise 2
        if not (factor > 0.0 && factor < 1.0) then Shape.fail "factor" (sprintf "factor must lie in (0, 1) but is %g." factor)
        let sizes = classSizes n 2
        let ring c r m = Array.init m (fun j -> let t = 2.0 * Math.PI * float j / float m in r * Math.Cos t, r * Math.Sin t, c)
        Array.append (ring 0 1.0 sizes.[0]) (ring 1 factor sizes.[1]) |> build noise seed

    /// Gaussian blobs: class c of k is centred at (cos(2πc/k), sin(2πc/k)) on the unit circle;
    /// each point is its centre plus noise (the blob's standard deviation). n ≥ k.
    /// Course: S29. Checked by: DataSetTests "Generators_are_seeded_and_shaped".
    let blobs (n: int) (noise: float) (seed: int) (classes: int) : Matrix<float> * int[] =
        check n classes noise classes
        classSizes n classes
        |> Array.mapi (fun c m ->
            let a = 2.0 * Math.PI * float c / float classes
            Array.init m (fun _ -> Math.Cos a, Math.Sin a, c))
        |> Array.concat |> build noise seed

    /// The truth table of a two-input logic gate (S01): X = [[0,0],[0,1],[1,0],[1,1]] and the
    /// gate's output per row; gate is "and", "or", "nand" or "xor" (case-insensitive).
    /// Course: S01. Checked by: DataSetTests "Logic_gates_hold_their_truth_tables".
    let logicGate (gate: string) : Matrix<float> * int[] =
        if isNull gate then nullArg "gate"
        let f =
            match gate.ToLowerInvariant() with
            | "and" -> fun a b -> a && b
            | "or" -> fun a b -> a || b
            | "nand" -> fun a b -> not (a && b)
            | "xor" -> fun a b -> a <> b
            | _ -> Shape.fail "gate" (sprintf "gate must be \"and\", \"or\", \"nand\" or \"xor\" but is \"%s\"." gate)
        let rows = [| 0, 0; 0, 1; 1, 0; 1, 1 |]
        Mat.init 4 2 (fun i j -> float (if j = 0 then fst rows.[i] else snd rows.[i])),
        rows |> Array.map (fun (a, b) -> if f (a = 1) (b = 1) then 1 else 0)
