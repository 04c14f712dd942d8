/// Laws of the initialisers (S31).
module Hybrid.Properties.InitProperties

open FsCheck.FSharp
open Hybrid.Core
open Hybrid.Properties.Generators

let private law1 =
    let case = gen { let! i = initializer in let! s = Gen.choose (0, 100000) in let! r = dim 20 in let! c = dim 20 in return i, s, r, c }
    Spec.property "S31 / initialisers / same seed, same weights, for every initialiser" case (fun (init, seed, r, c) -> (Init.matrix init seed r c).Equals(Init.matrix init seed r c))

let private law2 =
    let case = gen { let! i = initializer in let! s = Gen.choose (0, 100000) in return i, s }
    Spec.property "S31 / initialisers / different seeds give different weights for every random initialiser" case (fun (init, seed) ->
        match init with
        | Zeros | Constant _ -> true
        | _ -> not ((Init.matrix init seed 10 10).Equals(Init.matrix init (seed + 1) 10 10)))

/// One of every initialiser case, with its parameter where it has one.
let private everyInitializer =
    [ Zeros; Constant 0.7; Normal 0.5; Uniform 0.8; SmallRandom; XavierNormal; XavierUniform; HeNormal; HeUniform; LeCunNormal; LeCunUniform ]

let private law3 =
    let case = gen { let! s = Gen.choose (0, 100000) in let! r = Gen.choose (30, 150) in let! c = Gen.choose (30, 150) in return s, r, c }
    Spec.scaled 0.5 (Spec.property "S31 / initialisers / sample mean and variance lie within a 6-sigma band of the closed form" case (fun (seed, r, c) ->
      for init in everyInitializer do
        let W = Init.matrix init seed r c
        let N = float (r * c)
        let xs = W.Enumerate() |> Array.ofSeq
        let mean = Array.average xs
        let var = xs |> Array.averageBy (fun x -> (x - mean) * (x - mean))
        // The closed forms written out here, independently of Init.spread/variance (which the
        // sampler itself uses): Glorot 2/(fan_in + fan_out), He 2/fan_in, LeCun 1/fan_in, for
        // normals and for uniforms alike (a U(−l, l) has variance l²/3), S31's 0.01² for small.
        let fi, fo = float r, float c
        let v =
            match init with
            | Zeros | Constant _ -> 0.0
            | Normal s -> s * s
            | Uniform l -> l * l / 3.0
            | SmallRandom -> 1e-4
            | XavierNormal | XavierUniform -> 2.0 / (fi + fo)
            | HeNormal | HeUniform -> 2.0 / fi
            | LeCunNormal | LeCunUniform -> 1.0 / fi
            | UserInit c -> invalidArg "init" (sprintf "the generators draw built-in initialisers, not %s." c.Name)
        if not (Tolerance.close 1e-12 v (Init.variance init r c)) then
            failwithf "%A: Init.variance %g differs from the closed form %g" init (Init.variance init r c) v
        let ok =
            match init with
            | Zeros -> xs |> Array.forall (fun x -> x = 0.0)
            | Constant k -> xs |> Array.forall (fun x -> x = k)
            | _ ->
                // Sample mean: sd √(v/N). Sample variance: sd √((μ4 − v²)/N) with μ4 = 3v² for a
                // normal and 9v²/5 for a uniform (μ4 − v² = 2v² and 4v²/5). 6σ: a false alarm
                // about once in 500 million checks (11 per case here).
                let uniform = match init with Uniform _ | XavierUniform | HeUniform | LeCunUniform -> true | _ -> false
                let kurtosisExcess = if uniform then 0.8 else 2.0
                abs mean <= 6.0 * sqrt (v / N) && abs (var - v) <= 6.0 * v * sqrt (kurtosisExcess / N)
        if not ok then failwithf "%A (%d×%d, seed %d): sample mean %g, variance %g; closed-form variance %g" init r c seed mean var v))

let private law4 =
    let case = gen { let! i = Gen.elements [ Uniform 0.7; XavierUniform; HeUniform; LeCunUniform ] in let! s = Gen.choose (0, 100000) in let! r = dim 30 in let! c = dim 30 in return i, s, r, c }
    Spec.property "S31 / initialisers / uniform initialisers stay inside their limit" case (fun (init, seed, r, c) ->
        // Limits written out independently: Glorot √(6/(fan_in + fan_out)), He √(6/fan_in), LeCun √(3/fan_in).
        let fi, fo = float r, float c
        let l =
            match init with
            | Uniform l -> l
            | XavierUniform -> sqrt (6.0 / (fi + fo))
            | HeUniform -> sqrt (6.0 / fi)
            | _ -> sqrt (3.0 / fi)
        Tolerance.close 1e-12 l (Init.spread init r c)
        && (Init.matrix init seed r c).Enumerate() |> Seq.forall (fun x -> abs x <= l))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list =
    [ law1
      law2
      law3
      law4 ]
