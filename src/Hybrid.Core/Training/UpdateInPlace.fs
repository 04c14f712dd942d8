namespace Hybrid.Core

open System
open System.Numerics

/// The update rules of Update (S27, S28) on the fast path's row-major float[] buffers, in place
/// and without allocating: each loop calls the rule's one-entry definition (Update.sgd,
/// Update.momentum, ..., Update.adam) on a Vector&lt;float&gt; of entries at a time, then on the
/// scalar tail. The definitions are inline, so no delegate is called per entry, and they use no
/// operation whose vector form rounds differently (add, multiply, divide, square root; no
/// multiply-add contraction), so every entry gets the bits Update.step gives it.
/// Checked by: FastPathProperties (properties/Hybrid.Properties).
module internal UpdateInPlace =

    type private VF = Vector<float>

    /// One step of `rule` with learning rate η at step t ≥ 1 on θ with gradient g, state f
    /// (velocity / m) and s (Σg² / s / v): Update.step's formulas entry by entry. θ′ is written
    /// over g (θ is left as it was, so the caller can keep it if θ′ is not finite); f and s are
    /// updated in place. Course: S27, S28.
    let step (rule: UpdateRule) (eta: float) (t: int) (theta: float[]) (g: float[]) (f: float[]) (s: float[]) : unit =
        let n = theta.Length
        // Whole vectors of VF.Count entries up to `tail`, then one entry at a time.
        let tail = n - n % VF.Count
        let veta = VF eta
        let mutable i = 0
        match rule with
        | PlainSgd ->
            while i < tail do
                (Update.sgd veta (VF(theta, i)) (VF(g, i))).CopyTo(g, i)
                i <- i + VF.Count
            for j in tail .. n - 1 do
                g.[j] <- Update.sgd eta theta.[j] g.[j]
        | Momentum mu ->
            let vmu = VF mu
            while i < tail do
                let struct (th, v) = Update.momentum veta vmu (VF(theta, i)) (VF(g, i)) (VF(f, i))
                v.CopyTo(f, i)
                th.CopyTo(g, i)
                i <- i + VF.Count
            for j in tail .. n - 1 do
                let struct (th, v) = Update.momentum eta mu theta.[j] g.[j] f.[j]
                f.[j] <- v
                g.[j] <- th
        | Nesterov mu ->
            let vmu = VF mu
            while i < tail do
                let struct (th, v) = Update.nesterov veta vmu (VF(theta, i)) (VF(g, i)) (VF(f, i))
                v.CopyTo(f, i)
                th.CopyTo(g, i)
                i <- i + VF.Count
            for j in tail .. n - 1 do
                let struct (th, v) = Update.nesterov eta mu theta.[j] g.[j] f.[j]
                f.[j] <- v
                g.[j] <- th
        | AdaGrad eps ->
            let veps = VF eps
            while i < tail do
                let struct (th, G) = Update.adagrad veta veps (VF(theta, i)) (VF(g, i)) (VF(s, i))
                G.CopyTo(s, i)
                th.CopyTo(g, i)
                i <- i + VF.Count
            for j in tail .. n - 1 do
                let struct (th, G) = Update.adagrad eta eps theta.[j] g.[j] s.[j]
                s.[j] <- G
                g.[j] <- th
        | RmsProp(rho, eps) ->
            let rest = 1.0 - rho
            let vrho, vrest, veps = VF rho, VF rest, VF eps
            while i < tail do
                let struct (th, s') = Update.rmsprop veta vrho vrest veps (VF(theta, i)) (VF(g, i)) (VF(s, i))
                s'.CopyTo(s, i)
                th.CopyTo(g, i)
                i <- i + VF.Count
            for j in tail .. n - 1 do
                let struct (th, s') = Update.rmsprop eta rho rest eps theta.[j] g.[j] s.[j]
                s.[j] <- s'
                g.[j] <- th
        | Adam(b1, b2, eps) ->
            let struct (c1, c2) = Update.corrections b1 b2 t
            let r1, r2 = 1.0 - b1, 1.0 - b2
            let vb1, vr1, vb2, vr2 = VF b1, VF r1, VF b2, VF r2
            let vc1, vc2, veps = VF c1, VF c2, VF eps
            while i < tail do
                let struct (th, m, v) = Update.adam veta vb1 vr1 vb2 vr2 vc1 vc2 veps (VF(theta, i)) (VF(g, i)) (VF(f, i)) (VF(s, i))
                m.CopyTo(f, i)
                v.CopyTo(s, i)
                th.CopyTo(g, i)
                i <- i + VF.Count
            for j in tail .. n - 1 do
                let struct (th, m, v) = Update.adam eta b1 r1 b2 r2 c1 c2 eps theta.[j] g.[j] f.[j] s.[j]
                f.[j] <- m
                s.[j] <- v
                g.[j] <- th
