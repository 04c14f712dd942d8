using Hybrid.Core.Interop;

namespace Hybrid;

/// <summary>
/// The kernel behind every matrix product (forward and backward passes alike): <c>"managed"</c>,
/// the library's own (the default: the same bits on every machine and with any thread count), or
/// <c>"openblas"</c>, OpenBLAS's <c>cblas_dgemm</c> when the system has <c>libopenblas.so.0</c>
/// (Debian: <c>libopenblas0-pthread</c>). The environment variable <c>HYBRID_BACKEND</c>
/// (<c>managed</c> or <c>openblas</c>), read at the first product, or <see cref="Use(string)"/>
/// choose one. See docs/performance.md.
/// </summary>
public static class Backend
{
    /// <summary>The backend in force: <c>"managed"</c> or <c>"openblas"</c>.</summary>
    /// <exception cref="InvalidOperationException">HYBRID_BACKEND names an unknown backend, or
    /// <c>openblas</c> where the library is absent (the message names the allowed values or the missing file).</exception>
    public static string Current => Backends.Name;

    /// <summary>Whether <c>libopenblas.so.0</c> loads on this system, so that <c>Use("openblas")</c> succeeds.</summary>
    public static bool OpenBlasAvailable => Backends.OpenBlasAvailable;

    /// <summary>Forces a backend for the rest of the process, overriding HYBRID_BACKEND.</summary>
    /// <param name="name"><c>"managed"</c> or <c>"openblas"</c> (case-insensitive).</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a backend, or is
    /// <c>"openblas"</c> where <c>libopenblas.so.0</c> is absent.</exception>
    public static void Use(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Backends.Use(name);
    }

    /// <summary>How many threads the managed kernel may use, ≥ 1 (default: the processor count).
    /// Results do not depend on it, bit for bit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public static int Threads
    {
        get => Backends.Threads;
        set => Backends.Threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, "Threads must be at least 1.");
    }
}
