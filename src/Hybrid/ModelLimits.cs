namespace Hybrid;

/// <summary>
/// The limits <see cref="Network.Load(string, ModelLimits)"/> and
/// <see cref="Network.FromJson(string, ModelLimits)"/> enforce on a model file, so that a hostile
/// or corrupted file fails with an <see cref="InvalidDataException"/> naming the limit instead of
/// exhausting memory (docs/model-format.md "Limits and policies").
/// </summary>
public sealed class ModelLimits
{
    /// <summary>The default file size limit: 1 GiB (2^30 bytes).</summary>
    public const long DefaultMaxFileBytes = 1L << 30;

    /// <summary>The default layer limit: 100,000 layers.</summary>
    public const int DefaultMaxLayers = 100_000;

    /// <summary>The limits <see cref="Network.Load(string)"/> and <see cref="Network.FromJson(string)"/> use.</summary>
    public static ModelLimits Default { get; } = new();

    /// <summary>Limits with the defaults: <see cref="DefaultMaxFileBytes"/> and <see cref="DefaultMaxLayers"/>.</summary>
    public ModelLimits() : this(DefaultMaxFileBytes, DefaultMaxLayers) { }

    /// <summary>Limits with the given values.</summary>
    /// <param name="maxFileBytes">The largest model file (or UTF-8 text) accepted, in bytes, ≥ 1.</param>
    /// <param name="maxLayers">The most layers a model may have, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is less than 1.</exception>
    public ModelLimits(long maxFileBytes, int maxLayers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFileBytes, 1L);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLayers, 1);
        MaxFileBytes = maxFileBytes;
        MaxLayers = maxLayers;
    }

    /// <summary>
    /// The largest model file accepted, in bytes. Loading never holds more than the parameters
    /// themselves (8 bytes per number) plus about 64 KiB of buffers; a file of only one-digit
    /// numbers ("0,") holds 4 bytes of parameters per byte of file, so the worst case is about
    /// 4 × this limit.
    /// </summary>
    public long MaxFileBytes { get; }

    /// <summary>The most layers (dense, maxout and dropout together) a model may have.</summary>
    public int MaxLayers { get; }

    /// <inheritdoc />
    public override string ToString() => $"ModelLimits(MaxFileBytes = {MaxFileBytes}, MaxLayers = {MaxLayers})";
}
