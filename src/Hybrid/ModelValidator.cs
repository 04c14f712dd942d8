using System.Text.Json;

namespace Hybrid;

// The model file's validation while it is read: every number finite, every declared size checked
// against what an array can hold and against the bytes that remain, before anything is allocated.
// The reader's grammar (ModelReader.cs) calls these as it goes: the file is streamed, so validation
// happens where each value is met, and every failure names its place (layer, piece, field).
internal static partial class ModelFormat
{
    private sealed partial class ModelReader
    {
        private double ReadFinite(int l, string what)
        {
            if (json.Next() != JsonTokenType.Number) throw json.Fail($"layer {l} {what} must be a number.");
            return Finite() ?? throw NotFinite($"layer {l} {what}");
        }

        // The current number if finite, else null; the caller builds its message only then
        // (no closure or string per number read).
        private double? Finite() => double.IsFinite(json.Number) ? json.Number : null;

        private InvalidDataException NotFinite(string where) => json.Fail($"{where} must be a finite number but is {json.Quoted()}.");

        private static string Name(int l, int piece, string field) => piece < 0 ? $"layer {l} {field}" : $"layer {l} piece {piece} {field}";

        /// <summary>Fails unless <paramref name="count"/> more numbers can fit in what remains of the file (each takes ≥ 2 bytes, "0,").</summary>
        private void CheckRoom(long count, int l, int piece, string field)
        {
            if (count > Array.MaxLength)
                throw json.Fail($"{Name(l, piece, field)} would hold {count} numbers, more than an array can ({Array.MaxLength}).");
            if (count > 0 && 2 * (count - 1) > json.Remaining)
                throw json.Fail($"{Name(l, piece, field)} declares {count} more numbers but only {json.Remaining} bytes remain (truncated or corrupted?).");
        }
    }
}
