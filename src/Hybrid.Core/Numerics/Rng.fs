namespace Hybrid.Core

open System

/// The core's one pseudo-random generator: every seeded draw of the library (minibatch shuffles,
/// S28; dropout masks, S34; initial weights, S31; synthetic data; random neurons, S01; random
/// search, S25) comes from it, on both training paths, so the same seed gives the same numbers on
/// every machine and every .NET version.
///
/// The algorithm is xoshiro256** of D. Blackman and S. Vigna, "Scrambled Linear Pseudorandom
/// Number Generators", ACM Transactions on Mathematical Software 47(4), 2021. Its state is four
/// 64-bit words s0..s3; one step outputs rotl(s1·5, 7)·9 (mod 2⁶⁴) and then advances
///
///     t = s1 ≪ 17;  s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 45)
///
/// (period 2²⁵⁶ − 1). As the authors recommend, the state is filled from the seed by SplitMix64
/// (G. L. Steele, D. Lea and C. H. Flood, "Fast Splittable Pseudorandom Number Generators",
/// OOPSLA 2014): x ← x + 0x9E3779B97F4A7C15, z = x, z = (z ⊕ z≫30)·0xBF58476D1CE4E5B9,
/// z = (z ⊕ z≫27)·0x94D049BB133111EB, output z ⊕ z≫31, four times from x = the seed. Those four
/// outputs are images of four distinct inputs under a bijection, so at most one is zero and the
/// state is never the all-zero state xoshiro must avoid.
///
/// Derived draws: NextDouble() = (top 53 bits)·2⁻⁵³ ∈ [0, 1), every multiple of 2⁻⁵³ equally
/// likely; Next(bound) is uniform on 0..bound−1 with no bias, by D. Lemire's multiply-and-reject
/// method ("Fast Random Integer Generation in an Interval", ACM Transactions on Modeling and
/// Computer Simulation 29(1), 2019). Reseed restarts the sequence in place (no allocation), so the
/// fast path reseeds per dropout layer per batch for free.
/// Checked by: RngProperties "S28 / generator / reseeding restarts the same sequence",
/// "S28 / generator / NextDouble lies in [0, 1)", "S28 / generator / NextDouble's mean, variance and
/// decile counts agree with U(0, 1)", "S28 / generator / Next(bound) lies in 0..bound−1 and reaches
/// every value", "S28 / generator / the first outputs equal the published algorithm's".
[<Sealed; AllowNullLiteral>]
type Rng(seed: int) =
    let mutable s0 = 0UL
    let mutable s1 = 0UL
    let mutable s2 = 0UL
    let mutable s3 = 0UL

    /// rotl(x, k): x rotated left by k bits (0 < k < 64).
    static let rotl (x: uint64) (k: int) : uint64 = (x <<< k) ||| (x >>> (64 - k))

    /// SplitMix64's output for the counter x (after the increment).
    static let mix (x: uint64) : uint64 =
        let mutable z = x
        z <- (z ^^^ (z >>> 30)) * 0xBF58476D1CE4E5B9UL
        z <- (z ^^^ (z >>> 27)) * 0x94D049BB133111EBUL
        z ^^^ (z >>> 31)

    let reseed (seed: int) =
        let x = uint64 (int64 seed)
        s0 <- mix (x + 0x9E3779B97F4A7C15UL)
        s1 <- mix (x + 2UL * 0x9E3779B97F4A7C15UL)
        s2 <- mix (x + 3UL * 0x9E3779B97F4A7C15UL)
        s3 <- mix (x + 4UL * 0x9E3779B97F4A7C15UL)

    do reseed seed

    /// Restarts the sequence as a new Rng(seed) would, in place (no allocation).
    member _.Reseed(seed: int) : unit = reseed seed

    /// The next 64-bit output of xoshiro256**: rotl(s1·5, 7)·9, then one step of the state.
    member _.NextUInt64() : uint64 =
        let result = rotl (s1 * 5UL) 7 * 9UL
        let t = s1 <<< 17
        s2 <- s2 ^^^ s0
        s3 <- s3 ^^^ s1
        s1 <- s1 ^^^ s2
        s0 <- s0 ^^^ s3
        s2 <- s2 ^^^ t
        s3 <- rotl s3 45
        result

    /// u = ⌊x / 2¹¹⌋ · 2⁻⁵³ for the next output x: a uniform multiple of 2⁻⁵³ in [0, 1). A dropout
    /// unit is kept when u ≥ rate (S34).
    member this.NextDouble() : float = float (this.NextUInt64() >>> 11) * (1.0 / 9007199254740992.0)

    /// A uniform integer in 0..bound−1 (bound ≥ 1), unbiased (Lemire): with x the top 32 bits of
    /// the next output, m = x·bound (64-bit); the low 32 bits l of m below t = 2³² mod bound mark
    /// the few x that would over-represent some values, and are drawn again; the answer is
    /// m ≫ 32. Fisher–Yates swaps position i with Next(i + 1) (S28).
    member this.Next(bound: int) : int =
        if bound < 1 then Shape.fail "bound" (sprintf "bound must be at least 1 but is %d." bound)
        let b = uint32 bound
        let mutable m = uint64 (uint32 (this.NextUInt64() >>> 32)) * uint64 b
        if uint32 m < b then
            let t = (0u - b) % b
            while uint32 m < t do
                m <- uint64 (uint32 (this.NextUInt64() >>> 32)) * uint64 b
        int (m >>> 32)
