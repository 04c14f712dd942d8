using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Hybrid.Tests;

/// <summary>
/// The façade (src/Hybrid, and src/Hybrid.Onnx) reaches the F# core only through Hybrid.Core.Interop, the
/// C#-shaped layer made for it. The scan reads the façade assembly's metadata: every type it
/// references (TypeReference table, which also holds the types inside generic instantiations and
/// member signatures) and every member it calls on them (MemberReference table).
/// </summary>
public class InteropSurfaceTests
{
    /// <summary>
    /// Core types the façade still names directly. It calls one core module, Graph (the scalar gate
    /// engine, whose functions take and return Node handles and doubles: Value reaches it in one hop,
    /// and its operators are Node's own); the others (Mat, Shape, Data, Pca, Split, Backend, the lesson
    /// neurons) go through DataPrep, Matrices, Backends and Neurons. Opaque handles it holds and hands back to the interop layer without looking inside
    /// (Activation, Initializer, Loss — whose nullary cases it still names as properties —, Network,
    /// RowSet, Schedule, TrainingConfig, TrainingState, UpdateRule, the callbacks' EpochDecision); and the core records and classes it reads by
    /// PascalCase properties whose fields are arrays, matrices and numbers (Neuron, Node, Pca,
    /// Standardizer; the lesson fits PerceptronFit, AdalineFit, SigmoidFit, the gate tables GateData,
    /// the searches' SearchResult and LayerActivationStatistics), held as they are rather than copied
    /// field by field into interop classes. Anything in Hybrid.Core outside Hybrid.Core.Interop and not on this
    /// list fails the scan; union case classes, constructors, tests and fields fail whatever the type;
    /// an entry no longer referenced fails too, so the list only shrinks.
    /// </summary>
    private static readonly HashSet<string> StillDirect = new(StringComparer.Ordinal)
    {
        "Hybrid.Core.Activation",
        "Hybrid.Core.AdalineFit",
        "Hybrid.Core.EpochDecision",
        "Hybrid.Core.GateData",
        "Hybrid.Core.Graph",
        "Hybrid.Core.Initializer",
        "Hybrid.Core.LayerActivationStatistics",
        "Hybrid.Core.Loss",
        "Hybrid.Core.Network",
        "Hybrid.Core.Neuron",
        "Hybrid.Core.Node",
        "Hybrid.Core.Pca",
        "Hybrid.Core.PerceptronFit",
        "Hybrid.Core.RowSet",
        "Hybrid.Core.Schedule",
        "Hybrid.Core.SearchResult",
        "Hybrid.Core.SigmoidFit",
        "Hybrid.Core.Standardizer",
        "Hybrid.Core.TrainingConfig",
        "Hybrid.Core.TrainingState",
        "Hybrid.Core.UpdateRule",
    };

    /// <summary>
    /// The same for Hybrid.Onnx (ONNX export and import, a package of its own): the core network it
    /// writes and reads layer by layer through Networks and Activations, the activation handles, and
    /// the fitted Standardizer and Pca it writes as Sub, Div and MatMul and builds back from them.
    /// </summary>
    private static readonly HashSet<string> OnnxStillDirect = new(StringComparer.Ordinal)
    {
        "Hybrid.Core.Activation",
        "Hybrid.Core.Network",
        "Hybrid.Core.Pca",
        "Hybrid.Core.Standardizer",
    };

    internal static List<string> Offenders(string assemblyPath, ISet<string> allowedCoreTypes)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var offenders = new SortedSet<string>(StringComparer.Ordinal);

