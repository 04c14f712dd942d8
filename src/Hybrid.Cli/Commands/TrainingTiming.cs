using System.Globalization;

namespace Hybrid.Cli.Commands;

/// <summary>The timing line of <c>hybrid train</c>'s summary.</summary>
internal static class TrainingTiming
{
    /// <summary>
    /// How the first epoch's time compares with the later ones': the first includes compiling the
    /// training code (.NET's JIT starts every method unoptimised and recompiles the hot ones), so the
    /// overall rate understates the steady one. Null with fewer than two epochs.
    /// </summary>
    internal static string? Note(IReadOnlyList<EpochReport> history)
    {
        if (history.Count < 2) return null;
        var later = history.Skip(1).Select(r => r.SamplesPerSecond).Order().ToArray();
        double median = later.Length % 2 == 1 ? later[later.Length / 2] : (later[later.Length / 2 - 1] + later[later.Length / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture,
            $"first epoch {history[0].Elapsed.TotalSeconds:F2} s at {history[0].SamplesPerSecond:F0} samples/s (it includes compiling the code), later epochs {median:F0} samples/s (median)");
    }
}
