using Hybrid.Cli.Infrastructure;
using Hybrid.Data;

namespace Hybrid.Cli.Data;

/// <summary>Reads the data a command names: a built-in set, a CSV file or an IDX pair (all through the façade's <see cref="DataSet"/>).</summary>
internal static class DataSource
{
    /// <summary>The built-in names (with "mnist" for "mnist-test").</summary>
    public static bool IsBuiltIn(string source) =>
        DataSets.Names.Contains(source.ToLowerInvariant()) || source.Equals("mnist", StringComparison.OrdinalIgnoreCase);

    /// <summary>Loads <paramref name="source"/> as the file options say.</summary>
    public static DataSet Load(string option, string source, Commands.DataFileSettings file, bool unlabelled = false) =>
        Load(option, source, file.Labels, file.LabelColumn, file.Header, file.Separator, unlabelled);

    /// <summary>
    /// Loads a labelled file (CSV, or IDX images with <paramref name="labels"/>) read with the CSV options of <paramref name="file"/>,
    /// never a built-in set: <c>train --test-file</c>, whose IDX labels come from <paramref name="labelsOption"/>.
    /// </summary>
    public static DataSet LoadFile(string option, string path, string? labels, string labelsOption, Commands.DataFileSettings file)
    {
        if (!File.Exists(path))
            throw new UsageException(Directory.Exists(path) ? $"{option}: '{path}' is a folder; give a file." : $"{option}: '{path}' does not exist.");
        return Labelled(Load(option, path, labels, file.LabelColumn, file.Header, file.Separator, labelsOption: labelsOption, builtIn: false), option);
    }

    /// <summary>Loads <paramref name="source"/>.</summary>
    /// <param name="option">The option or argument that named it (for messages).</param>
    /// <param name="source">A built-in name, a CSV path or an IDX image path.</param>
    /// <param name="labels">The IDX label path, if <paramref name="source"/> is an IDX image file.</param>
    /// <param name="labelColumn">CSV label column: a header name or a 0-based index (negative: from the end).</param>
    /// <param name="header">CSV header: auto, yes or no.</param>
    /// <param name="separator">CSV separator (one character), or null for ','.</param>
    /// <param name="unlabelled">CSV without a label column unless <paramref name="labelColumn"/> is given (predict).</param>
    /// <param name="labelsOption">The option that names <paramref name="labels"/> (for messages).</param>
    /// <param name="builtIn">Whether a built-in name is read as that set (false: <paramref name="source"/> is always a file).</param>
    public static DataSet Load(string option, string source, string? labels, string? labelColumn, string header, string? separator, bool unlabelled = false,
                               string labelsOption = "--labels", bool builtIn = true)
    {
        if (builtIn && labels is null && IsBuiltIn(source)) return DataSets.ByName(source);
        if (!File.Exists(source))
            throw new UsageException(Directory.Exists(source)
                ? $"{option}: '{source}' is a folder; give a file or a built-in data set ({string.Join(", ", DataSets.Names)})."
                : $"{option}: '{source}' is neither a built-in data set ({string.Join(", ", DataSets.Names)}) nor an existing file.");
        if (labels is not null)
        {
            if (!File.Exists(labels)) throw new UsageException($"{labelsOption}: file not found: {labels}");
            return DataSet.FromIdx(source, labels);
        }
        if (IsIdx(source))
            throw new UsageException($"{option}: '{source}' is an IDX file, not CSV; an IDX image file needs its labels: give {labelsOption} <file>.");
        var options = new CsvOptions
        {
            Header = header.ToLowerInvariant() switch
            {
                "auto" => CsvHeader.Auto,
                "yes" or "true" or "present" => CsvHeader.Present,
                "no" or "false" or "absent" => CsvHeader.Absent,
                _ => throw new UsageException($"--header: '{header}' is not one of auto, yes, no."),
            },
            Separator = separator switch
            {
                null => ',',
                "\\t" or "tab" => '\t',
                { Length: 1 } s => s[0],
                _ => throw new UsageException($"--separator: give one character (or 'tab'), got '{separator}'."),
            },
            LabelKind = unlabelled && labelColumn is null ? CsvLabelKind.None : CsvLabelKind.Classes,
        };
        if (labelColumn is not null)
            options = int.TryParse(labelColumn, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var index)
                ? options with { LabelColumnIndex = index }
                : options with { LabelColumnName = labelColumn };
        return DataSet.FromCsv(source, options);
    }

    /// <summary>
    /// Whether <paramref name="path"/> starts with an IDX magic number: two zero bytes, a type byte
    /// (0x08 unsigned byte, 0x09 signed byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double) and a
    /// dimension count of at least 1. Only a regular file is opened (a named pipe would block).
    /// </summary>
    internal static bool IsIdx(string path)
    {
        if (FileKind.IsSpecial(path)) return false;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            Span<byte> magic = stackalloc byte[4];
            return file.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4
                && magic[0] == 0 && magic[1] == 0 && magic[2] is 0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E && magic[3] >= 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;   // the CSV reader reports it
        }
    }

    /// <summary>The class names of a labelled set ("0".."k−1" if it has none).</summary>
    public static IReadOnlyList<string> ClassNames(DataSet data) =>
        data.ClassNames ?? Enumerable.Range(0, data.ClassCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Requires class labels (train, evaluate and gradcheck classify).</summary>
    public static DataSet Labelled(DataSet data, string option)
    {
        if (!data.HasLabels) throw new UsageException($"{option}: '{data.Name}' has no class labels; give --label-column.");
        return data;
    }
}
