namespace Hybrid.Data;

/// <summary>Whether a CSV file's first line holds column names.</summary>
public enum CsvHeader
{
    /// <summary>Decide from the file: the first line is a header if one of its feature cells is not a number (feature columns must be numeric, so a data line never has one). State <see cref="Present"/> for a header of numeric names.</summary>
    Auto,
    /// <summary>The first line holds the column names.</summary>
    Present,
    /// <summary>Every line is data.</summary>
    Absent,
}
