using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Cli.Playground;

/// <summary>
/// The routes: the page, the options, and per session create / command / pace / events / gradient check /
/// code / end. Refusals are JSON <c>{"error": "..."}</c>: 400 bad settings, 404 no such session,
/// 409 a second event stream, 429 the cap on sessions. No route does any math: they call
/// <see cref="Session"/>, <see cref="Experiment"/> and the façade.
/// </summary>
internal static class Endpoints
{
    /// <summary>camelCase JSON; NaN and ±∞ written as strings rather than failing.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // JSON for the page's fetch, never inlined into HTML: keep quotes readable in messages.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, Json, statusCode: status);

    /// <summary>Maps every route on the app.</summary>
    public static void Map(WebApplication app, SessionRegistry sessions)
    {
        foreach (var (path, (resource, type)) in PageResources.Files)
        {
            var bytes = PageResources.Read(resource);
            app.MapGet(path, () => Results.Bytes(bytes, type));
        }

        app.MapGet("/api/options", () => Results.Json(new
        {
            dataSets = Choices.DataSets,
            preprocessings = Choices.Preprocessings,
            activations = Choices.Activations.Keys,
            outputs = Choices.Outputs.Keys,
            initializers = Choices.Initializers.Keys,
            optimizers = Choices.Optimizers.Keys,
            precisions = Choices.Precisions,
            defaults = new PlaygroundSettings(),
            presets = Presets.All,
            limits = sessions.Limits,
        }, Json));

        app.MapPost("/api/sessions", async (HttpRequest request) =>
        {
            PlaygroundSettings? settings;
            try
            {
                // The body is at most Kestrel's MaxRequestBodySize (64 KiB).
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
                var json = body.GetBuffer().AsMemory(0, (int)body.Length);
                if (RepeatedKey(json.Span) is { } repeated) return Error(400, $"The settings have the key {Excerpt.Quote(repeated)} more than once; give each setting once.");
                settings = JsonSerializer.Deserialize<PlaygroundSettings>(json.Span, Json);
            }
            catch (JsonException e) { return Error(400, "The settings are not valid JSON of the expected shape: " + Excerpt.Quote(e.Message, Excerpt.MessageChars)); }
            if (settings is null) return Error(400, "No settings were sent.");
            Session? session;
            try { session = sessions.TryStart(settings); }
            catch (PlaygroundInputException e) { return Error(400, e.Message); }
            catch (ArgumentException e) { return Error(400, e.Message); }
            if (session is null)
                return Error(429, $"The playground trains at most {sessions.Limits.MaxSessions} sessions at once; close another page or try again in a minute.");
            return Results.Json(new { id = session.Id, points = session.Points, explain = Explanations.For(settings), code = CSharpCode.For(settings, 0) }, Json, statusCode: 201);
        });

        // The pace is not a restart: the run goes on at the new pace (a literal segment, so it takes precedence over {command}).
        app.MapPost("/api/sessions/{id}/pace", (string id, string? epochsPerSecond) =>
            WithSession(sessions, id, s =>
            {
                int pace;
                if (epochsPerSecond == "max") pace = PlaygroundSettings.MaxPace;
                else if (!int.TryParse(epochsPerSecond, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out pace))
                    return Error(400, $"pace: give ?epochsPerSecond=N with N in [1, {sessions.Limits.MaxPace}], or max (got {(epochsPerSecond is null ? "nothing" : Excerpt.Quote(epochsPerSecond))}).");
                try { s.SetPace(pace); }
                catch (PlaygroundInputException e) { return Error(400, e.Message); }
                return Results.NoContent();
            }));

        app.MapPost("/api/sessions/{id}/{command}", (string id, string command) =>
        {
            if (command == "gradient-check")
                return WithSession(sessions, id, s => s.Current.Network.ParameterCount > GradientCheckReport.MaxParameters
                    ? Error(400, $"The gradient check costs two loss evaluations per parameter: it runs on networks of at most {GradientCheckReport.MaxParameters} parameters (this one has {s.Current.Network.ParameterCount}).")
                    : Results.Json(GradientCheckReport.Of(s, sessions.Limits.GradientCheckRows), Json));
            return WithSession(sessions, id, s => s.Command(command) ? Results.NoContent() : Error(400, $"Unknown command {Excerpt.Quote(command)}; use play, pause, step, reset or gradient-check."));
        });

        app.MapGet("/api/sessions/{id}/code", (string id) =>
            WithSession(sessions, id, s => { var (run, _, epoch) = s.Current; return Results.Text(CSharpCode.For(run.Settings, epoch), "text/plain; charset=utf-8"); }));

        app.MapDelete("/api/sessions/{id}", async (string id) =>
        {
            if (sessions.Find(id) is null)
                // Ending a session that has just ended (its page closed the event stream first) is done: 204, as a DELETE may repeat.
                return sessions.EndedRecently(id) ? Results.NoContent() : Error(404, $"No session {Excerpt.Quote(id)} (it ended or never existed).");
            await sessions.EndAsync(id);
            return Results.NoContent();
        });

        app.MapGet("/api/sessions/{id}/events", (string id, HttpContext context) => Events.StreamAsync(id, context, sessions));
    }

    /// <summary>
    /// The first key that an object of the JSON repeats (compared as the settings bind them: ignoring
    /// case), or null. The settings are read case-insensitively, so a repeated key would otherwise
    /// silently keep its last value.
    /// </summary>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    internal static string? RepeatedKey(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var objects = new Stack<HashSet<string>?>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: objects.Push(new HashSet<string>(StringComparer.OrdinalIgnoreCase)); break;
                case JsonTokenType.StartArray: objects.Push(null); break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray: objects.Pop(); break;
                case JsonTokenType.PropertyName:
                    var key = reader.GetString()!;
                    if (!objects.Peek()!.Add(key)) return key;
                    break;
            }
        }
        return null;
    }

    private static IResult WithSession(SessionRegistry sessions, string id, Func<Session, IResult> action)
    {
        var session = sessions.Find(id);
        if (session is null) return Error(404, $"No session {Excerpt.Quote(id)} (it ended or never existed: reload the page).");
        session.Touch();
        return action(session);
    }
}
