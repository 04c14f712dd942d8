namespace Hybrid.Lessons;

/// <summary>One layer's activations in <see cref="ActivationStatistics.Run"/>.</summary>
public sealed class LayerStatistics
{
    internal LayerStatistics(int layer, double mean, double standardDeviation, double[] binEdges, int[] counts)
    {
        Layer = layer;
        Mean = mean;
        StandardDeviation = standardDeviation;
        BinEdges = Array.AsReadOnly(binEdges);
        Counts = Array.AsReadOnly(counts);
    }

    /// <summary>The 1-based layer number.</summary>
    public int Layer { get; }

    /// <summary>Mean of the activations (averaged over the seeds).</summary>
    public double Mean { get; }

    /// <summary>Population standard deviation of the activations (averaged over the seeds).</summary>
    public double StandardDeviation { get; }

    /// <summary>Histogram bin edges (one more than <see cref="Counts"/>).</summary>
    public IReadOnlyList<double> BinEdges { get; }

    /// <summary>Activations per bin, summed over the seeds.</summary>
    public IReadOnlyList<int> Counts { get; }
}
