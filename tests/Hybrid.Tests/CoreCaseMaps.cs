using Microsoft.FSharp.Reflection;
using Xunit;

namespace Hybrid.Tests;

/// <summary>The check every map from a core union's cases to a public C# enum must pass.</summary>
internal static class CoreCaseMaps
{
    /// <summary>
    /// Walks every case of <paramref name="coreUnion"/> by F# reflection: the cases are exactly the
    /// keys of <paramref name="expected"/> (a new core case fails), <paramref name="map"/> gives each
    /// its expected public value, every public value is reached, and an unknown name throws.
    /// </summary>
    internal static void AssertMapsEveryCase<TPublic>(Type coreUnion, IReadOnlyDictionary<string, TPublic> expected, Func<string, TPublic> map)
        where TPublic : struct, Enum
    {
        var cases = FSharpType.GetUnionCases(coreUnion, null).Select(c => c.Name).ToList();
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), cases.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var name in cases)
            Assert.Equal(expected[name], map(name));
        Assert.Equal(Enum.GetValues<TPublic>().OrderBy(v => v), cases.Select(map).Distinct().OrderBy(v => v));
        Assert.Throws<InvalidOperationException>(() => map("NoSuchCase"));
    }
}
