using System.Globalization;
using System.IO.Compression;
using MathNet.Numerics.LinearAlgebra;
using nietras.SeparatedValues;

namespace Hybrid.Data;

/// <summary>Reads CSV files with Sep (docs/data.md): numeric features, one label column.</summary>
internal static class CsvLoader
{
    internal static DataSet Load(string path, CsvOptions options)
    {
        LoaderFiles.CheckPath(path, nameof(path), "a CSV file");
        using var stream = File.OpenRead(path);
        using var text = new StreamReader(path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(stream, CompressionMode.Decompress) : stream);
        return Read(text, Path.GetFileName(path), path, options);
    }

    /// <summary>Reads CSV text; <paramref name="file"/> names the source in messages.</summary>
    internal static DataSet Read(TextReader text, string name, string file, CsvOptions options)
    {
        using var rows = new CsvRowBound(text, options.MaxLineLength, file);
        var header = options.LabelColumnName is not null && options.Header == CsvHeader.Auto ? CsvHeader.Present : options.Header;
        if (options.LabelColumnName is not null && header == CsvHeader.Absent)
            throw new ArgumentException($"LabelColumnName {Excerpt.Quote(options.LabelColumnName)} needs a header, but Header is Absent: select the label column by LabelColumnIndex.", nameof(options));
        if (options.LabelKind == CsvLabelKind.None && (options.LabelColumnName is not null || options.LabelColumnIndex is not null))
            throw new ArgumentException("LabelKind is None, so no label column may be named.", nameof(options));

        using var reader = Sep.Reader(o => o with
        {
            Sep = new Sep(options.Separator),
            HasHeader = false,
            Unescape = true,
            DisableColCountCheck = true,
            CultureInfo = CultureInfo.InvariantCulture,
        }).From(rows);

        string[]? names = null;
        int columns = -1, label = -1;
        var features = new List<double[]>();
        var labelCells = new List<string>();
        var labelLines = new List<int>();
        foreach (var row in reader)
        {
            int line = row.LineNumberFrom;
            if (row.ColCount == 1 && row[0].Span.Trim().Length == 0) continue; // a blank line
            if (columns < 0)
            {
                columns = row.ColCount;
                var cells = new string[columns];
                for (int j = 0; j < columns; j++) cells[j] = row[j].ToString();
                label = LabelIndex(options, columns, cells, file);
                bool isHeader = header switch
                {
                    CsvHeader.Present => true,
                    CsvHeader.Absent => false,
                    _ => Enumerable.Range(0, columns).Any(j => j != label && !TryNumber(cells[j], out _)),
                };
                if (isHeader)
                {
                    names = cells.Select(c => c.Trim()).ToArray();
                    continue;
                }
            }
            if (row.ColCount != columns)
                throw new InvalidDataException($"{file}: line {line} has {row.ColCount} columns but the first line has {columns}.");
            int featureCount = label >= 0 ? columns - 1 : columns;
            var values = new double[featureCount];
            for (int j = 0, f = 0; j < columns; j++)
            {
                if (j == label) continue;
                var cell = row[j].ToString();
                if (!TryNumber(cell, out values[f]))
                    throw new InvalidDataException($"{file}: line {line}, column {j + 1}{ColumnName(names, j)}: {Excerpt.Quote(cell)} is not a finite number (features must be numeric).");
                f++;
            }
            features.Add(values);
            if (label >= 0)
            {
                labelCells.Add(row[label].ToString().Trim());
                labelLines.Add(line);
            }
        }
        if (features.Count == 0) throw new InvalidDataException($"{file} has no data rows.");
        if (features[0].Length == 0) throw new InvalidDataException($"{file} has no feature columns (only the label column).");

        var x = Matrix<double>.Build.DenseOfRowArrays(features);
        var featureNames = names?.Where((_, j) => j != label).ToArray();
        if (featureNames is not null && featureNames.Distinct(StringComparer.Ordinal).Count() != featureNames.Length)
            featureNames = null; // repeated or empty header names are not usable as names
        if (featureNames is not null && featureNames.Any(string.IsNullOrEmpty)) featureNames = null;
        switch (options.LabelKind)
        {
            case CsvLabelKind.None:
                return DataSet.Unlabelled(x.ToRowArrays(), featureNames, name);
            case CsvLabelKind.Values:
            {
                var targets = new double[labelCells.Count][];
                for (int i = 0; i < targets.Length; i++)
                {
                    if (!TryNumber(labelCells[i], out var v))
                        throw new InvalidDataException($"{file}: line {labelLines[i]}, column {label + 1}{ColumnName(names, label)}: {Excerpt.Quote(labelCells[i])} is not a finite number (LabelKind is Values).");
                    targets[i] = [v];
                }
                return DataSet.FromTargets(x.ToRowArrays(), targets, featureNames, name);
            }
            default:
                var (labels, classNames) = ClassLabels(labelCells, labelLines, file, label, names);
                return DataSet.Labelled(name, x, labels, classNames, featureNames);
        }
    }

