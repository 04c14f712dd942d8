namespace Hybrid.Core

open System

/// Seeded splits of row indices (S28 data for minibatch SGD, S30 fit on one set, apply to
/// another, S32 held-out evaluation): plain, stratified by class, and stratified k-fold. Every
/// function returns row indices in ascending order, so a split never reorders the data; the
/// trainer shuffles each epoch itself.
module Split =

    /// A seeded permutation of 0..n−1 (Fisher–Yates on the core generator Rng(seed), the shuffle of
    /// Optimizer.minibatches). Course: S28. Checked by: SplitProperties "S32 / splits / a split
    /// partitions the rows with the stated counts".
    let permutation (seed: int) (n: int) : int[] =
        if n = 0 then [||] else (Optimizer.minibatches seed n n).[0]

    let private checkFraction (name: string) (fraction: float) =
        if not (fraction > 0.0 && fraction < 1.0) then
            Shape.fail name (sprintf "%s must lie in (0, 1) but is %g." name fraction)

    /// Round half up: ⌊x + ½⌋ (so 2.5 → 3, unlike banker's rounding). Course: S32. Checked by:
    /// SplitProperties "S32 / splits / a stratified split holds out the stated count of every class".
    let roundHalfUp (x: float) : int = int (Math.Floor(x + 0.5))

    /// A seeded split of 0..n−1 into (kept, held out) with t = ⌊f·n + ½⌋ held-out rows, chosen by
    /// a seeded permutation; both parts must be non-empty. Shapes: n -> (n − t, t) indices.
    /// Course: S32. Checked by: SplitProperties "S32 / splits / a split partitions the rows with
    /// the stated counts".
    let random (seed: int) (fraction: float) (n: int) : int[] * int[] =
        checkFraction "fraction" fraction
        let t = roundHalfUp (fraction * float n)
        if t < 1 || t > n - 1 then
            Shape.fail "fraction" (sprintf "a fraction of %g of %d rows holds out %d rows and keeps %d: both parts need at least 1." fraction n t (n - t))
        let perm = permutation seed n
        Array.sort perm.[t..], Array.sort perm.[.. t - 1]

    /// The rows of each class: for labels y (values 0..k−1), rowsByClass y.[c] lists the rows i
    /// with y_i = c in ascending order (k = max label + 1). Course: S32. Checked by:
    /// SplitProperties "S32 / splits / stratified folds partition the rows and balance every class".
    let rowsByClass (labels: int[]) : int[][] =
        if isNull labels then nullArg "labels"
        labels |> Array.iteri (fun i y -> if y < 0 then Shape.fail "labels" (sprintf "label %d at row %d is negative." y i))
        let k = if labels.Length = 0 then 0 else Array.max labels + 1
        let buckets = Array.init k (fun _ -> ResizeArray<int>())
        labels |> Array.iteri (fun i y -> buckets.[y].Add i)
        buckets |> Array.map (fun b -> b.ToArray())

    /// The number of held-out rows of a class with n_c rows: t_c = min(⌊f·n_c + ½⌋, n_c − 1) for
    /// n_c ≥ 2, and 0 for n_c ≤ 1: each class keeps at least one row in the kept part.
    /// Course: S32. Checked by: SplitProperties "S32 / splits / a stratified split holds out the
    /// stated count of every class".
    let heldOutOfClass (fraction: float) (nc: int) : int =
        if nc <= 1 then 0 else min (roundHalfUp (fraction * float nc)) (nc - 1)

    /// A seeded stratified split into (kept, held out): class c (n_c rows) gives
    /// t_c = heldOutOfClass f n_c of its rows, chosen by a permutation seeded with
    /// Init.derive seed c, to the held-out part, so every class keeps its share up to rounding.
    /// The held-out part must be non-empty. Shapes: n labels -> (n − Σt_c, Σt_c) indices.
    /// Course: S32 (held-out evaluation), S28 (validation). Checked by: SplitProperties "S32 /
    /// splits / a stratified split holds out the stated count of every class", "S32 / splits / a
    /// split partitions the rows with the stated counts", "S32 / splits / each class of a
    /// stratified split is chosen with its own seed", "S32 / splits / classes of equal size are not
    /// all split at the same positions"; DataSetTests
    /// "TrainTestSplit_is_stratified_with_round_half_up_per_class".
    let stratified (seed: int) (fraction: float) (labels: int[]) : int[] * int[] =
        checkFraction "fraction" fraction
        let byClass = rowsByClass labels
        let held =
            byClass |> Array.mapi (fun c rows ->
                let t = heldOutOfClass fraction rows.Length
                let perm = permutation (Init.derive seed c) rows.Length
                Array.init t (fun i -> rows.[perm.[i]]))
            |> Array.concat
        if held.Length = 0 then
            Shape.fail "fraction" (sprintf "a stratified fraction of %g of %d rows holds out no row (each class of n_c rows gives ⌊%g·n_c + ½⌋, and at most n_c − 1): raise the fraction." fraction labels.Length fraction)
        let isHeld = Array.zeroCreate labels.Length
        held |> Array.iter (fun i -> isHeld.[i] <- true)
        Array.init labels.Length id |> Array.filter (fun i -> not isHeld.[i]), Array.sort held

    /// Seeded stratified k-fold assignment: the rows of each class, in the order of a permutation
    /// seeded with Init.derive seed c, are dealt to folds 0, 1, ..., k−1, 0, 1, ... with the
    /// dealing continuing from class to class, so every fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ rows of
    /// class c and fold sizes differ by at most 1. Returns the fold of each row. Needs
    /// 2 ≤ k ≤ n. Course: S32. Checked by: SplitProperties "S32 / splits / stratified folds
    /// partition the rows and balance every class".
    let stratifiedFolds (seed: int) (k: int) (labels: int[]) : int[] =
        if isNull labels then nullArg "labels"
        if k < 2 || k > labels.Length then
            Shape.fail "k" (sprintf "k must lie in 2..%d (the number of rows) but is %d." labels.Length k)
        let fold = Array.zeroCreate labels.Length
        let mutable next = 0
        rowsByClass labels |> Array.iteri (fun c rows ->
            let perm = permutation (Init.derive seed c) rows.Length
            for i in 0 .. rows.Length - 1 do
                fold.[rows.[perm.[i]]] <- next
                next <- (next + 1) % k)
        fold

    /// Seeded k-fold assignment without classes: fold of row perm[i] is i mod k. Needs 2 ≤ k ≤ n.
    /// Course: S32. Checked by: SplitProperties "S32 / splits / stratified folds partition the
    /// rows and balance every class" (the one-class case).
    let folds (seed: int) (k: int) (n: int) : int[] = stratifiedFolds seed k (Array.zeroCreate n)
