namespace Hybrid.Core

open System
open System.Numerics

/// The update rules of Update (S27, S28) on the fast path's row-major buffers (float, and float32
/// as a second instantiation), in place and without allocating: each loop calls the rule's
/// one-entry definition (Update.sgd, Update.momentum, ..., Update.adam) on a Vector of entries at a
/// time, then on the scalar tail. The definitions are inline, so no delegate is called per entry, and they use no
/// operation whose vector form rounds differently (add, multiply, divide, square root; no
/// multiply-add contraction), so every entry gets the bits Update.step gives it.
/// Checked by: FastPathProperties (properties/Hybrid.Properties).
module internal UpdateInPlace =

    /// ok with the lanes of x that are NaN or ±∞ cleared (ok starts all bits set: every lane finite so far).
    let inline private finiteSoFar (ok: Vector< ^T>) (x: Vector< ^T>) = Vector.BitwiseAnd(ok, Vector.IsFinite x)

    /// Whether every lane of a finiteSoFar mask is still set.
    let inline private allSet (ok: Vector< ^T>) = Vector.EqualsAll(Vector.AsVectorUInt64 ok, Vector<uint64>.AllBitsSet)

    /// The loop of `step` at element type ^T (float, or float32 as a second instantiation of the
    /// same text): the rule's hyper-parameters rounded to ^T once by `ofFloat`, then the entry
    /// definitions on Vector<^T> lanes and on the scalar tail. Returns (every g finite, every θ′
    /// finite), gathered in the same pass (finiteSoFar on the lanes, isFinite on the tail).
    let inline private stepOf ([<InlineIfLambda>] ofFloat: float -> ^T) ([<InlineIfLambda>] sqrt: ^T -> ^T) ([<InlineIfLambda>] vsqrt: Vector< ^T> -> Vector< ^T>) ([<InlineIfLambda>] isFinite: ^T -> bool) (rule: UpdateRule) (eta: float) (t: int) (theta: ^T[]) (g: ^T[]) (f: ^T[]) (s: ^T[]) (start: int) (count: int) : struct (bool * bool) =
        let n = start + count
        // Whole vectors of Vector<^T>.Count entries up to `tail`, then one entry at a time.
        let width = Vector< ^T>.Count
        let tail = n - count % width
        let eta = ofFloat eta
        let veta = Vector< ^T> eta
        let mutable i = start
        let mutable gOk = Vector< ^T>.AllBitsSet
        let mutable thOk = Vector< ^T>.AllBitsSet
        let mutable gTail = true
        let mutable thTail = true
        match rule with
        | PlainSgd ->
            while i < tail do
                let gv = Vector< ^T>(g, i)
                let th = Update.sgd veta (Vector< ^T>(theta, i)) gv
                th.CopyTo(g, i)
                gOk <- finiteSoFar gOk gv
                thOk <- finiteSoFar thOk th
                i <- i + width
            for j in tail .. n - 1 do
                let th = Update.sgd eta theta.[j] g.[j]
                gTail <- gTail && isFinite g.[j]
                thTail <- thTail && isFinite th
                g.[j] <- th
        | Momentum mu ->
            let mu = ofFloat mu
            let vmu = Vector< ^T> mu
            while i < tail do
                let gv = Vector< ^T>(g, i)
                let struct (th, v) = Update.momentum veta vmu (Vector< ^T>(theta, i)) gv (Vector< ^T>(f, i))
                v.CopyTo(f, i)
                th.CopyTo(g, i)
                gOk <- finiteSoFar gOk gv
                thOk <- finiteSoFar thOk th
                i <- i + width
            for j in tail .. n - 1 do
                let struct (th, v) = Update.momentum eta mu theta.[j] g.[j] f.[j]
                f.[j] <- v
                gTail <- gTail && isFinite g.[j]
                thTail <- thTail && isFinite th
                g.[j] <- th
        | Nesterov mu ->
            let mu = ofFloat mu
            let vmu = Vector< ^T> mu
            while i < tail do
                let gv = Vector< ^T>(g, i)
                let struct (th, v) = Update.nesterov veta vmu (Vector< ^T>(theta, i)) gv (Vector< ^T>(f, i))
                v.CopyTo(f, i)
                th.CopyTo(g, i)
                gOk <- finiteSoFar gOk gv
                thOk <- finiteSoFar thOk th
                i <- i + width
            for j in tail .. n - 1 do
                let struct (th, v) = Update.nesterov eta mu theta.[j] g.[j] f.[j]
                f.[j] <- v
                gTail <- gTail && isFinite g.[j]
                thTail <- thTail && isFinite th
                g.[j] <- th
        | AdaGrad eps ->
            let eps = ofFloat eps
            let veps = Vector< ^T> eps
            while i < tail do
                let gv = Vector< ^T>(g, i)
                let struct (th, G) = Update.adagradWith vsqrt veta veps (Vector< ^T>(theta, i)) gv (Vector< ^T>(s, i))
                G.CopyTo(s, i)
                th.CopyTo(g, i)
                gOk <- finiteSoFar gOk gv
                thOk <- finiteSoFar thOk th
                i <- i + width
            for j in tail .. n - 1 do
                let struct (th, G) = Update.adagradWith sqrt eta eps theta.[j] g.[j] s.[j]
                s.[j] <- G
                gTail <- gTail && isFinite g.[j]
                thTail <- thTail && isFinite th
                g.[j] <- th
        | RmsProp(rho, eps) ->
            let rho, rest, eps = ofFloat rho, ofFloat (1.0 - rho), ofFloat eps
            let vrho, vrest, veps = Vector< ^T> rho, Vector< ^T> rest, Vector< ^T> eps
            while i < tail do
                let gv = Vector< ^T>(g, i)
                let struct (th, s') = Update.rmspropWith vsqrt veta vrho vrest veps (Vector< ^T>(theta, i)) gv (Vector< ^T>(s, i))
                s'.CopyTo(s, i)
                th.CopyTo(g, i)
                gOk <- finiteSoFar gOk gv
                thOk <- finiteSoFar thOk th
                i <- i + width
            for j in tail .. n - 1 do
                let struct (th, s') = Update.rmspropWith sqrt eta rho rest eps theta.[j] g.[j] s.[j]
                s.[j] <- s'
                gTail <- gTail && isFinite g.[j]
                thTail <- thTail && isFinite th
                g.[j] <- th
        | Adam(b1, b2, eps) ->
            let struct (c1, c2) = Update.corrections b1 b2 t
            let r1, r2 = ofFloat (1.0 - b1), ofFloat (1.0 - b2)
            let b1, b2, c1, c2, eps = ofFloat b1, ofFloat b2, ofFloat c1, ofFloat c2, ofFloat eps
            let vb1, vr1, vb2, vr2 = Vector< ^T> b1, Vector< ^T> r1, Vector< ^T> b2, Vector< ^T> r2
            let vc1, vc2, veps = Vector< ^T> c1, Vector< ^T> c2, Vector< ^T> eps
            while i < tail do
                let gv = Vector< ^T>(g, i)
                let struct (th, m, v) = Update.adamWith vsqrt veta vb1 vr1 vb2 vr2 vc1 vc2 veps (Vector< ^T>(theta, i)) gv (Vector< ^T>(f, i)) (Vector< ^T>(s, i))
                m.CopyTo(f, i)
                v.CopyTo(s, i)
                th.CopyTo(g, i)
                gOk <- finiteSoFar gOk gv
                thOk <- finiteSoFar thOk th
                i <- i + width
            for j in tail .. n - 1 do
                let struct (th, m, v) = Update.adamWith sqrt eta b1 r1 b2 r2 c1 c2 eps theta.[j] g.[j] f.[j] s.[j]
                f.[j] <- m
                s.[j] <- v
                gTail <- gTail && isFinite g.[j]
                thTail <- thTail && isFinite th
                g.[j] <- th
        struct (gTail && allSet gOk, thTail && allSet thOk)

    /// One step of `rule` with learning rate η at step t ≥ 1 on θ with gradient g, state f
    /// (velocity / m) and s (Σg² / s / v): Update.step's formulas entry by entry. θ′ is written
    /// over g (θ is left as it was, so the caller can keep it if θ′ is not finite); f and s are
    /// updated in place. Returns (every entry of g finite, every entry of θ′ finite): the step's two
    /// NaN checks, made in the same pass. Course: S27, S28.
    let step (rule: UpdateRule) (eta: float) (t: int) (theta: float[]) (g: float[]) (f: float[]) (s: float[]) : struct (bool * bool) =
        stepOf id Math.Sqrt Vector.SquareRoot Double.IsFinite rule eta t theta g f s 0 theta.Length

    /// `step` on the `count` entries from `start` only (each entry's step depends on that entry
    /// alone, so steps over ranges that cover the array give the whole step's bits): the checks
    /// are those of the range. Course: S27, S28.
    let stepIn (rule: UpdateRule) (eta: float) (t: int) (theta: float[]) (g: float[]) (f: float[]) (s: float[]) (start: int) (count: int) : struct (bool * bool) =
        stepOf id Math.Sqrt Vector.SquareRoot Double.IsFinite rule eta t theta g f s start count

    /// The same step in float32: the rule's hyper-parameters (η, μ, ρ, ε, β, Adam's corrections,
    /// each computed in float64) rounded to float32 once, every entry's arithmetic in float32.
    /// Returns the same two checks as `step`. Course: S27, S28.
    let stepSingle (rule: UpdateRule) (eta: float) (t: int) (theta: float32[]) (g: float32[]) (f: float32[]) (s: float32[]) : struct (bool * bool) =
        stepOf float32 MathF.Sqrt Vector.SquareRoot Single.IsFinite rule eta t theta g f s 0 theta.Length

    /// `stepSingle` on the `count` entries from `start` only (as stepIn). Course: S27, S28.
    let stepSingleIn (rule: UpdateRule) (eta: float) (t: int) (theta: float32[]) (g: float32[]) (f: float32[]) (s: float32[]) (start: int) (count: int) : struct (bool * bool) =
        stepOf float32 MathF.Sqrt Vector.SquareRoot Single.IsFinite rule eta t theta g f s start count
