/// Laws of the initialisers (S31).
module Hybrid.Properties.InitProperties

open Xunit
open FsCheck.FSharp
open Hybrid.Core
open Hybrid.Properties.Generators

[<Fact>]
let ``S31 same seed, same weights, for every initialiser`` () =
    let case = gen { let! i = initializer in let! s = Gen.choose (0, 100000) in let! r = dim 20 in let! c = dim 20 in return i, s, r, c }
    Runner.forAll case (fun (init, seed, r, c) -> (Init.matrix init seed r c).Equals(Init.matrix init seed r c))

[<Fact>]
let ``S31 different seeds give different weights for every random initialiser`` () =
    let case = gen { let! i = initializer in let! s = Gen.choose (0, 100000) in return i, s }
    Runner.forAll case (fun (init, seed) ->
        match init with
        | Zeros | Constant _ -> true
        | _ -> not ((Init.matrix init seed 10 10).Equals(Init.matrix init (seed + 1) 10 10)))

[<Fact>]
let ``S31 sample mean and variance lie within a 5-sigma band of the closed form`` () =
    let case = gen { let! i = initializer in let! s = Gen.choose (0, 100000) in let! r = Gen.choose (50, 300) in let! c = Gen.choose (50, 300) in return i, s, r, c }
    Runner.checkScaled 0.5 (Prop.forAll (Arb.fromGen case) (fun (init, seed, r, c) ->
        let W = Init.matrix init seed r c
        let N = float (r * c)
        let xs = W.Enumerate() |> Array.ofSeq
        let mean = Array.average xs
        let var = xs |> Array.averageBy (fun x -> (x - mean) * (x - mean))
        let v = Init.variance init r c
        match init with
        | Zeros | Constant _ -> xs |> Array.forall (fun x -> x = Init.mean init)
        | _ ->
            // Sample mean: sd √(v/N). Sample variance: sd √((μ4 − v²)/N) with μ4 = 3v² for a
            // normal and 9v²/5 for a uniform (μ4 − v² = 2v² and 4v²/5). 5σ: a false alarm
            // about once in 1.7 million checks.
            let uniform = match init with Uniform _ | XavierUniform | HeUniform | LeCunUniform -> true | _ -> false
            let kurtosisExcess = if uniform then 0.8 else 2.0
            abs mean <= 5.0 * sqrt (v / N) && abs (var - v) <= 5.0 * v * sqrt (kurtosisExcess / N)))

[<Fact>]
let ``S31 uniform initialisers stay inside their limit`` () =
    let case = gen { let! i = Gen.elements [ Uniform 0.7; XavierUniform; HeUniform; LeCunUniform ] in let! s = Gen.choose (0, 100000) in let! r = dim 30 in let! c = dim 30 in return i, s, r, c }
    Runner.forAll case (fun (init, seed, r, c) ->
        let l = Init.spread init r c
        (Init.matrix init seed r c).Enumerate() |> Seq.forall (fun x -> abs x <= l))
