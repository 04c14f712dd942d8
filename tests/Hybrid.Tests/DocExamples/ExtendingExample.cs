namespace Hybrid.Tests.DocExamples;

// begin-doc: activation
/// <summary>Swish, g(z) = z·σ(z), as a struct: the loops are specialised to it.</summary>
public readonly struct Swish : IActivationFunction
{
    public double Value(double z) => z / (1 + Math.Exp(-z));

    public double Derivative(double z, double a)
    {
        double s = 1 / (1 + Math.Exp(-z));
        return s * (1 + z * (1 - s));          // σ + z·σ(1 − σ)
    }
}
// end-doc: activation

// begin-doc: loss
/// <summary>Huber loss with δ = 1, a mean over the N rows: J = 1/N Σ h(ŷ − y).</summary>
public readonly struct Huber : ILossFunction
{
    public double Value(ReadOnlySpan<double> p, ReadOnlySpan<double> y, int rows, int columns)
    {
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double d = Math.Abs(p[i] - y[i]);
            sum += d <= 1 ? 0.5 * d * d : d - 0.5;
        }
        return sum / rows;
    }

    public void Gradient(ReadOnlySpan<double> p, ReadOnlySpan<double> y, Span<double> gradient, int rows, int columns)
    {
        for (int i = 0; i < p.Length; i++)
            gradient[i] = Math.Clamp(p[i] - y[i], -1, 1) / rows;   // the 1/N of the mean, in the gradient too
    }
}
// end-doc: loss

// begin-doc: wrong
/// <summary>A slip: σ′ written σ(1 + σ).</summary>
public readonly struct SlippedSigmoid : IActivationFunction
{
    public double Value(double z) => 1 / (1 + Math.Exp(-z));
    public double Derivative(double z, double a) => a * (1 + a);   // should be a * (1 - a)
}
// end-doc: wrong

/// <summary>The examples of docs/extending.md.</summary>
public static class ExtendingExample
{
    /// <summary>Define, verify, register, train and save with a user's activation and loss.</summary>
    public static (VerificationReport Report, TrainingResult Result, Network Loaded) DefineVerifyTrain(string path)
    {
        // begin-doc: use
        var swish = ActivationDefinition.Create<Swish>("docsSwish", new() { SaturatesBelow = true });
        VerificationReport report = Verification.Check(swish);      // every law, 100 cases each
        Activation activation = Activation.Register(swish);         // the laws again (30 cases); a failing op is refused
        Loss huber = Loss.Register(LossDefinition.Create<Huber>("docsHuber"));

        var network = Network.Create(inputs: 1)
            .Dense(16, activation)
            .Dense(1, Activation.Identity)
            .Build(Initializer.XavierNormal(seed: 1));
        double[][] x = [.. Enumerable.Range(0, 64).Select(i => new[] { i / 16.0 - 2 })];
        double[][] y = [.. x.Select(r => new[] { Math.Sin(2 * r[0]) })];
        var result = new Trainer(huber, Optimizer.Adam(0.01)) { Epochs = 300, BatchSize = 16, Seed = 1 }.Fit(network, x, y);

        result.Network.Save(path);                 // the file names the activation "docsSwish"
        Network loaded = Network.Load(path);       // finds it because it is registered in this process
        // end-doc: use
        return (report, result, loaded);
    }

    /// <summary>A user's activation with an ONNX expression: exported, and imported back.</summary>
    public static (Network Network, byte[] Onnx, Network Back) ExportAndImport()
    {
        // begin-doc: onnx
        var swish = ActivationDefinition.Create<Swish>("docsOnnxSwish", new() { Onnx = "Mul(Z, Sigmoid(Z))" });
        Activation activation = Activation.Register(swish);
        var network = Network.Create(inputs: 2)
            .Dense(8, activation)
            .Dense(1, Activation.Identity)
            .Build(Initializer.XavierNormal(seed: 1));

        byte[] onnx = network.ToOnnx();              // float64; ToOnnx(OnnxPrecision.Single) for float32
        Network back = OnnxModel.ReadNetwork(onnx);  // finds "docsOnnxSwish" because it is registered
        // end-doc: onnx
        return (network, onnx, back);
    }

    /// <summary>The report on the slipped derivative, as the docs show it.</summary>
    public static VerificationReport Slip()
    {
        // begin-doc: check
        VerificationReport report = Verification.Check(ActivationDefinition.Create<SlippedSigmoid>("slippedSigmoid"));
        Console.WriteLine(report);
        // end-doc: check
        return report;
    }
}
