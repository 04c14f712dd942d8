using System.ComponentModel;

namespace Hybrid.Cli.Infrastructure;

/// <summary>
/// An option's help text that ends with the activations' command-line names, read from the registry
/// (<see cref="Activation.All"/>) when the help is shown, so the help lists exactly the names the option accepts.
/// </summary>
/// <param name="prefix">The text before the names, e.g. "Hidden activation".</param>
/// <param name="hiddenOnly">List only the hidden-layer activations (<see cref="Names.IsHidden"/>); otherwise every one.</param>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ActivationsDescriptionAttribute(string prefix, bool hiddenOnly) : DescriptionAttribute
{
    /// <inheritdoc />
    public override string Description =>
        $"{prefix}: {string.Join(", ", hiddenOnly ? Names.HiddenActivations : Activation.All.Select(a => a.CliName))}.";
}
