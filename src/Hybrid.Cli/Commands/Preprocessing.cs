using System.Globalization;
using Hybrid.Cli.Infrastructure;
using Hybrid.Data;

namespace Hybrid.Cli.Commands;

/// <summary>Parses --preprocess and fits the façade's <see cref="Preprocessor"/> on the training rows.</summary>
internal static class Preprocessing
{
    /// <summary>A column counts as near-constant when standardising sends some training value more than this many standard
    /// deviations from its mean: the column is (almost) one value with rare departures, such as a border pixel.</summary>
    public const double NearConstantZ = 10;

    /// <summary>The share of constant or near-constant columns from which data whose values all lie in [0, 255] is image-like.</summary>
    public const double ImageLikeShare = 0.1;

    /// <summary>
    /// The default (auto): image-like data (every training value in [0, 255] and at least 10% of the columns constant or
    /// near-constant) is scaled to [0, 1] by dividing by the largest training value (left as it is when that is at most 1);
    /// other data is standardised. Returns the transform and, when standardising near-constant columns, a one-line warning.
    /// </summary>
    public static (Preprocessor Preprocessor, string? Warning) Choose(string spec, DataSet train)
    {
        var stats = ColumnStats.Of(train);
        if (spec.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            if (stats.Min >= 0 && stats.Max <= 255 && stats.ConstantOrNear >= ImageLikeShare * train.FeatureCount)
                return (stats.Max <= 1 ? Preprocessor.None(train.FeatureCount) : Preprocessor.Scale(train.FeatureCount, stats.Max), null);
            spec = "standardize";
        }
        var preprocessor = Fit(spec, train);
        var warning = preprocessor.Kind == PreprocessingKind.Standardize && stats.NearConstant > 0
            ? $"standardising {stats.NearConstant} near-constant column(s) of {train.FeatureCount} (a training value more than {NearConstantZ:G} standard deviations from the column mean); "
              + "rare values there become very large. Consider --preprocess none, or the default (auto), which scales data in [0, 255] to [0, 1]."
            : null;
        return (preprocessor, warning);
    }

    private readonly record struct ColumnStats(double Min, double Max, int NearConstant, int ConstantOrNear)
    {
        public static ColumnStats Of(DataSet train)
        {
            var rows = train.GetFeatures();
            var d = train.FeatureCount;
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            int near = 0, constant = 0;
            for (var j = 0; j < d; j++)
            {
                double sum = 0, lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                foreach (var r in rows) { sum += r[j]; lo = Math.Min(lo, r[j]); hi = Math.Max(hi, r[j]); }
                var mean = sum / rows.Length;
                double ss = 0;
                foreach (var r in rows) ss += (r[j] - mean) * (r[j] - mean);
                var std = Math.Sqrt(ss / rows.Length);
                min = Math.Min(min, lo);
                max = Math.Max(max, hi);
                if (std == 0 || hi == lo) constant++;
                else if (Math.Max(hi - mean, mean - lo) > NearConstantZ * std) near++;
            }
            return new(min, max, near, near + constant);
        }
    }

    /// <summary>Whether a kind takes a component count or variance share after a colon (":K", ":SHARE").</summary>
    private enum Count { None, Required, Optional }

    /// <summary>One --preprocess kind: its name and other spellings, whether it takes :K or :SHARE, and how it is fitted on the training rows.</summary>
    private sealed record Kind(string Name, string[] Spellings, Count Takes, Func<DataSet, int?, double?, Preprocessor> Fit);

    /// <summary>Every --preprocess kind but auto (which <see cref="Choose"/> resolves): the one table the parser and its message read.</summary>
    private static readonly Kind[] Kinds =
    [
        new("none", [], Count.None, (t, _, _) => Preprocessor.None(t.FeatureCount)),
        new("standardize", ["standardise"], Count.None, (t, _, _) => Preprocessor.FitStandardize(t.Features)),
        new("pca", [], Count.Required, (t, k, s) => k is int c ? Preprocessor.FitPca(t.Features, c) : Preprocessor.FitPcaForVariance(t.Features, s!.Value)),
        new("whiten", [], Count.Optional, (t, k, s) =>
            k is int c ? Preprocessor.FitWhitening(t.Features, c)
            : s is double v ? Preprocessor.FitWhiteningForVariance(t.Features, v)
            : Preprocessor.FitWhitening(t.Features, t.FeatureCount)),
    ];

    /// <summary>The accepted forms, from the table: "auto, none, standardize, pca:K, pca:SHARE, whiten, whiten:K, whiten:SHARE".</summary>
    private static string Allowed =>
        "auto, " + string.Join(", ", Kinds.SelectMany(k => (k.Takes == Count.Required ? [] : new[] { k.Name })
                                                          .Concat(k.Takes == Count.None ? [] : [$"{k.Name}:K", $"{k.Name}:SHARE"])));

    /// <summary>none | standardize | pca:K | pca:SHARE | whiten | whiten:K | whiten:SHARE (K a whole number of components, SHARE a share of variance in (0, 1)).</summary>
    public static Preprocessor Fit(string spec, DataSet train)
    {
        var parts = spec.Split(':');
        var name = parts[0].ToLowerInvariant();
        var kind = Kinds.FirstOrDefault(k => k.Name == name || k.Spellings.Contains(name));
        bool counted = parts.Length == 2;
        if (kind is null || parts.Length > 2 || (counted && kind.Takes == Count.None) || (!counted && kind.Takes == Count.Required))
            throw new UsageException($"--preprocess: '{spec}' is not one of {Allowed}.");
        int? components = null;
        double? share = null;
        if (counted)
        {
            if (int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var k)) components = k;
            else share = Names.Double("--preprocess", parts[1]);
        }
        return kind.Fit(train, components, share);
    }
}
