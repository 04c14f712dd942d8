namespace Hybrid.Tests;

/// <summary>
/// A fact that needs a Unix file system (named pipes, devices under /dev, directory flushes): on
/// Windows xUnit reports it as skipped, with the reason, instead of running it. xUnit 2.9 has no
/// skip from inside a running test (Assert.Skip is xUnit 3's), so the skip is decided when the
/// test is discovered, from the attribute's <see cref="FactAttribute.Skip"/>; an early
/// <c>return</c> in the body would report a pass that checked nothing.
/// </summary>
public sealed class UnixFactAttribute : FactAttribute
{
    /// <summary>Skips the fact on Windows, saying why.</summary>
    /// <param name="reason">What the test needs that Windows lacks.</param>
    public UnixFactAttribute(string reason)
    {
        if (OperatingSystem.IsWindows()) Skip = "Unix only: " + reason;
    }
}

/// <summary>The theory form of <see cref="UnixFactAttribute"/>: every case is skipped on Windows.</summary>
public sealed class UnixTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips the theory on Windows, saying why.</summary>
    /// <param name="reason">What the test needs that Windows lacks.</param>
    public UnixTheoryAttribute(string reason)
    {
        if (OperatingSystem.IsWindows()) Skip = "Unix only: " + reason;
    }
}
