using System.Text;

namespace Hybrid;

/// <summary>
/// How every reader of outside input (model files, ONNX files, CSV files, the CLI, the playground)
/// quotes what it read in a message (docs/model-format.md "Limits and policies"): at most a few
/// dozen characters, then the length; control characters, quotes and line separators escaped, so
/// that a hostile value can neither flood a message nor forge a log line.
/// </summary>
internal static class Excerpt
{
    /// <summary>The most characters of any value read that a message quotes.</summary>
    internal const int QuoteChars = 40;

    /// <summary>The most characters of another component's message (a parser's, which may hold input) that a message quotes.</summary>
    internal const int MessageChars = 300;

    /// <summary>A JSON-style quoted excerpt of a text: at most <paramref name="max"/> characters, control characters, quotes and line separators escaped, and the full length after a cut.</summary>
    internal static string Quote(string text, int max = QuoteChars)
    {
        var s = new StringBuilder("\"");
        int n = Math.Min(text.Length, max);
        for (int i = 0; i < n; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '"': s.Append("\\\""); break;
                case '\r': s.Append("\\r"); break;
                case '\n': s.Append("\\n"); break;
                case '\t': s.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\u0085') s.Append($"\\u{(int)c:x4}");
                    else s.Append(c);
                    break;
            }
        }
        s.Append('"');
        if (text.Length > max) s.Append($"… ({text.Length} characters)");
        return s.ToString();
    }
}
