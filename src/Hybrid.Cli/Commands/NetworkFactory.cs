using Hybrid.Cli.Infrastructure;

namespace Hybrid.Cli.Commands;

/// <summary>Builds the network the shared options describe (façade calls only).</summary>
internal static class NetworkFactory
{
    /// <summary>inputs → hidden layers (with dropout after each if asked) → outputs.</summary>
    public static Network Build(NetworkSettings s, int inputs, int outputs)
    {
        var hidden = Names.Layers("--layers", s.Layers);
        var activation = Names.ActivationOf("--activation", s.Activation);
        var output = Names.ActivationOf("--output-activation", s.OutputActivation);
        var init = Names.InitializerOf("--init", s.Init, s.Seed);
        if (!(s.Dropout >= 0 && s.Dropout < 1)) throw new UsageException($"--dropout: must lie in [0, 1), got {s.Dropout}.");
        var builder = Network.Create(inputs);
        foreach (var width in hidden)
        {
            builder = builder.Dense(width, activation);
            if (s.Dropout > 0) builder = builder.Dropout(s.Dropout);
        }
        try { return builder.Dense(outputs, output).Build(init); }
        catch (OutOfMemoryException)
        {
            long parameters = 0, width = inputs;
            foreach (var units in hidden.Append(outputs)) { parameters += (width + 1) * units; width = units; }
            throw new UsageException($"--layers: a network of {parameters} parameters ({8 * parameters / (1 << 20)} MiB) does not fit in the memory this process may use; give fewer or narrower layers.");
        }
    }

    /// <summary>"64-64-10 (ReLU, Softmax)".</summary>
    public static string Describe(Network network) =>
        string.Join("-", new[] { network.InputCount }.Concat(network.Layers.Where(l => l.Kind != LayerKind.Dropout).Select(l => l.Units)))
        + " (" + string.Join(", ", network.Layers.Select(l => l.Kind == LayerKind.Dropout ? $"dropout {l.DropoutRate}" : l.Activation?.Name ?? l.Kind.ToString())) + ")";
}
