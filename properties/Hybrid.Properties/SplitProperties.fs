/// Laws of the seeded splits (S32 held-out evaluation, S28 validation): partitions, stated
/// counts per class, balanced folds.
module Hybrid.Properties.SplitProperties

open FsCheck
open FsCheck.FSharp
open Hybrid.Core

/// Labels of k classes over n rows, each class possibly empty or of one row.
let private labelled : Gen<int[]> =
    gen {
        let! k = Gen.choose (1, 5)
        let! n = Gen.choose (2, 60)
        return! Gen.arrayOfLength n (Gen.choose (0, k - 1))
    }

let private isPartition (n: int) (a: int[]) (b: int[]) =
    Array.sort (Array.append a b) = Array.init n id && a = Array.sort a && b = Array.sort b

/// ⌊x + ½⌋, written independently of Split.roundHalfUp.
let private roundHalfUp (x: float) = int (System.Math.Floor(x + 0.5))

let private law1 =
    let case = gen { let! n = Gen.choose (2, 100) in let! f = Gen.choose (1, 99) in let! seed = Gen.choose (0, 1000) in return n, float f / 100.0, seed }
    Spec.property "S32 / splits / a split partitions the rows with the stated counts" case (fun (n, f, seed) ->
        let t = roundHalfUp (f * float n)
        if t < 1 || t > n - 1 then true // refused (ArgumentException); BadInput-style cases are examples in DataSetTests
        else
            let kept, held = Split.random seed f n
            isPartition n kept held && held.Length = t && Split.random seed f n = (kept, held))

let private law2 =
    let case = gen { let! labels = labelled in let! f = Gen.choose (1, 99) in let! seed = Gen.choose (0, 1000) in return labels, float f / 100.0, seed }
    Spec.property "S32 / splits / a stratified split holds out the stated count of every class" case (fun (labels, f, seed) ->
        let count c (rows: int[]) = rows |> Array.filter (fun i -> labels.[i] = c) |> Array.length
        let classes = Array.max labels + 1
        let expected c =
            let nc = labels |> Array.filter ((=) c) |> Array.length
            if nc <= 1 then 0 else min (roundHalfUp (f * float nc)) (nc - 1)
        if Array.sum (Array.init classes expected) = 0 then true // refused: nothing to hold out
        else
            let kept, held = Split.stratified seed f labels
            isPartition labels.Length kept held
            && Array.init classes (fun c -> count c held) = Array.init classes expected
            && Split.stratified seed f labels = (kept, held))

let private law3 =
    let case = gen { let! labels = labelled in let! k = Gen.choose (2, 6) in let! seed = Gen.choose (0, 1000) in return labels, k, seed }
    Spec.property "S32 / splits / stratified folds partition the rows and balance every class" case (fun (labels, k, seed) ->
        if k > labels.Length then true
        else
            let fold = Split.stratifiedFolds seed k labels
            let classes = Array.max labels + 1
            let sizes = Array.init k (fun f -> fold |> Array.filter ((=) f) |> Array.length)
            Array.forall (fun f -> f >= 0 && f < k) fold
            && Array.max sizes - Array.min sizes <= 1
            && Array.init classes id |> Array.forall (fun c ->
                let nc = labels |> Array.filter ((=) c) |> Array.length
                Array.init k (fun f -> Array.fold2 (fun acc y g -> if y = c && g = f then acc + 1 else acc) 0 labels fold)
                |> Array.forall (fun m -> m = nc / k || m = (nc + k - 1) / k)))

/// SplitMix64's finaliser of the pair (seed, index) packed as seed·2³² + index, masked to 31 bits:
/// the per-part seed Init.derive documents, written out here from the SplitMix64 constants
/// (Steele, Lea and Flood 2014) rather than called.
let private splitMix (seed: int) (index: int) : int =
    let mutable z = (uint64 (uint32 seed) <<< 32) ||| uint64 (uint32 index)
    z <- z + 0x9E3779B97F4A7C15UL
    z <- (z ^^^ (z >>> 30)) * 0xBF58476D1CE4E5B9UL
    z <- (z ^^^ (z >>> 27)) * 0x94D049BB133111EBUL
    int ((z ^^^ (z >>> 31)) &&& 0x7FFFFFFFUL)

/// Class c's held-out rows as Split.stratified documents them, rebuilt class by class: the first
/// t_c positions of a permutation seeded with c's own seed (splitMix seed c) pick rows of class c.
let private law4 =
    let case = gen { let! labels = labelled in let! f = Gen.choose (1, 99) in let! seed = Gen.choose (0, 100000) in return labels, float f / 100.0, seed }
    Spec.property "S32 / splits / each class of a stratified split is chosen with its own seed" case (fun (labels, f, seed) ->
        let classes = Array.max labels + 1
        let rowsOf c = Array.init labels.Length id |> Array.filter (fun i -> labels.[i] = c)
        let heldOf c =
            let rows = rowsOf c
            let t = if rows.Length <= 1 then 0 else min (roundHalfUp (f * float rows.Length)) (rows.Length - 1)
            let perm = Split.permutation (splitMix seed c) rows.Length
            Array.init t (fun i -> rows.[perm.[i]])
        let expected = Array.init classes heldOf |> Array.concat |> Array.sort
        if expected.Length = 0 then true // refused: nothing to hold out
        else snd (Split.stratified seed f labels) = expected)

/// Two classes of equal size, interleaved: were both shuffled with one seed, class 1 would hold
/// out the same positions as class 0 for every seed. Their selections differ for some seed of
/// every 20 consecutive ones (with 12 rows a class and 6 held out, two independent choices agree
/// with probability 1/C(12, 6) = 1/924 per seed).
let private law5 =
    let case = Gen.choose (0, 100000)
    Spec.property "S32 / splits / classes of equal size are not all split at the same positions" case (fun first ->
        let labels = Array.init 24 (fun i -> i % 2)
        let positions c (held: int[]) = held |> Array.filter (fun i -> labels.[i] = c) |> Array.map (fun i -> i / 2)
        [ first .. first + 19 ] |> List.exists (fun seed ->
            let _, held = Split.stratified seed 0.5 labels
            positions 0 held <> positions 1 held))

/// The laws of this file, for the specification tree (Program.fs).
let laws : Spec.Law list = [ law1; law2; law3; law4; law5 ]
