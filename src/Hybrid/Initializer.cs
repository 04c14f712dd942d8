using Hybrid.Core.Interop;
using Hybrid.Core;
using CoreInitializer = Hybrid.Core.Initializer;
using CoreActivation = Hybrid.Core.Activation;

namespace Hybrid;

/// <summary>
/// A seeded weight initialiser (course item S31). For a layer with fan_in inputs and fan_out
/// units, layer l draws its weights from a generator seeded with a seed derived from
/// (<see cref="Seed"/>, l), so the same seed gives the same network on every machine. Biases
/// start at 0. The distributions live in the F# core (<c>Init.matrix</c>).
/// </summary>
public sealed class Initializer
{
    internal CoreInitializer? Core { get; }

    /// <summary>The seed of the generator (unused by <see cref="Zeros"/> and <see cref="Constant"/>).</summary>
    public int Seed { get; }

    /// <summary>A readable name such as "HeNormal(seed=7)".</summary>
    public string Name { get; }

    private Initializer(CoreInitializer? core, int seed, string name)
    {
        if (core is not null) Rules.ValidateInitializer("initializer", core);
        Core = core;
        Seed = seed;
        Name = name;
    }

    private static Initializer Of(CoreInitializer core, int seed, string name) => new(core, seed, $"{name}(seed={seed})");

    /// <summary>
    /// A seeded initialiser of your own distribution (docs/extending.md). By default its laws run first (the spread is finite
    /// and ≥ 0 for fan-in and fan-out from 1 to 4096; draws have the mean and variance of the distribution) and a definition
    /// that fails one is refused; <c>verify: false</c> skips them.
    /// </summary>
    /// <param name="definition">The distribution.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="verify">Whether to run the laws first (default true).</param>
    /// <returns>The initialiser.</returns>
    /// <exception cref="VerificationException">A law failed (the message is the report with the counterexample).</exception>
    /// <exception cref="ArgumentException">The definition is null.</exception>
    public static Initializer Register(InitializerDefinition definition, int seed, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (verify) Verification.Check(definition, VerificationOptions.Fast).ThrowIfFailed();
        return Of(definition.Core, seed, definition.Name);
    }

    /// <summary>W = 0 (every unit then learns the same thing: the symmetry problem of S31).</summary>
    public static Initializer Zeros() => new(Factories.Zeros(), 0, "Zeros");

