using System.IO.Compression;
using System.Reflection;
using Hybrid.Cli.Infrastructure;
using Hybrid.Lessons;

namespace Hybrid.Cli.Data;

/// <summary>A classification data set as the commands use it.</summary>
internal sealed record LoadedData(string Name, double[][] X, int[] Labels, IReadOnlyList<string> ClassNames)
{
    public int FeatureCount => X.Length == 0 ? 0 : X[0].Length;

    public int ClassCount => ClassNames.Count;

    public LoadedData Rows(IReadOnlyList<int> rows) => this with { X = rows.Select(i => X[i]).ToArray(), Labels = rows.Select(i => Labels[i]).ToArray() };

    /// <summary>STOPGAP until the data layer lands: the built-in digits (tests' copy) and the logic gates.</summary>
    public static LoadedData Load(string source)
    {
        switch (source.ToLowerInvariant())
        {
            case "digits":
                return Digits();
            case "and" or "or" or "nand" or "xor":
                var gate = source.ToLowerInvariant() switch { "and" => LogicGates.And, "or" => LogicGates.Or, "nand" => LogicGates.Nand, _ => LogicGates.Xor };
                return new(gate.Name, gate.Inputs.Select(r => r.ToArray()).ToArray(), gate.Targets.Select(t => (int)t).ToArray(), ["0", "1"]);
            default:
                if (!File.Exists(source)) throw new UsageException($"--data: '{source}' is neither a built-in data set (digits, and, or, nand, xor) nor a readable file.");
                throw new UsageException($"--data: '{source}': CSV files are not supported yet.");
        }
    }

    private static LoadedData Digits()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("digits.csv.gz")!;
        using var reader = new StreamReader(new GZipStream(stream, CompressionMode.Decompress));
        var xs = new List<double[]>();
        var ys = new List<int>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var parts = line.Split(',');
            xs.Add(parts.Take(64).Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture) / 16.0).ToArray());
            ys.Add(int.Parse(parts[64], System.Globalization.CultureInfo.InvariantCulture));
        }
        return new("digits", xs.ToArray(), ys.ToArray(), Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }
}
