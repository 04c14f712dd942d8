using System.Reflection;
using Hybrid.Cli.Commands;
using Hybrid.Cli.Commands.Experiments;
using Hybrid.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Hybrid.Cli;

/// <summary>
/// The program <c>hybrid</c>: parses options, calls the Hybrid façade and draws. Exit codes:
/// 0 success; 1 a check failed (gradcheck above its threshold); 2 a usage or input problem (wrong
/// option, unreadable or malformed file), reported on one line; 130 cancelled (Ctrl+C); 3 an
/// unexpected error, also on one line. No command prints a stack trace.
/// </summary>
public static class Program
{
    /// <summary>Exit code: success.</summary>
    public const int Success = 0;

    /// <summary>Exit code: a check failed (e.g. gradcheck's error above its threshold).</summary>
    public const int CheckFailed = 1;

    /// <summary>Exit code: a wrong option or an unreadable or malformed input.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code: cancelled by Ctrl+C (128 + SIGINT, as shells report it); train still saves the best model so far.</summary>
    public const int Cancelled = 130;

    /// <summary>Exit code: an unexpected error (a bug: please report it).</summary>
    public const int InternalError = 3;

    /// <summary>The console width when the output is redirected: wide enough that no line wraps.</summary>
    public const int UnwrappedWidth = 1 << 15;

    /// <summary>
    /// Entry point: Ctrl+C cancels the running command (training stops after the current minibatch and keeps the best
    /// model so far). The multicore JIT's profile of the command starts first (<see cref="JitProfile"/>).
    /// </summary>
    public static int Main(string[] args)
    {
        JitProfile.Start(args, Environment.GetEnvironmentVariable);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // a second Ctrl+C ends the process
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var console = AnsiConsole.Console;
            // Redirected to a file or a pipe, there is no terminal width: Spectre would assume 80 columns
            // and wrap long lines, splitting numbers from their units. Such output is not wrapped.
            if (Console.IsOutputRedirected) console.Profile.Width = UnwrappedWidth;
            return Run(args, console, Console.Error, cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The program's informational version (the assembly's, e.g. <c>0.2.0+commit</c>), which <c>hybrid --version</c> prints.</summary>
    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Program).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Runs the program in-process with the given console (the tests pass a recording one).</summary>
    /// <param name="args">The command line, e.g. <c>["train", "--epochs", "5"]</c>.</param>
    /// <param name="console">Where the tables, progress and results go.</param>
    /// <param name="error">Where the one-line error goes (standard error in the program).</param>
    /// <param name="cancellationToken">Cancels a running command as Ctrl+C does.</param>
    /// <param name="environment">Reads an environment variable (default: the process's); the tests pass their own.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, IAnsiConsole console, TextWriter error, CancellationToken cancellationToken = default, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        Errors.Warnings = error;
        bool? colours;
        try { (args, colours) = Colours.Take(args); }
        catch (UsageException e) { return Errors.Report(error, e, args); }
        // --colours 0, or NO_COLOR set to anything but the empty string (https://no-color.org), unless --colours 1.
        if (colours == false || (colours is null && !string.IsNullOrEmpty(environment("NO_COLOR")))) Colours.Disable(console);
        if (args is ["--version"] or ["-v"])
        {
            console.Profile.Out.Writer.WriteLine($"hybrid {Version}");
            return Success;
        }
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("hybrid");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(console);
            config.SetExceptionHandler((exception, _) => Errors.Report(error, exception, args));
            config.Settings.StrictParsing = true;
            config.AddCommand<TrainCommand>("train")
                  .WithDescription("Train a network on a data set (default: the built-in digits) and write the model and an HTML report. "
                                   + "The test set is a share of the data (--test-split) or a file of its own (--test-file).")
                  .WithExample("train")
                  .WithExample("train", "--data", "iris", "--layers", "16", "--epochs", "200")
                  .WithExample("train", "--data", "my.csv", "--label-column", "species", "--preprocess", "pca:10")
                  .WithExample("train", "--data", "train.csv", "--test-file", "test.csv");
            config.AddCommand<EvaluateCommand>("evaluate")
                  .WithDescription("Evaluate a saved model on a data set: loss, accuracy and the confusion matrix.")
                  .WithExample("evaluate", "runs/train/model.json", "digits");
            config.AddCommand<PredictCommand>("predict")
                  .WithDescription("Predict classes for the rows of a data set; writes CSV (row, class, class name, one probability per class).")
                  .WithExample("predict", "runs/train/model.json", "new-rows.csv");
            config.AddCommand<GradCheckCommand>("gradcheck")
                  .WithDescription("Compare backpropagation with central differences for every parameter; exit code 1 above the threshold.")
                  .WithExample("gradcheck", "--layers", "8,8", "--activation", "tanh");
            config.AddCommand<ExportCommand>("export")
                  .WithDescription("Write a saved model as an ONNX model (float64 by default) that ONNX Runtime and other tools run.")
                  .WithExample("export", "runs/train/model.json", "model.onnx");
            config.AddCommand<ImportCommand>("import")
                  .WithDescription("Read an ONNX feed-forward model (e.g. from torch.onnx.export) and save it as a Hybrid model file.")
                  .WithExample("import", "model.onnx", "model.json");
            config.AddBranch("experiment", branch =>
            {
                branch.SetDescription("Run one of the course's experiments; each prints its table and writes its report.");
                branch.AddCommand<InitStatsCommand>("init-stats")
                      .WithDescription("S31: per-layer activation mean/std for every activation × initialiser pair, next to the slides' figures.");
                branch.AddCommand<PerceptronCommand>("perceptron")
                      .WithDescription("S01: the perceptron rule on the logic gates from several starting points and learning rates.");
                branch.AddCommand<XorCommand>("xor")
                      .WithDescription("S01/S15: a perceptron cannot learn XOR; a small MLP can (decision boundary in the report).");
                branch.AddCommand<RandomSearchCommand>("random-search")
                      .WithDescription("S25: random search and random local search against gradient descent.");
                branch.AddCommand<TwoLayerCommand>("two-layer")
                      .WithDescription("S29: the \"20 lines\" two-layer network, loss every 100 steps.");
                branch.AddCommand<LearningRateCommand>("learning-rate")
                      .WithDescription("S27: learning rates too small, good and too large: the loss curves.");
            });
            config.AddCommand<PlaygroundCommand>("playground")
                  .WithDescription("Serve the playground on 127.0.0.1: watch a network learn a 2-D data set in the browser (docs/playground.md).")
                  .WithExample("playground")
                  .WithExample("playground", "--port", "8080");
        });
        return app.Run(args, cancellationToken);
    }
}
