using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Cli.Playground;

/// <summary>
/// The playground's web server: Kestrel on the loopback address only, the routes of
/// <see cref="Endpoints"/>, and the <see cref="SessionRegistry"/> that bounds the trainings.
/// </summary>
public sealed class PlaygroundServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SessionRegistry _sessions;

    private PlaygroundServer(WebApplication app, SessionRegistry sessions, Uri url)
    {
        _app = app;
        _sessions = sessions;
        Url = url;
    }

    /// <summary>Where the page is, e.g. http://127.0.0.1:5005/.</summary>
    public Uri Url { get; }

    /// <summary>Cancelled when the host is asked to stop: SIGTERM (the host's console lifetime handles it) or <see cref="DisposeAsync"/>.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>The live sessions and their counts of events (the tests wait on them).</summary>
    internal SessionRegistry Sessions => _sessions;

    /// <summary>Sessions alive now.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>Sessions ended so far.</summary>
    public int EndedSessions => _sessions.Ended;

    /// <summary>Ended sessions whose training task had failed with an unexpected exception (0 expected).</summary>
    public int FaultedSessions => _sessions.Faulted;

    /// <summary>Starts the server on 127.0.0.1.</summary>
    /// <param name="port">The port, 0 for any free one.</param>
    /// <param name="limits">The bounds (default <see cref="PlaygroundLimits"/>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    public static async Task<PlaygroundServer> StartAsync(int port, PlaygroundLimits? limits = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = 64 * 1024;
        });
        var app = builder.Build();
        var sessions = new SessionRegistry(limits ?? new PlaygroundLimits());
        app.Use(async (context, next) =>
        {
            // Never a crash and never a stack trace: an unexpected error is a 500 with its message.
            try { await next(context); }
            catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
            {
                context.Response.StatusCode = e is BadHttpRequestException bad ? bad.StatusCode : 500;
                await context.Response.WriteAsJsonAsync(new { error = e.Message }, Endpoints.Json);
            }
        });
        Endpoints.Map(app, sessions);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PlaygroundServer(app, sessions, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Ends every session (cancelling their trainings) and stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _sessions.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
