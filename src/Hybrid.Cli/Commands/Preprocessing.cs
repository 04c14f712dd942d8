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

    /// <summary>none | standardize | pca:K | pca:SHARE | whiten | whiten:K | whiten:SHARE (K a whole number of components, SHARE a share of variance in (0, 1)).</summary>
    public static Preprocessor Fit(string spec, DataSet train)
    {
        var parts = spec.Split(':');
        var kind = parts[0].ToLowerInvariant();
        if (parts.Length > 2 || (parts.Length == 2 && kind is not ("pca" or "whiten")))
            throw new UsageException($"--preprocess: '{spec}' is not one of auto, none, standardize, pca:K, pca:SHARE, whiten, whiten:K, whiten:SHARE.");
        int? components = null;
        double? share = null;
        if (parts.Length == 2)
        {
            if (int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var k)) components = k;
            else share = Names.Double("--preprocess", parts[1]);
        }
        return kind switch
        {
            "none" => Preprocessor.None(train.FeatureCount),
            "standardize" or "standardise" => Preprocessor.FitStandardize(train.Features),
            "pca" when components is int k => Preprocessor.FitPca(train.Features, k),
            "pca" when share is double s => Preprocessor.FitPcaForVariance(train.Features, s),
            "whiten" when components is int k => Preprocessor.FitWhitening(train.Features, k),
            "whiten" when share is double s => Preprocessor.FitWhiteningForVariance(train.Features, s),
            "whiten" => Preprocessor.FitWhitening(train.Features, train.FeatureCount),
            _ => throw new UsageException($"--preprocess: '{spec}' is not one of auto, none, standardize, pca:K, pca:SHARE, whiten, whiten:K, whiten:SHARE."),
        };
    }
}
