using System.Globalization;
using Hybrid.Cli.Infrastructure;
using Hybrid.Data;

namespace Hybrid.Cli.Commands;

/// <summary>Parses --preprocess and fits the façade's <see cref="Preprocessor"/> on the training rows.</summary>
internal static class Preprocessing
{
    /// <summary>none | standardize | pca:K | pca:SHARE | whiten | whiten:K | whiten:SHARE (K a whole number of components, SHARE a share of variance in (0, 1)).</summary>
    public static Preprocessor Fit(string spec, DataSet train)
    {
        var parts = spec.Split(':');
        var kind = parts[0].ToLowerInvariant();
        if (parts.Length > 2 || (parts.Length == 2 && kind is not ("pca" or "whiten")))
            throw new UsageException($"--preprocess: '{spec}' is not one of none, standardize, pca:K, pca:SHARE, whiten, whiten:K, whiten:SHARE.");
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
            _ => throw new UsageException($"--preprocess: '{spec}' is not one of none, standardize, pca:K, pca:SHARE, whiten, whiten:K, whiten:SHARE."),
        };
    }
}
