using Hybrid.Cli.Infrastructure;
using Hybrid.Cli.Playground;
using Hybrid.Core.Interop;
using Microsoft.FSharp.Reflection;
using CoreInit = Hybrid.Core.Initializer;
using CoreRule = Hybrid.Core.UpdateRule;
using CoreSchedule = Hybrid.Core.Schedule;

namespace Hybrid.Cli.Tests;

/// <summary>
/// The core's name tables (InitializerRegistry, UpdateRuleRegistry, ScheduleRegistry) are the only
/// place a name is written: every row resolves through the command line's lookup, the playground's
/// menu, its explain panel and the façade expression "Copy as C#" writes, to the core value the row
/// stands for; names are unique; every core case has a row; and "xavier" is the slides'
/// randn/√fan_in on the command line and in the playground alike (S31).
/// </summary>
public class RegistryTests
{
    private static string Key(string s) => s.Replace("-", "").Replace("_", "").ToLowerInvariant();

    private static string CaseOf(object value) => FSharpValue.GetUnionFields(value, value.GetType(), null).Item1.Name;

    private static void Unique<T>(NamedEntry<T>[] table)
    {
        var cli = table.Select(e => Key(e.Cli)).ToList();
        Assert.Equal(cli.Count, cli.Distinct().Count());
        var playground = table.Where(e => e.Playground is not null).Select(e => Key(e.Playground)).ToList();
        Assert.Equal(playground.Count, playground.Distinct().Count());
    }

    [Fact]
    public void Names_are_unique_in_every_table()
    {
        Unique(Registries.Initializers);
        Unique(Registries.UpdateRules);
        Unique(Registries.Schedules);
    }

    [Fact]
    public void Every_update_rule_resolves_through_the_cli_the_playground_the_explain_panel_and_the_facade()
    {
        foreach (var e in Registries.UpdateRules)
        {
            var cli = Names.OptimizerOf("--optimizer", e.Cli, 0.01);
            Assert.Equal(e.Default, cli.Rule);
            Assert.Equal(0.01, cli.LearningRate);
            Assert.NotNull(e.Playground);
            var choice = Choices.Optimizers[e.Playground];
            Assert.Equal(e.Default, choice.Create(0.01).Rule);
            Assert.Equal(cli.Name, choice.Create(0.01).Name);
            Assert.Equal(e.Title, Explanations.Optimizers[e.Playground].Title);
            Assert.Equal(e.Formula, Explanations.Optimizers[e.Playground].Formula);
        }
        Assert.Equal(Registries.UpdateRules.Length, Names.Optimizers.Count);
    }

    /// <summary>Every row against the façade's own factory with its documented defaults, written out by hand (docs/facade-trainer.md).</summary>
    [Fact]
    public void The_update_rules_are_the_facades_factories_with_their_documented_defaults()
    {
        var expected = new Dictionary<string, Optimizer>
        {
            ["sgd"] = Optimizer.Sgd(0.5), ["momentum"] = Optimizer.Momentum(0.5, 0.9), ["nesterov"] = Optimizer.Nesterov(0.5, 0.9),
            ["adagrad"] = Optimizer.AdaGrad(0.5, 1e-8), ["rmsprop"] = Optimizer.RmsProp(0.5, 0.9, 1e-8), ["adam"] = Optimizer.Adam(0.5, 0.9, 0.999, 1e-8),
        };
        Assert.Equal(expected.Keys.Order(), Registries.UpdateRules.Select(e => e.Cli).Order());
        foreach (var (name, o) in expected)
        {
            var made = Names.OptimizerOf("--optimizer", name, 0.5);
            Assert.Equal(o.Rule, made.Rule);
            Assert.Equal(o.Name, made.Name);
        }
        Assert.Equal("Adam, β1 = 0.9, β2 = 0.999, ε = 1e-8", Registries.UpdateRules.Single(e => e.Cli == "adam").Title);
    }

