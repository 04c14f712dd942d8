using System.ComponentModel;
using System.Reflection;
using Hybrid.Cli.Commands;
using Hybrid.Cli.Infrastructure;
using Hybrid.Cli.Playground;

namespace Hybrid.Cli.Tests;

/// <summary>
/// Every entry of the activation registry (<see cref="Activation.All"/>, S04) reachable from the command line and the
/// playground: its CLI name (in any case, with or without hyphens and underscores) resolves to the same activation;
/// a hidden-layer activation is a playground choice whose "Copy as C#" spelling names the façade member that makes it,
/// is listed by <c>--activation</c>'s help, and has an explanation with its formula. The façade and model-file side is in
/// Hybrid.Tests (ActivationRegistryTests).
/// </summary>
public class ActivationRegistryCliTests
{
    /// <summary>Every entry of the registry, for the theories.</summary>
    public static TheoryData<string> Entries() => new(Activation.All.Select(a => a.Name));

    /// <summary>The entries a hidden layer may use (the others are output activations), so no case of a theory on them passes by returning early.</summary>
    public static TheoryData<string> HiddenEntries() => new(Activation.All.Where(Names.IsHidden).Select(a => a.Name));

    [Fact]
    public void The_registry_has_hidden_activations_for_the_theories_on_them()
    {
        Assert.NotEmpty(HiddenEntries());
    }

    private static ActivationInfo Entry(string name) => Activation.All.Single(a => a.Name == name);

    [Theory]
    [MemberData(nameof(Entries))]
    public void The_cli_name_resolves_to_the_same_activation(string name)
    {
        var entry = Entry(name);
        Assert.Equal(entry.Create(), Names.ActivationOf("--activation", entry.CliName));
        // Case-insensitive, hyphens and underscores ignored: "LEAKY_RELU" and the case name "LeakyReLU" both work.
        Assert.Equal(entry.Create(), Names.ActivationOf("--activation", entry.CliName.ToUpperInvariant().Replace('-', '_')));
        Assert.Equal(entry.Create(), Names.ActivationOf("--activation", entry.Name));
    }

    [Fact]
    public void The_cli_tables_hold_exactly_the_registry()
    {
        Assert.Equal(Activation.All.Select(a => a.CliName), Names.Activations.Keys);
        Assert.Equal(Activation.All.Where(Names.IsHidden).Select(a => a.CliName), Choices.Activations.Keys);
        var e = Assert.Throws<UsageException>(() => Names.ActivationOf("--activation", "mish"));
        foreach (var a in Activation.All) Assert.Contains(a.CliName, e.Message);
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void A_hidden_activation_is_a_playground_choice_spelled_as_its_facade_member(string name)
    {
        var entry = Entry(name);
        if (!Names.IsHidden(entry))
        {
            Assert.False(Choices.Activations.ContainsKey(entry.CliName));
            return;
        }
        var choice = Choices.Activations[entry.CliName];
        Assert.Equal(entry.Create(), choice.Create());
        // "Activation.ReLU" is a property; "Activation.LeakyReLU()" a method called with its default argument.
        Assert.StartsWith("Activation.", choice.Code);
        var member = choice.Code["Activation.".Length..];
        object? made = member.EndsWith("()", StringComparison.Ordinal)
            ? typeof(Activation).GetMethod(member[..^2], BindingFlags.Public | BindingFlags.Static)!
                .Invoke(null, Array.ConvertAll(typeof(Activation).GetMethod(member[..^2])!.GetParameters(), p => p.DefaultValue))
            : typeof(Activation).GetProperty(member, BindingFlags.Public | BindingFlags.Static)!.GetValue(null);
        Assert.Equal(choice.Create(), made);
    }

    [Theory]
    [MemberData(nameof(HiddenEntries))]
    public void A_hidden_activation_is_listed_by_the_help_and_explained_with_its_formula(string name)
    {
        var entry = Entry(name);
        Assert.True(Names.IsHidden(entry));
        var help = typeof(NetworkSettings).GetProperty(nameof(NetworkSettings.Activation))!.GetCustomAttribute<DescriptionAttribute>()!.Description;
        Assert.Contains(entry.CliName, help.Split([':', ',', ' ', '.'], StringSplitOptions.RemoveEmptyEntries));
        var explained = Explanations.For(new PlaygroundSettings { Layers = [new(4, entry.CliName)] });
        var explanation = explained[0];
        Assert.StartsWith(entry.DisplayName, explanation.Title);
        Assert.Contains(entry.Course, explanation.Title);
        Assert.Equal(entry.Formula, explanation.Formula);
    }
}