    /// <summary>W_ij = value.</summary>
    /// <param name="value">The constant; must be finite.</param>
    /// <exception cref="ArgumentException">The value is NaN or infinite.</exception>
    public static Initializer Constant(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"value must be finite but is {value}.", nameof(value));
        return new(Factories.Constant(value), 0, $"Constant({value})");
    }

    /// <summary>W_ij ~ N(0, standardDeviation²).</summary>
    /// <param name="standardDeviation">σ ≥ 0.</param>
    /// <param name="seed">The seed.</param>
    /// <exception cref="ArgumentException">σ is negative, NaN or infinite.</exception>
    public static Initializer Normal(double standardDeviation, int seed)
    {
        if (!double.IsFinite(standardDeviation) || standardDeviation < 0)
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be a finite number >= 0.");
        return Of(Factories.Normal(standardDeviation), seed, $"Normal({standardDeviation})");
    }

    /// <summary>W_ij ~ U(−limit, limit).</summary>
    /// <param name="limit">The half-width ≥ 0.</param>
    /// <param name="seed">The seed.</param>
    /// <exception cref="ArgumentException">The limit is negative, NaN or infinite.</exception>
    public static Initializer Uniform(double limit, int seed)
    {
        if (!double.IsFinite(limit) || limit < 0)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be a finite number >= 0.");
        return Of(Factories.Uniform(limit), seed, $"Uniform({limit})");
    }

    /// <summary>S31's "small random": W_ij ~ 0.01·N(0, 1).</summary>
    /// <param name="seed">The seed.</param>
    public static Initializer SmallRandom(int seed) => Of(Factories.SmallRandom(), seed, "SmallRandom");

    /// <summary>Glorot/Xavier normal: σ = √(2 / (fan_in + fan_out)).</summary>
    /// <param name="seed">The seed.</param>
    public static Initializer XavierNormal(int seed) => Of(Factories.XavierNormal(), seed, "XavierNormal");

    /// <summary>Glorot/Xavier uniform: limit = √(6 / (fan_in + fan_out)).</summary>
    /// <param name="seed">The seed.</param>
    public static Initializer XavierUniform(int seed) => Of(Factories.XavierUniform(), seed, "XavierUniform");

    /// <summary>He/Kaiming normal: σ = √(2 / fan_in) (S31's randn / √(fan_in / 2)); the default for the ReLU family.</summary>
    /// <param name="seed">The seed.</param>
    public static Initializer HeNormal(int seed) => Of(Factories.HeNormal(), seed, "HeNormal");

    /// <summary>Same as <see cref="HeNormal"/>.</summary>
    /// <param name="seed">The seed.</param>
    public static Initializer He(int seed) => HeNormal(seed);

    /// <summary>He/Kaiming uniform: limit = √(6 / fan_in).</summary>
    /// <param name="seed">The seed.</param>
    public static Initializer HeUniform(int seed) => Of(Factories.HeUniform(), seed, "HeUniform");

    /// <summary>LeCun normal: σ = √(1 / fan_in) (what S31 calls "Xavier": randn / √fan_in).</summary>
    /// <param name="seed">The seed.</param>
    public static Initializer LeCunNormal(int seed) => Of(Factories.LeCunNormal(), seed, "LeCunNormal");

    /// <summary>LeCun uniform: limit = √(3 / fan_in).</summary>
    /// <param name="seed">The seed.</param>
    public static Initializer LeCunUniform(int seed) => Of(Factories.LeCunUniform(), seed, "LeCunUniform");

    /// <summary>
    /// A sensible default per layer: He normal for ReLU, leaky ReLU, PReLU and ELU layers; Glorot
    /// (Xavier) normal for every other activation and for maxout layers.
    /// </summary>
    /// <param name="seed">The seed.</param>
    public static Initializer Default(int seed) => new(null, seed, $"Default(seed={seed})");

    /// <summary>The initialiser <see cref="Default"/> picks for a dense layer with the given activation.</summary>
    /// <param name="activation">The layer's activation.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>He normal for the ReLU family, Glorot normal otherwise.</returns>
    /// <exception cref="ArgumentNullException">activation is null.</exception>
    public static Initializer ForActivation(Activation activation, int seed)
    {
        ArgumentNullException.ThrowIfNull(activation);
        var core = Rules.InitializerFor(activation.Core);
        return Of(core, seed, core.Equals(Factories.HeNormal()) ? "HeNormal" : "XavierNormal");
    }

    internal CoreInitializer For(CoreActivation? activation) =>
        Core ?? (activation is null ? Factories.XavierNormal() : Rules.InitializerFor(activation));

    /// <summary>A fanIn×fanOut weight matrix drawn with this initialiser's seed (what layer 0 of a network gets is drawn with a derived seed instead).</summary>
    /// <param name="fanIn">Rows, ≥ 1.</param>
    /// <param name="fanOut">Columns, ≥ 1.</param>
    /// <returns>A new array.</returns>
    /// <exception cref="ArgumentException">fanIn or fanOut &lt; 1.</exception>
    /// <exception cref="InvalidOperationException">Called on <see cref="Default"/>, which has no distribution of its own.</exception>
    public double[,] CreateWeights(int fanIn, int fanOut)
    {
        if (Core is null) throw new InvalidOperationException("Initializer.Default picks a distribution per layer; use ForActivation(activation, seed) to get one.");
        return Rules.Weights(Core, Seed, fanIn, fanOut).ToArray();
    }

    /// <summary>The variance of each weight in closed form: σ² for normals, limit²/3 for uniforms, 0 for constants.</summary>
    /// <param name="fanIn">Inputs of the layer, ≥ 1.</param>
    /// <param name="fanOut">Units of the layer, ≥ 1.</param>
    /// <returns>The variance.</returns>
    /// <exception cref="InvalidOperationException">Called on <see cref="Default"/>.</exception>
    public double Variance(int fanIn, int fanOut)
    {
        if (Core is null) throw new InvalidOperationException("Initializer.Default picks a distribution per layer; use ForActivation(activation, seed) to get one.");
        if (fanIn < 1) throw new ArgumentOutOfRangeException(nameof(fanIn), fanIn, "fanIn must be at least 1.");
        if (fanOut < 1) throw new ArgumentOutOfRangeException(nameof(fanOut), fanOut, "fanOut must be at least 1.");
        return Rules.Variance(Core, fanIn, fanOut);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
