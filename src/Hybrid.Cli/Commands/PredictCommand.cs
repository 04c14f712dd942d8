using System.Globalization;
using Hybrid.Cli.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Hybrid.Cli.Commands;

/// <summary><c>hybrid predict MODEL DATA</c>: one CSV line per row: row, class, class name, one probability per class.</summary>
public sealed class PredictCommand(IAnsiConsole console) : Command<PredictSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, PredictSettings settings, CancellationToken cancellationToken)
    {
        var model = ModelFile.Load(settings.Model);
        var data = DataSource.Load("DATA", settings.Data, settings, unlabelled: true);
        // Both apply the saved preprocessing to the raw rows first.
        var outputs = model.Predict(data.Features);
        var classes = model.PredictClasses(data.Features);
        var names = model.ClassNames ?? (data.HasLabels ? DataSource.ClassNames(data) : Enumerable.Range(0, model.Network.OutputCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
        using var file = settings.Output is { } path ? new StreamWriter(path) : null;
        var writer = file ?? console.Profile.Out.Writer;
        writer.WriteLine("row,class,class_name," + string.Join(",", names.Select(n => "p_" + Csv(n))));
        for (int i = 0; i < outputs.Length; i++)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i},{classes[i]},{Csv(names[classes[i]])},")
                             + string.Join(",", outputs[i].Select(p => p.ToString("R", CultureInfo.InvariantCulture))));
        writer.Flush();
        if (settings.Output is not null) console.WriteLine($"{outputs.Length} predictions written to {settings.Output}");
        return Program.Success;
    }

    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
