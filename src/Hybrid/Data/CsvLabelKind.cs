namespace Hybrid.Data;

/// <summary>What a CSV file's label column holds.</summary>
public enum CsvLabelKind
{
    /// <summary>Class labels: if every label is a whole number ≥ 0 it is the class index (class names "0".."k−1"); otherwise the distinct labels, sorted by ordinal string order, become classes 0..k−1 and keep their text as class names.</summary>
    Classes,
    /// <summary>A numeric target (regression): one target column.</summary>
    Values,
    /// <summary>No label column: every column is a feature (data to predict on).</summary>
    None,
}
