namespace Hybrid.Cli.Playground;

/// <summary>A request the playground refuses (a 400 whose message the page shows).</summary>
public sealed class PlaygroundInputException(string message) : Exception(message);
