using Hybrid.Core.Interop;
using CoreInitializer = Hybrid.Core.Initializer;

namespace Hybrid;

/// <summary>
/// Your own weight initialiser (course item S31; docs/extending.md): a normal N(0, s²) or a uniform U(−s, s) whose spread s
/// comes from the layer's fan-in and fan-out. Check it with <see cref="Verification.Check(InitializerDefinition, VerificationOptions?)"/>
/// and make a seeded initialiser of it with <see cref="Initializer.Register(InitializerDefinition, int, bool)"/>.
/// </summary>
public sealed class InitializerDefinition
{
    internal CoreInitializer Core { get; }

    /// <summary>The name reports use.</summary>
    public string Name { get; }

    private InitializerDefinition(CoreInitializer core, string name) => (Core, Name) = (core, name);

    /// <summary>W ~ N(0, s²) with s = <paramref name="standardDeviation"/>(fan_in, fan_out).</summary>
    /// <param name="name">A name for reports (at most 64 characters).</param>
    /// <param name="standardDeviation">s from fan_in and fan_out, finite and ≥ 0.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">An argument is null or the name is empty or too long.</exception>
    public static InitializerDefinition Normal(string name, Func<int, int, double> standardDeviation)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(standardDeviation);
        return new(ExtendingInitializers.Define(name, standardDeviation, uniform: false), name);
    }

    /// <summary>W ~ U(−s, s) with s = <paramref name="limit"/>(fan_in, fan_out).</summary>
    /// <param name="name">A name for reports (at most 64 characters).</param>
    /// <param name="limit">s from fan_in and fan_out, finite and ≥ 0.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ArgumentException">An argument is null or the name is empty or too long.</exception>
    public static InitializerDefinition Uniform(string name, Func<int, int, double> limit)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(limit);
        return new(ExtendingInitializers.Define(name, limit, uniform: true), name);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
