using System.Reflection;

namespace Hybrid.Tests;

/// <summary>The façade's public surface (Hybrid and Hybrid.Onnx): no F# type anywhere a C# user sees, sealed classes, documented exceptions.</summary>
public class ApiSurfaceTests
{
    /// <summary>The façade's assemblies: Hybrid, and Hybrid.Onnx (ONNX export and import, its own package).</summary>
    internal static readonly Assembly[] Facade = [typeof(Network).Assembly, typeof(OnnxModel).Assembly];

    private static IEnumerable<Type> ExportedTypes() => Facade.SelectMany(a => a.GetExportedTypes());

    private static IEnumerable<Type> Expand(Type t)
    {
        yield return t;
        if (t.HasElementType) foreach (var e in Expand(t.GetElementType()!)) yield return e;
        if (t.IsGenericType) foreach (var a in t.GetGenericArguments().SelectMany(Expand)) yield return a;
    }

    private static bool IsForbidden(Type t) =>
        t.Assembly.GetName().Name is "FSharp.Core" or "Hybrid.Core" || (t.Namespace?.StartsWith("Microsoft.FSharp") ?? false)
        || (t.IsGenericType && t.GetGenericTypeDefinition().FullName!.StartsWith("System.Tuple`"));

    /// <summary>Every type that appears in a public or protected signature of the façade.</summary>
    internal static IEnumerable<(string Where, Type Type)> SignatureTypes()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in ExportedTypes())
        {
            if (type.BaseType is not null) yield return ($"{type} base", type.BaseType);
            foreach (var i in type.GetInterfaces()) yield return ($"{type} interface", i);
            foreach (var member in type.GetMembers(all))
            {
                switch (member)
                {
                    case MethodBase m when m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly:
                        foreach (var p in m.GetParameters()) yield return ($"{type}.{m.Name}({p.Name})", p.ParameterType);
                        if (m is MethodInfo mi) yield return ($"{type}.{m.Name} return", mi.ReturnType);
                        break;
                    case FieldInfo f when f.IsPublic || f.IsFamily:
                        yield return ($"{type}.{f.Name}", f.FieldType);
                        break;
                    case PropertyInfo p when (p.GetMethod?.IsPublic ?? false) || (p.SetMethod?.IsPublic ?? false):
                        yield return ($"{type}.{p.Name}", p.PropertyType);
                        break;
                    case EventInfo e:
                        yield return ($"{type}.{e.Name}", e.EventHandlerType!);
                        break;
                }
            }
        }
    }

    [Fact]
    public void No_public_signature_exposes_an_FSharp_or_core_type()
    {
        var offenders = SignatureTypes().SelectMany(s => Expand(s.Type).Where(IsForbidden).Select(t => $"{s.Where}: {t}")).Distinct().ToList();
        Assert.True(offenders.Count == 0, "F# or core types in the public API:\n" + string.Join("\n", offenders));
        Assert.True(SignatureTypes().Count() > 100, "the reflection walk found too little to be trusted");
    }

    [Fact]
    public void The_checker_would_notice_an_FSharp_type()
    {
        Assert.True(IsForbidden(typeof(Microsoft.FSharp.Collections.FSharpList<int>)));
        Assert.Contains(Expand(typeof(IReadOnlyList<Microsoft.FSharp.Core.FSharpOption<int>>)), IsForbidden);
        Assert.True(IsForbidden(typeof(Tuple<int, double>)));
        Assert.True(IsForbidden(typeof(Hybrid.Core.Loss)));
        Assert.False(IsForbidden(typeof(MathNet.Numerics.LinearAlgebra.Matrix<double>)));
    }

    [Fact]
    public void Public_classes_are_sealed_or_static_and_live_in_the_Hybrid_namespaces()
    {
        foreach (var type in ExportedTypes())
        {
            Assert.True(type.Namespace == "Hybrid" || type.Namespace!.StartsWith("Hybrid."), $"{type} is outside the Hybrid namespaces");
            // Sealed, static (abstract sealed), the base of a closed hierarchy (LayerGradient: abstract
            // with no constructor outside the assembly, so only the façade's own subclasses exist), or
            // an extension point users derive from by design (TrainingCallback, Keras's Callback).
            if (type.IsClass && type != typeof(TrainingCallback))
                Assert.True(type.IsSealed || (type.IsAbstract && !type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                                                 .Any(c => c.IsPublic || c.IsFamily || c.IsFamilyOrAssembly)),
                            $"{type} is not sealed");
        }
    }

    [Fact]
    public void The_surface_has_the_documented_types()
    {
        var names = ExportedTypes().Select(t => t.Name).ToHashSet();
        foreach (var expected in new[] { "Network", "NetworkBuilder", "Activation", "Loss", "Optimizer", "LearningRateSchedule", "Initializer", "Trainer", "TrainingResult", "EpochReport", "Evaluation", "Features", "Targets", "StopReason", "LayerInfo", "LayerKind", "Parameter", "LossGradient", "LayerGradient", "DenseGradient", "MaxoutGradient",
                                       "OnnxModel", "OnnxPrecision", "NetworkOnnxExtensions", "ModelOnnxExtensions" })
            Assert.Contains(expected, names);
    }
}
