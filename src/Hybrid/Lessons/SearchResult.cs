
namespace Hybrid.Lessons;

/// <summary>The outcome of an optimiser run with a fixed budget of loss evaluations.</summary>
public sealed class SearchResult
{
    internal SearchResult(Core.SearchResult result)
    {
        Parameters = LessonArguments.ReadOnly(result.Parameters);
        Loss = result.Loss;
        BestLossHistory = LessonArguments.ReadOnly(result.BestLossHistory);
        Evaluations = result.Evaluations;
    }

    /// <summary>The best parameters evaluated.</summary>
    public IReadOnlyList<double> Parameters { get; }

    /// <summary>Their loss, the lowest seen.</summary>
    public double Loss { get; }

    /// <summary>The lowest loss among the first k + 1 evaluations, for each k (never increases).</summary>
    public IReadOnlyList<double> BestLossHistory { get; }

    /// <summary>The number of loss evaluations spent.</summary>
    public int Evaluations { get; }
}
