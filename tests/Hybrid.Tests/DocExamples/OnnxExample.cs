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
        using var outputs = session.Run(new RunOptions(), [Network.OnnxInputName], [input], [Network.OnnxOutputName]);
        double[] theirs = outputs[0].GetTensorDataAsSpan<double>().ToArray();   // equal to mine within 1e-12

        Network again = Network.ImportOnnx(path);       // the same parameters, bit for bit
        // end-doc: export
        return (mine, theirs, again);
    }
}
