namespace Hybrid.Data;

/// <summary>How <see cref="DataSet.FromCsv(string, CsvOptions?)"/> reads a file. Immutable; use <c>with</c> or an object initializer.</summary>
public sealed record CsvOptions
{
    private readonly int? _labelColumnIndex;
    private readonly string? _labelColumnName;

    /// <summary>The separator between cells (default ','). Cells may be quoted with '"'.</summary>
    public char Separator { get; init; } = ',';

    /// <summary>Whether the first line is a header (default <see cref="CsvHeader.Auto"/>; giving <see cref="LabelColumnName"/> implies <see cref="CsvHeader.Present"/>).</summary>
    public CsvHeader Header { get; init; } = CsvHeader.Auto;

    /// <summary>What the label column holds (default <see cref="CsvLabelKind.Classes"/>).</summary>
    public CsvLabelKind LabelKind { get; init; } = CsvLabelKind.Classes;

    /// <summary>The label column by its header name (exact, case-sensitive); null (default) to use <see cref="LabelColumnIndex"/>.</summary>
    /// <exception cref="ArgumentException">Set to an empty string.</exception>
    public string? LabelColumnName
    {
        get => _labelColumnName;
        init => _labelColumnName = value is null || value.Length > 0 ? value : throw new ArgumentException("LabelColumnName must not be empty (null selects the column by index).", nameof(LabelColumnName));
    }

    /// <summary>The label column by its 0-based index; a negative index counts from the end (−1, the default when null, is the last column).</summary>
    public int? LabelColumnIndex
    {
        get => _labelColumnIndex;
        init => _labelColumnIndex = value;
    }
}
