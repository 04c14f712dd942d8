using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Cli.Playground;

/// <summary>
/// The server-sent event stream of one session: one <c>data:</c> line of JSON per <see cref="Frame"/>.
/// The page going away (the request aborted) ends the session and its training.
/// </summary>
internal static class Events
{
    /// <summary>Streams the session's frames until the page goes away, then ends the session.</summary>
    public static async Task StreamAsync(string id, HttpContext context, SessionRegistry sessions)
    {
        var session = sessions.Find(id);
        if (session is null || !session.TryBeginStreaming())
        {
            context.Response.StatusCode = session is null ? 404 : 409;
            await context.Response.WriteAsJsonAsync(new { error = session is null ? $"No session '{id}'." : "This session already has a page listening." }, Endpoints.Json);
            return;
        }
        var aborted = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        try
        {
            await context.Response.WriteAsync(": stream open\n\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
            await foreach (var frame in session.Frames.ReadAllAsync(aborted))
            {
                session.Touch();
                await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(frame, Endpoints.Json) + "\n\n", aborted);
                await context.Response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested) { /* the page went away */ }
        finally
        {
            session.EndStreaming();
            await sessions.EndAsync(id);
        }
    }
}
