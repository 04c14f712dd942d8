namespace Hybrid.Cli.Playground;

/// <summary>
/// The loss curves, thinned so they stay small however long training runs: every epoch whose
/// number is a multiple of the stride is kept; when the list is full every other point is dropped
/// and the stride doubles (at most <see cref="Capacity"/> points).
/// </summary>
internal sealed class LossHistory
{
    /// <summary>The most points kept.</summary>
    public const int Capacity = 400;

    private readonly List<(int Epoch, double Train, double Test)> _points = [];
    private int _stride = 1;

    /// <summary>Records an epoch's losses (NaN test loss: no test set).</summary>
    public void Add(int epoch, double train, double test)
    {
        if (epoch % _stride != 0) return;
        _points.Add((epoch, train, test));
        if (_points.Count < Capacity) return;
        _stride *= 2;
        _points.RemoveAll(p => p.Epoch % _stride != 0);
    }

    /// <summary>The points kept: epochs, training losses, test losses (empty if there is no test set).</summary>
    public (int[] Epochs, double[] Train, double[] Test) Snapshot() =>
        (_points.Select(p => p.Epoch).ToArray(), _points.Select(p => p.Train).ToArray(),
         _points.Any(p => double.IsNaN(p.Test)) ? [] : _points.Select(p => p.Test).ToArray());
}
