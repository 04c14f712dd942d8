using Hybrid.Cli.Data;

namespace Hybrid.Cli.Commands;

/// <summary>STOPGAP until the data layer's stratified splits land: seeded shuffles.</summary>
internal static class Splits
{
    public static (LoadedData Train, LoadedData? Validation, LoadedData? Test) Make(LoadedData data, double testShare, double validationShare, int seed)
    {
        var order = Enumerable.Range(0, data.X.Length).ToArray();
        new Random(seed).Shuffle(order);
        int nTest = (int)Math.Round(testShare * order.Length);
        var test = nTest > 0 ? data.Rows(order[..nTest]) : null;
        var rest = order[nTest..];
        int nValid = (int)Math.Round(validationShare * rest.Length);
        var valid = nValid > 0 ? data.Rows(rest[..nValid]) : null;
        return (data.Rows(rest[nValid..]), valid, test);
    }
}