        string FullName(TypeReferenceHandle h, out string outerNamespace, out string assembly, out bool nested)
        {
            var t = md.GetTypeReference(h);
            string name = md.GetString(t.Name);
            nested = false;
            if (t.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                string outer = FullName((TypeReferenceHandle)t.ResolutionScope, out outerNamespace, out assembly, out _);
                nested = true;
                return outer + "+" + name;
            }
            outerNamespace = md.GetString(t.Namespace);
            assembly = t.ResolutionScope.Kind == HandleKind.AssemblyReference
                ? md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)t.ResolutionScope).Name)
                : "";
            return outerNamespace.Length == 0 ? name : outerNamespace + "." + name;
        }

        // Why a referenced type is an offence, or null.
        string? Offence(TypeReferenceHandle h)
        {
            string full = FullName(h, out var ns, out var assembly, out bool nested);
            if (ns.StartsWith("Microsoft.FSharp", StringComparison.Ordinal)) return $"F# type {full}";
            if (assembly != "Hybrid.Core") return null;
            if (ns.StartsWith("Hybrid.Core.Interop", StringComparison.Ordinal)) return null;
            if (nested) return $"union case or nested core type {full}";
            if (!allowedCoreTypes.Contains(full)) return $"core type outside Hybrid.Core.Interop {full}";
            return null;
        }

        var usedCore = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in md.TypeReferences)
        {
            if (Offence(h) is { } why) offenders.Add(why);
            string full = FullName(h, out _, out var assembly, out _);
            if (assembly == "Hybrid.Core") usedCore.Add(full);
        }
        // An allowed type the assembly no longer names is a stale entry: the list only shrinks.
        foreach (var allowed in allowedCoreTypes)
            if (!usedCore.Contains(allowed)) offenders.Add($"stale StillDirect entry {allowed} (no longer referenced: remove it)");

        foreach (var h in md.MemberReferences)
        {
            var m = md.GetMemberReference(h);
            if (m.Parent.Kind != HandleKind.TypeReference) continue;
            var parent = (TypeReferenceHandle)m.Parent;
            string full = FullName(parent, out var ns, out var assembly, out _);
            if (assembly != "Hybrid.Core" || ns.StartsWith("Hybrid.Core.Interop", StringComparison.Ordinal)) continue;
            string name = md.GetString(m.Name);
            // A nullary union case read as a static property (Loss.MeanSquaredError): the core type is
            // loaded and asked whether it is a union and whether the property names one of its cases.
            var coreType = typeof(Hybrid.Core.Interop.Networks).Assembly.GetType(full);
            if (coreType is not null && name.StartsWith("get_", StringComparison.Ordinal)
                && Microsoft.FSharp.Reflection.FSharpType.IsUnion(coreType, null)
                && Microsoft.FSharp.Reflection.FSharpType.GetUnionCases(coreType, null).Any(c => c.Name == name[4..]))
                offenders.Add($"union case {full}::{name[4..]}");
            // Union construction (NewX, the nullary-case properties are caught through Tag/Is), case tests, case fields.
            if (name.StartsWith("New", StringComparison.Ordinal) || name.StartsWith("get_Is", StringComparison.Ordinal)
                || name == "get_Tag" || name.StartsWith("get_Item", StringComparison.Ordinal) || char.IsLower(name.Replace("get_", "")[0]) && name.StartsWith("get_", StringComparison.Ordinal))
                offenders.Add($"union member {full}::{name}");
        }
        return offenders.ToList();
    }

    [Fact]
    public void FacadeReachesTheCoreOnlyThroughInterop()
    {
        var offenders = Offenders(typeof(Network).Assembly.Location, StillDirect);
        Assert.True(offenders.Count == 0,
            "src/Hybrid references F# or non-interop core members:\n  " + string.Join("\n  ", offenders));
    }

    [Fact]
    public void OnnxReachesTheCoreOnlyThroughInterop()
    {
        var offenders = Offenders(typeof(OnnxModel).Assembly.Location, OnnxStillDirect);
        Assert.True(offenders.Count == 0,
            "src/Hybrid.Onnx references F# or non-interop core members:\n  " + string.Join("\n  ", offenders));
    }

    // A canary compiled into this test assembly: the scan of this assembly must name it, so the scan
    // above can fail.
    private static object Canary() =>
        (Microsoft.FSharp.Core.FSharpOption<int>.None, Hybrid.Core.Activation.NewLeakyReLU(0.1), Hybrid.Core.Loss.Hinge);

    [Fact]
    public void TheScanNamesPlantedOffences()
    {
        _ = Canary();
        var offenders = Offenders(typeof(InteropSurfaceTests).Assembly.Location, new HashSet<string>());
        Assert.Contains("F# type Microsoft.FSharp.Core.FSharpOption`1", offenders);
        Assert.Contains("union member Hybrid.Core.Activation::NewLeakyReLU", offenders);
        Assert.Contains("core type outside Hybrid.Core.Interop Hybrid.Core.Activation", offenders);
        Assert.Contains("union case Hybrid.Core.Loss::Hinge", offenders);
    }
}
