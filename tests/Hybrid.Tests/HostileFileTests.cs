using System.Text;

namespace Hybrid.Tests;

/// <summary>
/// A hostile model file cannot block, exhaust memory, forge log lines or
/// slip a duplicated key past the loader (docs/model-format.md "Limits and policies").
/// </summary>
public sealed class HostileFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hybrid-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Head = """{"format":"hybrid-network","version":1,"inputs":2,"layers":[""";
    private const string Dense = """{"type":"dense","activation":"relu","weights":[[1],[2]],"biases":[0]}""";

    [Theory]
    [InlineData("""{"format":"hybrid-network","version":1,"version":1,"inputs":2,"layers":[{"type":"dense","activation":"relu","weights":[[1],[2]],"biases":[0]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":3,"inputs":2,"layers":[{"type":"dense","activation":"relu","weights":[[1],[2]],"biases":[0]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dense","activation":"relu","activation":"tanh","weights":[[1],[2]],"biases":[0]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dense","activation":"relu","weights":[[1],[2]],"biases":[0],"biases":[1]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"extra":1,"extra":2,"layers":[{"type":"dense","activation":"relu","weights":[[1],[2]],"biases":[0]}]}""")]
    [InlineData("""{"format":"hybrid-network","version":1,"inputs":2,"layers":[{"type":"dense","activation":"relu","weights":[[1],[2]],"biases":[0]}],"layers":[]}""")]
    public void A_duplicated_key_is_refused_and_named(string json)
    {
        var e = Assert.Throws<InvalidDataException>(() => Network.FromJson(json));
        Assert.Contains("more than once", e.Message);
    }

    [Fact]
    public void The_issues_duplicated_version_no_longer_loads()
    {
        // The issue's case: "version":2 then "version":1 loaded as version 1 (last one won).
        var json = """{"format":"hybrid-network","version":2,"version":1,"inputs":2,"layers":[""" + Dense + "]}";
        Assert.Throws<InvalidDataException>(() => Network.FromJson(json));
    }

    [Fact]
    public void A_huge_activation_name_is_quoted_short_with_control_characters_escaped()
    {
        var name = "evil\\r\\nINFO forged log line\\t" + new string('x', 1 << 20);
        var json = Head + Dense.Replace("relu", name) + "]}";
        var e = Assert.Throws<InvalidDataException>(() => Network.FromJson(json));
        Assert.True(e.Message.Length < 400, $"message of {e.Message.Length} characters");
        Assert.DoesNotContain('\r', e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\t', e.Message);
    }

    [Fact]
    public void A_short_unknown_name_with_control_characters_is_quoted_escaped()
    {
        var json = Head + Dense.Replace("relu", "re\\r\\nlu") + "]}";
        var e = Assert.Throws<InvalidDataException>(() => Network.FromJson(json));
        Assert.Contains("\"re\\r\\nlu\"", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_huge_string_in_an_ignored_field_is_refused_without_holding_it()
    {
        var path = Path.Combine(_dir, "padded.json");
        using (var w = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            w.Write("""{"format":"hybrid-network","version":1,"inputs":2,"padding":" """);
            var chunk = new string('a', 1 << 16);
            for (int i = 0; i < 256; i++) w.Write(chunk);   // 16 MiB
            w.Write("\"," + "\"layers\":[" + Dense + "]}");
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Network.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("padding", e.Message);
        Assert.True(allocated < 2 << 20, $"allocated {allocated} bytes for a 16 MiB string");
    }

    [UnixFact("no mkfifo; Windows pipes live outside the file system")]
    public async Task A_named_pipe_is_refused_without_blocking()
    {
        var fifo = Path.Combine(_dir, "pipe.json");
        await NamedPipes.Make(fifo);
        var load = Task.Run(() => Network.Load(fifo));
        bool finished = await NamedPipes.EndsWithoutAWriter(load, fifo);
        Assert.True(finished, "Load blocked on a named pipe");
        var e = await Assert.ThrowsAsync<ArgumentException>(() => load);
        Assert.Equal("path", e.ParamName);
        Assert.Contains("not a regular file", e.Message);
    }

    [UnixTheory("devices under /dev")]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    [InlineData("/dev/null")]
    public void A_device_is_refused_at_once(string device)
    {
        Assert.True(File.Exists(device), $"{device} is missing: every Unix system has it");
        // Refused by the file-kind check, before any read (reading /dev/zero would never end): the message says so.
        var e = Assert.Throws<ArgumentException>(() => Network.Load(device));
        Assert.Equal("path", e.ParamName);
        Assert.Contains("not a regular file", e.Message);
    }
}
