namespace Hybrid.Data;

/// <summary>How <see cref="DataSet.FromCsv(string, CsvOptions?)"/> reads a file. Immutable; use <c>with</c> or an object initializer.</summary>
public sealed record CsvOptions
{
    private readonly int? _labelColumnIndex;
    private readonly string? _labelColumnName;
    private readonly int _maxLineLength = DefaultMaxLineLength;

    /// <summary>The default <see cref="MaxLineLength"/>: 1,048,576 characters (2^20).</summary>
    public const int DefaultMaxLineLength = 1 << 20;

    /// <summary>The largest <see cref="MaxLineLength"/> accepted: 4,194,304 characters (2^22), well inside what the CSV parser buffers.</summary>
    public const int LargestMaxLineLength = 1 << 22;

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

    /// <summary>
    /// The longest row accepted, in characters (default <see cref="DefaultMaxLineLength"/>); a longer
    /// one is an <see cref="InvalidDataException"/> naming its line. A row ends at a line break outside
    /// quotes, so a quoted cell's line breaks count towards it. This bounds the memory one row takes,
    /// and ends the reading of a file that is not CSV (one endless line) early.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 1..<see cref="LargestMaxLineLength"/>.</exception>
    public int MaxLineLength
    {
        get => _maxLineLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxLineLength));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, LargestMaxLineLength, nameof(MaxLineLength));
            _maxLineLength = value;
        }
    }
}
