using System.Reflection;
using MathNet.Numerics.LinearAlgebra;

namespace Hybrid.Tests;

/// <summary>Every public method and constructor of the façade, called with null for each non-nullable reference argument, raises an ArgumentException (usually ArgumentNullException naming it), never a NullReferenceException deep inside.</summary>
public class NullArgumentTests
{
    private static object? Sample(Type t) => t switch
    {
        _ when t == typeof(int) => 1,
        _ when t == typeof(long) => 1L,
        _ when t == typeof(ModelLimits) => ModelLimits.Default,
        _ when t == typeof(double) => 0.1,
        _ when t == typeof(bool) => false,
        _ when t == typeof(string) => "unused.json",
        _ when t == typeof(Network) => NetworkTests.Small(),
        _ when t == typeof(Model) => new Model(NetworkTests.Small()),
        _ when t == typeof(Loss) => Loss.CrossEntropy,
        _ when t == typeof(Activation) => Activation.ReLU,
        _ when t == typeof(Initializer) => Initializer.He(1),
        _ when t == typeof(Optimizer) => Optimizer.Sgd(0.1),
        _ when t == typeof(LearningRateSchedule) => LearningRateSchedule.Constant,
        _ when t == typeof(Features) => (Features)new[] { new[] { 0.1, 0.2, 0.3 } },
        _ when t == typeof(Targets) => (Targets)new[] { 1 },
        _ when t == typeof(double[]) => new[] { 0.1, 0.2, 0.3 },
        _ when t == typeof(byte[]) => new byte[] { 8, 8 },
        _ when t == typeof(OnnxPrecision) => OnnxPrecision.Double,
        _ when t == typeof(OnnxPrecision?) => OnnxPrecision.Double,
        _ when t == typeof(Hybrid.Data.Preprocessor) => Hybrid.Data.Preprocessor.None(3),
        _ when t == typeof(int[]) => new[] { 1 },
        _ when t == typeof(double[][]) => new[] { new[] { 0.1, 0.2, 0.3 } },
        _ when t == typeof(double[,]) => new double[3, 2],
        _ when t == typeof(double[][,]) => new[] { new double[3, 2], new double[3, 2] },
        _ when t == typeof(Matrix<double>) => Matrix<double>.Build.Dense(1, 3),
        _ when t == typeof(CancellationToken) => CancellationToken.None,
        _ when t == typeof(IProgress<EpochReport>) => null,
        _ when t == typeof(TextWriter) => TextWriter.Null,
        _ when t == typeof(Hybrid.Data.DataSet) => Hybrid.Data.DataSets.LogicGate("xor"),
        _ when t == typeof(IReadOnlyList<int>) => new[] { 0 },
        _ when t == typeof(Hybrid.Data.Preprocessor) => Hybrid.Data.Preprocessor.None(3),
        _ when t == typeof(Hybrid.Data.CsvOptions) => new Hybrid.Data.CsvOptions(),
        _ when t == typeof(IReadOnlyList<string>) => new[] { "a", "b" },
        _ when t == typeof(Func<EpochReport, string>) => (Func<EpochReport, string>)(r => r.ToString()),
        _ when t == typeof(EarlyStoppingMetric) => EarlyStoppingMetric.Loss,
        _ when t == typeof(EpochReport) => new EpochReport(1, 0.1, 0.5, 0.5),
        _ when t == typeof(Func<Network>) => (Func<Network>)(() => NetworkTests.Small()),
        _ when t == typeof(Func<TrainingState>) => null,
        _ when t == typeof(Func<double, double>) => (Func<double, double>)(z => z),
        _ when t == typeof(Func<double, double, double>) => (Func<double, double, double>)((z, a) => 1),
        _ when t == typeof(Func<double[], double[], int, int, double>) => (Func<double[], double[], int, int, double>)((p, y, r, c) => 0),
        _ when t == typeof(Func<double[], double[], int, int, double[]>) => (Func<double[], double[], int, int, double[]>)((p, y, r, c) => new double[p.Length]),
        _ when t == typeof(ActivationOptions) => new ActivationOptions(),
        _ when t == typeof(LossOptions) => new LossOptions(),
        _ when t == typeof(VerificationOptions) => new VerificationOptions { Cases = 1 },
        _ when t == typeof(ActivationDefinition) => ActivationDefinition.Create<MySwish>("nullSweepSwish"),
        _ when t == typeof(LossDefinition) => LossDefinition.Create<MyHuber>("nullSweepHuber"),
        _ when t == typeof(LayerDefinition) => LayerDefinition.Create("nullSweepAffine", new Affine(), ["W", "b"]),
        _ when t == typeof(ILayerFunction) => new Affine(),
        _ when t == typeof(IReadOnlyList<Matrix<double>>) => new[] { Matrix<double>.Build.Dense(3, 2), Matrix<double>.Build.Dense(1, 2) },
        _ when t == typeof(Func<int, int, double>) => (Func<int, int, double>)((fanIn, fanOut) => 1.0),
        _ when t == typeof(InitializerDefinition) => InitializerDefinition.Normal("nullSweepInit", (fanIn, fanOut) => 1.0),
        _ => throw new InvalidOperationException($"no sample for {t}"),
    };

