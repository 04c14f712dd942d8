using System.Collections.ObjectModel;
using Hybrid.Data;

namespace Hybrid;

/// <summary>
/// A trained network together with the preprocessing fitted on its training data and the names of
/// its classes, saved and loaded as one versioned file (docs/model-format.md, version 2), so
/// prediction on raw rows applies the same transform. Immutable.
/// </summary>
public sealed class Model
{
    private readonly ReadOnlyCollection<string>? _classNames;

    /// <summary>A model of a network, the preprocessing its inputs need, and its class names.</summary>
    /// <param name="network">The trained network.</param>
    /// <param name="preprocessor">The transform fitted on the training data (default: none); its <see cref="Preprocessor.OutputCount"/> must equal the network's inputs.</param>
    /// <param name="classNames">Names of the classes (default: none): one per output, or 2 for a network with one output; distinct and not empty.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentException">The preprocessing does not fit the network's inputs, or the class names do not fit its outputs.</exception>
    public Model(Network network, Preprocessor? preprocessor = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        preprocessor ??= Preprocessor.None(network.InputCount);
        if (preprocessor.OutputCount != network.InputCount)
            throw new ArgumentException($"The preprocessor gives {preprocessor.OutputCount} features but the network takes {network.InputCount} inputs.", nameof(preprocessor));
        if (classNames is not null)
        {
            int classes = network.OutputCount == 1 ? 2 : network.OutputCount;
            if (classNames.Count != classes)
                throw new ArgumentException($"{nameof(classNames)} has {classNames.Count} names but the network has {network.OutputCount} output(s), so {classes} classes.", nameof(classNames));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < classNames.Count; i++)
            {
                if (string.IsNullOrEmpty(classNames[i])) throw new ArgumentException($"{nameof(classNames)}[{i}] is null or empty.", nameof(classNames));
                if (System.Text.Json.JsonEncodedText.Encode(classNames[i]).EncodedUtf8Bytes.Length > JsonTokenStream.MaxTextBytes)
                    throw new ArgumentException($"{nameof(classNames)}[{i}] is too long for the model file: at most {JsonTokenStream.MaxTextBytes} bytes as escaped JSON (e.g. {JsonTokenStream.MaxTextBytes} ASCII letters).", nameof(classNames));
                if (!seen.Add(classNames[i])) throw new ArgumentException($"{nameof(classNames)}[{i}] = \"{classNames[i]}\" repeats an earlier name.", nameof(classNames));
            }
            _classNames = Array.AsReadOnly(classNames.ToArray());
        }
        Network = network;
        Preprocessor = preprocessor;
    }

    /// <summary>The network.</summary>
    public Network Network { get; }

    /// <summary>The preprocessing applied to raw rows before the network (<see cref="PreprocessingKind.None"/> if there is none).</summary>
    public Preprocessor Preprocessor { get; }

    /// <summary>The class names (index = class), or null.</summary>
    public IReadOnlyList<string>? ClassNames => _classNames;

    /// <summary>The number of raw features a row must have.</summary>
    public int InputCount => Preprocessor.InputCount;

    /// <summary>The network's outputs for raw rows (the preprocessing is applied first).</summary>
    /// <param name="x">Raw rows with <see cref="InputCount"/> features.</param>
    /// <returns>One output row per input row (probabilities for a softmax output).</returns>
    /// <exception cref="ArgumentException">Empty, ragged or non-finite rows, or the wrong number of features.</exception>
    public double[][] Predict(Features x) => Network.Predict(Preprocessor.Transform(x));

    /// <summary>The predicted class of each raw row (argmax, or output ≥ 0.5 for one output; <see cref="Network.PredictClasses(Features)"/>).</summary>
    /// <param name="x">Raw rows.</param>
    /// <returns>One class index per row.</returns>
    /// <exception cref="ArgumentException">Bad rows, as for <see cref="Predict(Features)"/>.</exception>
    public int[] PredictClasses(Features x) => Network.PredictClasses(Preprocessor.Transform(x));

    /// <summary>Loss, accuracy and confusion matrix on raw rows and their labels or targets (with the network's default loss).</summary>
    /// <param name="x">Raw rows.</param>
    /// <param name="y">Class labels or target rows.</param>
    /// <returns>The evaluation.</returns>
    /// <exception cref="ArgumentException">Bad rows or targets.</exception>
    public Evaluation Evaluate(Features x, Targets y) => Network.Evaluate(Preprocessor.Transform(x), y);

    /// <summary>Evaluates on a raw data set with labels or targets.</summary>
    /// <param name="data">The data set (raw features).</param>
    /// <returns>The evaluation.</returns>
    /// <exception cref="ArgumentException">The data set does not fit the model.</exception>
    /// <exception cref="InvalidOperationException">The data set has no labels or targets.</exception>
    public Evaluation Evaluate(DataSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Network.Evaluate(Preprocessor.Transform(data).Features, data.Targets);
    }

    /// <summary>The version-2 extras, or null for a bare network (then the file is version 1, as Network.Save writes it).</summary>
    internal ModelExtras? Extras =>
        Preprocessor.Kind == PreprocessingKind.None && _classNames is null ? null
        : new(Preprocessor.Kind == PreprocessingKind.None ? null : Preprocessor, _classNames?.ToArray());

    /// <summary>The model file's text (version 2 JSON, one line).</summary>
    /// <returns>The JSON.</returns>
    public string ToJson() => System.Text.Encoding.UTF8.GetString(ModelFormat.Write(Network.Model, Extras, precision: Network.Precision));

    /// <summary>Reads a model from its JSON text (any version: a version-1 network has no preprocessing and no class names).</summary>
    /// <param name="json">The text.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">The text is not a valid model.</exception>
    public static Model FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return From(ModelFormat.ReadContents(json, ModelLimits.Default));
    }

    /// <summary>Saves the model atomically as one file, as <see cref="Network.Save(string)"/> does (docs/model-format.md).</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ArgumentException">The path is empty or a directory.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="IOException">Writing failed.</exception>
    public void Save(string path) => ModelFormat.Save(Network.Model, path, Extras, precision: Network.Precision);

    /// <summary>Loads a model file with the default limits: version 2 with its preprocessing and class names, or a version-1 network file (no preprocessing, no class names).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The path is empty or a directory.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid model (the message names the file and the problem).</exception>
    public static Model Load(string path) => Load(path, ModelLimits.Default);

    /// <summary>Loads a model file under the given limits.</summary>
    /// <param name="path">The file.</param>
    /// <param name="limits">The size and layer limits.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The path is empty or a directory.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid model.</exception>
    public static Model Load(string path, ModelLimits limits) => From(ModelFormat.LoadContents(path, limits));

    internal static Model FromContents(ModelContents contents) => From(contents);

    private static Model From(ModelContents contents)
    {
        var network = new Network(contents.Network, contents.Precision);
        return new Model(network, contents.Extras?.Preprocessing, contents.Extras?.ClassNames);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Model: {Preprocessor}; {Network}" + (_classNames is null ? "" : $"; classes {string.Join(", ", _classNames)}");
}
