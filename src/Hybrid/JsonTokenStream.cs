using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>
/// JSON tokens pulled one at a time from a stream through a fixed 64 KiB buffer
/// (<see cref="Utf8JsonReader"/> resumed with its <see cref="JsonReaderState"/>), so reading never
/// holds more than the buffer plus the current token. No single token (a string, a number, a
/// property name) may be longer than the buffer. Every failure is an
/// <see cref="InvalidDataException"/> whose message quotes at most <see cref="QuoteChars"/>
/// characters of the input, with control characters escaped (docs/model-format.md).
/// </summary>
internal sealed class JsonTokenStream
{
    /// <summary>The buffer size, and so the longest token accepted.</summary>
    internal const int BufferBytes = 1 << 16;

    /// <summary>Strings and property names up to this many bytes are decoded; longer ones only quoted.</summary>
    internal const int MaxTextBytes = 256;

    /// <summary>The most characters of any value read that a message quotes (<see cref="Excerpt"/>).</summary>
    internal const int QuoteChars = Excerpt.QuoteChars;

    /// <summary>The deepest nesting accepted (the model format needs 6).</summary>
    internal const int MaxDepth = 16;

    private readonly Stream _source;
    private readonly long _maxBytes;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private int _start, _end;           // the unconsumed bytes are _buffer[_start.._end)
    private long _bufferOffset;         // file offset of _buffer[0]
    private bool _final;                // the source has no more bytes
    private bool _bomChecked;
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = MaxDepth });
    private int _tokenStart, _tokenLength;
    private string? _lastKey;           // the last property name read, for messages

    /// <summary>Reads from <paramref name="source"/>, refusing more than <paramref name="maxBytes"/> bytes.</summary>
    internal JsonTokenStream(Stream source, long length, long maxBytes)
    {
        _source = source;
        Length = length;
        _maxBytes = maxBytes;
    }

    /// <summary>The source's length in bytes as known when it was opened.</summary>
    internal long Length { get; }

    /// <summary>The current token.</summary>
    internal JsonTokenType Type { get; private set; }

    /// <summary>The file offset where the current token starts.</summary>
    internal long TokenPosition { get; private set; }

    /// <summary>Bytes after the current token (by the length known at open).</summary>
    internal long Remaining => Math.Max(0, Length - (_bufferOffset + _start));

    /// <summary>The current number, if it is one and fits a double (NaN otherwise: JSON has no NaN).</summary>
    internal double Number { get; private set; }

    /// <summary>The current string or property name decoded, or null when it is longer than <see cref="MaxTextBytes"/>.</summary>
    internal string? Text { get; private set; }

    /// <summary>Moves to the next token; fails at the end of the input.</summary>
    internal JsonTokenType Next()
    {
        if (!TryNext()) throw Fail("the text ends early (truncated?)");
        return Type;
    }

    /// <summary>Moves to the next token; false at the end of a complete document.</summary>
    internal bool TryNext()
    {
        while (true)
        {
            SkipWhitespace();
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
            bool read;
            try { read = reader.Read(); }
            catch (JsonException e) { throw Fail($"the text is not valid JSON (truncated or corrupted?) near byte {_bufferOffset + _start + e.BytePositionInLine}: {Excerpt.Quote(e.Message, 160)}"); }
            if (read)
            {
                Capture(ref reader);
                _start += (int)reader.BytesConsumed;
                _state = reader.CurrentState;
                return true;
            }
            if (_final) return false;
            Refill();
        }
    }

    private void Capture(ref Utf8JsonReader reader)
    {
        Type = reader.TokenType;
        TokenPosition = _bufferOffset + _start + reader.TokenStartIndex;
        _tokenStart = _start + (int)reader.TokenStartIndex;
        _tokenLength = (int)(reader.BytesConsumed - reader.TokenStartIndex);
        Text = null;
        Number = double.NaN;
        switch (Type)
        {
            case JsonTokenType.Number:
                if (reader.TryGetDouble(out var v)) Number = v;
                break;
            case JsonTokenType.String or JsonTokenType.PropertyName:
                if (!reader.ValueIsEscaped && Interned(reader.ValueSpan) is { } known) Text = known;
                else if (reader.ValueSpan.Length <= MaxTextBytes)
                {
                    try { Text = reader.GetString(); }
                    catch (InvalidOperationException) { throw Fail("a string is not valid UTF-8 or has a bad escape"); }
                }
                if (Type == JsonTokenType.PropertyName) _lastKey = Text;
                break;
        }
    }

    // The keys and names of the model format, returned without allocating a string each time
    // (a file of many small layers would otherwise allocate several strings per layer); the
    // activations' file names come from the core's registry.
    private static readonly string[] Names =
    [
        "format", "version", "inputs", "layers", "type", "activation", "parameter", "weights", "biases", "pieces", "rate",
        "hybrid-network", "dense", "dropout", "maxout", .. Activations.FileNames,
    ];
    private static readonly byte[][] NamesUtf8 = Array.ConvertAll(Names, Encoding.UTF8.GetBytes);

    private static string? Interned(ReadOnlySpan<byte> raw)
    {
        if (raw.Length > 16) return null;
        for (int i = 0; i < NamesUtf8.Length; i++)
            if (raw.SequenceEqual(NamesUtf8[i])) return Names[i];
        return null;
    }

    /// <summary>The current number as an int, if it is an integer in range.</summary>
    internal bool TryGetInt32(out int value) =>
        Utf8Parser.TryParse(_buffer.AsSpan(_tokenStart, _tokenLength), out value, out int used) && used == _tokenLength;

    /// <summary>Skips the value that starts at the current token (all of an object or array).</summary>
    internal void SkipValue()
    {
        if (Type is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
        int depth = 1;
        while (depth > 0)
        {
            switch (Next())
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray: depth++; break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray: depth--; break;
            }
        }
    }

    /// <summary>The current token quoted for a message: at most <see cref="QuoteChars"/> characters, control characters escaped.</summary>
    internal string Quoted()
    {
        if (Text is not null) return Excerpt.Quote(Text, QuoteChars);
        var raw = _buffer.AsSpan(_tokenStart, Math.Min(_tokenLength, 4 * QuoteChars));
        var text = Encoding.UTF8.GetString(raw);
        if (Type is JsonTokenType.String or JsonTokenType.PropertyName) text = text.Trim('"');
        return Excerpt.Quote(text, QuoteChars) + (_tokenLength > raw.Length ? $" ({_tokenLength} bytes)" : "");
    }

    /// <summary>An InvalidDataException for the current position.</summary>
    internal InvalidDataException Fail(string message) => new(message);

    // JSON whitespace between tokens is skipped here, so a long run of it never fills the buffer.
    private void SkipWhitespace()
    {
        while (true)
        {
            while (_start < _end && _buffer[_start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') _start++;
            if (_start < _end || _final) return;
            Refill();
        }
    }

    private void Refill()
    {
        if (_start == 0 && _end == _buffer.Length)
            throw Fail($"a single value is longer than {BufferBytes} bytes at byte {_bufferOffset}"
                + (_lastKey is null ? "" : $" (after the key {Excerpt.Quote(_lastKey)})") + $": {Excerpt.Quote(Encoding.UTF8.GetString(_buffer, 0, 4 * QuoteChars))}");
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _bufferOffset += _start;
            _end -= _start;
            _tokenStart -= _start;
            _start = 0;
        }
        int n = _source.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0) { _final = true; return; }
        if (_bufferOffset + _end + n > _maxBytes)
            throw Fail($"the input is longer than the limit of {_maxBytes} bytes (ModelLimits.MaxFileBytes)");
        if (!_bomChecked && _bufferOffset == 0)
        {
            // A leading UTF-8 byte order mark (EF BB BF), as some editors write, is skipped once.
            if (_end + n < 3 && n > 0) { _end += n; return; }
            _bomChecked = true;
            _end += n;
            if (_buffer.AsSpan(0, _end).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) _start = 3;
            return;
        }
        _end += n;
    }
}
