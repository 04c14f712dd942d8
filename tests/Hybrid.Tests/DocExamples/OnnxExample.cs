using Microsoft.ML.OnnxRuntime;

namespace Hybrid.Tests.DocExamples;

/// <summary>The examples of docs/onnx.md.</summary>
public static class OnnxExample
{
    /// <summary>Export, run in ONNX Runtime, import back.</summary>
    public static (double[] Hybrid, double[] Runtime, Network Imported) ExportRunImport(string path)
    {
        // begin-doc: export
        var network = Network.Create(4)
            .Dense(8, Activation.ELU(0.5))
            .Maxout(3, pieces: 2)
            .Dense(2, Activation.Softmax)
            .Build(Initializer.Default(seed: 1));
        network.ExportOnnx(path);                        // float64; ExportOnnx(path, OnnxPrecision.Single) for float32

        double[] example = [0.5, -1.0, 2.0, 0.25];
        double[] mine = network.Predict(example);

        // The same model in ONNX Runtime (Microsoft.ML.OnnxRuntime): input "input" [N, 4], output "output" [N, 2].
        using var session = new InferenceSession(path);
        using var input = OrtValue.CreateTensorValueFromMemory(example, [1, 4]);
        using var outputs = session.Run(new RunOptions(), [OnnxModel.InputName], [input], [OnnxModel.OutputName]);
        double[] theirs = outputs[0].GetTensorDataAsSpan<double>().ToArray();   // equal to mine within 1e-12

        Network again = OnnxModel.ImportNetwork(path);   // the same parameters, bit for bit
        // end-doc: export
        return (mine, theirs, again);
    }

    /// <summary>A model with its preprocessing out to ONNX and back in.</summary>
    public static (Model Original, Model Imported, double[] Runtime) ModelWithPreprocessing(string path)
    {
        // begin-doc: model
        double[][] raw = [[180, 75, 0.2], [165, 60, 0.9], [172, 68, 0.4], [190, 90, 0.1], [158, 52, 0.7]];
        var whiten = Data.Preprocessor.FitWhitening(raw, components: 2);
        var network = Network.Create(2).Dense(3, Activation.Tanh).Dense(2, Activation.LogSoftmax).Build(Initializer.Default(seed: 2));
        var model = new Model(network, whiten);
        model.ExportOnnx(path);                          // Sub, MatMul, Mul in front of the layers; input [N, 3] raw features

        Model back = OnnxModel.ImportModel(path);        // the same preprocessing and parameters, bit for bit
        double[][] predicted = back.Predict(raw);        // equals ONNX Runtime's output on the raw rows
        // OnnxModel.ImportNetwork(path) refuses this file: a Network holds no preprocessing.
        // end-doc: model
        using var session = new InferenceSession(path);
        var flat = raw.SelectMany(r => r).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(flat, [raw.Length, 3]);
        using var outputs = session.Run(new RunOptions(), [OnnxModel.InputName], [input], [OnnxModel.OutputName]);
        return (model, back, outputs[0].GetTensorDataAsSpan<double>().ToArray());
    }
}