    private static int LabelIndex(CsvOptions options, int columns, string[] firstCells, string file)
    {
        if (options.LabelKind == CsvLabelKind.None) return -1;
        if (options.LabelColumnName is not null) return Array.IndexOf(firstCells.Select(c => c.Trim()).ToArray(), options.LabelColumnName) is var i && i >= 0 ? i
            : throw new ArgumentException($"{file} has no column named {Excerpt.Quote(options.LabelColumnName)}; its columns are {Columns(firstCells)}.", nameof(options));
        int index = options.LabelColumnIndex ?? -1;
        int resolved = index < 0 ? columns + index : index;
        if (resolved < 0 || resolved >= columns)
            throw new ArgumentException($"LabelColumnIndex {index} is outside the {columns} columns of {file} (0..{columns - 1}, or -1..-{columns} from the end).", nameof(options));
        if (columns < 2) throw new InvalidDataException($"{file} has one column: it needs at least one feature column and the label column.");
        return resolved;
    }

    private static (int[] Labels, string[] Names) ClassLabels(List<string> cells, List<int> lines, string file, int column, string[]? names)
    {
        for (int i = 0; i < cells.Count; i++)
            if (cells[i].Length == 0)
                throw new InvalidDataException($"{file}: line {lines[i]}, column {column + 1}{ColumnName(names, column)}: the class label is empty.");
        var asIndices = new int[cells.Count];
        bool allIndices = true;
        for (int i = 0; i < cells.Count && allIndices; i++)
            allIndices = int.TryParse(cells[i], NumberStyles.None, CultureInfo.InvariantCulture, out asIndices[i]);
        if (allIndices)
        {
            int k = asIndices.Max() + 1;
            return (asIndices, Enumerable.Range(0, k).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
        }
        var classNames = cells.Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToArray();
        var index = classNames.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        return (cells.Select(c => index[c]).ToArray(), classNames);
    }

    private static string ColumnName(string[]? names, int j) => names is null ? "" : $" ({Excerpt.Quote(names[j])})";

    /// <summary>The first few column names, quoted, and how many there are.</summary>
    private static string Columns(string[] names)
    {
        const int shown = 8;
        var listed = string.Join(", ", names.Take(shown).Select(n => Excerpt.Quote(n)));
        return names.Length <= shown ? listed : $"{listed}, … ({names.Length} columns)";
    }

    internal static bool TryNumber(string cell, out double value) =>
        double.TryParse(cell.AsSpan().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}

/// <summary>Path checks shared by the loaders.</summary>
internal static class LoaderFiles
{
    /// <summary>Refuses a path that is empty, a directory, missing, or not a regular file (a named pipe or a device would block or never end).</summary>
    internal static void CheckPath(string path, string paramName, string what)
    {
        ArgumentNullException.ThrowIfNull(path, paramName);
        if (path.Trim().Length == 0) throw new ArgumentException($"{paramName} is empty.", paramName);
        if (Directory.Exists(path)) throw new ArgumentException($"{paramName} \"{path}\" is a directory, not a file.", paramName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{paramName}: the file \"{path}\" does not exist.", path);
        FileKind.RefuseSpecial(path, paramName, what);
    }
}

/// <summary>
/// The CSV text passed through to the parser with the length of each row bounded
/// (<see cref="CsvOptions.MaxLineLength"/>): a row ends at a line break outside quotes, as the
/// parser reads it, so a quoted cell's line breaks count towards its row. '\r' is not counted.
/// </summary>
internal sealed class CsvRowBound(TextReader inner, int max, string file) : TextReader
{
    private int _line = 1, _rowLine = 1, _rowLength;
    private bool _quoted;
    private readonly System.Text.StringBuilder _start = new();

    public override int Peek() => inner.Peek();

    public override int Read()
    {
        int c = inner.Read();
        if (c >= 0) Count([(char)c]);
        return c;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        int n = inner.Read(buffer);
        Count(buffer[..n]);
        return n;
    }

    private void Count(ReadOnlySpan<char> chars)
    {
        foreach (char c in chars)
        {
            if (c == '\n')
            {
                _line++;
                if (!_quoted)
                {
                    _rowLine = _line;
                    _rowLength = 0;
                    _start.Clear();
                    continue;
                }
            }
            else if (c == '\r') continue;
            else if (c == '"') _quoted = !_quoted;
            if (_start.Length < Excerpt.QuoteChars) _start.Append(c);
            if (++_rowLength > max)
                throw new InvalidDataException($"{file}: the row starting on line {_rowLine} is longer than {max} characters, the limit (CsvOptions.MaxLineLength){(_quoted ? "; a quote \" left open makes the rest one row" : "")}: it starts {Excerpt.Quote(_start.ToString())}.");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
