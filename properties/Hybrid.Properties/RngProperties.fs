/// Laws of the core's one generator Rng (xoshiro256** seeded by SplitMix64) and of the shuffle
/// drawn from it (S28's minibatches, Fisher–Yates). The statistical laws state their bounds: each
/// fails a correct generator with probability below about 1e-8 per case, so a failure means a
/// defect, not bad luck.
module Hybrid.Properties.RngProperties

open System
open FsCheck.FSharp
open Hybrid.Core

let private anySeed = Gen.oneof [ Gen.choose (Int32.MinValue, Int32.MaxValue); Gen.elements [ 0; 1; -1; Int32.MaxValue; Int32.MinValue ] ]

/// The first four outputs for seeds 0, 42 and −1, as printed by the authors' reference C code
/// (splitmix64.c filling s[0..3] from x = (uint64_t)seed, then xoshiro256starstar.c's next()),
/// compiled and run on its own: an independent statement of the algorithm.
let private publishedLaw =
    Spec.example "S28 / generator / the first outputs equal the published algorithm's" (fun () ->
        let expected =
            [ 0, [ 0x99EC5F36CB75F2B4UL; 0xBF6E1F784956452AUL; 0x1A5F849D4933E6E0UL; 0x6AA594F1262D2D2CUL ]
              42, [ 0x15780B2E0C2EC716UL; 0x6104D9866D113A7EUL; 0xAE17533239E499A1UL; 0xECB8AD4703B360A1UL ]
              -1, [ 0x8F5520D52A7EAD08UL; 0xC476A018CAA1802DUL; 0x81DE31C0D260469EUL; 0xBF658D7E065F3C2FUL ] ]
        for seed, outputs in expected do
            let r = Rng(seed)
            outputs |> List.iteri (fun i x ->
                let y = r.NextUInt64()
                if x <> y then failwithf "seed %d, output %d: expected 0x%016X, got 0x%016X" seed i x y))

/// Interleaved draws of every kind, so a reseed must restore all of the state.
let private draws (r: Rng) (count: int) : float list =
    List.init count (fun i -> match i % 3 with 0 -> r.NextDouble() | 1 -> float (r.Next 1000) | _ -> float (r.NextUInt64() >>> 40))

let private reseedLaw =
    Spec.property "S28 / generator / reseeding restarts the same sequence" (Gen.zip3 anySeed anySeed (Gen.choose (0, 200))) (fun (seed, other, count) ->
        let fresh = draws (Rng seed) count
        let r = Rng(other)
        draws r count |> ignore
        r.Reseed seed
        let again = draws r count
        r.Reseed seed
        if again <> fresh || draws r count <> fresh then failwithf "seed %d: the sequence after Reseed differs from a new Rng's" seed)

let private unitLaw =
    Spec.property "S28 / generator / NextDouble lies in [0, 1)" anySeed (fun seed ->
        let r = Rng(seed)
        for _ in 1 .. 2000 do
            let u = r.NextDouble()
            // A multiple of 2⁻⁵³ in [0, 1): 53 random bits, exactly representable.
            if not (u >= 0.0 && u < 1.0) || u * 9007199254740992.0 <> Math.Floor(u * 9007199254740992.0) then
                failwithf "seed %d: %.17g is not a multiple of 2^-53 in [0, 1)" seed u)

/// N = 20000 draws u: the sample mean is within 6σ of ½ (σ² = 1/(12N)); the sample variance
/// within 6σ of 1/12 (Var (u − ½)² = 1/80 − 1/144 = 1/180, σ² ≈ 1/(180N)); the counts in ten
/// equal bins give Pearson's χ² = Σ (O − N/10)²/(N/10) below 64, the 1 − 1e−9 point of χ² with
/// 9 degrees of freedom (Wilson–Hilferty).
let private uniformLaw =
    Spec.property "S28 / generator / NextDouble's mean, variance and decile counts agree with U(0, 1)" anySeed (fun seed ->
        let n = 20000
        let r = Rng(seed)
        let u = Array.init n (fun _ -> r.NextDouble())
        let mean = Array.average u
        let variance = (u |> Array.sumBy (fun x -> (x - mean) * (x - mean))) / float (n - 1)
        if abs (mean - 0.5) > 6.0 * sqrt (1.0 / (12.0 * float n)) then failwithf "seed %d: mean %g" seed mean
        if abs (variance - 1.0 / 12.0) > 6.0 * sqrt (1.0 / (180.0 * float n)) then failwithf "seed %d: variance %g" seed variance
        let counts = Array.zeroCreate 10
        for x in u do counts.[int (x * 10.0)] <- counts.[int (x * 10.0)] + 1
        let e = float n / 10.0
        let chi2 = counts |> Array.sumBy (fun o -> (float o - e) ** 2.0 / e)
        if chi2 > 64.0 then failwithf "seed %d: chi-square %g over 9 degrees of freedom, counts %A" seed chi2 counts)
    |> Spec.scaled 0.5

