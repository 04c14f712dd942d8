using Hybrid;
using MathNet.Numerics.LinearAlgebra;

// Your own activation, loss and layer (docs/extending.md): define each, let Verification.Check run
// Hybrid's laws on it, register it, then train, save and load with it. Each op has a section of its
// own below, and their types are at the end of the file, in the same order.
bool sane = true;
void Expect(bool holds, string what)
{
    Console.WriteLine($"{(holds ? "ok" : "NOT OK")}: {what}");
    sane &= holds;
}

// --- An activation: Mish -------------------------------------------------------------------------
var mishDefinition = ActivationDefinition.Create<Mish>("sampleMish", new()
{
    Formula = "g(z) = z·tanh(softplus z)",
    SaturatesBelow = true,   // g′ → 0 and g flattens as z → −∞: a law checks it
});
VerificationReport mishReport = Verification.Check(mishDefinition);
Console.WriteLine(mishReport);
Expect(mishReport.Passed, "Mish obeys the laws");
Activation mish = Activation.Register(mishDefinition);   // runs the laws again; a failing op is refused

// --- A loss: log-cosh ----------------------------------------------------------------------------
var logCoshDefinition = LossDefinition.Create<LogCosh>("sampleLogCosh", new() { Formula = "J = 1/N Σ log cosh(ŷ − y)" });
VerificationReport logCoshReport = Verification.Check(logCoshDefinition);
Console.WriteLine(logCoshReport);
Expect(logCoshReport.Passed, "log-cosh obeys the laws");
Loss logCosh = Loss.Register(logCoshDefinition);

// --- A slip the laws catch: log-cosh whose gradient lacks the 1/N of the mean --------------------
var slipDefinition = LossDefinition.Create<SlippedLogCosh>("sampleSlippedLogCosh");
VerificationReport slipReport = Verification.Check(slipDefinition);
Console.WriteLine(slipReport);
Expect(!slipReport.Passed && slipReport.Laws.Any(law => law.Law == "gradient" && !law.Passed),
       "the slipped log-cosh fails the gradient law");
bool refused;
try { Loss.Register(slipDefinition); refused = false; }
catch (VerificationException) { refused = true; }
Expect(refused, "registering the slipped log-cosh is refused");

// --- A layer: residual tanh, A = X + tanh(X·W + 1·b), which keeps the width ----------------------
var residualDefinition = LayerDefinition.Create("sampleResidualTanh", new ResidualTanh(), ["W", "b"], weights: ["W"]);
var start = new Random(2);
Matrix<double> w = Matrix<double>.Build.Dense(16, 16, (_, _) => 0.1 * (start.NextDouble() * 2 - 1));
Matrix<double> b = Matrix<double>.Build.Dense(1, 16);
VerificationReport residualReport = Verification.Check(residualDefinition, inputWidth: 16, [w, b]);
Console.WriteLine(residualReport);
Expect(residualReport.Passed, "the residual tanh layer obeys the laws");

// --- Train with them: a 2-16-(16)-16-1 network fits y = sin(2·x0) + x1²/2 on [−1.5, 1.5]² ---------
var random = new Random(1);
double[][] x = new double[256][];
double[][] y = new double[256][];
for (int i = 0; i < x.Length; i++)
{
    x[i] = [random.NextDouble() * 3 - 1.5, random.NextDouble() * 3 - 1.5];
    y[i] = [Math.Sin(2 * x[i][0]) + 0.5 * x[i][1] * x[i][1]];
}
Network network = Network.Create(inputs: 2)
    .Dense(16, mish)
    .Layer(residualDefinition, [w, b])   // runs the layer laws again (30 cases) and registers the layer
    .Dense(16, mish)
    .Dense(1, Activation.Identity)
    .Build(Initializer.XavierNormal(seed: 1));
var trainer = new Trainer(logCosh, Optimizer.Adam(learningRate: 0.01)) { Epochs = 200, BatchSize = 16, Seed = 1 };
TrainingResult result = trainer.Fit(network, x, y);
double before = network.Evaluate(x, y, logCosh).Loss, after = result.Network.Evaluate(x, y, logCosh).Loss;
Console.WriteLine($"{result.EpochsCompleted} epochs: log-cosh loss {before:F4} -> {after:F4}");
Expect(after < before / 20, "training cut the loss at least twentyfold");

