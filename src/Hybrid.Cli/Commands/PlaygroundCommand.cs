using System.ComponentModel;
using System.Net.Sockets;
using Hybrid.Cli.Infrastructure;
using Hybrid.Cli.Playground;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Hybrid.Cli.Commands;

/// <summary>The options of <c>hybrid playground</c>.</summary>
public sealed class PlaygroundCommandSettings : CommandSettings
{
    /// <summary>The port on 127.0.0.1.</summary>
    [CommandOption("--port <PORT>")]
    [Description("The port on 127.0.0.1 (loopback only); 0 picks a free one.")]
    [DefaultValue(5005)]
    public int Port { get; init; } = 5005;

    /// <summary>The cap on sessions training at once.</summary>
    [CommandOption("--max-sessions <N>")]
    [Description("How many pages may train at once (each in its own task); the next one is refused with a message.")]
    [DefaultValue(4)]
    public int MaxSessions { get; init; } = 4;

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        Port is < 0 or > 65535 ? ValidationResult.Error($"--port: {Port} is outside [0, 65535].")
        : MaxSessions is < 1 or > 64 ? ValidationResult.Error($"--max-sessions: {MaxSessions} is outside [1, 64].")
        : ValidationResult.Success();
}

/// <summary><c>hybrid playground</c>: serves the playground page on loopback until Ctrl+C or SIGTERM (docs/playground.md).</summary>
public sealed class PlaygroundCommand(IAnsiConsole console) : AsyncCommand<PlaygroundCommandSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, PlaygroundCommandSettings settings, CancellationToken cancellationToken)
    {
        PlaygroundServer server;
        try
        {
            server = await PlaygroundServer.StartAsync(settings.Port, new PlaygroundLimits { MaxSessions = settings.MaxSessions }, cancellationToken);
        }
        catch (IOException e) when (e.InnerException is SocketException or null)
        {
            throw new UsageException($"--port: cannot listen on 127.0.0.1:{settings.Port} ({e.Message}); pass another port, or --port 0 for any free one.");
        }
        await using (server)
        {
            console.WriteLine($"Playground: {server.Url} (loopback only; at most {settings.MaxSessions} trainings at once). Ctrl+C or SIGTERM stops it.");
            // Ctrl+C cancels the command's token; SIGTERM reaches the web host's lifetime, which stops the server.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, server.Stopping);
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (stop.Token.Register(() => stopped.TrySetResult())) await stopped.Task;
            console.WriteLine("Playground stopped.");
        }
        return Program.Success;
    }
}