/// Small bounds: 30·bound draws reach every value of 0..bound−1 (a given value is missed with
/// probability (1 − 1/bound)^(30·bound) < e⁻³⁰); any bound up to Int32.MaxValue: in range.
let private boundLaw =
    let case = Gen.zip3 anySeed (Gen.choose (1, 60)) (Gen.oneof [ Gen.choose (1, Int32.MaxValue); Gen.elements [ 1; 2; 3; Int32.MaxValue; (1 <<< 30) + 1; 3 <<< 29 ] ])
    Spec.property "S28 / generator / Next(bound) lies in 0..bound−1 and reaches every value" case (fun (seed, small, large) ->
        let r = Rng(seed)
        let seen = Array.zeroCreate small
        for _ in 1 .. 30 * small do
            let k = r.Next small
            if k < 0 || k >= small then failwithf "seed %d: Next(%d) gave %d" seed small k
            seen.[k] <- true
        match Array.tryFindIndex not seen with
        | Some k -> failwithf "seed %d: Next(%d) never gave %d in %d draws" seed small k (30 * small)
        | None -> ()
        for _ in 1 .. 200 do
            let k = r.Next large
            if k < 0 || k >= large then failwithf "seed %d: Next(%d) gave %d" seed large k)

/// Over seeds base, base+1, .., base+N−1 (N = 60000), the shuffle of 3 rows (minibatches seed 3 3)
/// gives each of the 3! = 6 orders with count c ~ Binomial(N, 1/6): |c − N/6| ≤ 6·√(N·(1/6)·(5/6))
/// (≈ 548 around 10000). The identity [0; 1; 2] must appear: Sattolo's off-by-one (j = Next(i)
/// for Next(i + 1)) draws only the 2 cyclic orders and never leaves a row in place.
let private permutationLaw =
    Spec.property "S28 / shuffle / every order of 3 rows appears with frequency 1/6 within a binomial bound, the identity included" (Gen.choose (0, 1000000)) (fun start ->
        let n = 60000
        let counts = Collections.Generic.Dictionary<int list, int>()
        for seed in start .. start + n - 1 do
            let order = List.ofArray (Optimizer.minibatches seed 3 3).[0]
            counts.[order] <- (match counts.TryGetValue order with | true, c -> c + 1 | _ -> 1)
        let bound = 6.0 * sqrt (float n * (1.0 / 6.0) * (5.0 / 6.0))
        let orders = [ [ 0; 1; 2 ]; [ 0; 2; 1 ]; [ 1; 0; 2 ]; [ 1; 2; 0 ]; [ 2; 0; 1 ]; [ 2; 1; 0 ] ]
        for order in orders do
            let c = match counts.TryGetValue order with | true, c -> c | _ -> 0
            if abs (float c - float n / 6.0) > bound then
                failwithf "seeds %d..%d: order %A appeared %d times, expected %g ± %.0f (all: %A)" start (start + n - 1) order c (float n / 6.0) bound (List.ofSeq counts))
    |> Spec.scaled 0.1

/// For n rows (2..9) over N = 20000 seeds, the count of row r landing at position p is
/// Binomial(N, 1/n): within 6·√(N·(1/n)·(1 − 1/n)) of N/n for every (r, p); in particular every
/// row stays in place sometimes (Sattolo's off-by-one never does).
let private positionLaw =
    Spec.property "S28 / shuffle / every row lands at every position with frequency 1/n within a binomial bound" (Gen.zip (Gen.choose (2, 9)) (Gen.choose (0, 1000000))) (fun (rows, start) ->
        let n = 20000
        let counts = Array2D.zeroCreate rows rows
        for seed in start .. start + n - 1 do
            (Optimizer.minibatches seed rows rows).[0] |> Array.iteri (fun p r -> counts.[r, p] <- counts.[r, p] + 1)
        let q = 1.0 / float rows
        let bound = 6.0 * sqrt (float n * q * (1.0 - q))
        for r in 0 .. rows - 1 do
            for p in 0 .. rows - 1 do
                if abs (float counts.[r, p] - float n * q) > bound then
                    failwithf "%d rows, seeds %d..: row %d at position %d %d times, expected %g ± %.0f" rows start r p counts.[r, p] (float n * q) bound)
    |> Spec.scaled 0.1

let laws : Spec.Law list = [ publishedLaw; reseedLaw; unitLaw; uniformLaw; boundLaw; permutationLaw; positionLaw ]
