namespace Hybrid.Core

open System
open MathNet.Numerics.LinearAlgebra

/// Weight initialisers (S31). For a weight matrix d_in×d_out, fan_in = d_in and
/// fan_out = d_out.
type Initializer =
    /// W = 0 (every unit computes the same thing: the symmetry problem of S31).
    | Zeros
    /// W_ij = c.
    | Constant of value: float
    /// W_ij ~ N(0, std²).
    | Normal of std: float
    /// W_ij ~ U(−limit, limit).
    | Uniform of limit: float
    /// W_ij ~ 0.01·N(0, 1), S31's "small random".
    | SmallRandom
    /// Glorot normal: std = √(2/(fan_in + fan_out)).
    | XavierNormal
    /// Glorot uniform: limit = √(6/(fan_in + fan_out)).
    | XavierUniform
    /// He/Kaiming normal: std = √(2/fan_in) (S31's randn/√(fan_in/2)).
    | HeNormal
    /// He/Kaiming uniform: limit = √(6/fan_in).
    | HeUniform
    /// LeCun normal: std = √(1/fan_in) (S31's "Xavier", randn/√fan_in).
    | LeCunNormal
    /// LeCun uniform: limit = √(3/fan_in).
    | LeCunUniform
    /// A user's own distribution (docs/extending.md): a normal or a symmetric uniform whose spread
    /// comes from fan_in and fan_out.
    | UserInit of CustomInitializer

/// A user's initialiser (S31, extended by the user): its name, its family (a normal N(0, s²) or a
/// uniform U(−s, s)) and its spread s(fan_in, fan_out). Equal by name.
and [<Sealed>] CustomInitializer(name: string, uniform: bool, spread: Func<int, int, float>) =
    inherit UserDefined(name)
    /// Whether it draws U(−s, s) rather than N(0, s²).
    member _.IsUniform = uniform
    /// s(fan_in, fan_out).
    member _.Spread(fanIn: int, fanOut: int) : float = spread.Invoke(fanIn, fanOut)

/// Seeded weight initialisation (S31): the same seed gives the same numbers on every machine
/// (the core's generator Rng is a fixed algorithm; normals by Box–Muller on it).
module Init =

    /// A standard normal draw by Box–Muller: √(−2 ln u1)·cos(2π u2), u1 ∈ (0, 1], from two
    /// uniform draws of the core's generator (the library's one normal sampler).
    let standardNormal (rng: Rng) : float =
        let u1 = 1.0 - rng.NextDouble()
        let u2 = rng.NextDouble()
        Math.Sqrt(-2.0 * Math.Log u1) * Math.Cos(2.0 * Math.PI * u2)

    /// The spread of the distribution an initialiser draws from: the standard deviation of a
    /// normal or the limit of a symmetric uniform U(−limit, limit); constants have spread 0.
    /// Course: S31.
    let spread (init: Initializer) (fanIn: int) (fanOut: int) : float =
        let fi, fo = float fanIn, float fanOut
        match init with
        | Zeros -> 0.0
        | Constant _ -> 0.0
        | Normal s -> s
        | Uniform l -> l
        | SmallRandom -> 0.01
        | XavierNormal -> Math.Sqrt(2.0 / (fi + fo))
        | XavierUniform -> Math.Sqrt(6.0 / (fi + fo))
        | HeNormal -> Math.Sqrt(2.0 / fi)
        | HeUniform -> Math.Sqrt(6.0 / fi)
        | LeCunNormal -> Math.Sqrt(1.0 / fi)
        | LeCunUniform -> Math.Sqrt(3.0 / fi)
        | UserInit c -> c.Spread(fanIn, fanOut)

    /// The closed-form variance of each entry: std² for normals, limit²/3 for U(−limit, limit),
    /// 0 for constants. Glorot: 2/(fan_in + fan_out); He: 2/fan_in; LeCun: 1/fan_in. Course: S31.
    /// Checked by: InitProperties "S31 / initialisers / sample mean and variance lie within a 6-sigma band of the closed form".
    let variance (init: Initializer) (fanIn: int) (fanOut: int) : float =
        let s = spread init fanIn fanOut
        match init with
        | Uniform _ | XavierUniform | HeUniform | LeCunUniform -> s * s / 3.0
        | UserInit c when c.IsUniform -> s * s / 3.0
        | _ -> s * s

    /// The mean of each entry: c for Constant, 0 otherwise. Course: S31.
    let mean (init: Initializer) : float = match init with Constant c -> c | _ -> 0.0

    /// Checks an initialiser's own parameter (finite, std and limit ≥ 0).
    let validate (paramName: string) (init: Initializer) : unit =
        match init with
        | Constant c -> Shape.finiteScalar paramName c
        | Normal s | Uniform s -> Shape.nonNegative paramName s
        | _ -> ()

    /// A fan_in×fan_out weight matrix drawn from `init` with a generator seeded by `seed`.
    /// Course: S31. Checked by: InitProperties "S31 / initialisers / same seed, same weights, for every initialiser",
    /// "S31 / initialisers / sample mean and variance lie within a 6-sigma band of the closed form".
    let matrix (init: Initializer) (seed: int) (fanIn: int) (fanOut: int) : Matrix<float> =
        Shape.positiveInt "fanIn" fanIn
        Shape.positiveInt "fanOut" fanOut
        Shape.entries "fanOut" fanIn fanOut
        validate "init" init
        let rng = Rng(seed)
        let s = spread init fanIn fanOut
        if not (Double.IsFinite s && s >= 0.0) then
            Shape.fail "init" (sprintf "%A gives the spread %g for fan_in %d and fan_out %d; it must be a finite number >= 0." init s fanIn fanOut)
        let draw () =
            match init with
            | Zeros -> 0.0
            | Constant c -> c
            | Uniform _ | XavierUniform | HeUniform | LeCunUniform -> s * (2.0 * rng.NextDouble() - 1.0)
            | UserInit c when c.IsUniform -> s * (2.0 * rng.NextDouble() - 1.0)
            | _ -> s * standardNormal rng
        let values = Array.init (fanIn * fanOut) (fun _ -> draw ())
        Mat.init fanIn fanOut (fun i j -> values.[i * fanOut + j])

    /// A seed for part `index` of something seeded with `seed` (SplitMix64 of the pair), so
    /// each layer of a network gets its own independent, reproducible stream. Course: S31.
    let derive (seed: int) (index: int) : int =
        let mutable z = (uint64 (uint32 seed) <<< 32) ||| uint64 (uint32 index)
        z <- z + 0x9E3779B97F4A7C15UL
        z <- (z ^^^ (z >>> 30)) * 0xBF58476D1CE4E5B9UL
        z <- (z ^^^ (z >>> 27)) * 0x94D049BB133111EBUL
        z <- z ^^^ (z >>> 31)
        int (z &&& 0x7FFFFFFFUL)

    /// The usual default for an activation: He for the ReLU family (ReLU, leaky ReLU, PReLU,
    /// ELU), Glorot (Xavier) normal for the rest. Course: S31.
    let forActivation (g: Activation) : Initializer =
        match g with
        | ReLU | LeakyReLU _ | PReLU _ | ELU _ -> HeNormal
        | _ -> XavierNormal
