namespace Hybrid.Cli.Playground;

/// <summary>
/// The playground's bounds: what one session may ask for and how many may train at once. Every
/// request outside them is a 400 with a message; the cap on sessions is a 429.
/// </summary>
public sealed record PlaygroundLimits
{
    /// <summary>Sessions (each with its own training task) alive at once (default 4).</summary>
    public int MaxSessions { get; init; } = 4;

    /// <summary>Rows a generated data set may have (default 2000).</summary>
    public int MaxPoints { get; init; } = 2000;

    /// <summary>Hidden layers (default 8).</summary>
    public int MaxLayers { get; init; } = 8;

    /// <summary>Units per hidden layer (default 64).</summary>
    public int MaxUnits { get; init; } = 64;

    /// <summary>
    /// Epochs one session may train before it stops by itself and says so (default 20000: about 17 minutes at the
    /// default pace of 20 epochs per second, 15–30 s unthrottled).
    /// </summary>
    public int MaxEpochs { get; init; } = 20_000;

    /// <summary>The fastest pace a session may ask for, in epochs per second (default 1000); 0 asks for no pace at all.</summary>
    public int MaxPace { get; init; } = 1000;

    /// <summary>A session whose page has not opened its event stream for this long is ended (default 60 s).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Side of the decision-boundary grid, in cells (default 60).</summary>
    public int GridSize { get; init; } = 60;

    /// <summary>Rows the gradient check uses (default 16: it costs two loss evaluations per parameter).</summary>
    public int GradientCheckRows { get; init; } = 16;
}
