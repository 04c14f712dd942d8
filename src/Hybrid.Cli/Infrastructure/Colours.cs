using Spectre.Console;

namespace Hybrid.Cli.Infrastructure;

/// <summary>The global option <c>--colours</c> (or <c>--colors</c>), accepted anywhere on the command line, and turning colours off.</summary>
internal static class Colours
{
    /// <summary>One value of --colours: its spellings, what it means (null: decide from the terminal and NO_COLOR), and how messages show it.</summary>
    private sealed record Mode(string[] Spellings, bool? Colours, string Shown);

    /// <summary>The values --colours takes: the one table the parser and its message read.</summary>
    private static readonly Mode[] Modes =
    [
        new(["0", "no", "never", "off", "false"], false, "0 (no colours)"),
        new(["1", "yes", "always", "on", "true"], true, "1"),
        new(["auto"], null, "auto"),
    ];

    /// <summary>Removes <c>--colours VALUE</c> (or <c>--colours=VALUE</c>) from the command line and returns what it said: false (0, no, never, off, false), true (1, yes, always, on, true) or null (absent, or auto).</summary>
    public static (string[] Args, bool? Colours) Take(string[] args)
    {
        var rest = new List<string>(args.Length);
        bool? colours = null;
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string? value;
            if (a is "--colours" or "--colors")
            {
                if (i + 1 >= args.Length) throw new UsageException($"{a}: give 0 (no colours), 1 or auto.");
                value = args[++i];
            }
            else if (a.StartsWith("--colours=", StringComparison.Ordinal) || a.StartsWith("--colors=", StringComparison.Ordinal))
                value = a[(a.IndexOf('=') + 1)..];
            else
            {
                rest.Add(a);
                continue;
            }
            var mode = Modes.FirstOrDefault(m => m.Spellings.Contains(value.ToLowerInvariant()))
                ?? throw new UsageException($"--colours: '{value}' is not one of {string.Join(", ", Modes.Select(m => m.Shown))}.");
            colours = mode.Colours;
        }
        return ([.. rest], colours);
    }

    /// <summary>Draws no colour and no other escape code (bold, links) on <paramref name="console"/>.</summary>
    public static void Disable(IAnsiConsole console)
    {
        console.Profile.Capabilities.Ansi = false;
        console.Profile.Capabilities.ColorSystem = ColorSystem.NoColors;
        console.Profile.Capabilities.Links = false;
    }
}
