using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>
/// What <see cref="Verification"/> found (docs/extending.md): each law, passed or failed, and for a failure the counterexample
/// FsCheck shrank it to. <see cref="ToString"/> is the whole report as text; <see cref="ThrowIfFailed"/> turns a failure into
/// an exception for your own test suite (xUnit, NUnit, MSTest, Expecto all report it with the counterexample).
/// </summary>
public sealed class VerificationReport
{
    private readonly VerificationOutcome _outcome;

    internal VerificationReport(VerificationOutcome outcome)
    {
        _outcome = outcome;
        Laws = Array.AsReadOnly(Array.ConvertAll(outcome.Laws, l => new LawReport(l)));
    }

    /// <summary>What was checked: "activation mySwish", "loss myHuber".</summary>
    public string Subject => _outcome.Subject;

    /// <summary>The seed the cases came from.</summary>
    public ulong Seed => _outcome.Seed;

    /// <summary>Whether every law held.</summary>
    public bool Passed => _outcome.Passed;

    /// <summary>Each law's outcome, in the order they ran.</summary>
    public IReadOnlyList<LawReport> Laws { get; }

    /// <summary>The report as text of at most <paramref name="maxLength"/> characters (cut with "…").</summary>
    /// <param name="maxLength">The longest text wanted (at least 1).</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentException"><paramref name="maxLength"/> is less than 1.</exception>
    public string Describe(int maxLength)
    {
        if (maxLength < 1) throw new ArgumentException($"maxLength must be at least 1, but is {maxLength}.", nameof(maxLength));
        return _outcome.Describe(maxLength);
    }

    /// <summary>Throws a <see cref="VerificationException"/> whose message is this report, when a law failed.</summary>
    /// <exception cref="VerificationException">A law failed.</exception>
    public void ThrowIfFailed()
    {
        if (!Passed) throw new VerificationException(this);
    }

    /// <summary>The whole report: a headline, each law with ✓ or ✗, and under a failure its shrunk inputs and values.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => _outcome.Describe(int.MaxValue);
}

/// <summary>One law's outcome in a <see cref="VerificationReport"/>.</summary>
public sealed class LawReport
{
    internal LawReport(LawOutcome law)
    {
        Law = law.Law;
        Statement = law.Statement;
        Passed = law.Passed;
        Cases = law.Cases;
        Shrinks = law.Shrinks;
        Counterexample = law.HasCounterexample ? new Counterexample(law) : null;
    }

    /// <summary>The law's short name: "derivative", "finite", "saturates below", "gradient".</summary>
    public string Law { get; }

    /// <summary>What it states, with its tolerance.</summary>
    public string Statement { get; }

    /// <summary>Whether every case held.</summary>
    public bool Passed { get; }

    /// <summary>How many cases ran (up to the first failure).</summary>
    public int Cases { get; }

    /// <summary>How many shrinking steps the failing case took.</summary>
    public int Shrinks { get; }

    /// <summary>The shrunk failing case, or null when the law held.</summary>
    public Counterexample? Counterexample { get; }

    /// <inheritdoc />
    public override string ToString() => $"{(Passed ? "✓" : "✗")} {Law}: {Statement}";
}

/// <summary>The smallest failing case FsCheck found for a law, and what went wrong there.</summary>
public sealed class Counterexample
{
    internal Counterexample(LawOutcome law)
    {
        Inputs = Array.AsReadOnly(law.Inputs);
        Analytic = law.Analytic;
        Numerical = law.Numerical;
        RelativeError = law.Error;
        Message = law.Message;
    }

    /// <summary>The inputs, one "name = value" each ("z = 0", "N = 2 rows, 1 column").</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Your op's value there (g′(z), ∂J/∂ŷ), or NaN when the law compares nothing.</summary>
    public double Analytic { get; }

    /// <summary>The independent value it should equal (the central difference), or NaN.</summary>
    public double Numerical { get; }

    /// <summary>|analytic − numerical| / max(|analytic|, |numerical|, 1e-4), or NaN.</summary>
    public double RelativeError { get; }

    /// <summary>One sentence: what went wrong.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => $"{string.Join("; ", Inputs)}: {Message}";
}

/// <summary>
/// A user's op failed a law of <see cref="Verification"/>: thrown by <see cref="VerificationReport.ThrowIfFailed"/>,
/// <see cref="Verification.Assert(ActivationDefinition, VerificationOptions?)"/> and by registration. The message is the
/// report (at most 4,000 characters, then the parameter's name, "definition"); <see cref="Report"/> is all of it.
/// </summary>
public sealed class VerificationException : ArgumentException
{
    /// <summary>The most characters of the report the message holds.</summary>
    public const int MaxMessageLength = 4000;

    internal VerificationException(VerificationReport report)
        : base(report.Describe(MaxMessageLength), "definition") => Report = report;

    /// <summary>The whole report.</summary>
    public VerificationReport Report { get; }
}