    [Fact]
    public void Every_core_case_has_a_row()
    {
        Assert.Equal(FSharpType.GetUnionCases(typeof(CoreRule), null).Select(c => c.Name).Order(),
                     Registries.UpdateRules.Select(e => CaseOf(e.Default)).Distinct().Order());
        Assert.Equal(FSharpType.GetUnionCases(typeof(CoreSchedule), null).Select(c => c.Name).Order(),
                     Registries.Schedules.Select(e => CaseOf(e.Default)).Distinct().Order());
        // Constant(value) and Uniform(limit) take a number of the user's, UserInit a distribution of the user's: the
        // façade offers them, the tables do not.
        Assert.Equal(FSharpType.GetUnionCases(typeof(CoreInit), null).Select(c => c.Name).Except(["Constant", "Uniform", "UserInit"]).Order(),
                     Registries.Initializers.Where(e => e.Default is not null).Select(e => CaseOf(e.Default)).Distinct().Order());
    }

    [Fact]
    public void Every_initialiser_resolves_through_the_cli_the_playground_the_explain_panel_and_the_facade()
    {
        foreach (var e in Registries.Initializers)
        {
            var cli = Names.InitializerOf("--init", e.Cli, 7);
            Assert.Equal(e.Default, cli.Core);
            if (e.Playground is null) continue;
            Assert.Equal(e.Default, Choices.Initializers[e.Playground].Create(7).Core);
            Assert.Equal(e.CSharp, Choices.Initializers[e.Playground].Code);
            Assert.Equal(e.Title, Explanations.Initializers[e.Playground].Title);
        }
        Assert.Equal(Registries.Initializers.Length, Names.Initializers.Count);
        Assert.Equal(Registries.Initializers.Count(e => e.Playground is not null), Choices.Initializers.Count);
    }

    /// <summary>S31: the command line and the playground give every name they share the same initialiser (same draws for the same seed).</summary>
    [Fact]
    public void The_cli_and_the_playground_resolve_every_shared_initialiser_name_alike()
    {
        var shared = Names.Initializers.Keys.Intersect(Choices.Initializers.Keys).ToList();
        Assert.Contains("xavier", shared);
        Assert.Equal(Choices.Initializers.Count, shared.Count);
        foreach (var name in shared)
        {
            var cli = Names.InitializerOf("--init", name, 11);
            var page = Choices.Initializers[name].Create(11);
            Assert.Equal(cli.Name, page.Name);
            if (cli.Core is null) continue;
            Assert.Equal(cli.CreateWeights(5, 3), page.CreateWeights(5, 3));
        }
    }

    /// <summary>S31: "xavier" is the slides' randn/√fan_in, variance 1/fan_in (1/2 for fan_in 2, fan_out 32, where Glorot's 2/(fan_in + fan_out) would be 1/17); "glorot" is Glorot's.</summary>
    [Fact]
    public void Xavier_is_the_slides_randn_over_root_fan_in_everywhere()
    {
        Assert.Equal(0.5, Names.InitializerOf("--init", "xavier", 1).Variance(2, 32), 15);
        Assert.Equal(0.5, Choices.Initializers["xavier"].Create(1).Variance(2, 32), 15);
        Assert.Equal(2.0 / 34.0, Names.InitializerOf("--init", "glorot", 1).Variance(2, 32), 15);
        Assert.Equal(2.0 / 34.0, Choices.Initializers["glorot"].Create(1).Variance(2, 32), 15);
        Assert.Equal("Initializer.LeCunNormal({0})", Choices.Initializers["xavier"].Code);
    }

    [Fact]
    public void Every_schedule_resolves_through_the_cli_and_the_facade()
    {
        foreach (var e in Registries.Schedules)
        {
            var text = string.Join(":", e.Defaults.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).Prepend(e.Cli));
            Assert.Equal(e.Default, Names.ScheduleOf("--schedule", text).Core);
        }
        Assert.Equal(LearningRateSchedule.Step(10, 0.5).Core, Names.ScheduleOf("--schedule", "step:10:0.5").Core);
        Assert.Equal(LearningRateSchedule.Exponential(0.95).Core, Names.ScheduleOf("--schedule", "exp:0.95").Core);
        Assert.Equal(LearningRateSchedule.Constant.Core, Names.ScheduleOf("--schedule", "constant").Core);
        Assert.Equal(["constant", "step:EVERY:FACTOR (e.g. step:10:0.5)", "exp:FACTOR (e.g. exp:0.95)"], Names.Schedules);
        var bad = Assert.Throws<UsageException>(() => Names.ScheduleOf("--schedule", "step:1.5:0.5"));
        Assert.Contains("not a whole number", bad.Message);
    }
}
