using System.Globalization;
using System.Reflection;

namespace Hybrid.Cli.Infrastructure;

/// <summary>
/// Makes a façade object from the C# expression a core name table gives for it
/// (<c>Hybrid.Core.Interop.Registries</c>): "Optimizer.Adam({0})", "Initializer.Normal(1.0, {0})",
/// "LearningRateSchedule.Step({0}, {1})", "LearningRateSchedule.Constant". So the command line and
/// the playground run exactly the expression "Copy as C#" writes, through the façade's public
/// factories (their checks, defaults and names), and no second table maps names to factories.
/// Every row is evaluated by RegistryTests.
/// </summary>
internal static class CSharpSpelling
{
    /// <summary>Evaluates <paramref name="code"/>: a static property, or a static factory whose arguments are number literals or "{k}" (replaced by <paramref name="args"/>[k]); parameters left out take their defaults.</summary>
    /// <typeparam name="T">The façade type the expression starts with.</typeparam>
    /// <param name="code">The expression.</param>
    /// <param name="option">The option the arguments came from (named when one is not a number).</param>
    /// <param name="args">The values of the placeholders, as text.</param>
    public static T Make<T>(string code, string option, params string[] args)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Static;
        int dot = code.IndexOf('.');
        if (dot < 0 || code[..dot] != typeof(T).Name)
            throw new InvalidOperationException($"'{code}' does not start with {typeof(T).Name}.");
        int open = code.IndexOf('(');
        if (open < 0)
        {
            var property = typeof(T).GetProperty(code[(dot + 1)..], flags) ?? throw new InvalidOperationException($"{typeof(T).Name} has no property in '{code}'.");
            return (T)property.GetValue(null)!;
        }
        string name = code[(dot + 1)..open];
        string inner = code[(open + 1)..^1].Trim();
        string[] tokens = inner.Length == 0 ? [] : inner.Split(',', StringSplitOptions.TrimEntries)
            .Select(t => t.StartsWith('{') ? args[int.Parse(t[1..^1], CultureInfo.InvariantCulture)] : t).ToArray();
        var method = typeof(T).GetMethods(flags).SingleOrDefault(m => m.Name == name && m.ReturnType == typeof(T)
                         && m.GetParameters().Length >= tokens.Length && m.GetParameters().Skip(tokens.Length).All(p => p.IsOptional))
                     ?? throw new InvalidOperationException($"{typeof(T).Name} has no factory for '{code}'.");
        var values = method.GetParameters()
            .Select((p, i) => i >= tokens.Length ? p.DefaultValue
                : p.ParameterType == typeof(int) ? Names.Int(option, tokens[i])
                : (object)Names.Double(option, tokens[i]))
            .ToArray();
        return (T)method.Invoke(null, BindingFlags.DoNotWrapExceptions, null, values, CultureInfo.InvariantCulture)!;
    }

    /// <summary>A number as the expressions' placeholders take it.</summary>
    public static string Text(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A whole number as the expressions' placeholders take it.</summary>
    public static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
