using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>How many cases each law of <see cref="Verification"/> runs, and from which seed (the same seed gives the same cases).</summary>
public sealed class VerificationOptions
{
    /// <summary>Cases per generated law (default 100; registration runs 30).</summary>
    public int Cases { get; init; } = Extending.DefaultCases;

    /// <summary>The seed of the generated cases (default a fixed seed, so reports repeat).</summary>
    public ulong Seed { get; init; } = Extending.DefaultSeed;

    /// <summary>The laws registration runs: the same laws on fewer cases.</summary>
    internal static VerificationOptions Fast { get; } = new() { Cases = Extending.FastCases };

    internal int CheckedCases() =>
        Cases is >= 1 and <= 1_000_000 ? Cases : throw new ArgumentException($"Cases must lie in [1, 1000000], but is {Cases}.", "options");
}
