using System.Globalization;
using Hybrid.Cli.Data;
using Hybrid.Cli.Reporting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Hybrid.Cli.Commands;

/// <summary><c>hybrid evaluate MODEL DATA</c>: loss, accuracy and the confusion matrix of a saved model on a data set.</summary>
public sealed class EvaluateCommand(IAnsiConsole console) : Command<EvaluateSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, EvaluateSettings settings, CancellationToken cancellationToken)
    {
        var model = ModelFile.Load(settings.Model);
        var data = DataSource.Labelled(DataSource.Load("DATA", settings.Data, settings), "DATA");
        var e = model.Evaluate(data.Features, data.Targets); // applies the saved preprocessing
        var names = model.ClassNames ?? DataSource.ClassNames(data);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{data.Name}: {e.Count} rows, loss {e.Loss:F4}, accuracy {e.Accuracy:P2}"));
        var table = new Table().Title("confusion matrix (rows: true class, columns: predicted)").AddColumn("");
        foreach (var name in names) table.AddColumn(Markup.Escape(name));
        var confusion = e.ConfusionMatrix;
        for (int i = 0; i < e.ClassCount; i++)
            table.AddRow(new[] { Markup.Escape(names[i]) }.Concat(Enumerable.Range(0, e.ClassCount).Select(j => confusion[i, j].ToString(CultureInfo.InvariantCulture))).ToArray());
        console.Write(table);
        if (settings.Report is { } path)
        {
            new HtmlReport($"hybrid evaluate — {data.Name}")
                .Setting("model", settings.Model).Setting("data", data.Name).Setting("rows", e.Count)
                .Setting("loss", e.Loss).Setting("accuracy", e.Accuracy)
                .Add(Charts.Confusion("confusion", "Confusion matrix", confusion, names))
                .Save(path);
            console.WriteLine($"report: {path}");
        }
        return Program.Success;
    }
}
