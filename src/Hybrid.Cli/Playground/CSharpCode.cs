using System.Globalization;
using System.Text;

namespace Hybrid.Cli.Playground;

/// <summary>
/// "Copy as C#": a console program (top-level statements, references the Hybrid package) that makes
/// the same façade calls as <see cref="Experiment"/>, trains the same number of epochs as one
/// <see cref="Trainer.Fit(Network, Features, Targets, IProgress{EpochReport}?, CancellationToken)"/>
/// (the playground's Fit-then-Resume steps equal it bit for bit) and prints the training and test loss with every digit ("R"), which the server's numbers
/// match exactly (checked by PlaygroundCodeTests).
/// </summary>
public static class CSharpCode
{
    /// <summary>The program for these settings after <paramref name="epochs"/> epochs.</summary>
    /// <param name="s">Validated settings.</param>
    /// <param name="epochs">Epochs trained, ≥ 0.</param>
    /// <returns>C# source text.</returns>
    public static string For(PlaygroundSettings s, int epochs)
    {
        var c = CultureInfo.InvariantCulture;
        string N(double v) => v.ToString("R", c);
        var output = Choices.Outputs[s.Output];
        var b = new StringBuilder();
        b.AppendLine("// Reproduces a run of `hybrid playground` exactly (same seeds, same façade calls).");
        b.AppendLine("using Hybrid;");
        b.AppendLine("using Hybrid.Data;");
        b.AppendLine();
        if (Choices.IsGate(s.Dataset))
        {
            b.AppendLine($"var data = DataSets.LogicGate(\"{s.Dataset}\");");
            b.AppendLine("var train = data; // 4 rows: all of them train, no test set");
        }
        else
        {
            var generator = s.Dataset switch { "spiral" => "Spiral", "moons" => "Moons", "circles" => "Circles", _ => "Blobs" };
            b.AppendLine($"var data = DataSets.{generator}({s.Points}, {N(s.Noise)}, {s.DataSeed});");
            b.AppendLine($"var (train, test) = data.TrainTestSplit({N(s.TestShare)}, {s.DataSeed});");
        }
        switch (s.Preprocess)
        {
            case "standardize": b.AppendLine("var preprocessor = Preprocessor.FitStandardize(train.Features);"); break;
            case "whiten": b.AppendLine("var preprocessor = Preprocessor.FitWhitening(train.Features, 2);"); break;
        }
        if (s.Preprocess != "none")
        {
            b.AppendLine("train = preprocessor.Transform(train);");
            b.AppendLine(Choices.IsGate(s.Dataset) ? "" : "test = preprocessor.Transform(test);");
        }
        b.AppendLine();
        b.AppendLine("var network = Network.Create(train.FeatureCount)");
        foreach (var layer in s.Layers!)
        {
            b.AppendLine($"    .Dense({layer.Units}, {Choices.Activations[layer.Activation].Code})");
            if (s.Dropout > 0) b.AppendLine($"    .Dropout({N(s.Dropout)})");
        }
        b.AppendLine($"    .Dense(data.ClassCount, {output.ActivationCode})");
        b.AppendLine($"    .Build({string.Format(c, Choices.Initializers[s.Init].Code, s.Seed)});");
        b.AppendLine($"var loss = {output.LossCode};");
        b.AppendLine();
        if (epochs > 0)
        {
            b.AppendLine("// One run: the playground's epoch-by-epoch steps (Fit, then Resume from its State) equal one Fit of as many epochs, bit for bit.");
            b.AppendLine($"var trainer = new Trainer(loss, {string.Format(c, Choices.Optimizers[s.Optimizer].Code, N(s.LearningRate))})");
            string precision = Choices.PrecisionOf(s.Precision) == Precision.Double ? "" : $", Precision = Precision.{Choices.PrecisionOf(s.Precision)}";
            b.AppendLine($"    {{ BatchSize = {s.BatchSize}, WeightDecay = {N(s.L2)}, Epochs = {epochs}, Seed = {s.Seed}{precision} }};");
            b.AppendLine("network = trainer.Fit(network, train.Features, train.Targets).Network;");
            b.AppendLine();
        }
        b.AppendLine("var onTrain = network.Evaluate(train.Features, train.Targets, loss);");
        b.AppendLine("Console.WriteLine(FormattableString.Invariant($\"train loss {onTrain.Loss:R} accuracy {onTrain.Accuracy:R}\"));");
        if (!Choices.IsGate(s.Dataset))
        {
            b.AppendLine("var onTest = network.Evaluate(test.Features, test.Targets, loss);");
            b.AppendLine("Console.WriteLine(FormattableString.Invariant($\"test loss {onTest.Loss:R} accuracy {onTest.Accuracy:R}\"));");
        }
        return b.ToString().Replace("\n\n\n", "\n\n");
    }
}
