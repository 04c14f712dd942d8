using Hybrid.Core.Interop;

namespace Hybrid;

// The keys one object of a model file may hold: known keys once each, a bounded number of unknown ones.
internal static partial class ModelFormat
{
    /// <summary>The keys seen in one object: the format's own keys as bits, and at most <see cref="ModelReader.MaxUnknownKeys"/> unknown ones in a set made only when one appears.</summary>
    private sealed class Keys(int layer, int piece, string? name = null)
    {
        // The format's own keys: the model's, every layer kind's (from the registry) and the extras'.
        private static readonly string[] Known = OneBitEach(
            ["format", "version", "inputs", "precision", "layers", "type", .. Networks.LayerFieldKeys,
             "preprocessing", "classNames", "kind", "epsilon", "mean", "std", "variances", "components",
             "training", "epochs", "optimizer", "name", "step", "firstMoments", "secondMoments", "bestEpoch", "bestValue",
             "bestWeights", "sinceBest", "firstLoss", "baseRate", "momentum", "decay", "beta1", "beta2"]);

        // The known keys are one bit each of a long.
        private static string[] OneBitEach(string[] keys) =>
            keys.Length <= 64 ? keys : throw new InvalidOperationException($"ModelFormat.Keys holds {keys.Length} known keys, more than its 64 bits.");

        /// <summary>The keys of a named object outside the layers (e.g. "preprocessing").</summary>
        public Keys(string name) : this(-1, -1, name) { }
        private long _known;
        private HashSet<string>? _unknown;
        /// <summary>The object, named only when a message needs it.</summary>
        public string Where => name ?? (layer < 0 ? "the model" : piece < 0 ? $"layer {layer}" : $"layer {layer} piece {piece}");
        public bool Add(string key)
        {
            int i = Array.IndexOf(Known, key);
            if (i >= 0)
            {
                if ((_known & (1L << i)) != 0) return false;
                _known |= 1L << i;
                return true;
            }
            _unknown ??= new HashSet<string>(StringComparer.Ordinal);
            if (_unknown.Count == ModelReader.MaxUnknownKeys)
                throw new InvalidDataException($"{Where} has more than {ModelReader.MaxUnknownKeys} unknown keys.");
            return _unknown.Add(key);
        }
    }
}