// --- Save and load: the file names the activation "sampleMish" and the layer "sampleResidualTanh" ---
string path = Path.Combine(Path.GetTempPath(), "extending-sample.model.json");
result.Network.Save(path);
Network loaded = Network.Load(path);
File.Delete(path);
static long[] Bits(double[] row) => Array.ConvertAll(row, BitConverter.DoubleToInt64Bits);
Expect(loaded.Layers[0].Activation?.Name == "sampleMish" && loaded.Layers[2].Activation?.Name == "sampleMish", "the loaded network's dense hidden layers use sampleMish");
Expect(loaded.Layers[1].Kind == LayerKind.Custom, "the loaded network's second layer is the residual tanh layer");
Expect(loaded.Predict(x).Zip(result.Network.Predict(x)).All(pair => Bits(pair.First).SequenceEqual(Bits(pair.Second))),
       "the loaded network predicts the same outputs, bit for bit");

// Exit code 0 only if every expectation held.
Console.WriteLine(sane ? "sample: OK" : "sample: FAILED");
return sane ? 0 : 1;

/// <summary>Mish, g(z) = z·tanh(softplus z), with g′(z) = tanh(sp) + z·(1 − tanh²(sp))·σ(z), sp = softplus z.</summary>
public readonly struct Mish : IActivationFunction
{
    // softplus z = ln(1 + eᶻ), written as max(z, 0) + ln(1 + e^−|z|) so that eᶻ never overflows.
    private static double Softplus(double z) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));

    public double Value(double z) => z * Math.Tanh(Softplus(z));

    public double Derivative(double z, double a)
    {
        double t = Math.Tanh(Softplus(z));
        return t + z * (1 - t * t) / (1 + Math.Exp(-z));   // softplus′ = σ(z) = 1/(1 + e^−z)
    }
}

/// <summary>Log-cosh loss, a mean over the N rows: J = 1/N Σ log cosh(ŷ − y), ∂J/∂ŷ = tanh(ŷ − y)/N.</summary>
public readonly struct LogCosh : ILossFunction
{
    public double Value(ReadOnlySpan<double> p, ReadOnlySpan<double> y, int rows, int columns)
    {
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double d = Math.Abs(p[i] - y[i]);
            sum += d + Math.Log(1 + Math.Exp(-2 * d)) - Math.Log(2);   // log cosh d, without cosh overflowing
        }
        return sum / rows;
    }

    public void Gradient(ReadOnlySpan<double> p, ReadOnlySpan<double> y, Span<double> gradient, int rows, int columns)
    {
        for (int i = 0; i < p.Length; i++)
            gradient[i] = Math.Tanh(p[i] - y[i]) / rows;   // the 1/N of the mean, in the gradient too
    }
}

/// <summary>
/// A residual layer A = X + tanh(Z), Z = X·W + 1·b (W square). Backward, by the chain rule: dZ = dA ⊙ (1 − tanh² Z),
/// dW = Xᵀ·dZ, db = the column sums of dZ, and dX = dA + dZ·Wᵀ (the identity path adds dA itself).
/// </summary>
public sealed class ResidualTanh : ILayerFunction
{
    public int OutputWidth(int inputWidth, IReadOnlyList<Matrix<double>> p) =>
        p[0].RowCount == inputWidth && p[0].ColumnCount == inputWidth && p[1].RowCount == 1 && p[1].ColumnCount == inputWidth
            ? inputWidth
            : throw new ArgumentException($"W must be {inputWidth}×{inputWidth} and b 1×{inputWidth}.");

    private static Matrix<double> Tanh(Matrix<double> x, IReadOnlyList<Matrix<double>> p)
    {
        var z = x * p[0];
        return z.MapIndexed((i, j, v) => Math.Tanh(v + p[1][0, j]));
    }

    public Matrix<double> Forward(Matrix<double> x, IReadOnlyList<Matrix<double>> p) => x + Tanh(x, p);

    public LayerGradients Backward(Matrix<double> x, Matrix<double> a, IReadOnlyList<Matrix<double>> p, Matrix<double> dA)
    {
        var t = a - x;                                          // tanh(Z), from the output
        var dZ = dA.PointwiseMultiply(t.Map(v => 1 - v * v));
        var db = Matrix<double>.Build.DenseOfRowVectors(dZ.ColumnSums());
        return new([x.Transpose() * dZ, db], dA + dZ * p[0].Transpose());
    }
}

/// <summary>A slip: log-cosh whose gradient lacks the 1/N of the mean, so it is N times too large.</summary>
public readonly struct SlippedLogCosh : ILossFunction
{
    public double Value(ReadOnlySpan<double> p, ReadOnlySpan<double> y, int rows, int columns) =>
        default(LogCosh).Value(p, y, rows, columns);

    public void Gradient(ReadOnlySpan<double> p, ReadOnlySpan<double> y, Span<double> gradient, int rows, int columns)
    {
        for (int i = 0; i < p.Length; i++)
            gradient[i] = Math.Tanh(p[i] - y[i]);   // should be Math.Tanh(p[i] - y[i]) / rows
    }
}
