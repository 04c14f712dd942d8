using Hybrid.Data;
using System.Text.RegularExpressions;
using Hybrid.Tests.DocExamples;

namespace Hybrid.Tests;

/// <summary>Runs the C# examples of docs/ and checks that each page shows them verbatim.</summary>
public sealed class DocExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-doc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Network_example_runs()
    {
        var (network, outputs, evaluation) = NetworkExample.BuildAndPredict();
        Assert.Equal(166, network.ParameterCount);
        Assert.All(outputs, row => Assert.Equal(1.0, row.Sum(), 12));
        Assert.Equal(2, evaluation.Count);
        var (f, g) = NetworkExample.ByHand();
        Assert.Equal(1 / (1 + Math.Exp(-1)), f, 15);
        var dense = Assert.IsType<DenseGradient>(Assert.Single(g.Layers));
        Assert.Equal(-1 * (f - 1), dense.Weights[0, 0], 12);
        Assert.Equal(-2 * (f - 1), dense.Weights[1, 0], 12);
        Assert.Equal([f - 1], dense.Biases, (a, b) => Math.Abs(a - b) < 1e-12);
        // The flat list holds the same numbers (biases there as 1×1).
        Assert.Equal(f - 1, g.Gradients[1].Values[0, 0], 12);
    }

    [Fact]
    public void Trainer_example_learns_the_digits_and_round_trips_the_model()
    {
        var (result, test, again) = TrainerExample.Digits(Path.Combine(_dir, "digits.model.json"));
        Assert.True(test.Accuracy >= 0.95, $"{test.Accuracy}");
        Assert.True(result.RestoredBestWeights);
        Assert.All(result.History, h => Assert.NotNull(h.ValidationLoss));
        Assert.Equal(result.Network.ToJson(), again.ToJson());
        var nan = TrainerExample.NanStop();
        Assert.Equal(StopReason.Diverged, nan.StopReason);
    }

    [Fact]
    public void Data_example_trains_on_the_digits_and_reloads_the_model()
    {
        var path = Path.Combine(_dir, "digits.model.json");
        var (model, test) = DataExample.Digits(path);
        var loaded = Model.Load(path);
        Assert.Equal(PreprocessingKind.Standardize, loaded.Preprocessor.Kind);
        Assert.Equal(Enumerable.Range(0, 10).Select(c => c.ToString()), loaded.ClassNames);
        Assert.True(loaded.Evaluate(test).Accuracy >= 0.95, $"{loaded.Evaluate(test).Accuracy}");
        Assert.Equal(model.PredictClasses(test.Features), loaded.PredictClasses(test.Features));
    }

    [Fact]
    public void Initializer_example_runs()
    {
        var (w, variance, a, b) = InitializerExample.Family();
        Assert.Equal(0.004, variance, 15);
        double mean = w.Cast<double>().Average();
        double sample = w.Cast<double>().Sum(v => (v - mean) * (v - mean)) / (w.Length - 1);
        Assert.InRange(sample, 0.0038, 0.0042);
        Assert.Equal(a.ParameterCount, b.ParameterCount);
    }

    [Fact]
    public void Onnx_example_runs_in_ONNX_Runtime_and_imports_back()
    {
        var (mine, theirs, again) = OnnxExample.ExportRunImport(Path.Combine(_dir, "model.onnx"));
        Assert.Equal(2, theirs.Length);
        for (int j = 0; j < 2; j++) Assert.True(Math.Abs(mine[j] - theirs[j]) <= 1e-12 * Math.Abs(mine[j]), $"{mine[j]:R} vs {theirs[j]:R}");
        Assert.Equal(1.0, mine.Sum(), 12);
        Assert.Equal(mine, again.Predict([0.5, -1.0, 2.0, 0.25]));
    }

    [Fact]
    public void Onnx_model_example_keeps_the_preprocessing()
    {
        var path = Path.Combine(_dir, "whitened.onnx");
        var (original, back, theirs) = OnnxExample.ModelWithPreprocessing(path);
        Assert.Equal(original.ToJson(), back.ToJson());
        Assert.Equal(Data.PreprocessingKind.Whiten, back.Preprocessor.Kind);
        double[][] raw = [[180, 75, 0.2], [165, 60, 0.9], [172, 68, 0.4], [190, 90, 0.1], [158, 52, 0.7]];
        var mine = back.Predict(raw).SelectMany(r => r).ToArray();
        Assert.Equal(10, theirs.Length);
        for (int j = 0; j < mine.Length; j++) Assert.True(Math.Abs(mine[j] - theirs[j]) <= 1e-12 * Math.Max(Math.Abs(mine[j]), 1), $"{mine[j]:R} vs {theirs[j]:R}");
        Assert.Contains("OnnxModel.ImportModel", Assert.Throws<InvalidDataException>(() => OnnxModel.ImportNetwork(path)).Message);
    }

    [Fact]
    public void Extending_example_verifies_trains_saves_and_loads_a_users_activation_and_loss()
    {
        var (report, result, loaded) = ExtendingExample.DefineVerifyTrain(Path.Combine(_dir, "swish.json"));
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(300, result.EpochsCompleted);
        // sin 2x on [−2, 2] from a start near 0.4 (the mean of sin² is about ½, halved by Huber): well below a tenth of it.
        Assert.True(result.History[^1].TrainingLoss < 0.1 * result.History[0].TrainingLoss, $"{result.History[0].TrainingLoss} -> {result.History[^1].TrainingLoss}");
        Assert.Equal("docsSwish", loaded.Layers[0].Activation!.Name);
        Assert.Equal(result.Network.Predict([0.3]), loaded.Predict([0.3]));
    }

    [Fact]
    public void Extending_example_exports_a_users_activation_that_ONNX_Runtime_runs_and_imports_it_back()
    {
        var (network, onnx, back) = ExtendingExample.ExportAndImport();
        var x = new double[,] { { 0.5, -1 }, { 2, 3 }, { -4, 0.25 } };
        double e = OnnxTestSupport.RelativeError(network.Predict(x), OnnxTestSupport.Run(onnx, [x], OnnxPrecision.Double)[0], floor: 1);
        Assert.True(e <= OnnxExportTests.DoubleTolerance, $"relative error {e:E3}");
        Assert.Equal(network.ToJson(), back.ToJson());
        Assert.Equal("docsOnnxSwish", back.Layers[0].Activation!.Name);
    }

    [Fact]
    public void Extending_page_shows_the_report_Hybrid_prints_on_the_slipped_derivative()
    {
        var report = ExtendingExample.Slip();
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "extending.md")).Replace("\r\n", "\n");
        var shown = "```text\n" + report + "\n```";
        Assert.True(doc.Contains(shown), $"docs/extending.md does not show the report verbatim:\n{shown}");
        Assert.False(report.Passed);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hybrid.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Hybrid.sln not found above the test binaries.");
    }

    [Theory]
    [InlineData("NetworkExample.cs", "facade-network.md")]
    [InlineData("TrainerExample.cs", "facade-trainer.md")]
    [InlineData("DataExample.cs", "data.md")]
    [InlineData("InitializerExample.cs", "facade-initializer.md")]
    [InlineData("OnnxExample.cs", "onnx.md")]
    [InlineData("ExtendingExample.cs", "extending.md")]
    public void Each_docs_page_shows_its_compiled_examples_verbatim(string source, string page)
    {
        var root = RepositoryRoot();
        var code = File.ReadAllText(Path.Combine(root, "tests", "Hybrid.Tests", "DocExamples", source));
        var doc = File.ReadAllText(Path.Combine(root, "docs", page));
        var blocks = Regex.Matches(code, @"// begin-doc: (\S+)\r?\n(.*?)\r?\n\s*// end-doc: \1", RegexOptions.Singleline);
        Assert.NotEmpty(blocks);
        foreach (Match block in blocks)
        {
            var lines = block.Groups[2].Value.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
            int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
            var text = string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
            Assert.True(doc.Replace("\r\n", "\n").Contains(text), $"{page} does not show the example '{block.Groups[1].Value}' of {source} verbatim:\n{text}");
        }
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("src/Hybrid/README.md")]
    public void README_shows_the_sample_program_verbatim(string readme)
    {
        var root = RepositoryRoot();
        var program = File.ReadAllText(Path.Combine(root, "docs", "samples", "GettingStarted", "Program.cs")).Replace("\r\n", "\n");
        var text = File.ReadAllText(Path.Combine(root, readme)).Replace("\r\n", "\n");
        Assert.Contains("```csharp\n" + program + "```\n", text);
    }

    /// <summary>
    /// The packages' version is version.txt's major.minor and, as the patch, the git height
    /// (Directory.Build.targets; .ci/pack-and-sample checks the packed number against git): the
    /// sample asks for the newest patch of that major.minor, and this build carries it.
    /// </summary>
    [Fact]
    public void The_sample_references_the_version_the_packages_get()
    {
        var root = RepositoryRoot();
        var prefix = File.ReadAllText(Path.Combine(root, "version.txt")).Trim();
        Assert.Matches(@"^[0-9]+\.[0-9]+$", prefix);
        var reference = Regex.Match(File.ReadAllText(Path.Combine(root, "docs", "samples", "GettingStarted", "GettingStarted.csproj")),
                                    @"<PackageReference Include=""Hybrid"" Version=""([^""]+)"" />");
        Assert.True(reference.Success, "the sample references no Hybrid package.");
        Assert.Equal(prefix + ".*", reference.Groups[1].Value);
        var built = typeof(Network).Assembly.GetName().Version!;
        Assert.Equal(prefix, $"{built.Major}.{built.Minor}");
    }
}