    private static object? Instance(Type t) => t switch
    {
        _ when t == typeof(Network) => NetworkTests.Small(),
        _ when t == typeof(Activation) => Activation.Sigmoid,
        _ when t == typeof(Loss) => Loss.MeanSquaredError,
        _ when t == typeof(NetworkBuilder) => Network.Create(3),
        _ when t == typeof(Trainer) => new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 1 },
        _ when t == typeof(Initializer) => Initializer.He(1),
        _ when t == typeof(LearningRateSchedule) => LearningRateSchedule.Constant,
        _ when t == typeof(ConsoleProgress) => new ConsoleProgress(TextWriter.Null),
        _ when t == typeof(Hybrid.Data.DataSet) => Hybrid.Data.DataSets.LogicGate("xor"),
        _ when t == typeof(Hybrid.Data.Preprocessor) => Hybrid.Data.Preprocessor.None(2),
        _ when t == typeof(Model) => new Model(NetworkTests.Small()),
        _ when t == typeof(ModelCheckpoint) => new ModelCheckpoint("unused.json"),
        _ when t == typeof(CsvLogger) => new CsvLogger("unused.csv"),
        _ when t == typeof(TrainingCallback) => new CsvLogger("unused.csv"),
        _ when t == typeof(ReduceLearningRateOnPlateau) => new ReduceLearningRateOnPlateau(),
        _ when t == typeof(TrainingCheckpoint) => new TrainingCheckpoint("unused.json"),
        _ when t == typeof(TrainingState) => new Trainer(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 1 }
            .Fit(Network.Create(3).Dense(2, Activation.Softmax).Build(Initializer.He(1)), (Features)new[] { new[] { 0.1, 0.2, 0.3 } }, (Targets)new[] { 1 }).State,
        _ when t == typeof(ActivationDefinition) => ActivationDefinition.Create<MySwish>("nullSweepSwish"),
        _ when t == typeof(VerificationReport) => Verification.Check(ActivationDefinition.Create<MySwish>("nullSweepSwish"), new() { Cases = 1 }),
        _ when t == typeof(NamedGradient) => Network.Create(2).Dense(2, Activation.Tanh).LayerNorm().Build(Initializer.He(1))
            .ComputeGradients(Loss.MeanSquaredError, (Features)new[] { new[] { 0.1, 0.2 } }, (Targets)new[] { new[] { 0.0, 1.0 } }).Layers[1],
        _ => null,
    };

    public static TheoryData<string> Calls()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _, _) in Enumerate()) data.Add(name);
        return data;
    }

    private static IEnumerable<(string Name, MethodBase Method, int NullAt)> Enumerate()
    {
        var nullability = new NullabilityInfoContext();
        // The namespaces Hybrid (networks and training, and the ONNX extensions of Hybrid.Onnx) and
        // Hybrid.Data; Hybrid.Lessons has its own tests.
        // Interfaces are the user's to implement (ILayerFunction, IActivationFunction), not entry points.
        foreach (var type in ApiSurfaceTests.Facade.SelectMany(a => a.GetExportedTypes()).Where(t => t.Namespace is "Hybrid" or "Hybrid.Data" && !t.IsInterface))
        {
            var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => !m.IsSpecialName && !m.Name.StartsWith("op_") && m.DeclaringType == type && m.Name is not ("Equals"))
                .Cast<MethodBase>().Concat(type.GetConstructors());
            foreach (var m in methods)
            {
                var ps = m.GetParameters();
                for (int i = 0; i < ps.Length; i++)
                {
                    var p = ps[i];
                    if (p.ParameterType.IsValueType) continue;
                    if (nullability.Create(p).WriteState == NullabilityState.Nullable) continue;
                    yield return ($"{type.Name}.{m.Name}({string.Join(", ", ps.Select(q => q.ParameterType.Name))}) with {p.Name} = null", m, i);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public void A_null_argument_raises_an_ArgumentException(string call)
    {
        var (_, method, nullAt) = Enumerate().Single(c => c.Name == call);
        // A generic method (a user's op as a type argument) runs with a sample struct of the constraint's kind.
        if (method is MethodInfo { IsGenericMethodDefinition: true } generic)
            method = generic.MakeGenericMethod(generic.GetGenericArguments()
                .Select(a => a.GetGenericParameterConstraints().Contains(typeof(IActivationFunction)) ? typeof(MySwish) : typeof(MyHuber)).ToArray());
        var args = method.GetParameters().Select((p, i) => i == nullAt ? null : Sample(p.ParameterType)).ToArray();
        var target = method.IsStatic || method is ConstructorInfo ? null : Instance(method.DeclaringType!);
        var e = Assert.ThrowsAny<Exception>(() =>
        {
            try
            {
                if (method is ConstructorInfo c) c.Invoke(args);
                else method.Invoke(target, args);
            }
            catch (TargetInvocationException t) when (t.InnerException is not null)
            {
                throw t.InnerException;
            }
        });
        Assert.True(e is ArgumentException, $"{call} raised {e.GetType()}: {e.Message}");
    }

    [Fact]
    public void The_sweep_covers_the_main_entry_points()
    {
        var names = Enumerate().Select(c => c.Name).ToList();
        Assert.True(names.Count > 30, $"only {names.Count} calls");
        Assert.Contains(names, n => n.StartsWith("Trainer.Fit("));
        Assert.Contains(names, n => n.StartsWith("Network.Predict("));
        Assert.Contains(names, n => n.StartsWith("NetworkBuilder.Dense("));
        Assert.Contains(names, n => n.StartsWith("Network.Load("));
        Assert.Contains(names, n => n.StartsWith("NetworkOnnxExtensions.ExportOnnx(") && n.EndsWith("with network = null"));
        Assert.Contains(names, n => n.StartsWith("ModelOnnxExtensions.ToOnnx("));
        Assert.Contains(names, n => n.StartsWith("OnnxModel.ImportModel("));
    }
}
