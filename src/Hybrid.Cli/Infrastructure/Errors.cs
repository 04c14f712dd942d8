using Spectre.Console.Cli;

namespace Hybrid.Cli.Infrastructure;

/// <summary>A wrong option value or an unusable input, reported on one line with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Turns any exception into one line on standard error and an exit code; never a stack trace.</summary>
internal static class Errors
{
    private static readonly AsyncLocal<TextWriter?> WarningWriter = new();

    /// <summary>Where <see cref="Warn"/> writes during this run: <c>Program.Run</c>'s error writer (standard error in the program).</summary>
    public static TextWriter? Warnings { get => WarningWriter.Value; set => WarningWriter.Value = value; }

    /// <summary>Writes "hybrid: warning: ..." on one line to the run's error writer; the command goes on.</summary>
    public static void Warn(string message) => (Warnings ?? Console.Error).WriteLine("hybrid: warning: " + OneLine(message));

    /// <summary>Writes "hybrid: error: ..." on one line and returns the exit code (2 for usage and input problems, including numbers that overflow and sizes that exhaust memory; 130 for a cancellation; 3 otherwise).</summary>
    public static int Report(TextWriter error, Exception exception, IReadOnlyList<string>? args = null)
    {
        // Spectre's conversion message does not say which option: find it in the command line.
        if (exception is CommandAppException && args is not null
            && System.Text.RegularExpressions.Regex.Match(exception.Message, "^Failed to convert '(.*)' to (\\w+)") is { Success: true } m)
        {
            int i = args.ToList().LastIndexOf(m.Groups[1].Value);
            var option = i > 0 && args[i - 1].StartsWith('-') ? args[i - 1] : "an option";
            var kind = m.Groups[2].Value switch { "Int32" => "a whole number", "Double" => "a number", "Boolean" => "true or false", var t => t };
            exception = new UsageException($"{option}: '{m.Groups[1].Value}' is not {kind}.");
        }
        var (code, message) = exception switch
        {
            UsageException e => (Program.UsageError, e.Message),
            CommandAppException e => (Program.UsageError, e.Message),
            FileNotFoundException e => (Program.UsageError, e.FileName is { } f ? $"file not found: {f}" : e.Message),
            DirectoryNotFoundException e => (Program.UsageError, e.Message),
            InvalidDataException e => (Program.UsageError, e.Message),
            FormatException e => (Program.UsageError, e.Message),
            IOException e => (Program.UsageError, e.Message),
            UnauthorizedAccessException e => (Program.UsageError, e.Message),
            ArgumentException e => (Program.UsageError, WithoutParameterName(e)),
            // Numbers too large in magnitude (data of ±1e308, a learning rate that makes training diverge):
            // the façade refuses to return results computed from ±∞ or NaN.
            OverflowException e => (Program.UsageError, e.Message),
            // Sizes the machine cannot hold (a network, a data set): the input asks too much.
            OutOfMemoryException => (Program.UsageError, "not enough memory: the network or the data is too large for this machine (or for the memory this process may use)."),
            OperationCanceledException => (Program.Cancelled, "cancelled."),
            _ => (Program.InternalError, $"unexpected {exception.GetType().Name}: {exception.Message}"),
        };
        error.WriteLine("hybrid: error: " + OneLine(message));
        return code;
    }

    /// <summary>The message without the " (Parameter 'name')" that .NET appends to an <see cref="ArgumentException"/>'s: it names a method's parameter, which means nothing to a user of the program.</summary>
    public static string WithoutParameterName(ArgumentException exception)
    {
        var message = exception.Message;
        if (exception.ParamName is not { Length: > 0 } name) return message;
        var suffix = $" (Parameter '{name}')";
        int i = message.LastIndexOf(suffix, StringComparison.Ordinal);
        return i < 0 ? message : message.Remove(i, suffix.Length);
    }

    /// <summary>The message with its line breaks folded into spaces.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
