namespace Hybrid.Tests;

/// <summary>
/// Sizes whose products overflow an int (or exceed the largest .NET array) are
/// refused up front with an ArgumentException naming the argument and the limit, before anything
/// is allocated (docs/facade-network.md "Size limits").
/// </summary>
public sealed class SizeLimitTests
{
    private static void Refused(string paramName, Action call, params string[] contains)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(paramName, e.ParamName);
        foreach (var c in contains) Assert.Contains(c, e.Message);
    }

    [Fact]
    public void The_issues_cases_name_the_argument_and_the_limit()
    {
        // 65536 × 65537 wraps to 65536 in int arithmetic (was IndexOutOfRangeException).
        Refused("units", () => Network.Create(65536).Dense(65537, Activation.ReLU), "4295032832", "2147483591");
        // 10^10 weights (was OutOfMemoryException).
        Refused("units", () => Network.Create(100000).Dense(100000, Activation.ReLU), "10000000000", "2147483591");
        // 46341² = 2147488281 > int.MaxValue (was MathNet's "The input must be non-negative.").
        Refused("units", () => Network.Create(46341).Dense(46341, Activation.ReLU), "2147488281");
        // No layer can follow this many inputs (was OutOfMemoryException at Build).
        Refused("inputs", () => Network.Create(int.MaxValue), "2147483647", "2147483591");
    }

    [Fact]
    public void Maxout_pieces_and_the_total_parameter_count_are_checked_too()
    {
        Refused("units", () => Network.Create(65536).Maxout(65537, 2), "2147483591");
        // Each piece fits, but 3 pieces of 1e9 weights exceed ParameterCount's int.
        Refused("pieces", () => Network.Create(100000).Maxout(10000, 3), "2147483647");
        // Each layer fits, the whole network does not: 40000² + 40000² > int.MaxValue.
        var wide = Network.Create(40000).Dense(40000, Activation.ReLU);
        Refused("units", () => wide.Dense(40000, Activation.ReLU), "parameters", "2147483647");
    }

    [Fact]
    public void Sizes_just_inside_the_limits_are_accepted_without_allocating()
    {
        // Describing a layer allocates nothing: only Build draws weights.
        var b = Network.Create(Array.MaxLength).Dense(1, Activation.Identity);
        Assert.Equal(1, b.OutputCount);
        var c = Network.Create(46340).Dense(46340, Activation.ReLU);   // 46340² = 2147395600 ≤ Array.MaxLength
        Assert.Equal(46340, c.OutputCount);
    }
}
