using Hybrid.Core.Interop;
using Microsoft.FSharp.Reflection;
using Xunit;
using CoreStopReason = Hybrid.Core.StopReason;
using LossMismatch = Hybrid.Core.LossMismatch;
using StopDetail = Hybrid.Core.StopDetail;

namespace Hybrid.Tests;

/// <summary>
/// Why training stopped is defined once, in the core (<c>StopDetail</c> and its coarse
/// <c>StopReason</c>); the façade's public <see cref="StopReason"/> is derived from it by one mapping
/// (<c>StopReasons.FromCore</c>) and its messages by one wording per core case. These tests walk
/// every case of the core unions by F# reflection, so a new core case without a public reason or a
/// message fails here; the expected pairs are written out by hand.
/// </summary>
public class StopReasonTests
{
    /// <summary>The public reason of each core StopReason case, by hand.</summary>
    private static readonly Dictionary<string, StopReason> PublicOfCoreReason = new()
    {
        ["Completed"] = StopReason.Completed,
        ["EarlyStopped"] = StopReason.EarlyStopped,
        ["NonFinite"] = StopReason.NonFiniteLoss,
        ["Diverged"] = StopReason.Diverged,
        ["Cancelled"] = StopReason.Cancelled,
        ["StoppedByCallback"] = StopReason.StoppedByCallback,
    };

    /// <summary>The public reason of each core StopDetail case, by hand.</summary>
    private static readonly Dictionary<string, StopReason> PublicOfCoreDetail = new()
    {
        ["Completed"] = StopReason.Completed,
        ["EarlyStopped"] = StopReason.EarlyStopped,
        ["NonFiniteLoss"] = StopReason.NonFiniteLoss,
        ["NonFiniteParameter"] = StopReason.NonFiniteLoss,
        ["NonFiniteEpochLoss"] = StopReason.NonFiniteLoss,
        ["Diverged"] = StopReason.Diverged,
        ["Cancelled"] = StopReason.Cancelled,
        ["StoppedByCallback"] = StopReason.StoppedByCallback,
    };

    /// <summary>A value of a union case with every field 3 (int), 2.5 (double) or "Tanh" (string).</summary>
    private static T Make<T>(UnionCaseInfo c)
    {
        var fields = c.GetFields().Select(f =>
            f.PropertyType == typeof(int) ? (object)3 :
            f.PropertyType == typeof(double) ? 2.5 :
            f.PropertyType == typeof(string) ? "Tanh" :
            throw new InvalidOperationException($"{c.Name}.{f.Name}: no sample for {f.PropertyType}")).ToArray();
        return (T)FSharpValue.MakeUnion(c, fields, null);
    }

    [Fact]
    public void S28_every_core_stop_reason_maps_to_its_public_reason()
    {
        CoreCaseMaps.AssertMapsEveryCase(typeof(CoreStopReason), PublicOfCoreReason, StopReasons.FromCore);
        // One to one: the six core reasons are the six public ones.
        Assert.Equal(Enum.GetValues<StopReason>().Length, PublicOfCoreReason.Count);
    }

    [Fact]
    public void S28_the_public_stop_reasons_keep_their_names_and_values()
    {
        Assert.Equal(["Completed", "EarlyStopped", "NonFiniteLoss", "Diverged", "Cancelled", "StoppedByCallback"], Enum.GetNames<StopReason>());
        Assert.Equal([0, 1, 2, 3, 4, 5], Enum.GetValues<StopReason>().Select(r => (int)r));
    }

    [Fact]
    public void S28_every_core_stop_detail_is_worded_and_reaches_its_public_reason_through_the_core()
    {
        var cases = FSharpType.GetUnionCases(typeof(StopDetail), null);
        Assert.Equal(PublicOfCoreDetail.Keys.OrderBy(k => k), cases.Select(c => c.Name).OrderBy(k => k));
        var messages = new HashSet<string>();
        foreach (var c in cases)
        {
            var facts = StopFacts.Of(Make<StopDetail>(c));
            Assert.Equal(c.Name, facts.Cause);
            Assert.Equal(PublicOfCoreDetail[c.Name], StopReasons.FromCore(facts.Reason));
            Assert.True(messages.Add(TrainingMessages.Describe(facts)), $"{c.Name} is worded like another case");
        }
    }

    [Fact]
    public void S21_every_core_loss_mismatch_is_worded()
    {
        var cases = FSharpType.GetUnionCases(typeof(LossMismatch), null);
        Assert.Equal(["LogSoftmaxForCrossEntropy", "NeedsSigmoid", "NeedsSoftmax", "NeedsTwoOutputs", "SoftmaxOfWidth1"], cases.Select(c => c.Name).OrderBy(k => k, StringComparer.Ordinal));
        var messages = new HashSet<string>();
        foreach (var c in cases)
        {
            var facts = MismatchFacts.Of(Make<LossMismatch>(c));
            Assert.Equal(c.Name, facts.Cause);
            Assert.Equal(c.Name switch { "LogSoftmaxForCrossEntropy" => "LogSoftmax", "SoftmaxOfWidth1" => "", _ => "Tanh" }, facts.Last);
            Assert.True(messages.Add(TrainingMessages.Describe(facts)), $"{c.Name} is worded like another case");
        }
    }
}
