namespace Hybrid;

/// <summary>Version information of the Hybrid façade.</summary>
public static class HybridInfo
{
    /// <summary>The façade's assembly name.</summary>
    public const string Name = "Hybrid";
}
